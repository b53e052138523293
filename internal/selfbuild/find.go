package selfbuild

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ModulePath is the workshop's Go module.
const ModulePath = "github.com/breakthemonolith/workshop"

// DefaultReleaseURL is where the workshop's releases keep their files:
// DefaultReleaseURL/v1.2.3/checksums.txt (GoReleaser's layout on GitHub).
const DefaultReleaseURL = "https://github.com/breakthemonolith/workshop/releases/download"

// Options say which executable is wanted and where it may come from.
type Options struct {
	// OS and Arch are the platform the executable must run on (linux,
	// amd64).
	OS, Arch string
	// Executable is the running workshop's file (os.Executable), and
	// HostOS and HostArch the platform it was built for (runtime.GOOS,
	// runtime.GOARCH).
	Executable       string
	HostOS, HostArch string
	// Version is this build's release version (v1.2.3), empty for a
	// development build: none has been published.
	Version string
	// Dir is the working folder: when it is in a checkout of the workshop's
	// source, that source is built.
	Dir string
	// Go is the go command, empty when Go is not installed.
	Go string
	// ReleaseURL is where the releases' files are (DefaultReleaseURL); HTTP
	// fetches them.
	ReleaseURL string
	HTTP       *http.Client
	// TempDir holds what is built or downloaded; the caller removes it.
	TempDir string
}

// Binary is an executable of the workshop for the wanted platform.
type Binary struct {
	// Path is the file.
	Path string
	// From says where it came from, for the user: "this workshop
	// executable", "built from the source in DIR with Go", ...
	From string
}

// ErrNone is wrapped by Find's error when no way gave an executable.
var ErrNone = errors.New("no workshop executable for the platform")

// source is one way to get the executable: it returns a Binary, or why it
// could not (errSkip-wrapped when the way does not apply).
type source func(ctx context.Context, o Options) (Binary, error)

// errSkip marks a way that does not apply here (no Go, no version): its
// reason is still told when none works.
var errSkip = errors.New("does not apply")

// Find returns the first executable the ways of the package doc give, or
// an error that wraps ErrNone and says why each way failed.
func Find(ctx context.Context, o Options) (Binary, error) {
	var reasons []string
	for _, way := range []source{running, fromSource, fromRelease, goInstall} {
		b, err := way(ctx, o)
		if err == nil {
			return b, nil
		}
		if ctx.Err() != nil {
			return Binary{}, ctx.Err()
		}
		reasons = append(reasons, strings.TrimSuffix(err.Error(), ": "+errSkip.Error()))
	}
	return Binary{}, fmt.Errorf("%w %s/%s: %s", ErrNone, o.OS, o.Arch, strings.Join(reasons, "; "))
}
