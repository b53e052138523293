package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// fakeProber answers ReachesRegistry as told.
type fakeProber struct {
	reaches bool
	reason  string
	err     error
}

func (p fakeProber) ReachesRegistry(context.Context, string) (bool, string, error) {
	return p.reaches, p.reason, p.err
}

func TestWarnEngineCannotReach(t *testing.T) {
	tests := []struct {
		name   string
		prober fakeProber
		want   string
	}{
		{name: "engine on this machine", prober: fakeProber{reaches: true}},
		{name: "engine in a VM", prober: fakeProber{reason: "dial tcp 127.0.0.1:4566: connect: connection refused"},
			want: "! the Docker engine cannot reach the sandbox at 127.0.0.1:4566 (dial tcp 127.0.0.1:4566: connect: connection refused): it runs in a VM or on another machine, and its 127.0.0.1 is not this machine's; the sandbox loads task images into it itself, and you push your own images with 'workshop sandbox push 127.0.0.1:4566/api:v1' instead of docker push\n"},
		{name: "engine does not answer", prober: fakeProber{err: errors.New("context deadline exceeded")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w bytes.Buffer
			warnEngineCannotReach(context.Background(), &w, tt.prober, "127.0.0.1:4566")
			if w.String() != tt.want {
				t.Errorf("wrote %q, want %q", w.String(), tt.want)
			}
			if strings.Count(w.String(), "\n") > 1 {
				t.Error("more than one line")
			}
		})
	}
}
