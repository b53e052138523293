package journeys

import (
	"context"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/breakthemonolith/workshop/internal/cli"
	"github.com/breakthemonolith/workshop/internal/testpeers"
)

// TestMain makes this test binary the workshop command when the scripts run
// it as "workshop": the same cli.Main as the real binary's main.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"workshop": func() {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			code := cli.Main(ctx, os.Args[1:], cli.SystemStreams())
			stop()
			os.Exit(code)
		},
	})
}

// TestJourneys runs every journey in testdata against its own sandbox
// address, home folder and learner folder, on the machine's Docker engine.
func TestJourneys(t *testing.T) {
	docker := testpeers.Docker(t)
	builder := testpeers.GoBuilderImage(t, docker)
	testpeers.Command(t, "script") // the pseudo-terminal that Next: lines run in
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		RequireExplicitExec: true,
		Cmds:                journeyCommands(),
		Setup: func(env *testscript.Env) error {
			home := env.WorkDir + "/home"
			if err := os.MkdirAll(home, 0o755); err != nil {
				return err
			}
			port := testpeers.FreePort(env.T().(testing.TB))
			env.Setenv("HOME", home)
			env.Setenv("WORKSHOP_SANDBOX_ADDR", "127.0.0.1:"+strconv.Itoa(port))
			env.Setenv("WORKSHOP_GO_IMAGE", builder)
			env.Setenv("DASHBOARD_ADDR", "127.0.0.1:"+strconv.Itoa(testpeers.FreePort(env.T().(testing.TB))))
			env.Setenv("MOTO_PORT", strconv.Itoa(testpeers.FreePort(env.T().(testing.TB))))
			env.Setenv("TERM", "xterm-256color")
			env.Setenv("AWS_PAGER", "")
			for _, name := range []string{"DOCKER_HOST", "DOCKER_CONTEXT", "WORKSHOP_VM_DOCKER_HOST"} {
				if v := os.Getenv(name); v != "" {
					env.Setenv(name, v)
				}
			}
			return nil
		},
	})
}

func TestRunsUntilStopped(t *testing.T) {
	for line, want := range map[string]bool{
		"workshop start":                                  true,
		"workshop --sandbox start":                        true,
		"workshop --profile dev --region eu-west-1 start": true,
		"workshop sandbox start":                          true,
		"workshop dashboard serve --class Pen":            true,
		"workshop --sandbox run module-2":                 false,
		"workshop --sandbox check all":                    false,
		"workshop sandbox push 127.0.0.1:1/api:v1":        false,
		"workshop --sandbox explain module-1":             false,
	} {
		if got := runsUntilStopped(line); got != want {
			t.Errorf("runsUntilStopped(%q) = %v, want %v", line, got, want)
		}
	}
}
