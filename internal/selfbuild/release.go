package selfbuild

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// pseudoVersion matches a Go pseudo-version's tail (-20261204084417-fae27acd1234):
// a commit that no release names.
var pseudoVersion = regexp.MustCompile(`\d{14}-[0-9a-f]{12}$`)

// maxArchive bounds a release archive's download (they are about 20 MB).
const maxArchive = 200 << 20

// fromRelease downloads this version's release archive for the platform
// (GoReleaser's workshop_VERSION_OS_ARCH.tar.gz), checks it against the
// release's checksums.txt and takes the executable out of it.
func fromRelease(ctx context.Context, o Options) (Binary, error) {
	if o.Version == "" {
		return Binary{}, fmt.Errorf("a development build has no release to download: %w", errSkip)
	}
	if pseudoVersion.MatchString(o.Version) {
		return Binary{}, fmt.Errorf("%s is a commit, not a release: %w", o.Version, errSkip)
	}
	base := strings.TrimSuffix(o.ReleaseURL, "/") + "/" + o.Version + "/"
	archive := fmt.Sprintf("workshop_%s_%s_%s.tar.gz", strings.TrimPrefix(o.Version, "v"), o.OS, o.Arch)
	sums, err := fetch(ctx, o.HTTP, base+"checksums.txt", 1<<20)
	if err != nil {
		return Binary{}, fmt.Errorf("download release %s: %w", o.Version, err)
	}
	want, ok := checksum(sums, archive)
	if !ok {
		return Binary{}, fmt.Errorf("release %s has no %s", o.Version, archive)
	}
	data, err := fetch(ctx, o.HTTP, base+archive, maxArchive)
	if err != nil {
		return Binary{}, fmt.Errorf("download release %s: %w", o.Version, err)
	}
	if got := sha256.Sum256(data); hex.EncodeToString(got[:]) != want {
		return Binary{}, fmt.Errorf("download release %s: %s does not match the release's checksum: not used", o.Version, archive)
	}
	out := filepath.Join(o.TempDir, "workshop")
	if err := extract(data, "workshop", out); err != nil {
		return Binary{}, fmt.Errorf("release %s: %s: %w", o.Version, archive, err)
	}
	return Binary{Path: out, From: "release " + o.Version + " (" + base + archive + ")"}, nil
}

// fetch GETs url, up to limit bytes.
func fetch(ctx context.Context, c *http.Client, url string, limit int64) ([]byte, error) {
	if c == nil {
		c = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	res, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, res.Status)
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("GET %s: larger than %d bytes", url, limit)
	}
	return data, nil
}

// checksum finds file's SHA-256 in a checksums.txt ("HEX  NAME" lines).
func checksum(sums []byte, file string) (string, bool) {
	sc := bufio.NewScanner(bytes.NewReader(sums))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && strings.TrimPrefix(f[1], "*") == file && len(f[0]) == 64 {
			return strings.ToLower(f[0]), true
		}
	}
	return "", false
}

// extract writes the archive's regular file called name (at its top level)
// to out, executable.
func extract(tgz []byte, name, out string) error {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return fmt.Errorf("not a gzip archive: %w", err)
	}
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("no %s in it", name)
		}
		if err != nil {
			return fmt.Errorf("read it: %w", err)
		}
		if hdr.Typeflag != tar.TypeReg || strings.TrimPrefix(hdr.Name, "./") != name {
			continue
		}
		f, err := os.OpenFile(out, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, io.LimitReader(tr, maxArchive)); err != nil {
			f.Close()
			return fmt.Errorf("take %s out of it: %w", name, err)
		}
		return f.Close()
	}
}
