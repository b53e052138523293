package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/dashboard/wire"
	"github.com/breakthemonolith/workshop/internal/testpeers"
)

func TestDashboardUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"dashboard", "serve", "--addr", "0.0.0.0:8080"}, "not on the loopback interface"},
		{[]string{"dashboard", "serve", "--addr", "8080"}, "expected host:port"},
		{[]string{"dashboard", "serve", "--class", ""}, "give the class a name"},
		{[]string{"dashboard", "serve", "--stuck-after", "10s"}, "a minute or more"},
		{[]string{"dashboard", "watch"}, "give its URL"},
		{[]string{"dashboard", "watch", "127.0.0.1:8080", "--token", "x"}, "expected http://HOST:PORT"},
		{[]string{"dashboard", "watch", "http://127.0.0.1:8080"}, "--token or set WORKSHOP_DASHBOARD_TOKEN"},
		{[]string{"check", "module-1", "--code", "ABCD-EFGH"}, "go with --class"},
		{[]string{"check", "module-1", "--class", "10.0.0.5:8080"}, "expected the dashboard's URL"},
		{[]string{"check", "module-1", "--class", "http://10.0.0.5:8080", "--name", "a\x1bb"}, "invalid --name"},
	} {
		f, _, errOut := testFactory(nil)
		if code := run(context.Background(), f, tt.args); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2\n%s", tt.args, code, errOut)
		}
		if !strings.Contains(errOut.String(), tt.want) {
			t.Errorf("%v: stderr %q does not say %q", tt.args, errOut, tt.want)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader in two
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// serveDashboard runs 'dashboard serve' on a free port until the test ends
// and returns its URL and banner.
func serveDashboard(t *testing.T, db string, extra ...string) (string, string) {
	t.Helper()
	f, _, _ := testFactory(nil)
	var errOut syncBuffer
	f.IO.ErrOut = &errOut
	ready := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	cmd := newDashboardServeCmd(f, func(ctx context.Context, o *dashboardServeOptions) error {
		o.Ready = func(addr string) { ready <- addr }
		return dashboardServeRun(ctx, o)
	})
	cmd.SetArgs(append([]string{"--addr", "127.0.0.1:0", "--db", db}, extra...))
	go func() { done <- cmd.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	select {
	case addr := <-ready:
		return "http://" + addr, errOut.String()
	case err := <-done:
		t.Fatalf("serve stopped: %v\n%s", err, errOut.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("serve did not start:\n%s", errOut.String())
	}
	return "", ""
}

var (
	joinCodeRe = regexp.MustCompile(`--code ([A-Z0-9]{4}-[A-Z0-9]{4})`)
	tokenRe    = regexp.MustCompile(`login\?token=(wi_[A-Za-z0-9_-]+)`)
)

func TestDashboardServePrintsTheTokenOnlyOnCreation(t *testing.T) {
	db := filepath.Join(t.TempDir(), "class.db")
	func() {
		_, banner := serveDashboard(t, db, "--class", "Berlin")
		if !joinCodeRe.MatchString(banner) || !tokenRe.MatchString(banner) || !strings.Contains(banner, `class "Berlin" created`) {
			t.Fatalf("first banner:\n%s", banner)
		}
	}()
}

func TestDashboardServeAgainShowsNoToken(t *testing.T) {
	db := filepath.Join(t.TempDir(), "class.db")
	ctx, cancel := context.WithCancel(context.Background())
	f, _, errOut := testFactory(nil)
	opts := &dashboardServeOptions{IO: f.IO, Getenv: f.Getenv, Now: time.Now, Addr: "127.0.0.1:0", DB: db, Classes: []string{"c"}, StuckAfter: time.Minute,
		Ready: func(string) { cancel() }}
	if err := dashboardServeRun(ctx, opts); err != nil {
		t.Fatal(err)
	}
	first := tokenRe.FindStringSubmatch(errOut.String())
	errOut.Reset()
	ctx, cancel = context.WithCancel(context.Background())
	opts.Ready = func(string) { cancel() }
	if err := dashboardServeRun(ctx, opts); err != nil {
		t.Fatal(err)
	}
	if tokenRe.MatchString(errOut.String()) || !strings.Contains(errOut.String(), "--new-token") {
		t.Errorf("second banner shows a token or no way to get one:\n%s", errOut)
	}
	errOut.Reset()
	ctx, cancel = context.WithCancel(context.Background())
	opts.Ready, opts.NewToken = func(string) { cancel() }, true
	if err := dashboardServeRun(ctx, opts); err != nil {
		t.Fatal(err)
	}
	second := tokenRe.FindStringSubmatch(errOut.String())
	if first == nil || second == nil || first[1] == second[1] {
		t.Errorf("--new-token did not print a new token:\n%s", errOut)
	}
}

// Serving a database again without --class opens the class it holds: same
// class, same instructor token, no new class "workshop".
func TestDashboardServeAgainWithoutClassOpensTheClassItHolds(t *testing.T) {
	db := filepath.Join(t.TempDir(), "class.db")
	ctx, cancel := context.WithCancel(context.Background())
	f, _, errOut := testFactory(nil)
	opts := &dashboardServeOptions{IO: f.IO, Getenv: f.Getenv, Now: time.Now, Addr: "127.0.0.1:0", DB: db, Classes: []string{"Pen"}, StuckAfter: time.Minute,
		Ready: func(string) { cancel() }}
	if err := dashboardServeRun(ctx, opts); err != nil {
		t.Fatal(err)
	}
	token := tokenRe.FindStringSubmatch(errOut.String())
	if token == nil {
		t.Fatalf("no token on creation:\n%s", errOut)
	}
	url, banner := serveDashboard(t, db)
	if !strings.Contains(banner, `class "Pen" opened`) || tokenRe.MatchString(banner) {
		t.Errorf("second serve did not open class Pen with its token kept:\n%s", banner)
	}
	req, err := http.NewRequest("GET", url+wire.PathBoard, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token[1])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the instructor's token after a restart: %d, want 200", resp.StatusCode)
	}
}

// A database holding several classes is served only with --class, and the
// usage error lists them as runnable commands.
func TestDashboardServeWithSeveralClassesAsksWhich(t *testing.T) {
	db := filepath.Join(t.TempDir(), "class.db")
	for _, name := range []string{"Pen", "ECS day"} {
		ctx, cancel := context.WithCancel(context.Background())
		f, _, _ := testFactory(nil)
		opts := &dashboardServeOptions{IO: f.IO, Getenv: f.Getenv, Now: time.Now, Addr: "127.0.0.1:0", DB: db, Classes: []string{name}, StuckAfter: time.Minute,
			Ready: func(string) { cancel() }}
		if err := dashboardServeRun(ctx, opts); err != nil {
			t.Fatal(err)
		}
	}
	f, _, errOut := testFactory(nil)
	if code := run(context.Background(), f, []string{"dashboard", "serve", "--addr", "127.0.0.1:0", "--db", db}); code != ExitUsage {
		t.Fatalf("exit %d, want %d\n%s", code, ExitUsage, errOut)
	}
	for _, want := range []string{"holds 2 classes", "--class Pen", "--class 'ECS day'", "--all-classes"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr does not say %q:\n%s", want, errOut)
		}
	}
}

// Several classes on one dashboard: each gets its join code and instructor
// URL, the organiser a URL for the list of classes; served again with
// --all-classes, the tokens are not shown again.
func TestDashboardServesSeveralClasses(t *testing.T) {
	db := filepath.Join(t.TempDir(), "event.db")
	ctx, cancel := context.WithCancel(context.Background())
	f, _, errOut := testFactory(nil)
	opts := &dashboardServeOptions{IO: f.IO, Getenv: f.Getenv, Now: time.Now, Addr: "127.0.0.1:0", DB: db,
		Classes: []string{"Berlin", "Paris"}, StuckAfter: time.Minute, Ready: func(string) { cancel() }}
	if err := dashboardServeRun(ctx, opts); err != nil {
		t.Fatal(err)
	}
	banner := errOut.String()
	if n := len(joinCodeRe.FindAllString(banner, -1)); n != 2 || len(tokenRe.FindAllString(banner, -1)) < 2 ||
		!strings.Contains(banner, `class "Berlin" created`) || !strings.Contains(banner, `class "Paris" created`) ||
		!regexp.MustCompile(`/organiser/login\?token=wo_\S+`).MatchString(banner) {
		t.Fatalf("banner:\n%s", banner)
	}
	url, again := serveDashboard(t, db, "--all-classes")
	if !strings.Contains(again, `class "Berlin" opened`) || !strings.Contains(again, `class "Paris" opened`) ||
		strings.Contains(again, "token=wo_") || !strings.Contains(again, "--new-organiser-token") {
		t.Errorf("second banner:\n%s", again)
	}
	if !strings.HasPrefix(url, "http://") {
		t.Errorf("url %q", url)
	}
}

// A learner's check reaches the dashboard, and the terminal view shows it.
func TestCheckWithClassReachesTheDashboard(t *testing.T) {
	f, _ := motoFactory(t)
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	url, banner := serveDashboard(t, filepath.Join(t.TempDir(), "class.db"))
	code := joinCodeRe.FindStringSubmatch(banner)[1]
	token := tokenRe.FindStringSubmatch(banner)[1]

	var errOut bytes.Buffer
	f.IO.ErrOut = &errOut
	if exit := run(context.Background(), f, []string{"check", "module-1", "--class", url, "--code", code, "--name", "Ada Lovelace"}); exit != ExitCheckFailed {
		t.Fatalf("check exit %d, want 1 (an empty account fails module 1)\n%s", exit, errOut.String())
	}
	if strings.Contains(errOut.String(), "! class") {
		t.Errorf("the class publisher warned:\n%s", errOut.String())
	}
	entries, _ := filepath.Glob(filepath.Join(state, "workshop", "class", "*", "learner.json"))
	if len(entries) != 1 {
		t.Fatalf("the learner's token was not saved: %v", entries)
	}
	if info, err := os.Stat(entries[0]); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the token file is not private: %v %v", info.Mode(), err)
	}

	wf, out, wErr := testFactory(map[string]string{"WORKSHOP_DASHBOARD_TOKEN": token})
	if exit := run(context.Background(), wf, []string{"dashboard", "watch", url, "--once"}); exit != ExitOK {
		t.Fatalf("watch exit %d\n%s", exit, wErr)
	}
	if !strings.Contains(out.String(), "Ada Lovelace") || !strings.Contains(out.String(), "module-1/") {
		t.Errorf("watch does not show the learner's failing module 1 condition:\n%s", out)
	}
	wf, _, wErr = testFactory(nil)
	if exit := run(context.Background(), wf, []string{"dashboard", "watch", url, "--once", "--token", "wi_forged"}); exit != ExitEnvironment ||
		!strings.Contains(wErr.String(), "token was refused") {
		t.Errorf("watch with a forged token: exit %d\n%s", exit, wErr)
	}
}

