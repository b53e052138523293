package engine

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// contextExcludes reads dir/.dockerignore and returns its patterns, made
// to keep the Dockerfile and .dockerignore themselves, as the docker CLI
// does: the engine needs both, and drops them from the context when they
// were ignored.
func contextExcludes(dir, dockerfile string) ([]string, error) {
	f, err := os.Open(filepath.Join(dir, ".dockerignore"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	excludes, err := ignorefile.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("read .dockerignore: %w", err)
	}
	pm, err := patternmatcher.New(excludes)
	if err != nil {
		return nil, fmt.Errorf("read .dockerignore: %w", err)
	}
	for _, keep := range []string{".dockerignore", dockerfile} {
		if ignored, _ := pm.MatchesOrParentMatches(keep); ignored {
			excludes = append(excludes, "!"+keep)
		}
	}
	return excludes, nil
}

// writeContext writes the build context: a tar stream of every file,
// folder and symbolic link under dir that the exclude patterns (the
// .dockerignore syntax) do not exclude. Owners are root and times whole
// seconds, so the same files make the same stream and the engine's build
// cache hits.
func writeContext(w io.Writer, dir string, excludes []string) error {
	pm, err := patternmatcher.New(excludes)
	if err != nil {
		return fmt.Errorf("read .dockerignore: %w", err)
	}
	tw := tar.NewWriter(w)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		excluded, err := pm.MatchesOrParentMatches(rel)
		if err != nil {
			return fmt.Errorf("match %s against .dockerignore: %w", rel, err)
		}
		if excluded {
			if d.IsDir() && !mayKeepInside(pm, rel) {
				return filepath.SkipDir
			}
			return nil
		}
		return addToContext(tw, p, rel, d)
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

// mayKeepInside reports whether an exception pattern (!path) of pm could
// keep something inside the excluded folder dir, so that the walk must go
// into it. Like the docker CLI, it looks for exceptions that start with the
// folder's path.
func mayKeepInside(pm *patternmatcher.PatternMatcher, dir string) bool {
	if !pm.Exclusions() {
		return false
	}
	for _, p := range pm.Patterns() {
		if p.Exclusion() && strings.HasPrefix(filepath.ToSlash(p.String())+"/", dir+"/") {
			return true
		}
	}
	return false
}

// addToContext writes one entry, named rel inside the context, to tw.
func addToContext(tw *tar.Writer, p, rel string, d fs.DirEntry) error {
	info, err := d.Info()
	if err != nil {
		return err
	}
	var link string
	switch {
	case info.Mode().IsRegular(), info.IsDir():
	case info.Mode()&fs.ModeSymlink != 0:
		if link, err = os.Readlink(p); err != nil {
			return err
		}
	default:
		return nil // sockets, devices and pipes cannot be copied into an image
	}
	h, err := tar.FileInfoHeader(info, link)
	if err != nil {
		return fmt.Errorf("pack %s: %w", rel, err)
	}
	h.Name = rel
	if info.IsDir() {
		h.Name = path.Clean(rel) + "/"
	}
	h.Uid, h.Gid, h.Uname, h.Gname = 0, 0, "", ""
	h.ModTime = h.ModTime.Truncate(time.Second)
	h.AccessTime, h.ChangeTime = time.Time{}, time.Time{}
	if err := tw.WriteHeader(h); err != nil {
		return fmt.Errorf("pack %s: %w", rel, err)
	}
	if !info.Mode().IsRegular() {
		return nil
	}
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := io.Copy(tw, f); err != nil {
		return fmt.Errorf("pack %s: %w", rel, err)
	}
	return nil
}
