package engine

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/testpeers"
)

func TestRunFollowStopAndRemoveAContainer(t *testing.T) {
	e, docker := realEngine(t)
	builder := testpeers.GoBuilderImage(t, docker)
	tag := testTag("users")
	removeImage(t, docker, tag)
	ctx := context.Background()
	if _, err := e.Build(ctx, BuildOptions{ContextDir: sampleApp(t), Dockerfile: "services/users/Dockerfile", Tags: []string{tag},
		Platform: "linux/amd64", BuildArgs: map[string]string{"GO_IMAGE": builder}}, nil); err != nil {
		t.Fatal(err)
	}
	if has, err := e.HasImage(ctx, tag); err != nil || !has {
		t.Fatalf("HasImage(%s) = %v, %v", tag, has, err)
	}
	if has, err := e.HasImage(ctx, "workshop-test/none:nope"); err != nil || has {
		t.Fatalf("HasImage(missing) = %v, %v", has, err)
	}

	label := fmt.Sprintf("run-%d", time.Now().UnixNano())
	c, err := e.Run(ctx, RunOptions{Image: tag, Ports: []int{3000}, Env: []string{"GREETING=hi"},
		Labels: map[string]string{"io.workshop.test": label}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Remove(context.Background(), c.ID) })
	if !c.Running || c.IP == "" || c.HostPorts[3000] == 0 {
		t.Fatalf("started %+v", c)
	}
	url := fmt.Sprintf("http://127.0.0.1:%d/api/users/1", c.HostPorts[3000])
	var body string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		res, err := http.Get(url)
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if body = string(b); res.Header.Get("X-Service") == "users" {
			break
		}
	}
	if !strings.Contains(body, `"username":"ada"`) {
		t.Fatalf("GET %s answered %q", url, body)
	}

	list, err := e.List(ctx, "io.workshop.test", label)
	if err != nil || len(list) != 1 || list[0].ID != c.ID || list[0].HostPorts[3000] != c.HostPorts[3000] || !list[0].Running {
		t.Fatalf("List: %v %+v", err, list)
	}

	// The output is followed until the container stops; SIGTERM ends the
	// service cleanly.
	lines := make(chan LogLine, 100)
	followed := make(chan error, 1)
	go func() {
		followed <- e.Logs(ctx, c.ID, time.Time{}, func(l LogLine) error { lines <- l; return nil })
	}()
	exit := make(chan int, 1)
	go func() {
		code, err := e.Wait(ctx, c.ID)
		if err != nil {
			t.Error(err)
		}
		exit <- code
	}()
	time.Sleep(200 * time.Millisecond)
	if err := e.Stop(ctx, c.ID, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if code := <-exit; code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0", code)
	}
	select {
	case err := <-followed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Logs did not return after the container stopped")
	}
	close(lines)
	var text []string
	for l := range lines {
		if l.Time.IsZero() {
			t.Errorf("line without a time: %+v", l)
		}
		text = append(text, l.Text)
	}
	all := strings.Join(text, "\n")
	if !strings.Contains(all, `"msg":"listening"`) || !strings.Contains(all, `"path":"/api/users/1"`) {
		t.Errorf("followed output:\n%s", all)
	}
	if err := e.Remove(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.Remove(ctx, c.ID); err != nil {
		t.Errorf("removing a removed container: %v", err)
	}
	if list, err := e.List(ctx, "io.workshop.test", label); err != nil || len(list) != 0 {
		t.Errorf("after Remove: %v %+v", err, list)
	}
}

func TestPullWhatIsNotThereSaysSo(t *testing.T) {
	e, _ := realEngine(t)
	err := e.Pull(context.Background(), "127.0.0.1:1/none/missing:v1", Auth{})
	if err == nil || !strings.Contains(err.Error(), "pull 127.0.0.1:1/none/missing:v1") {
		t.Fatalf("Pull = %v", err)
	}
}
