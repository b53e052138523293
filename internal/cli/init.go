package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/breakthemonolith/workshop/internal/scaffold"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// DefaultInitDir is the folder `workshop init` writes to without an argument.
const DefaultInitDir = "break-the-monolith"

type initOptions struct {
	IO    IOStreams
	Dir   string
	Force bool
	// GoImage (WORKSHOP_GO_IMAGE) is the local Go image a build uses
	// instead of Docker Hub's; the Next: line's build passes it on.
	GoImage string
	// Files returns what to write.
	Files func() ([]scaffold.File, error)
}

func newInitCmd(f *Factory, runF func(*initOptions) error) *cobra.Command {
	opts := &initOptions{IO: f.IO, Files: scaffold.Files, GoImage: f.Getenv("WORKSHOP_GO_IMAGE")}
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write the sample app and the templates to a folder",
		Long: `Write the forum sample app (the monolith and the users, threads and posts
services, each with its Dockerfile) and the workshop's templates to DIR
(default ` + DefaultInitDir + `).

Running it again brings the files up to date. A file you changed is kept
unless you pass --force, which saves your version as FILE.bak first.`,
		Example: "  workshop init\n  workshop init ~/code/forum --force",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = DefaultInitDir
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return initRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite files you changed (your version is saved as FILE.bak)")
	return cmd
}

func initRun(opts *initOptions) error {
	files, err := opts.Files()
	if err != nil {
		return err
	}
	w := opts.IO.ErrOut
	fmt.Fprintf(w, "Writing the sample app and templates to %s\n", opts.Dir)
	outcomes, err := scaffold.Write(opts.Dir, files, opts.Force)
	counts := map[scaffold.Action]int{}
	for _, o := range outcomes {
		counts[o.Action]++
		switch o.Action {
		case scaffold.Created, scaffold.Updated:
			fmt.Fprintf(w, "  %-11s %s\n", o.Action, o.Path)
		case scaffold.Kept:
			fmt.Fprintf(w, "  %-11s %s (you changed it; --force replaces it and saves yours as %s.bak)\n", o.Action, o.Path, o.Path)
		case scaffold.Overwritten:
			fmt.Fprintf(w, "  %-11s %s (your version is saved as %s)\n", o.Action, o.Path, o.Backup)
		}
	}
	if err != nil {
		return envError{err: err, hint: "check that you can write to " + opts.Dir + ", or pass another folder: workshop init DIR"}
	}
	fmt.Fprintf(w, "%d files: %s.\n", len(outcomes), summary(counts))
	buildArg := ""
	if opts.GoImage != "" {
		buildArg = " --build-arg GO_IMAGE=" + shellQuote(opts.GoImage)
	}
	fmt.Fprintf(w, "Next: cd %s && docker build --platform linux/amd64 -f services/%s/Dockerfile -t %s%s .\n",
		shellQuote(filepath.Clean(opts.Dir)), workshop.Monolith, workshop.Monolith, buildArg)
	return nil
}

// summary turns action counts into "3 created, 1 kept".
func summary(counts map[scaffold.Action]int) string {
	var parts []string
	for _, a := range []scaffold.Action{scaffold.Created, scaffold.Updated, scaffold.Unchanged, scaffold.Kept, scaffold.Overwritten} {
		if counts[a] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[a], a))
		}
	}
	if len(parts) == 0 {
		return "nothing to write"
	}
	return strings.Join(parts, ", ")
}

// shellQuote quotes s for a POSIX shell when it holds anything but safe
// characters.
func shellQuote(s string) string {
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./~+", r)) {
			safe = false
			break
		}
	}
	if safe && s != "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
