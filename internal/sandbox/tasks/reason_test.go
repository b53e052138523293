package tasks

import (
	"errors"
	"testing"
)

func TestEngineReasonSaysACauseOnce(t *testing.T) {
	tests := []struct{ name, err, want string }{
		{"plain", "pull a: not found", "CannotPullContainerError: pull a: not found"},
		{"repeated cause", "pull a: Get \"http://127.0.0.1:5/v2/\": dial tcp 127.0.0.1:5: connect: connection refused: Get \"http://127.0.0.1:5/v2/\": dial tcp 127.0.0.1:5: connect: connection refused",
			"CannotPullContainerError: pull a: Get \"http://127.0.0.1:5/v2/\": dial tcp 127.0.0.1:5: connect: connection refused"},
		{"several lines", "load x:\n  no space left", "CannotPullContainerError: load x: no space left"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := engineReason("CannotPullContainerError", errors.New(tt.err)); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}
