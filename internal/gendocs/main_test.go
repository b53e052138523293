package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestRunWritesPagesAndCompletions(t *testing.T) {
	dir := t.TempDir()
	opts := options{Dir: dir, Version: "1.2.0", Date: time.Date(2026, 12, 4, 8, 44, 17, 0, time.UTC)}
	if err := run(opts); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"man/workshop.1":                {`"WORKSHOP" "1" "Dec 2026" "workshop 1.2.0"`},
		"man/workshop-run.1":            {"workshop run <step-id|module-N|all> [flags]"},
		"man/workshop-completion-zsh.1": {"completion"},
		"completions/workshop.bash":     {"__start_workshop"},
		"completions/workshop.zsh":      {"#compdef workshop"},
		"completions/workshop.fish":     {"complete -c workshop"},
		"completions/workshop.ps1":      {"Register-ArgumentCompleter"},
	}
	for name, texts := range want {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Error(err)
			continue
		}
		for _, s := range texts {
			if !strings.Contains(string(data), s) {
				t.Errorf("%s does not contain %q", name, s)
			}
		}
		if strings.Contains(string(data), "Auto generated") {
			t.Errorf("%s says when it was generated: a rebuild of the same commit would differ", name)
		}
	}
}

func TestParse(t *testing.T) {
	if _, err := parse([]string{"-date", "yesterday", "out"}, os.Stderr); err == nil || !strings.Contains(err.Error(), "RFC 3339") {
		t.Errorf("a bad -date: got %v, want an error naming RFC 3339", err)
	}
	if _, err := parse(nil, os.Stderr); err == nil {
		t.Error("no folder: got no error")
	}
}

// TestGoreleaserListsEveryManPage: the Homebrew cask installs the manual
// pages .goreleaser.yaml lists by name, so a new command's page must be
// added there.
func TestGoreleaserListsEveryManPage(t *testing.T) {
	config, err := os.ReadFile(filepath.Join("..", "..", ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s+- (man/[a-z-]+\.1)$`).FindAllStringSubmatch(string(config), -1) {
		listed[m[1]] = true
	}
	dir := t.TempDir()
	if err := run(options{Dir: dir, Version: "dev", Date: time.Now()}); err != nil {
		t.Fatal(err)
	}
	pages, err := filepath.Glob(filepath.Join(dir, "man", "*.1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		name := "man/" + filepath.Base(p)
		if !listed[name] {
			t.Errorf(".goreleaser.yaml's homebrew_casks manpages lack %s", name)
		}
		delete(listed, name)
	}
	for name := range listed {
		t.Errorf(".goreleaser.yaml lists %s, which gendocs does not write", name)
	}
}
