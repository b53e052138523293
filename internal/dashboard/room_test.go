package dashboard

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// roomConditions are each target's conditions, in workshop order.
var roomConditions = []struct {
	target workshop.Target
	ids    []string
}{
	{workshop.TargetPreflight, []string{"preflight/credentials", "preflight/docker", "preflight/region"}},
	{workshop.TargetModule1, []string{"module-1/repository-api", "module-1/image-api"}},
	{workshop.TargetModule2, []string{"module-2/stack-settled", "module-2/cluster-active", "module-2/service-api-running", "module-2/listener-forwards-to-api"}},
	{workshop.TargetModule3, []string{"module-3/platform-users", "module-3/platform-threads"}},
	{workshop.TargetModule4, []string{"module-4/traffic-switched", "module-4/api-scaled-down"}},
}

// roomResult is a `check all` result in which every condition before
// failing passes, failing has status st, and every one after it fails
// (as after a skipped step); failing "" passes them all.
func roomResult(failing string, st workshop.Status) workshop.Result {
	var conds []workshop.Condition
	status := workshop.StatusPass
	for _, t := range roomConditions {
		for _, id := range t.ids {
			c := workshop.Condition{ID: id, Title: "The " + id, Status: status, Expected: "ok", Observed: "ok"}
			if id == failing {
				c.Status, c.Observed, c.Hint = st, "not yet", "the hint for "+id
				status = workshop.StatusFail
			} else if status == workshop.StatusFail {
				c.Observed, c.Hint = "missing", "the hint for "+id
			}
			conds = append(conds, c)
		}
	}
	return workshop.NewResult(workshop.TargetAll, "123456789012", "us-east-1",
		time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC), time.Second, 17, conds)
}

