// Package journeys holds the learner journeys: testscript files
// (testdata/*.txtar) that run the workshop command, as a learner types it,
// against a real sandbox and Docker engine, and execute every "Next:" line
// the command prints exactly as printed. The package has no code of its own;
// its test harness is in journeys_test.go and the commands the scripts use
// (ws, next, waitsandbox, get, tmux helpers) in commands_test.go.
package journeys
