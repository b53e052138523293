package pgserver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Bridge is what the servers ask of the Docker engine: its default
// bridge's subnets, to find this machine's address there.
type Bridge interface {
	BridgeSubnets(ctx context.Context) ([]netip.Prefix, error)
}

// Options configure the servers.
type Options struct {
	// Dir holds one folder per instance.
	Dir string
	// Bin is PostgreSQL's bin folder ("": FindBin looks for one).
	Bin string
	// Bridge is the engine whose containers connect (nil: 127.0.0.1 only).
	Bridge Bridge
	// Log receives what went wrong in the background.
	Log *slog.Logger
}

// Servers runs the DB instances' clusters.
type Servers struct {
	opts   Options
	mu     sync.Mutex
	up     map[string]int // running instances' ports, by id
	closed bool           // set by Close: nothing starts after it
}

// New prepares the servers; nothing runs until Create or Start.
func New(opts Options) *Servers {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &Servers{opts: opts, up: map[string]int{}}
}

// Instance is what a DB instance's cluster is made from.
type Instance struct {
	ID             string
	MasterUsername string
	MasterPassword string
	// DBName is the database created with it ("": none but postgres).
	DBName string
	Port   int
}

// FreePort picks a free TCP port of 127.0.0.1 for a new instance.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pick a port for the database: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// Create makes the instance's cluster (its master user with its password),
// starts it and creates its database.
func (s *Servers) Create(ctx context.Context, in Instance) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	rt, err := s.runtime()
	if err != nil {
		return err
	}
	dir := s.dir(in.ID)
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("make the database's folder: %w", err)
	}
	if err := rt.mkdir(dir); err != nil {
		return err
	}
	pwfile := filepath.Join(dir, "pwfile")
	if err := rt.writeFile(pwfile, []byte(in.MasterPassword+"\n")); err != nil {
		return err
	}
	out, err := rt.run(ctx, "initdb", "-D", filepath.Join(dir, "data"), "-U", in.MasterUsername, "--pwfile", pwfile,
		"--auth", "scram-sha-256", "-E", "UTF8", "--locale", "C")
	_ = os.Remove(pwfile)
	if err != nil {
		return fmt.Errorf("initialise the database's cluster: %w: %s", err, lastLines(out, 5))
	}
	if err := rt.configure(filepath.Join(dir, "data")); err != nil {
		return err
	}
	if err := s.start(ctx, rt, in.ID, in.Port); err != nil {
		return err
	}
	if in.DBName == "" {
		return nil
	}
	conn, err := connect(ctx, in.MasterUsername, in.MasterPassword, in.Port)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{in.DBName}.Sanitize()); err != nil {
		return fmt.Errorf("create database %s: %w", in.DBName, err)
	}
	return nil
}

// Start starts an instance's existing cluster (after the sandbox
// restarted); one already running is left as it is.
func (s *Servers) Start(ctx context.Context, id string, port int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.up[id]; ok {
		return nil
	}
	if s.closed {
		return errClosed
	}
	rt, err := s.runtime()
	if err != nil {
		return err
	}
	return s.start(ctx, rt, id, port)
}

// Delete stops the instance's cluster and removes its files.
func (s *Servers) Delete(ctx context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stop(ctx, id)
	dir := s.dir(id)
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove the database's files: %w", err)
	}
	_ = os.Remove(filepath.Dir(dir)) // the folder of the instances, once it holds none
	return nil
}

// Close stops every running cluster (their data stays); none starts
// after it.
func (s *Servers) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for id := range s.up {
		s.stop(ctx, id)
	}
}

// dir is an instance's folder: under Dir, unless the servers run as
// another user (the sandbox runs as root) who cannot reach Dir; then under
// a folder of the system's temporary folder named after Dir.
func (s *Servers) dir(id string) string {
	base := s.opts.Dir
	if uid, gid, ok := postgresUser(); ok && os.Geteuid() == 0 && !reachable(base, uid, gid) {
		sum := sha256.Sum256([]byte(base))
		base = filepath.Join(os.TempDir(), "workshop-rds-"+hex.EncodeToString(sum[:6]))
	}
	return filepath.Join(base, strings.ReplaceAll(id, "/", "_")) // one level: only the leaf is the server user's
}

// start runs pg_ctl start (after stopping a server a crashed sandbox left
// running on the same data) and waits until the server accepts
// connections.
func (s *Servers) start(ctx context.Context, rt *runtime, id string, port int) error {
	data := filepath.Join(s.dir(id), "data")
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); err != nil {
		return fmt.Errorf("start the database %s: its data is gone from %s", id, data)
	}
	if _, err := os.Stat(filepath.Join(data, "postmaster.pid")); err == nil {
		_, _ = rt.run(ctx, "pg_ctl", "-D", data, "-m", "fast", "-w", "stop")
	}
	listen := strings.Join(s.listenAddrs(ctx), ",")
	out, err := rt.run(ctx, "pg_ctl", "-D", data, "-l", filepath.Join(s.dir(id), "server.log"), "-w", "-t", "60",
		"-o", "-p "+strconv.Itoa(port)+" -c listen_addresses="+listen, "start")
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir(id), "server.log"))
		return fmt.Errorf("start the database %s on port %d: %w: %s %s", id, port, err, lastLines(out, 3), lastLines(log, 5))
	}
	s.up[id] = port
	return nil
}

