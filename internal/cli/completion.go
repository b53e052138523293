package cli

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/breakthemonolith/workshop/checks"
	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/steps"
)

// Shell completion: cobra's 'workshop completion SHELL' writes the script,
// which asks 'workshop __complete ARGS...' for candidates. Each candidate
// may carry a description after a tab, which zsh, fish and PowerShell show.

// stepNames lists what run and explain accept, for shell completion: each
// module with its title, its module-N alias, "all", and every step id with
// its title. Clean-up and its steps are listed only when withCleanup is set
// (run refuses them).
func stepNames(withCleanup bool) []string {
	mods, err := steps.Modules()
	if err != nil {
		return nil // completion offers nothing rather than failing the shell
	}
	var names []string
	for _, m := range mods {
		if m.Target == workshop.TargetCleanup && !withCleanup {
			continue
		}
		names = append(names, string(m.Target)+"\t"+m.Title)
		if m.Target == workshop.TargetSecurity {
			names = append(names, "module-5\t"+m.Title)
		}
		for _, st := range m.Steps {
			names = append(names, st.ID+"\t"+st.Title)
		}
	}
	return append(names, "all\tevery module, in order")
}

// checkTargetNames lists check's targets with their titles, for completion.
func checkTargetNames() []string {
	var names []string
	for _, t := range checks.Targets() {
		names = append(names, string(t)+"\t"+t.Title())
	}
	return names
}

// completeFirstArg completes a command's one argument from names (each
// "name\tdescription"), and offers nothing, not even file names, after it.
func completeFirstArg(names func() []string) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return withPrefix(names(), toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// withPrefix keeps the candidates that start with prefix: bash shows what
// it is given, unfiltered.
func withPrefix(candidates []string, prefix string) []string {
	var kept []string
	for _, c := range candidates {
		if strings.HasPrefix(c, prefix) {
			kept = append(kept, c)
		}
	}
	return kept
}

// registerGlobalCompletions completes --profile from the learner's AWS
// configuration and --region from the regions AWS offers (only the
// sandbox's with --sandbox, the one region it serves).
func registerGlobalCompletions(root *cobra.Command, f *Factory) {
	_ = root.RegisterFlagCompletionFunc("profile", func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return withPrefix(awsProfiles(f.Getenv), toComplete), cobra.ShellCompDirectiveNoFileComp
	})
	_ = root.RegisterFlagCompletionFunc("region", func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if f.Global.Sandbox {
			return withPrefix([]string{cloud.SandboxRegion + "\tthe region the sandbox serves"}, toComplete), cobra.ShellCompDirectiveNoFileComp
		}
		return withPrefix(regionNames(), toComplete), cobra.ShellCompDirectiveNoFileComp
	})
	_ = root.RegisterFlagCompletionFunc("stack", cobra.NoFileCompletions)
}

// awsProfiles lists the profiles of the shared AWS configuration and
// credentials files, where the AWS CLI and SDKs look for them: the files
// AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name, else ~/.aws/config
// and ~/.aws/credentials. A file that cannot be read adds nothing.
func awsProfiles(getenv func(string) string) []string {
	home := getenv("HOME")
	if home == "" {
		home = getenv("USERPROFILE") // Windows
	}
	file := func(env, name string) string {
		if p := getenv(env); p != "" {
			return p
		}
		if home == "" {
			return ""
		}
		return filepath.Join(home, ".aws", name)
	}
	seen := map[string]bool{}
	var names []string
	add := func(path string, inConfig bool) {
		if path == "" {
			return
		}
		fh, err := os.Open(path)
		if err != nil {
			return
		}
		defer fh.Close()
		for _, p := range iniProfiles(fh, inConfig) {
			if !seen[p] {
				seen[p] = true
				names = append(names, p)
			}
		}
	}
	add(file("AWS_CONFIG_FILE", "config"), true)
	add(file("AWS_SHARED_CREDENTIALS_FILE", "credentials"), false)
	sort.Strings(names)
	return names
}

// iniProfiles reads the profile names of an AWS configuration file: in the
// config file "[default]" and "[profile NAME]" (other sections, such as
// "[sso-session NAME]" and "[services NAME]", are not profiles); in the
// credentials file every "[NAME]".
func iniProfiles(r io.Reader, inConfig bool) []string {
	var names []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "[") || !strings.HasSuffix(line, "]") {
			continue
		}
		section := strings.Fields(strings.Trim(line, "[]"))
		switch {
		case len(section) == 1 && (!inConfig || section[0] == "default"):
			names = append(names, section[0])
		case len(section) == 2 && inConfig && section[0] == "profile":
			names = append(names, section[1])
		}
	}
	return names
}

// regionNames lists the AWS commercial regions with their names, for
// completing --region. A region missing here can still be typed: the list
// only helps.
func regionNames() []string {
	return []string{
		"us-east-1\tUS East (N. Virginia)",
		"us-east-2\tUS East (Ohio)",
		"us-west-1\tUS West (N. California)",
		"us-west-2\tUS West (Oregon)",
		"af-south-1\tAfrica (Cape Town)",
		"ap-east-1\tAsia Pacific (Hong Kong)",
		"ap-east-2\tAsia Pacific (Taipei)",
		"ap-south-1\tAsia Pacific (Mumbai)",
		"ap-south-2\tAsia Pacific (Hyderabad)",
		"ap-southeast-1\tAsia Pacific (Singapore)",
		"ap-southeast-2\tAsia Pacific (Sydney)",
		"ap-southeast-3\tAsia Pacific (Jakarta)",
		"ap-southeast-4\tAsia Pacific (Melbourne)",
		"ap-southeast-5\tAsia Pacific (Malaysia)",
		"ap-southeast-7\tAsia Pacific (Thailand)",
		"ap-northeast-1\tAsia Pacific (Tokyo)",
		"ap-northeast-2\tAsia Pacific (Seoul)",
		"ap-northeast-3\tAsia Pacific (Osaka)",
		"ca-central-1\tCanada (Central)",
		"ca-west-1\tCanada West (Calgary)",
		"eu-central-1\tEurope (Frankfurt)",
		"eu-central-2\tEurope (Zurich)",
		"eu-west-1\tEurope (Ireland)",
		"eu-west-2\tEurope (London)",
		"eu-west-3\tEurope (Paris)",
		"eu-south-1\tEurope (Milan)",
		"eu-south-2\tEurope (Spain)",
		"eu-north-1\tEurope (Stockholm)",
		"il-central-1\tIsrael (Tel Aviv)",
		"me-south-1\tMiddle East (Bahrain)",
		"me-central-1\tMiddle East (UAE)",
		"mx-central-1\tMexico (Central)",
		"sa-east-1\tSouth America (São Paulo)",
	}
}
