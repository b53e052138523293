// Command gendocs writes what a release ships beside the workshop binary,
// generated from its cobra command tree: the manual pages (man/*.1) and the
// shell completions (completions/workshop.bash, .zsh, .fish, .ps1).
//
// It is a program of its own, run by GoReleaser's before hook
// (.goreleaser.yaml), so that cobra/doc and its Markdown-to-roff converter
// stay out of the workshop binary:
//
//	go run ./internal/gendocs -version 1.2.0 -date 2026-12-04T08:44:17Z build/docs
//
// The date (the commit's, for a reproducible release) goes in the pages'
// footer; no page or script says when it was generated.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/breakthemonolith/workshop/internal/cli"
)

// options are gendocs' command line.
type options struct {
	Dir     string    // where man/ and completions/ are written
	Version string    // the version the pages' footer names
	Date    time.Time // the date the pages' footer names
}

func main() {
	opts, err := parse(os.Args[1:], os.Stderr)
	if err == nil {
		err = run(opts)
	}
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

// parse reads the command line: gendocs [-version V] [-date RFC3339] DIR.
func parse(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("gendocs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	version := fs.String("version", "dev", "the version the manual pages name")
	date := fs.String("date", "", "the date the manual pages name, RFC 3339 (default: SOURCE_DATE_EPOCH, else now)")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	if fs.NArg() != 1 {
		return options{}, errors.New("expected one argument, the folder to write man/ and completions/ in")
	}
	opts := options{Dir: fs.Arg(0), Version: *version, Date: time.Now().UTC()}
	if *date != "" {
		t, err := time.Parse(time.RFC3339, *date)
		if err != nil {
			return options{}, fmt.Errorf("reading -date %q: %w (expected RFC 3339, like 2026-12-04T08:44:17Z)", *date, err)
		}
		opts.Date = t.UTC()
	}
	return opts, nil
}

// run writes the manual pages and the completions of the workshop command
// tree into opts.Dir.
func run(opts options) error {
	root := cli.Command(cli.IOStreams{In: os.Stdin, Out: io.Discard, ErrOut: io.Discard})
	root.DisableAutoGenTag = true   // no "generated on DATE" line: the output depends on the commit alone
	root.InitDefaultCompletionCmd() // cobra adds 'completion' when it executes: its pages document it
	escapeAngleBrackets(root)
	man := filepath.Join(opts.Dir, "man")
	if err := os.MkdirAll(man, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", man, err)
	}
	header := &doc.GenManHeader{Section: "1", Date: &opts.Date, Source: "workshop " + opts.Version,
		Manual: "workshop manual"}
	if err := doc.GenManTree(root, header, man); err != nil {
		return fmt.Errorf("writing the manual pages in %s: %w", man, err)
	}
	completions := filepath.Join(opts.Dir, "completions")
	if err := os.MkdirAll(completions, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", completions, err)
	}
	for name, gen := range map[string]func(*cobra.Command, string) error{
		"workshop.bash": func(c *cobra.Command, f string) error { return c.GenBashCompletionFileV2(f, true) },
		"workshop.zsh":  (*cobra.Command).GenZshCompletionFile,
		"workshop.fish": func(c *cobra.Command, f string) error { return c.GenFishCompletionFile(f, true) },
		"workshop.ps1":  (*cobra.Command).GenPowerShellCompletionFileWithDesc,
	} {
		if err := gen(root, filepath.Join(completions, name)); err != nil {
			return fmt.Errorf("writing %s completion: %w", name, err)
		}
	}
	return nil
}

// escapeAngleBrackets escapes the <placeholders> of every command's usage
// line: the Markdown the manual pages are converted from would otherwise
// take them for HTML tags and drop them from the synopsis.
func escapeAngleBrackets(cmd *cobra.Command) {
	cmd.Use = strings.NewReplacer("<", `\<`, ">", `\>`).Replace(cmd.Use)
	for _, c := range cmd.Commands() {
		escapeAngleBrackets(c)
	}
}
