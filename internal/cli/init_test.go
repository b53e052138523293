package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNewInitCmdParsing(t *testing.T) {
	tests := []struct {
		args      []string
		wantDir   string
		wantForce bool
	}{
		{nil, DefaultInitDir, false},
		{[]string{"my-forum"}, "my-forum", false},
		{[]string{"--force", "x"}, "x", true},
	}
	for _, tt := range tests {
		f, _, _ := testFactory(nil)
		var got *initOptions
		cmd := newInitCmd(f, func(o *initOptions) error { got = o; return nil })
		cmd.SetArgs(tt.args)
		cmd.SetOut(f.IO.Out)
		cmd.SetErr(f.IO.ErrOut)
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if got.Dir != tt.wantDir || got.Force != tt.wantForce {
			t.Errorf("%v: dir %q force %t", tt.args, got.Dir, got.Force)
		}
	}
}

func TestInitWritesKeepsAndForces(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "forum")
	f, out, errOut := testFactory(nil)
	if code := run(context.Background(), f, []string{"init", dir}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if out.Len() != 0 {
		t.Errorf("init wrote to stdout: %q", out)
	}
	for _, want := range []string{"created     go.mod", "created     services/api/Dockerfile",
		"created     templates/cloudformation/ecs.yml", "files: 33 created", "Next: cd "} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	main := filepath.Join(dir, "services", "api", "main.go")
	if err := os.WriteFile(main, []byte("package main // mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	f, _, errOut = testFactory(nil)
	if code := run(context.Background(), f, []string{"init", dir}); code != ExitOK {
		t.Fatalf("second init exit %d", code)
	}
	if !strings.Contains(errOut.String(), "kept        services/api/main.go (you changed it") ||
		!strings.Contains(errOut.String(), "32 unchanged, 1 kept") {
		t.Errorf("second run:\n%s", errOut)
	}
	if b, _ := os.ReadFile(main); string(b) != "package main // mine\n" {
		t.Fatal("init overwrote a file the learner changed")
	}

	f, _, errOut = testFactory(nil)
	if code := run(context.Background(), f, []string{"init", "--force", dir}); code != ExitOK {
		t.Fatalf("forced init exit %d", code)
	}
	if !strings.Contains(errOut.String(), "overwritten services/api/main.go (your version is saved as services/api/main.go.bak)") {
		t.Errorf("forced run:\n%s", errOut)
	}
	if b, _ := os.ReadFile(main + ".bak"); string(b) != "package main // mine\n" {
		t.Fatal("the learner's version was not saved")
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"break-the-monolith": "break-the-monolith",
		"/tmp/a b":           "'/tmp/a b'",
		"it's":               `'it'\''s'`,
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}
