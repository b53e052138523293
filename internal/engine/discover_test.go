package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// storeContext stores a context the way 'docker context create' does.
func storeContext(t *testing.T, dir, name, meta string, tlsFiles ...string) {
	t.Helper()
	sum := sha256.Sum256([]byte(name))
	id := hex.EncodeToString(sum[:])
	m := filepath.Join(dir, "contexts", "meta", id)
	if err := os.MkdirAll(m, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(m, "meta.json"), []byte(meta), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range tlsFiles {
		d := filepath.Join(dir, "contexts", "tls", id, "docker")
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, f), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func TestDiscover(t *testing.T) {
	home := t.TempDir()
	dot := filepath.Join(home, ".docker")
	other := t.TempDir() // a DOCKER_CONFIG elsewhere
	storeContext(t, dot, "colima", `{"Name":"colima","Metadata":{},"Endpoints":{"docker":{"Host":"unix:///home/u/.colima/default/docker.sock","SkipTLSVerify":false}}}`)
	storeContext(t, dot, "remote", `{"Name":"remote","Endpoints":{"docker":{"Host":"tcp://10.0.0.5:2376","SkipTLSVerify":true}}}`, "ca.pem", "cert.pem", "key.pem")
	storeContext(t, dot, "broken", `{"Name":"broken","Endpoints":{}}`)
	storeContext(t, other, "desktop-linux", `{"Name":"desktop-linux","Endpoints":{"docker":{"Host":"unix:///home/u/.docker/desktop/docker.sock"}}}`)
	if err := os.WriteFile(filepath.Join(dot, "config.json"), []byte(`{"auths":{},"currentContext":"colima"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "config.json"), []byte(`{"currentContext":"desktop-linux"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()

	tests := []struct {
		name    string
		env     map[string]string
		home    string
		want    Endpoint
		wantErr string
	}{
		{name: "DOCKER_HOST wins over everything", env: map[string]string{"DOCKER_HOST": "tcp://1.2.3.4:2375", "DOCKER_CONTEXT": "remote"}, home: home,
			want: Endpoint{Host: "tcp://1.2.3.4:2375", Source: "DOCKER_HOST"}},
		{name: "DOCKER_CONTEXT over config.json", env: map[string]string{"DOCKER_CONTEXT": "remote"}, home: home,
			want: Endpoint{Host: "tcp://10.0.0.5:2376", Context: "remote", Source: "DOCKER_CONTEXT", SkipTLSVerify: true,
				CAFile: tlsPath(dot, "remote", "ca.pem"), CertFile: tlsPath(dot, "remote", "cert.pem"), KeyFile: tlsPath(dot, "remote", "key.pem")}},
		{name: "current context of config.json", home: home,
			want: Endpoint{Host: "unix:///home/u/.colima/default/docker.sock", Context: "colima", Source: "config.json"}},
		{name: "DOCKER_CONFIG moves the config folder", env: map[string]string{"DOCKER_CONFIG": other}, home: home,
			want: Endpoint{Host: "unix:///home/u/.docker/desktop/docker.sock", Context: "desktop-linux", Source: "config.json"}},
		{name: "the context default is the default socket", env: map[string]string{"DOCKER_CONTEXT": "default"}, home: home,
			want: Endpoint{Host: DefaultHost(), Source: "default"}},
		{name: "no config at all is the default socket", home: empty,
			want: Endpoint{Host: DefaultHost(), Source: "default"}},
		{name: "a missing context is an error that says what to do", env: map[string]string{"DOCKER_CONTEXT": "nope"}, home: home,
			wantErr: `find the Docker context "nope" (DOCKER_CONTEXT): it does not exist`},
		{name: "a context without a Docker endpoint", env: map[string]string{"DOCKER_CONTEXT": "broken"}, home: home,
			wantErr: "names no Docker endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Discover(func(k string) string { return tt.env[k] }, tt.home)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Discover() error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Discover(): %v", err)
			}
			if got != tt.want {
				t.Errorf("Discover() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func tlsPath(dir, name, file string) string {
	sum := sha256.Sum256([]byte(name))
	return filepath.Join(dir, "contexts", "tls", hex.EncodeToString(sum[:]), "docker", file)
}

func TestEndpointString(t *testing.T) {
	tests := []struct {
		ep   Endpoint
		want string
	}{
		{Endpoint{Host: "tcp://h:2375", Source: "DOCKER_HOST"}, "tcp://h:2375 (DOCKER_HOST)"},
		{Endpoint{Host: "unix:///c.sock", Context: "colima", Source: "config.json"}, "unix:///c.sock (context colima)"},
		{Endpoint{Host: "unix:///c.sock", Context: "colima", Source: "DOCKER_CONTEXT"}, "unix:///c.sock (context colima, from DOCKER_CONTEXT)"},
		{Endpoint{Host: "unix:///var/run/docker.sock", Source: "default"}, "unix:///var/run/docker.sock (the default socket)"},
	}
	for _, tt := range tests {
		if got := tt.ep.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}
