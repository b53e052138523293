package engine

import "testing"

func TestEndpointRemote(t *testing.T) {
	for host, want := range map[string]bool{
		"unix:///var/run/docker.sock":                   false,
		"unix:///Users/ada/.colima/default/docker.sock": false,
		"npipe:////./pipe/docker_engine":                false,
		"tcp://127.0.0.1:2375":                          false,
		"tcp://localhost:2375":                          false,
		"tcp://[::1]:2375":                              false,
		"tcp://192.168.5.2:2376":                        true,
		"ssh://ada@build.example.com":                   true,
	} {
		if got := (Endpoint{Host: host}).Remote(); got != want {
			t.Errorf("Endpoint{Host: %q}.Remote() = %v, want %v", host, got, want)
		}
	}
}
