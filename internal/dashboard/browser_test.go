package dashboard

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// TestPageUpdatesLiveInChromium opens the page in headless Chromium, posts
// a new learner's result, and waits for the page to show it without a
// reload: the server-sent event must have updated the DOM.
func TestPageUpdatesLiveInChromium(t *testing.T) {
	bin := chromium(t)
	tc := startClass(t, nil)
	ada, adaToken := tc.join("Ada")
	tc.post(ada, adaToken, "a1", module2(workshop.StatusFail))

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	b := startBrowser(ctx, t, bin)
	var target struct {
		TargetID string `json:"targetId"`
	}
	b.call(ctx, "", "Target.createTarget", map[string]any{"url": tc.http.URL + "/login?token=" + tc.instructor}, &target)
	var attached struct {
		SessionID string `json:"sessionId"`
	}
	b.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached)
	page := func() pageState {
		var st pageState
		raw := b.eval(ctx, attached.SessionID, `JSON.stringify({
			board: (document.getElementById("board") || {}).innerText || "",
			live: (document.getElementById("live") || {}).textContent || "",
			marker: window.__marker || 0,
			updates: Number(document.body && document.body.dataset.updates || 0)})`)
		_ = json.Unmarshal([]byte(raw), &st)
		return st
	}
	st := waitPage(ctx, t, page, "the page to list Ada and go live", func(s pageState) bool {
		return strings.Contains(s.Board, "Ada") && s.Live == "live"
	})
	if strings.Contains(st.Board, "Bob") {
		t.Fatal("Bob is on the page before joining")
	}
	// Mark this page load: a reload would lose the marker.
	b.eval(ctx, attached.SessionID, "window.__marker = 42; 'ok'")

	bob, bobToken := tc.join("Bob")
	if code, data := tc.post(bob, bobToken, "b1", module2(workshop.StatusFail)); code != 201 {
		t.Fatalf("post: %d %s", code, data)
	}
	st = waitPage(ctx, t, page, "the page to show Bob's result", func(s pageState) bool {
		return strings.Contains(s.Board, "Bob") && strings.Contains(s.Board, "2 learners held up by")
	})
	if st.Marker != 42 {
		t.Errorf("the page was reloaded (marker %d), not updated in place", st.Marker)
	}
	if st.Updates < 1 {
		t.Errorf("no server-sent update was applied (updates %d)", st.Updates)
	}
	if !strings.Contains(st.Board, "module-2/targets-healthy") || !strings.Contains(st.Board, "Hint: the task security group") {
		t.Errorf("the cohort view lacks the condition or its hint:\n%s", st.Board)
	}
}

type pageState struct {
	Board   string `json:"board"`
	Live    string `json:"live"`
	Marker  int    `json:"marker"`
	Updates int    `json:"updates"`
}

func waitPage(ctx context.Context, t *testing.T, page func() pageState, what string, ok func(pageState) bool) pageState {
	t.Helper()
	var last pageState
	for ctx.Err() == nil {
		if last = page(); ok(last) {
			return last
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s; the page shows:\n%+v", what, last)
	return last
}

// chromium finds the browser, or skips (fails in CI).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	testpeers.Missing(t, "chromium is not installed (apt-get install chromium)")
	return ""
}

// browser speaks the Chrome DevTools Protocol over --remote-debugging-pipe:
// JSON messages separated by NUL bytes, written to the browser's fd 3 and
// read from its fd 4. No websocket is needed.
type browser struct {
	t       *testing.T
	mu      sync.Mutex
	w       io.Writer
	nextID  int
	waiting map[int]chan cdpMessage
}

type cdpMessage struct {
	ID     int             `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error"`
}

func startBrowser(ctx context.Context, t *testing.T, bin string) *browser {
	t.Helper()
	toBrowserR, toBrowserW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	fromBrowserR, fromBrowserW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--no-default-browser-check", "--disable-extensions", "--remote-debugging-pipe",
		"--user-data-dir="+t.TempDir(), "--window-size=1280,900", "about:blank")
	cmd.ExtraFiles = []*os.File{toBrowserR, fromBrowserW}
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		testpeers.Missing(t, "start chromium: %v", err)
	}
	toBrowserR.Close()
	fromBrowserW.Close()
	t.Cleanup(func() {
		toBrowserW.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("chromium's stderr:\n%s", stderr.String())
		}
	})
	b := &browser{t: t, w: toBrowserW, waiting: map[int]chan cdpMessage{}}
	go b.read(fromBrowserR)
	return b
}

// read dispatches the browser's answers to their callers; events are
// ignored.
func (b *browser) read(r io.Reader) {
	br := bufio.NewReader(r)
	for {
		msg, err := br.ReadBytes(0)
		if err != nil {
			return
		}
		var m cdpMessage
		if json.Unmarshal(bytes.TrimSuffix(msg, []byte{0}), &m) != nil || m.ID == 0 {
			continue
		}
		b.mu.Lock()
		ch := b.waiting[m.ID]
		delete(b.waiting, m.ID)
		b.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	}
}

// call sends a command (to a page's session when sessionID is set) and
// decodes its result into out.
func (b *browser) call(ctx context.Context, sessionID, method string, params any, out any) {
	b.t.Helper()
	b.mu.Lock()
	b.nextID++
	id := b.nextID
	ch := make(chan cdpMessage, 1)
	b.waiting[id] = ch
	req := map[string]any{"id": id, "method": method, "params": params}
	if sessionID != "" {
		req["sessionId"] = sessionID
	}
	data, _ := json.Marshal(req)
	_, err := b.w.Write(append(data, 0))
	b.mu.Unlock()
	if err != nil {
		b.t.Fatalf("send %s to chromium: %v", method, err)
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			b.t.Fatalf("%s: %s", method, m.Error.Message)
		}
		if out != nil {
			if err := json.Unmarshal(m.Result, out); err != nil {
				b.t.Fatalf("%s: %v", method, err)
			}
		}
	case <-ctx.Done():
		b.t.Fatalf("%s: chromium did not answer: %v", method, ctx.Err())
	}
}

// eval runs a JavaScript expression in the page and returns its string
// value.
func (b *browser) eval(ctx context.Context, sessionID, expr string) string {
	b.t.Helper()
	var res struct {
		Result struct {
			Value any `json:"value"`
		} `json:"result"`
	}
	b.call(ctx, sessionID, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &res)
	return fmt.Sprint(res.Result.Value)
}
