package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// versionString describes this build: the module version when installed
// with `go install ...@version`, the commit when built from a checkout, and
// the Go version and platform.
func versionString() string {
	v, rev, dirty := "dev", "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if dirty {
			rev += "-dirty"
		}
		v += " " + rev
	}
	return fmt.Sprintf("%s (%s, %s/%s)", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// addVersionFlag gives root the --version (-v) flag cobra would add for a
// Version field, printing "workshop VERSION" as the version command does.
//
// Cobra prints a custom version line only through a text/template, and
// text/template calls methods by name: the linker then has to keep every
// exported method of every type that may reach an interface, the whole AWS
// SDK's unused operations among them (about half the binary). So the
// Version field stays empty and the flag is handled here: a command line
// with neither a subcommand nor --help asks root for help (root does not
// run), and root's help prints the version when the flag is set.
func addVersionFlag(root *cobra.Command) {
	root.Flags().BoolP("version", "v", false, "version for "+root.Name())
	_ = root.Flags().SetAnnotation("version", cobra.FlagSetByCobraAnnotation, []string{"true"})
	help := root.HelpFunc()
	root.SetHelpFunc(func(cmd *cobra.Command, args []string) {
		if cmd == root && flagSet(cmd, "version") && !flagSet(cmd, "help") {
			if _, err := fmt.Fprintf(cmd.OutOrStdout(), "workshop %s\n", versionString()); err != nil {
				cmd.PrintErrln(err)
			}
			return
		}
		help(cmd, args)
	})
}

// flagSet tells whether cmd's boolean flag name is on.
func flagSet(cmd *cobra.Command, name string) bool {
	on, err := cmd.Flags().GetBool(name)
	return err == nil && on
}

func newVersionCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of workshop",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintf(f.IO.Out, "workshop %s\n", versionString())
			return err
		},
	}
}