func TestDashboardServeExposedWarns(t *testing.T) {
	f, _, errOut := testFactory(nil)
	ctx, cancel := context.WithCancel(context.Background())
	opts := &dashboardServeOptions{IO: f.IO, Getenv: f.Getenv, Now: time.Now, Addr: "0.0.0.0:0", Expose: true,
		DB: filepath.Join(t.TempDir(), "class.db"), Classes: []string{"c"}, StuckAfter: time.Minute, Ready: func(string) { cancel() }}
	if err := dashboardServeRun(ctx, opts); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"! the dashboard listens on 0.0.0.0:", "over plain HTTP", "--class http://YOUR-ADDRESS:", "replace YOUR-ADDRESS"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, errOut)
		}
	}
}

// With the dashboard away, the learner's check works as without --class:
// same exit, stdout only the result; stderr says the result waits on disk.
func TestCheckWithClassDownStillWorks(t *testing.T) {
	f, _ := motoFactory(t)
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	var out, errOut bytes.Buffer
	f.IO.Out, f.IO.ErrOut = &out, &errOut
	url := "http://127.0.0.1:" + itoa(testpeers.FreePort(t))
	if exit := run(context.Background(), f, []string{"check", "module-1", "--json", "--class", url, "--code", "ABCD-EFGH"}); exit != ExitCheckFailed {
		t.Fatalf("check exit %d, want 1\n%s", exit, errOut.String())
	}
	var res map[string]any
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || res["target"] != "module-1" {
		t.Errorf("stdout is not the result alone: %v\n%s", err, out.String())
	}
	for _, want := range []string{"! class: the class dashboard at " + url + " does not answer", "1 result not sent to the class dashboard yet"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
		}
	}
	kept, _ := filepath.Glob(filepath.Join(state, "workshop", "class", "*", "outbox", "*.json"))
	if len(kept) != 1 {
		t.Errorf("%d results kept on disk, want 1", len(kept))
	}
}
