package tasks

import (
	"testing"
)

func TestMappingBinding(t *testing.T) {
	for _, tt := range []struct {
		name string
		mode string
		pm   map[string]any
		want [3]any // containerPort, hostPort, protocol
	}{
		{"hostPort 0 is dynamic", "bridge", map[string]any{"containerPort": 3000.0, "hostPort": 0.0}, [3]any{3000, 0, "tcp"}},
		{"no hostPort is dynamic", "bridge", map[string]any{"containerPort": "3000"}, [3]any{3000, 0, "tcp"}},
		{"a static hostPort stays", "bridge", map[string]any{"containerPort": 3000.0, "hostPort": 80.0}, [3]any{3000, 80, "tcp"}},
		{"host mode binds the container port", "host", map[string]any{"containerPort": 3000.0}, [3]any{3000, 3000, "tcp"}},
		{"udp", "bridge", map[string]any{"containerPort": 53.0, "protocol": "UDP"}, [3]any{53, 0, "udp"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := mappingBinding(tt.mode, tt.pm)
			if got := [3]any{b.ContainerPort, b.HostPort, b.Protocol}; got != tt.want {
				t.Errorf("mappingBinding = %v, want %v", got, tt.want)
			}
		})
	}
}
