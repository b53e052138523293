package cli

import (
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// version, commit and date describe a release build. GoReleaser sets them
// at link time (-ldflags "-X .../internal/cli.version=..."; see
// .goreleaser.yaml): they are constants the linker fills in, never
// assigned at run time. Empty, the build's own information is read.
var (
	version string
	commit  string
	date    string
)

// buildStamp is what 'workshop version' says about a build.
type buildStamp struct {
	Version string // a release tag (v1.2.0), a module version, or "dev"
	Commit  string // the commit, shortened to 12 characters; "-dirty" when modified
	Date    string // when the commit was made or the release built (RFC 3339, UTC)
}

// currentStamp describes this binary: the values stamped at link time by a
// release build, else what the Go toolchain recorded (debug.ReadBuildInfo).
func currentStamp() buildStamp {
	bi, _ := debug.ReadBuildInfo()
	return stampOf(version, commit, date, bi)
}

// pseudoVersion matches the tail of a Go pseudo-version
// (v0.0.0-20261204084417-fae27acd1234), which carries the commit's time and
// revision: all 'go install ...@latest' knows of an untagged commit.
var pseudoVersion = regexp.MustCompile(`(?:^|[.-])(\d{14})-([0-9a-f]{12})$`)

// stampOf combines the link-time values with the build information: the
// module version of 'go install ...@version' (and, for a pseudo-version,
// its commit and time), or the VCS revision and time of a build from a
// checkout.
func stampOf(ldVersion, ldCommit, ldDate string, bi *debug.BuildInfo) buildStamp {
	s := buildStamp{Version: ldVersion, Commit: ldCommit, Date: ldDate}
	if bi == nil {
		if s.Version == "" {
			s.Version = "dev"
		}
		return s
	}
	var rev, at string
	dirty := false
	for _, kv := range bi.Settings {
		switch kv.Key {
		case "vcs.revision":
			rev = kv.Value
		case "vcs.time":
			at = kv.Value
		case "vcs.modified":
			dirty = kv.Value == "true"
		}
	}
	if mv := bi.Main.Version; mv != "" && mv != "(devel)" {
		if s.Version == "" {
			s.Version = mv
		}
		if m := pseudoVersion.FindStringSubmatch(mv); m != nil && rev == "" {
			rev = m[2]
			if t, err := time.Parse("20060102150405", m[1]); err == nil {
				at = t.UTC().Format(time.RFC3339)
			}
		}
	}
	if s.Version == "" {
		s.Version = "dev"
	}
	if s.Commit == "" && rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if dirty {
			rev += "-dirty"
		}
		s.Commit = rev
	}
	if s.Date == "" {
		s.Date = at
	}
	return s
}

// String is the version line's text after "workshop ": the version, then
// the commit, build date, Go version and platform in parentheses.
func (s buildStamp) String() string {
	details := []string{}
	if s.Commit != "" {
		details = append(details, "commit "+s.Commit)
	}
	if s.Date != "" {
		details = append(details, "built "+s.Date)
	}
	details = append(details, runtime.Version(), runtime.GOOS+"/"+runtime.GOARCH)
	return fmt.Sprintf("%s (%s)", strings.TrimPrefix(s.Version, "v"), strings.Join(details, ", "))
}

// versionString describes this build for 'workshop version' and --version.
func versionString() string { return currentStamp().String() }

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
