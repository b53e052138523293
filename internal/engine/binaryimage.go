package engine

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// BinaryImage is an image that holds one static executable and runs it, as
// a Dockerfile of FROM scratch, COPY and ENTRYPOINT would build.
type BinaryImage struct {
	// Executable is the file on this machine.
	Executable string
	// Entrypoint is its path in the image, such as /workshop.
	Entrypoint string
	// OS and Arch are the platform it runs on (linux, amd64); Variant is
	// the CPU variant, if any.
	OS, Arch, Variant string
}

// UploadBinary makes the image bin describes and writes it to the registry
// as ref (REGISTRY/REPOSITORY:TAG), from this process: no Docker engine
// takes part. The image is reproducible: the same executable gives the
// same digest. It returns that digest; errors are worded as Upload's.
func UploadBinary(ctx context.Context, ref string, bin BinaryImage, opts UploadOptions, report func(workshop.Event)) (string, error) {
	op := "upload " + ref
	tag, err := parseTag(op, ref, opts)
	if err != nil {
		return "", err
	}
	img, err := binaryImage(bin)
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	return writeImage(ctx, op, ref, tag, img, opts, reporter(report))
}

// binaryImage builds the image of bin: one layer with the executable, a
// configuration naming the platform and the entry point.
func binaryImage(bin BinaryImage) (v1.Image, error) {
	info, err := os.Stat(bin.Executable)
	if err != nil {
		return nil, fmt.Errorf("read the executable: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("read the executable: %s is not a file", bin.Executable)
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return fileTar(bin.Executable, bin.Entrypoint, info.Size())
	})
	if err != nil {
		return nil, fmt.Errorf("make the image's layer: %w", err)
	}
	cfg := &v1.ConfigFile{
		OS:           bin.OS,
		Architecture: bin.Arch,
		Variant:      bin.Variant,
		Config:       v1.Config{Entrypoint: []string{bin.Entrypoint}},
		RootFS:       v1.RootFS{Type: "layers"},
	}
	base, err := mutate.ConfigFile(empty.Image, cfg)
	if err != nil {
		return nil, fmt.Errorf("make the image's configuration: %w", err)
	}
	img, err := mutate.Append(base, mutate.Addendum{Layer: layer, History: v1.History{CreatedBy: "COPY " + path.Base(bin.Entrypoint) + " " + bin.Entrypoint}})
	if err != nil {
		return nil, fmt.Errorf("add the executable to the image: %w", err)
	}
	return img, nil
}

// fileTar streams a tar archive holding the file at src, size bytes, as
// the executable dst (root's, mode 0755, dated the Unix epoch so that the
// layer's digest depends on the content only).
func fileTar(src, dst string, size int64) (io.ReadCloser, error) {
	f, err := os.Open(src)
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	go func() {
		defer f.Close()
		tw := tar.NewWriter(pw)
		hdr := &tar.Header{Name: strings.TrimLeft(dst, "/"), Mode: 0o755, Size: size, ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		err := tw.WriteHeader(hdr)
		if err == nil {
			var n int64
			n, err = io.Copy(tw, f)
			if err == nil && n != size {
				err = fmt.Errorf("%s changed while it was read (%d bytes, not %d)", src, n, size)
			}
		}
		if err == nil {
			err = tw.Close()
		}
		pw.CloseWithError(err)
	}()
	return pr, nil
}
