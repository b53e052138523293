package engine

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// Endpoint is the Docker engine the workshop talks to, found the way the
// docker command finds it.
type Endpoint struct {
	// Host is the engine's address, such as unix:///var/run/docker.sock or
	// tcp://192.168.5.2:2376.
	Host string
	// Context is the Docker context that named Host ("" when DOCKER_HOST or
	// the platform default did).
	Context string
	// Source says how Host was found: "DOCKER_HOST", "DOCKER_CONTEXT",
	// "config.json" (the current context of the docker command) or
	// "default" (the platform's default socket).
	Source string
	// SkipTLSVerify and the TLS files (empty when absent) come from the
	// context.
	SkipTLSVerify             bool
	CAFile, CertFile, KeyFile string
}

// String names the engine and how it was found, for a person.
func (e Endpoint) String() string {
	switch e.Source {
	case "DOCKER_HOST":
		return e.Host + " (DOCKER_HOST)"
	case "DOCKER_CONTEXT":
		return fmt.Sprintf("%s (context %s, from DOCKER_CONTEXT)", e.Host, e.Context)
	case "config.json":
		return fmt.Sprintf("%s (context %s)", e.Host, e.Context)
	}
	return e.Host + " (the default socket)"
}

// DefaultHost is the platform's default engine address.
func DefaultHost() string {
	if runtime.GOOS == "windows" {
		return "npipe:////./pipe/docker_engine"
	}
	return "unix:///var/run/docker.sock"
}

// Discover finds the engine as the docker command does: DOCKER_HOST, else
// the context DOCKER_CONTEXT names, else the current context of
// config.json in DOCKER_CONFIG (default ~/.docker); the context "default"
// is the platform's default socket. getenv reads the environment and home
// is the user's home folder.
func Discover(getenv func(string) string, home string) (Endpoint, error) {
	if h := getenv("DOCKER_HOST"); h != "" {
		return Endpoint{Host: h, Source: "DOCKER_HOST"}, nil
	}
	dir := getenv("DOCKER_CONFIG")
	if dir == "" {
		dir = filepath.Join(home, ".docker")
	}
	name, source := getenv("DOCKER_CONTEXT"), "DOCKER_CONTEXT"
	if name == "" {
		var err error
		if name, err = currentContext(dir); err != nil {
			return Endpoint{}, err
		}
		source = "config.json"
	}
	if name == "" || name == "default" {
		return Endpoint{Host: DefaultHost(), Source: "default"}, nil
	}
	return readContext(dir, name, source)
}

// currentContext reads the currentContext of dir/config.json; no file
// means none.
func currentContext(dir string) (string, error) {
	path := filepath.Join(dir, "config.json")
	buf, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read the Docker configuration: %w", err)
	}
	var cfg struct{ CurrentContext string }
	if err := json.Unmarshal(buf, &cfg); err != nil {
		return "", fmt.Errorf("read the Docker configuration %s: %v: fix the file, or set DOCKER_HOST", path, err)
	}
	return cfg.CurrentContext, nil
}

// readContext reads the context name from the context store in dir.
func readContext(dir, name, source string) (Endpoint, error) {
	sum := sha256.Sum256([]byte(name))
	id := hex.EncodeToString(sum[:])
	path := filepath.Join(dir, "contexts", "meta", id, "meta.json")
	buf, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		hint := "run 'docker context ls' to see the contexts, then 'docker context use default' or another it lists"
		if source == "DOCKER_CONTEXT" {
			hint = "unset DOCKER_CONTEXT, or " + hint
		}
		return Endpoint{}, fmt.Errorf("find the Docker context %q (%s): it does not exist (no %s): %s", name, source, path, hint)
	}
	if err != nil {
		return Endpoint{}, fmt.Errorf("read the Docker context %q: %w", name, err)
	}
	var meta struct {
		Endpoints map[string]struct {
			Host          string
			SkipTLSVerify bool
		}
	}
	if err := json.Unmarshal(buf, &meta); err != nil {
		return Endpoint{}, fmt.Errorf("read the Docker context %q in %s: %v: recreate it with 'docker context create'", name, path, err)
	}
	d := meta.Endpoints["docker"]
	if d.Host == "" {
		return Endpoint{}, fmt.Errorf("read the Docker context %q in %s: it names no Docker endpoint: recreate it with 'docker context create'", name, path)
	}
	ep := Endpoint{Host: d.Host, Context: name, Source: source, SkipTLSVerify: d.SkipTLSVerify}
	tls := filepath.Join(dir, "contexts", "tls", id, "docker")
	for file, into := range map[string]*string{"ca.pem": &ep.CAFile, "cert.pem": &ep.CertFile, "key.pem": &ep.KeyFile} {
		if _, err := os.Stat(filepath.Join(tls, file)); err == nil {
			*into = filepath.Join(tls, file)
		}
	}
	return ep, nil
}

// tlsConfig is the TLS configuration of a context's endpoint.
func (e Endpoint) tlsConfig() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: e.SkipTLSVerify} //nolint:gosec // the context asks for it
	if e.CAFile != "" {
		pem, err := os.ReadFile(e.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read the context's CA: %w", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("read the context's CA %s: no certificate in it", e.CAFile)
		}
	}
	if e.CertFile != "" && e.KeyFile != "" {
		pair, err := tls.LoadX509KeyPair(e.CertFile, e.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("read the context's client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}
