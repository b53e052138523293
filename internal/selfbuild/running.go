package selfbuild

import (
	"context"
	"debug/elf"
	"fmt"
)

// running is the running executable, when it was built for the wanted
// platform and links no C library (a FROM scratch image has none).
func running(_ context.Context, o Options) (Binary, error) {
	if o.HostOS != o.OS || o.HostArch != o.Arch {
		return Binary{}, fmt.Errorf("this workshop runs on %s/%s: %w", o.HostOS, o.HostArch, errSkip)
	}
	if o.Executable == "" {
		return Binary{}, fmt.Errorf("this workshop's executable is unknown: %w", errSkip)
	}
	if err := static(o.Executable); err != nil {
		return Binary{}, fmt.Errorf("this workshop's executable %s: %w", o.Executable, err)
	}
	return Binary{Path: o.Executable, From: "this workshop executable"}, nil
}

// static tells why the ELF executable at path cannot run alone, if it
// cannot: it asks for a dynamic loader.
func static(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("not a Linux executable: %w", err)
	}
	defer f.Close()
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return fmt.Errorf("not an executable (ELF type %s)", f.Type)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("linked dynamically (built with cgo), and an image FROM scratch has no C library")
		}
	}
	return nil
}
