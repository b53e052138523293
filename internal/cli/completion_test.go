package cli

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// completions runs 'workshop __complete ARGS...', as the shell scripts do,
// and returns the candidates without their descriptions, and the directive.
func completions(t *testing.T, env map[string]string, args ...string) (names []string, directive string) {
	t.Helper()
	f, out, errOut := testFactory(env)
	if code := run(context.Background(), f, append([]string{"__complete"}, args...)); code != ExitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if strings.HasPrefix(line, ":") {
			directive = line
			continue
		}
		name, _, _ := strings.Cut(line, "\t")
		names = append(names, name)
	}
	return names, directive
}

func TestCompletion(t *testing.T) {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".aws", "config"), `[default]
region = eu-west-1
[profile dev]
region = eu-west-2
[profile  spaced ]
[sso-session corp]
sso_start_url = https://example.awsapps.com/start
[services local]
`)
	writeFile(t, filepath.Join(home, ".aws", "credentials"), "[default]\naws_access_key_id = x\n[ci]\n")
	other := filepath.Join(t.TempDir(), "other-config")
	writeFile(t, other, "[profile elsewhere]\n")
	homeEnv := map[string]string{"HOME": home}

	tests := []struct {
		name string
		env  map[string]string
		args []string
		// want are candidates that must be offered (all of them when exact).
		want    []string
		exact   bool
		notWant []string
	}{
		{name: "check targets", args: []string{"check", ""}, exact: true,
			want: []string{"preflight", "module-1", "module-2", "module-3", "module-4", "security", "cleanup", "all"}},
		{name: "check after its target offers nothing", args: []string{"check", "module-1", ""}, exact: true},
		{name: "run: modules, aliases and step ids, no clean-up", args: []string{"run", "module-"},
			want:    []string{"module-1", "module-4", "module-5", "module-2/create-stack"},
			notWant: []string{"cleanup", "security", "all"}},
		{name: "run: all", args: []string{"run", "a"}, want: []string{"all"}, exact: true},
		{name: "explain: clean-up and its steps", args: []string{"explain", "clean"}, want: []string{"cleanup"}},
		{name: "explain: security steps", args: []string{"explain", "security/"}, want: []string{"security/add-rate-limit"},
			notWant: []string{"module-1"}},
		{name: "--profile from ~/.aws/config and credentials", env: homeEnv, args: []string{"--profile", ""}, exact: true,
			want: []string{"ci", "default", "dev", "spaced"}},
		{name: "--profile after a command", env: homeEnv, args: []string{"check", "--profile", "d"}, exact: true,
			want: []string{"default", "dev"}},
		{name: "--profile from AWS_CONFIG_FILE", env: map[string]string{"HOME": home, "AWS_CONFIG_FILE": other},
			args: []string{"--profile", ""}, exact: true, want: []string{"ci", "default", "elsewhere"}},
		{name: "--profile without any AWS configuration", env: map[string]string{"HOME": t.TempDir()},
			args: []string{"--profile", ""}, exact: true},
		{name: "--region", args: []string{"run", "--region", "eu-"},
			want: []string{"eu-west-1", "eu-central-1", "eu-north-1"}, notWant: []string{"us-east-1"}},
		{name: "--region with --sandbox: the sandbox's only", args: []string{"--sandbox", "check", "--region", ""},
			exact: true, want: []string{"us-east-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, directive := completions(t, tt.env, tt.args...)
			if tt.exact && !reflect.DeepEqual(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("candidates %q, want %q", got, tt.want)
			}
			for _, w := range tt.want {
				if !contains(got, w) {
					t.Errorf("%q not offered: %q", w, got)
				}
			}
			for _, w := range tt.notWant {
				if contains(got, w) {
					t.Errorf("%q offered: %q", w, got)
				}
			}
			if directive != ":4" { // ShellCompDirectiveNoFileComp: never a file name
				t.Errorf("directive %s, want :4 (no file completion)", directive)
			}
		})
	}
}

func TestCompletionDescriptions(t *testing.T) {
	f, out, _ := testFactory(nil)
	if code := run(context.Background(), f, []string{"__complete", "check", "module-2"}); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out.String(), "module-2\tDeploy the monolith\n") {
		t.Errorf("module-2 has no title:\n%s", out)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