// TestRoomAt1280x900InChromium fills a 40-learner room with mixed progress
// and checks, in headless Chromium at 1280×900, that the first screen shows
// the root causes (one per first failing condition, however many
// conditions fail after it) beside the learner grid, with the stuck marked;
// then that a learner's drill-down follows a new result live. With
// WORKSHOP_SCREENSHOTS=DIR it saves both screens there.
func TestRoomAt1280x900InChromium(t *testing.T) {
	bin := chromium(t)
	tc := startClass(t, func(o *Options) { o.Stuck = StuckRules{After: 10 * time.Minute} })
	type group struct {
		n       int
		failing string
		st      workshop.Status
	}
	groups := []group{
		{5, "", workshop.StatusPass},
		{8, "module-1/repository-api", workshop.StatusFail}, // skipped module 1: 9 conditions fail after it
		{11, "module-2/service-api-running", workshop.StatusFail},
		{5, "module-2/listener-forwards-to-api", workshop.StatusWaiting},
		{4, "module-3/platform-users", workshop.StatusFail},
		{3, "preflight/docker", workshop.StatusFail},
		{4, "", ""}, // joined, no result yet
	}
	type learner struct {
		id    int64
		token string
	}
	var all []learner
	n := 0
	for _, g := range groups {
		for i := 0; i < g.n; i++ {
			n++
			id, token := tc.join(fmt.Sprintf("Learner %02d", n))
			all = append(all, learner{id, token})
			if g.st != "" {
				if code, data := tc.post(id, token, "r1", roomResult(g.failing, g.st)); code != 201 {
					t.Fatalf("post: %d %s", code, data)
				}
			}
		}
	}
	// Twelve minutes later, half of the module-2 group moved on to module 3:
	// the others made no progress and are stuck.
	tc.clock.Add(12 * time.Minute)
	for i := 13; i < 19; i++ {
		tc.post(all[i].id, all[i].token, "r2", roomResult("module-3/platform-users", workshop.StatusFail))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	b := startBrowser(ctx, t, bin)
	session := b.open(ctx, tc.http.URL+"/login?token="+tc.instructor)
	var room struct {
		Cards, CardsVisible, Rows, RowsVisible, StuckRows int
		GridTop, Height, Width                            float64
		Module1Card, Live                                 string
	}
	measure := func() {
		raw := b.eval(ctx, session, `(function () {
			const h = window.innerHeight, onScreen = el => el.getBoundingClientRect().bottom <= h;
			const cards = [...document.querySelectorAll(".cohort .entry")];
			const rows = [...document.querySelectorAll("tr.learner")];
			const grid = document.querySelector(".grid");
			return JSON.stringify({Cards: cards.length, CardsVisible: cards.filter(onScreen).length,
				Rows: rows.length, RowsVisible: rows.filter(onScreen).length,
				StuckRows: document.querySelectorAll("tr.learner.is-stuck").length,
				GridTop: grid ? grid.getBoundingClientRect().top : -1, Height: h, Width: window.innerWidth,
				Module1Card: cards.filter(c => c.dataset.condition === "module-1/repository-api").map(c => c.innerText).join(""),
				Live: (document.getElementById("live") || {}).textContent || ""});
		})()`)
		if err := json.Unmarshal([]byte(raw), &room); err != nil {
			t.Fatalf("measure the page: %v (%s)", err, raw)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for measure(); room.Rows != 40 || room.Live != "live"; measure() {
		if time.Now().After(deadline) {
			t.Fatalf("the page did not show the 40 learners live: %+v", room)
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.screenshot(ctx, session, "room-1280x900.png")
	// The page's weight: the HTML, its style sheet and script, and one live
	// update of the board.
	_, html, _ := tc.do("GET", "/", tc.instructor, nil, nil)
	_, css, _ := tc.do("GET", "/static/app.css", "", nil, nil)
	_, js, _ := tc.do("GET", "/static/app.js", "", nil, nil)
	update := tc.server.renderBoardFragment(tc.server.rooms[0])
	t.Logf("page weight for 40 learners: HTML %d B, app.css %d B, app.js %d B (total %d B, uncompressed); one live update %d B",
		len(html), len(css), len(js), len(html)+len(css)+len(js), len(update))
	t.Logf("at %.0fx%.0f: %d root-cause cards (%d on the first screen), %d of %d learners visible without scrolling, %d marked stuck",
		room.Width, room.Height, room.Cards, room.CardsVisible, room.RowsVisible, room.Rows, room.StuckRows)
	if room.Width != 1280 || room.Height != 900 {
		t.Errorf("the viewport is %.0fx%.0f, want 1280x900", room.Width, room.Height)
	}
	// Five first failing conditions: five root causes, all shown; module
	// 1's nine downstream failures (for each of its eight learners) fold
	// into it.
	if room.Cards != 5 || room.CardsVisible != room.Cards {
		t.Errorf("%d root-cause cards, %d on the first screen; want 5, all on it", room.Cards, room.CardsVisible)
	}
	if !strings.Contains(room.Module1Card, "8 learners held up by module-1/repository-api") ||
		!strings.Contains(room.Module1Card, "the hint for module-1/repository-api") ||
		!strings.Contains(room.Module1Card, "72 failures after it folded in") {
		t.Errorf("module 1's card is\n%s", room.Module1Card)
	}
	if room.GridTop > 150 || room.RowsVisible < 25 {
		t.Errorf("the grid starts at %.0f px and shows %d learners without scrolling; want it at the top with 25 or more", room.GridTop, room.RowsVisible)
	}
	// The 29 who made no progress for 12 minutes (or sent nothing since
	// joining), not the finished nor the six who moved on.
	if room.StuckRows != 29 {
		t.Errorf("%d learners marked stuck, want 29", room.StuckRows)
	}

	// The drill-down follows the learner live, without a reload.
	ada := all[13]
	learnerPage := b.open(ctx, fmt.Sprintf("%s/learners/%d", tc.http.URL, ada.id))
	text := func() string {
		return b.eval(ctx, learnerPage, `(document.getElementById("learner") || {}).innerText || ""`)
	}
	waitText(ctx, t, text, "module-3/platform-users")
	b.eval(ctx, learnerPage, "window.__marker = 7; 'ok'")
	tc.post(ada.id, ada.token, "r3", roomResult("module-4/traffic-switched", workshop.StatusFail))
	waitText(ctx, t, text, "Held up by module-4/traffic-switched")
	if m := b.eval(ctx, learnerPage, "String(window.__marker)"); m != "7" {
		t.Errorf("the drill-down was reloaded (marker %s), not updated in place", m)
	}
	b.screenshot(ctx, learnerPage, "learner-1280x900.png")
}

// waitText waits until text() contains want.
func waitText(ctx context.Context, t *testing.T, text func() string, want string) {
	t.Helper()
	var last string
	for ctx.Err() == nil {
		if last = text(); strings.Contains(last, want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %q; the page shows:\n%s", want, last)
}

// open opens url in a new tab of 1280×900 and returns its session.
func (b *browser) open(ctx context.Context, url string) string {
	b.t.Helper()
	var target struct {
		TargetID string `json:"targetId"`
	}
	b.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &target)
	var attached struct {
		SessionID string `json:"sessionId"`
	}
	b.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached)
	b.call(ctx, attached.SessionID, "Emulation.setDeviceMetricsOverride",
		map[string]any{"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false}, nil)
	b.call(ctx, attached.SessionID, "Page.navigate", map[string]any{"url": url}, nil)
	return attached.SessionID
}

// screenshot captures the page's first screen, checks it is 1280×900 and
// saves it as name in $WORKSHOP_SCREENSHOTS, when that is set.
func (b *browser) screenshot(ctx context.Context, session, name string) {
	b.t.Helper()
	var shot struct {
		Data string `json:"data"`
	}
	b.call(ctx, session, "Page.captureScreenshot", map[string]any{"format": "png"}, &shot)
	data, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		b.t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		b.t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if cfg.Width != 1280 || cfg.Height != 900 {
		b.t.Errorf("the screenshot is %dx%d, want 1280x900", cfg.Width, cfg.Height)
	}
	if dir := os.Getenv("WORKSHOP_SCREENSHOTS"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
}