// stop stops an instance's server, if it runs.
func (s *Servers) stop(ctx context.Context, id string) {
	if _, ok := s.up[id]; !ok {
		return
	}
	delete(s.up, id)
	rt, err := s.runtime()
	if err != nil {
		return
	}
	if out, err := rt.run(ctx, "pg_ctl", "-D", filepath.Join(s.dir(id), "data"), "-m", "fast", "-w", "stop"); err != nil {
		s.opts.Log.Warn("sandbox: database not stopped", "db", id, "err", err, "output", lastLines(out, 3))
	}
}

// listenAddrs are 127.0.0.1 and this machine's addresses on the engine's
// bridge (none for an engine in a VM or elsewhere).
func (s *Servers) listenAddrs(ctx context.Context) []string {
	out := []string{"127.0.0.1"}
	if s.opts.Bridge == nil {
		return out
	}
	bctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	subnets, err := s.opts.Bridge.BridgeSubnets(bctx)
	if err != nil {
		s.opts.Log.Warn("sandbox: the databases listen on 127.0.0.1 only", "err", err)
		return out
	}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		ip, ok := netip.AddrFromSlice(ipn.IP)
		if !ok || ip.Unmap().IsLoopback() {
			continue
		}
		for _, p := range subnets {
			if p.Contains(ip.Unmap()) {
				out = append(out, ip.Unmap().String())
			}
		}
	}
	return out
}

// connect opens a connection to an instance as its master user.
func connect(ctx context.Context, user, password string, port int) (*pgx.Conn, error) {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(user, password), Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Path: "/postgres", RawQuery: "sslmode=disable"}
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return nil, fmt.Errorf("connect to the database on port %d: %w", port, err)
	}
	return conn, nil
}

// lastLines is the end of a program's output, on one line.
func lastLines(out []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// errClosed says that the sandbox is stopping.
var errClosed = errors.New("the sandbox is stopping")

// errNoUser says that the sandbox runs as root without a postgres user.
var errNoUser = errors.New("the sandbox runs as root, which PostgreSQL refuses, and this machine has no postgres user to run it as: run the sandbox as another user")

// runtime is how the programs run: from bin, as the current user, or as
// postgres when that is root.
type runtime struct {
	bin      string
	uid, gid int // -1: the current user
}

// runtime finds the binaries and the user to run them as.
func (s *Servers) runtime() (*runtime, error) {
	bin, err := FindBin(s.opts.Bin)
	if err != nil {
		return nil, err
	}
	rt := &runtime{bin: bin, uid: -1, gid: -1}
	if os.Geteuid() == 0 {
		uid, gid, ok := postgresUser()
		if !ok {
			return nil, errNoUser
		}
		rt.uid, rt.gid = uid, gid
	}
	return rt, nil
}

// run runs one of PostgreSQL's programs and returns its output.
func (rt *runtime) run(ctx context.Context, prog string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(rt.bin, prog), args...)
	cmd.Env = append(cleanEnv(), "LC_ALL=C")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	rt.credentials(cmd)
	err := cmd.Run()
	return out.Bytes(), err
}

// cleanEnv is this process's environment without PostgreSQL's PG*
// variables, which would point the programs elsewhere.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			out = append(out, kv)
		}
	}
	return out
}

// mkdir makes an instance's folder, owned by the user the server runs as,
// in a folder that user may pass through.
func (rt *runtime) mkdir(dir string) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o711); err != nil {
		return fmt.Errorf("make the databases' folder: %w", err)
	}
	if rt.uid >= 0 { // whatever the umask, the server's user passes through
		if err := os.Chmod(filepath.Dir(dir), 0o711); err != nil {
			return fmt.Errorf("make the databases' folder: %w", err)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("make the database's folder: %w", err)
	}
	return rt.own(dir)
}

// writeFile writes a private file the server's user owns.
func (rt *runtime) writeFile(path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return rt.own(path)
}

// configure gives a new cluster its TLS certificate and its settings:
// password logins from anywhere it listens, no Unix socket.
func (rt *runtime) configure(data string) error {
	cert, key, err := selfSigned()
	if err != nil {
		return err
	}
	if err := rt.writeFile(filepath.Join(data, "server.crt"), cert); err != nil {
		return err
	}
	if err := rt.writeFile(filepath.Join(data, "server.key"), key); err != nil {
		return err
	}
	hba := "# Written by the workshop's sandbox: password (SCRAM) logins over TCP.\n" +
		"host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n"
	if err := rt.writeFile(filepath.Join(data, "pg_hba.conf"), []byte(hba)); err != nil {
		return err
	}
	conf := "\n# Written by the workshop's sandbox.\nssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n" +
		"unix_socket_directories = ''\nmax_connections = 100\n"
	f, err := os.OpenFile(filepath.Join(data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("configure the database: %w", err)
	}
	_, werr := f.WriteString(conf)
	if err := errors.Join(werr, f.Close()); err != nil {
		return fmt.Errorf("configure the database: %w", err)
	}
	return nil
}
