package engine

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/testpeers"
)

func TestBuildTheMonolithForLinuxAmd64(t *testing.T) {
	e, docker := realEngine(t)
	builder := testpeers.GoBuilderImage(t, docker)
	dir := sampleApp(t)
	tag := testTag("api")
	removeImage(t, docker, tag)
	opts := BuildOptions{
		ContextDir: dir, Dockerfile: "services/api/Dockerfile", Tags: []string{tag},
		Platform: "linux/amd64", BuildArgs: map[string]string{"GO_IMAGE": builder},
	}
	ctx := context.Background()

	var ev events
	started := time.Now()
	id, err := e.Build(ctx, opts, ev.report)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built %s (%s) in %s", tag, id, time.Since(started).Round(100*time.Millisecond))
	out, err := exec.Command(docker, "image", "inspect", "--format", "{{.Id}} {{.Os}}/{{.Architecture}}", tag).Output()
	if err != nil {
		t.Fatalf("docker image inspect %s: %v", tag, err)
	}
	if got, want := strings.TrimSpace(string(out)), id+" linux/amd64"; got != want {
		t.Errorf("docker image inspect says %q, want %q", got, want)
	}
	for _, step := range []string{"Step 1/", "FROM ${GO_IMAGE} AS build", `RUN ["go", "build", "./forum"]`,
		`ENTRYPOINT ["/api"]`, "Successfully tagged " + tag} {
		if !ev.hasLine(step) {
			t.Errorf("the build's events lack %q:\n%s", step, strings.Join(ev.logLines(), "\n"))
		}
	}

	// The same context again: the engine's cache holds every step.
	ev = events{}
	started = time.Now()
	again, err := e.Build(ctx, opts, ev.report)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("rebuilt %s in %s", tag, time.Since(started).Round(100*time.Millisecond))
	if again != id {
		t.Errorf("rebuilding the same context made %s, want %s", again, id)
	}
	if !ev.hasLine("Using cache") || ev.hasLine("Running in") {
		t.Errorf("the rebuild did not use the cache:\n%s", strings.Join(ev.logLines(), "\n"))
	}
}

func TestBuildFailuresCarryTheCause(t *testing.T) {
	e, docker := realEngine(t)
	builder := testpeers.GoBuilderImage(t, docker)
	tests := []struct {
		name  string
		files map[string]string // written over the sample app
		want  []string          // in the error
	}{{
		name:  "a command fails",
		files: map[string]string{"Dockerfile": "ARG GO_IMAGE\nFROM ${GO_IMAGE}\nRUN [\"go\", \"bogus\"]\n"},
		want: []string{`step 3/3 (RUN ["go", "bogus"]): `, "The command 'go bogus' returned a non-zero code: 2",
			"go bogus: unknown command"},
	}, {
		name:  "Go code does not compile",
		files: map[string]string{"forum/broken.go": "package forum\n\nfunc broken( {\n}\n"},
		want: []string{`(RUN ["go", "build", "./forum"]): `, "The command 'go build ./forum' returned a non-zero code: 1",
			"forum/broken.go:3:14: syntax error"},
	}, {
		name:  "the Dockerfile is wrong",
		files: map[string]string{"Dockerfile": "FROM scratch\nBOGUS x\n"},
		want:  []string{"unknown instruction: BOGUS"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := sampleApp(t)
			dockerfile := "services/api/Dockerfile"
			for name, data := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
				if name == "Dockerfile" {
					dockerfile = name
				}
			}
			tag := testTag("broken")
			removeImage(t, docker, tag)
			var ev events
			removeNewLayers(t, docker, &ev)
			_, err := e.Build(context.Background(), BuildOptions{ContextDir: dir, Dockerfile: dockerfile, Tags: []string{tag},
				Platform: "linux/amd64", BuildArgs: map[string]string{"GO_IMAGE": builder}}, ev.report)
			t.Logf("error:\n%v", err)
			var buildErr *BuildError
			if !errors.As(err, &buildErr) {
				t.Fatalf("got %v, want a *BuildError", err)
			}
			if !strings.HasPrefix(err.Error(), "build image "+tag+": ") {
				t.Errorf("error does not say which image: %q", err)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q", want)
				}
			}
			if len(buildErr.Output) > 0 && !slices.Contains(ev.logLines(), buildErr.Output[len(buildErr.Output)-1]) {
				t.Errorf("the output in the error was not reported as events")
			}
		})
	}
}

// Build checks its options before it sends anything to the engine, so
// these need no engine.
func TestBuildRefusesBadOptions(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opts BuildOptions
		want string
	}{
		{"no Dockerfile", BuildOptions{ContextDir: dir, Dockerfile: "services/api/Dockerfile", Tags: []string{"api"}},
			"build image api: no Dockerfile at " + filepath.Join(dir, "services/api/Dockerfile") + ": check the path"},
		{"Dockerfile outside", BuildOptions{ContextDir: dir, Dockerfile: "../Dockerfile", Tags: []string{"api"}},
			"build image api: the Dockerfile ../Dockerfile is outside the build context"},
		{"no context", BuildOptions{ContextDir: filepath.Join(dir, "nope")}, "is not a folder"},
		{"bad platform", BuildOptions{ContextDir: dir, Platform: "amd64"}, `platform "amd64": want os/arch, such as linux/amd64`},
		{"no engine", BuildOptions{ContextDir: dir, Tags: []string{"api"}}, "build image api: no Docker engine answers at unix:///nonexistent/docker.sock: is Docker running?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.Build(context.Background(), tt.opts, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
