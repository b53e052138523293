package cli

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/breakthemonolith/workshop/internal/sandbox"
	"github.com/breakthemonolith/workshop/internal/testpeers"
)

func TestSandboxEnv(t *testing.T) {
	f, out, _ := testFactory(nil)
	if code := run(context.Background(), f, []string{"sandbox", "env"}); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	want := "export AWS_ENDPOINT_URL=http://127.0.0.1:4566\nexport AWS_REGION=us-east-1\nexport AWS_DEFAULT_REGION=us-east-1\n" +
		"export AWS_ACCESS_KEY_ID=test\nexport AWS_SECRET_ACCESS_KEY=test\n"
	if out.String() != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	f, out, _ = testFactory(map[string]string{"WORKSHOP_SANDBOX_ADDR": "127.0.0.1:4599"})
	run(context.Background(), f, []string{"sandbox", "env"})
	if !strings.Contains(out.String(), "AWS_ENDPOINT_URL=http://127.0.0.1:4599\n") ||
		!strings.Contains(out.String(), "export WORKSHOP_SANDBOX_ADDR=127.0.0.1:4599\n") {
		t.Errorf("stdout with WORKSHOP_SANDBOX_ADDR:\n%s", out)
	}
}

func TestSandboxStartFlags(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--addr", "0.0.0.0:4566"}, ExitUsage, "not on the loopback interface"},
		{[]string{"--addr", "4566"}, ExitUsage, "expected host:port"},
		{[]string{"--latency", "-1s"}, ExitUsage, "cannot be negative"},
		{[]string{"--addr", "0.0.0.0:0", "--expose"}, ExitOK, ""},
		{[]string{"--addr", "localhost:0"}, ExitOK, ""},
	}
	for _, tc := range tests {
		f, _, errOut := testFactory(nil)
		var got *sandboxStartOptions
		root := newRootCmd(f, func() {})
		for _, c := range root.Commands() {
			if c.Name() == "sandbox" {
				c.RemoveCommand(c.Commands()...)
				c.AddCommand(newSandboxStartCmd(f, func(_ context.Context, o *sandboxStartOptions) error { got = o; return nil }))
			}
		}
		root.SetArgs(append([]string{"sandbox", "start"}, tc.args...))
		err := root.Execute()
		if exitCode(err) != tc.code || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%v: exit %d (%v), want %d …%s… %s", tc.args, exitCode(err), err, tc.code, tc.want, errOut)
		}
		if err == nil && got == nil {
			t.Errorf("%v: the run function was not called", tc.args)
		}
	}
}

// TestSandboxStartAddrFollowsEnv: the address the clients are told
// (WORKSHOP_SANDBOX_ADDR) is where 'workshop sandbox start' listens unless
// --addr says otherwise, so the hint "start one with 'workshop sandbox
// start'" starts the sandbox the client looks for.
func TestSandboxStartAddrFollowsEnv(t *testing.T) {
	tests := []struct {
		env  map[string]string
		args []string
		want string
		code int
	}{
		{nil, nil, sandbox.DefaultAddr, ExitOK},
		{map[string]string{"WORKSHOP_SANDBOX_ADDR": "127.0.0.1:23456"}, nil, "127.0.0.1:23456", ExitOK},
		{map[string]string{"WORKSHOP_SANDBOX_ADDR": "127.0.0.1:23456"}, []string{"--addr", "127.0.0.1:23457"}, "127.0.0.1:23457", ExitOK},
		{map[string]string{"WORKSHOP_SANDBOX_ADDR": "23456"}, nil, "", ExitUsage},
	}
	for _, tc := range tests {
		f, _, errOut := testFactory(tc.env)
		var got *sandboxStartOptions
		root := newRootCmd(f, func() {})
		for _, c := range root.Commands() {
			if c.Name() == "sandbox" {
				c.RemoveCommand(c.Commands()...)
				c.AddCommand(newSandboxStartCmd(f, func(_ context.Context, o *sandboxStartOptions) error { got = o; return nil }))
			}
		}
		root.SetArgs(append([]string{"sandbox", "start"}, tc.args...))
		err := root.Execute()
		if exitCode(err) != tc.code {
			t.Errorf("%v %v: exit %d (%v), want %d %s", tc.env, tc.args, exitCode(err), err, tc.code, errOut)
			continue
		}
		if tc.code == ExitOK && (got == nil || got.Addr != tc.want) {
			t.Errorf("%v %v: listens on %+v, want %s", tc.env, tc.args, got, tc.want)
		}
	}
}

// TestSandboxCheckModule1 starts the sandbox as 'workshop sandbox start'
// does, pushes an image the way module 1 does, and runs 'workshop
// --sandbox check module-1' against it.
func TestSandboxCheckModule1(t *testing.T) {
	ctx := context.Background()
	addr, errOut, stop := runTestSandbox(t, t.TempDir())
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("sandbox start returned %v after Ctrl-C", err)
		}
	}()
	if !strings.Contains(errOut.String(), "export AWS_ENDPOINT_URL=http://"+addr) {
		t.Errorf("start did not print the export lines:\n%s", errOut)
	}

	env := map[string]string{"WORKSHOP_SANDBOX_ADDR": addr}
	check := func() (int, string) {
		f, _, errOut := testFactory(env)
		f.CheckRunner = newCheckRunner
		return run(context.Background(), f, []string{"--sandbox", "check", "module-1"}), errOut.String()
	}
	if code, out := check(); code != ExitCheckFailed || !strings.Contains(out, "no repository named api") {
		t.Errorf("an empty sandbox: exit %d\n%s", code, out)
	}

	c := testpeers.ClientsAt(t, "http://"+addr, nil).ECR
	if _, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("api")}); err != nil {
		t.Fatal(err)
	}
	tok, err := c.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(aws.ToString(tok.AuthorizationData[0].AuthorizationToken))
	_, pw, _ := strings.Cut(string(raw), ":")
	img, _ := random.Image(256, 1)
	cf, _ := img.ConfigFile()
	cf.OS, cf.Architecture = "linux", "amd64"
	img, _ = mutate.ConfigFile(img, cf)
	ref, _ := name.NewTag(addr+"/api:v1", name.Insecure)
	if err := remote.Write(ref, img, remote.WithAuth(&authn.Basic{Username: "AWS", Password: pw})); err != nil {
		t.Fatal(err)
	}
	if code, out := check(); code != ExitOK || !strings.Contains(out, "linux/amd64") {
		t.Errorf("after the push: exit %d\n%s", code, out)
	}
}

// TestSandboxStartDataInUse checks that a second 'sandbox start' on the
// same --data folder fails with a clear error while the first one runs.
func TestSandboxStartDataInUse(t *testing.T) {
	dir := t.TempDir()
	first, err := sandbox.New(sandbox.Options{Addr: "127.0.0.1:0", DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	f, _, errOut := testFactory(nil)
	err = sandboxStartRun(context.Background(), &sandboxStartOptions{IO: f.IO, Getenv: f.Getenv, Addr: "127.0.0.1:0", DataDir: dir})
	want := fmt.Sprintf("start sandbox: data folder %s is in use by another sandbox (pid %d)", dir, os.Getpid())
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("second start: %v, want …%s…\n%s", err, want, errOut)
	}
}
