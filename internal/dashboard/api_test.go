package dashboard

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/dashboard/wire"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

func TestLearnerJoinsPostsAndTheBoardShowsIt(t *testing.T) {
	tc := startClass(t, nil)
	id, token := tc.join("Ada")
	if code, data := tc.post(id, token, "r1", module2(workshop.StatusFail)); code != http.StatusCreated {
		t.Fatalf("post: %d %s", code, data)
	}
	// The same result sent again (its answer was lost) is stored once.
	code, data := tc.post(id, token, "r1", module2(workshop.StatusFail))
	if code != http.StatusOK || !contains(string(data), `"duplicate":true`) {
		t.Fatalf("resend: %d %s", code, data)
	}
	if n := tc.countResults(); n != 1 {
		t.Fatalf("stored %d results, want 1", n)
	}
	b := tc.board()
	if len(b.Learners) != 1 {
		t.Fatalf("board has %d learners", len(b.Learners))
	}
	l := b.Learners[0]
	if l.Name != "Ada" || l.Module != "module-2" || l.Failing != "module-2/targets-healthy" || l.Results != 1 {
		t.Errorf("row = %+v", l)
	}
	if len(b.Cohort) != 1 || b.Cohort[0].Count != 1 || b.Cohort[0].Hint == "" {
		t.Errorf("cohort = %+v", b.Cohort)
	}
	// The drill-down has the latest result's conditions.
	code, data, _ = tc.do("GET", wire.LearnerPath(id), tc.instructor, nil, nil)
	if code != http.StatusOK || !contains(string(data), `"observed":"0 healthy"`) {
		t.Fatalf("learner: %d %s", code, data)
	}
}

func TestJoinRules(t *testing.T) {
	tc := startClass(t, nil)
	lower := strings.ToLower(strings.ReplaceAll(tc.class.JoinCode, "-", ""))
	tests := []struct {
		name string
		body string
		want int
	}{
		{"the code typed in lower case without the dash", `{"code":"` + lower + `","name":"Bo"}`, http.StatusCreated},
		{"a wrong code", `{"code":"AAAA-AAAA","name":"Bo"}`, http.StatusForbidden},
		{"no code", `{"name":"Bo"}`, http.StatusForbidden},
		{"an empty name", `{"code":"` + tc.class.JoinCode + `","name":""}`, http.StatusBadRequest},
		{"a control character in the name", `{"code":"` + tc.class.JoinCode + `","name":"Bo\u0007"}`, http.StatusBadRequest},
		{"a name too long", `{"code":"` + tc.class.JoinCode + `","name":"` + strings.Repeat("x", 65) + `"}`, http.StatusBadRequest},
		{"an unknown field", `{"code":"` + tc.class.JoinCode + `","name":"Bo","admin":true}`, http.StatusBadRequest},
		{"not JSON", `code=x`, http.StatusBadRequest},
		{"an oversized body", `{"code":"` + tc.class.JoinCode + `","name":"` + strings.Repeat("x", 5000) + `"}`, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, data, _ := tc.do("POST", wire.PathJoin, "", []byte(tt.body), nil)
			if code != tt.want {
				t.Errorf("status %d, want %d (%s)", code, tt.want, data)
			}
		})
	}
	if n := len(tc.board().Learners); n != 1 {
		t.Errorf("%d learners joined, want 1", n)
	}
}

func TestLearnerTokenWritesOnlyItsOwnResults(t *testing.T) {
	tc := startClass(t, nil)
	ada, adaToken := tc.join("Ada")
	bob, _ := tc.join("Bob")
	other := startClass(t, nil)
	_, otherToken := other.join("Eve")
	forged := newToken("wl_")
	tests := []struct {
		name  string
		id    int64
		token string
		want  int
	}{
		{"its own", ada, adaToken, http.StatusCreated},
		{"another learner's results", bob, adaToken, http.StatusForbidden},
		{"no token", ada, "", http.StatusUnauthorized},
		{"a forged token", ada, forged, http.StatusUnauthorized},
		{"a token with one character changed", ada, adaToken[:len(adaToken)-1] + flip(adaToken[len(adaToken)-1]), http.StatusUnauthorized},
		{"a token of another class", ada, otherToken, http.StatusUnauthorized},
		{"the instructor token", ada, tc.instructor, http.StatusUnauthorized},
		{"a learner that does not exist", 999, forged, http.StatusUnauthorized},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, data := tc.post(tt.id, tt.token, "k"+string(rune('a'+i)), module2(workshop.StatusFail))
			if code != tt.want {
				t.Errorf("status %d, want %d (%s)", code, tt.want, data)
			}
		})
	}
	for _, l := range tc.board().Learners {
		if want := map[string]int{"Ada": 1, "Bob": 0}[l.Name]; l.Results != want {
			t.Errorf("%s has %d results, want %d", l.Name, l.Results, want)
		}
	}
	// A heartbeat follows the same rule.
	hb := []byte(`{"where":"module-2"}`)
	if code, _, _ := tc.do("POST", wire.HeartbeatPath(bob), adaToken, hb, nil); code != http.StatusForbidden {
		t.Errorf("heartbeat with another learner's token: %d", code)
	}
}

func flip(b byte) string {
	if b == 'A' {
		return "B"
	}
	return "A"
}

func TestInstructorTokenGuardsThePageAndTheReadAPI(t *testing.T) {
	tc := startClass(t, nil)
	_, learner := tc.join("Ada")
	paths := []string{"/", "/learners/1", "/events", "/export.csv", wire.PathBoard, wire.LearnerPath(1)}
	for _, p := range paths {
		for _, tok := range []struct{ name, token string }{{"none", ""}, {"forged", newToken("wi_")}, {"a learner's", learner}} {
			code, data, _ := tc.do("GET", p, tok.token, nil, nil)
			if code != http.StatusUnauthorized {
				t.Errorf("GET %s with %s token: %d, want 401", p, tok.name, code)
			}
			if contains(string(data), "Ada") {
				t.Errorf("GET %s with %s token shows class data", p, tok.name)
			}
		}
	}
	if code, _, _ := tc.do("GET", wire.PathBoard, tc.instructor, nil, nil); code != http.StatusOK {
		t.Errorf("board with the instructor token: %d", code)
	}
	// The login URL exchanges the token for an HttpOnly, SameSite=Strict
	// cookie and sends the browser on to the page.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(tc.http.URL + "/login?token=" + newToken("wi_"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized || len(res.Cookies()) != 0 {
		t.Errorf("login with a forged token: %d, cookies %v", res.StatusCode, res.Cookies())
	}
	res, err = client.Get(tc.http.URL + "/login?token=" + tc.instructor)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("login: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	cookies := res.Cookies()
	if len(cookies) != 1 || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("login cookie = %+v", cookies)
	}
	req, _ := http.NewRequest("GET", tc.http.URL+"/", nil)
	req.AddCookie(cookies[0])
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("page with the cookie: %d", res.StatusCode)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"} {
		if res.Header.Get(h) == "" {
			t.Errorf("the page has no %s header", h)
		}
	}
}

func TestInvalidResultsAreRejectedAndChangeNothing(t *testing.T) {
	tc := startClass(t, nil)
	id, token := tc.join("Ada")
	valid, _ := json.Marshal(module2(workshop.StatusFail))
	edit := func(f func(m map[string]any)) string {
		var m map[string]any
		_ = json.Unmarshal(valid, &m)
		f(m)
		b, _ := json.Marshal(m)
		return string(b)
	}
	cond := func(m map[string]any) map[string]any { return m["conditions"].([]any)[1].(map[string]any) }
	many := make([]any, 201)
	for i := range many {
		many[i] = map[string]any{"id": "module-2/c", "title": "t", "status": "pass", "expected": "", "observed": ""}
	}
	tests := []struct {
		name   string
		body   string
		header map[string]string
		want   int
	}{
		{"malformed JSON", `{"target":`, nil, http.StatusBadRequest},
		{"two JSON values", string(valid) + string(valid), nil, http.StatusBadRequest},
		{"an unknown field", edit(func(m map[string]any) { m["admin"] = true }), nil, http.StatusBadRequest},
		{"an unknown field in a condition", edit(func(m map[string]any) { cond(m)["script"] = "x" }), nil, http.StatusBadRequest},
		{"an unknown target", edit(func(m map[string]any) { m["target"] = "module-9" }), nil, http.StatusBadRequest},
		{"an unknown status", edit(func(m map[string]any) { cond(m)["status"] = "great" }), nil, http.StatusBadRequest},
		{"a condition of another target", edit(func(m map[string]any) { cond(m)["id"] = "module-4/x" }), nil, http.StatusBadRequest},
		{"passed disagrees with the conditions", edit(func(m map[string]any) { m["passed"] = true }), nil, http.StatusBadRequest},
		{"a malformed account", edit(func(m map[string]any) { m["account"] = "12345" }), nil, http.StatusBadRequest},
		{"a malformed time", edit(func(m map[string]any) { m["started_at"] = "yesterday" }), nil, http.StatusBadRequest},
		{"a negative duration", edit(func(m map[string]any) { m["duration_ms"] = -5 }), nil, http.StatusBadRequest},
		{"a title too long", edit(func(m map[string]any) { cond(m)["title"] = strings.Repeat("t", 200) }), nil, http.StatusBadRequest},
		{"too many conditions", edit(func(m map[string]any) { m["conditions"] = many }), nil, http.StatusBadRequest},
		{"a body over the limit", edit(func(m map[string]any) { cond(m)["observed"] = strings.Repeat("o", wire.MaxResultBytes) }), nil, http.StatusRequestEntityTooLarge},
		{"no result id", string(valid), map[string]string{wire.HeaderResultID: ""}, http.StatusBadRequest},
		{"a malformed result id", string(valid), map[string]string{wire.HeaderResultID: "../x"}, http.StatusBadRequest},
		{"another content type", string(valid), map[string]string{"Content-Type": "text/plain"}, http.StatusUnsupportedMediaType},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := map[string]string{wire.HeaderResultID: "bad" + string(rune('a'+i))}
			for k, v := range tt.header {
				h[k] = v
			}
			code, data, _ := tc.do("POST", wire.ResultsPath(id), token, []byte(tt.body), h)
			if code != tt.want {
				t.Errorf("status %d, want %d (%s)", code, tt.want, data)
			}
			var e wire.Error
			if json.Unmarshal(data, &e) != nil || e.Message == "" {
				t.Errorf("no error message in %s", data)
			}
		})
	}
	if n := tc.countResults(); n != 0 {
		t.Errorf("%d invalid results were stored", n)
	}
	if l := tc.board().Learners[0]; l.Results != 0 || l.Failing != "" {
		t.Errorf("invalid results changed the board: %+v", l)
	}
}

func TestHeartbeats(t *testing.T) {
	tc := startClass(t, nil)
	id, token := tc.join("Ada")
	for _, tt := range []struct {
		body string
		want int
	}{
		{`{"where":"module-2/create-target-group"}`, http.StatusNoContent},
		{`{"where":"module-3"}`, http.StatusNoContent},
		{`{"where":""}`, http.StatusNoContent},
		{`{"where":"<script>"}`, http.StatusBadRequest},
		{`{"where":"module-2","x":1}`, http.StatusBadRequest},
	} {
		if code, data, _ := tc.do("POST", wire.HeartbeatPath(id), token, []byte(tt.body), nil); code != tt.want {
			t.Errorf("heartbeat %s: %d, want %d (%s)", tt.body, code, tt.want, data)
		}
	}
	tc.do("POST", wire.HeartbeatPath(id), token, []byte(`{"where":"module-3"}`), nil)
	if l := tc.board().Learners[0]; l.Where != "module-3" || l.Module != "module-3" {
		t.Errorf("row = %+v", l)
	}
}

func TestRateLimits(t *testing.T) {
	tc := startClass(t, func(o *Options) { o.LearnerRate, o.LearnerBurst = 0.001, 3; o.JoinRate, o.JoinBurst = 0.001, 4 })
	ada, adaToken := tc.join("Ada")
	bob, bobToken := tc.join("Bob")
	for i := range 3 {
		if code, data := tc.post(ada, adaToken, "a"+string(rune('0'+i)), module2(workshop.StatusFail)); code != http.StatusCreated {
			t.Fatalf("post %d: %d %s", i, code, data)
		}
	}
	code, data, h := tc.do("POST", wire.ResultsPath(ada), adaToken, []byte(`{}`), map[string]string{wire.HeaderResultID: "a9"})
	if code != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
		t.Errorf("4th post: %d %s, Retry-After %q", code, data, h.Get("Retry-After"))
	}
	// The limit is per learner: Bob is not held back by Ada.
	if code, data := tc.post(bob, bobToken, "b0", module2(workshop.StatusFail)); code != http.StatusCreated {
		t.Errorf("Bob's post: %d %s", code, data)
	}
	// Joins and logins are limited per client address.
	tc.join("Cy")
	tc.join("Di")
	body := `{"code":"` + tc.class.JoinCode + `","name":"Ed"}`
	if code, _, _ := tc.do("POST", wire.PathJoin, "", []byte(body), nil); code != http.StatusTooManyRequests {
		t.Errorf("5th join from one address: %d, want 429", code)
	}
}

// With the default limits, one address cannot add learners without end: a
// room's worth of joins goes through, then 429 with a Retry-After.
func TestJoinsAreLimitedPerAddressByDefault(t *testing.T) {
	tc := startClass(t, nil)
	accepted := 0
	for i := range 100 {
		body := fmt.Sprintf(`{"code":%q,"name":"learner %d"}`, tc.class.JoinCode, i)
		code, data, h := tc.do("POST", wire.PathJoin, "", []byte(body), nil)
		if code == http.StatusCreated {
			accepted++
			continue
		}
		if code != http.StatusTooManyRequests {
			t.Fatalf("join %d: %d %s", i, code, data)
		}
		if after, err := strconv.Atoi(h.Get("Retry-After")); err != nil || after < 1 {
			t.Errorf("join %d: Retry-After %q, want whole seconds", i, h.Get("Retry-After"))
		}
	}
	if accepted == 0 || accepted == 100 {
		t.Errorf("%d of 100 joins from one address accepted; want some, then 429", accepted)
	}
}

func TestRestartKeepsEveryAcceptedResult(t *testing.T) {
	tc := startClass(t, nil)
	ada, adaToken := tc.join("Ada")
	bob, bobToken := tc.join("Bob")
	tc.post(ada, adaToken, "a1", module2(workshop.StatusFail))
	tc.post(ada, adaToken, "a2", module2(workshop.StatusPass))
	tc.post(bob, bobToken, "b1", module2(workshop.StatusFail))
	tc.do("POST", wire.HeartbeatPath(bob), bobToken, []byte(`{"where":"module-2/create-service"}`), nil)
	before := tc.board()
	instructor := tc.instructor

	tc.restart()
	if tc.instructor != instructor {
		t.Fatal("a restart made a new instructor token")
	}
	after := tc.board()
	if n := tc.countResults(); n != 3 {
		t.Errorf("%d results after the restart, want 3", n)
	}
	b1, _ := json.Marshal(before.Learners)
	b2, _ := json.Marshal(after.Learners)
	if string(b1) != string(b2) {
		t.Errorf("the board changed across the restart:\nbefore %s\nafter  %s", b1, b2)
	}
	// Tokens survive too, and a resend of an old result is still known.
	if code, _ := tc.post(ada, adaToken, "a2", module2(workshop.StatusPass)); code != http.StatusOK {
		t.Errorf("resend after restart: %d, want 200 (duplicate)", code)
	}
	if code, _ := tc.post(bob, bobToken, "b2", module2(workshop.StatusPass)); code != http.StatusCreated {
		t.Errorf("post after restart: %d", code)
	}
}

func TestASecondServerCannotOpenTheSameDatabase(t *testing.T) {
	tc := startClass(t, nil)
	_, err := OpenSQLite(context.Background(), tc.dbPath)
	if err == nil || !contains(err.Error(), "another dashboard uses it") {
		t.Fatalf("second open: %v", err)
	}
}

func TestLearnerTextIsEscapedEverywhere(t *testing.T) {
	tc := startClass(t, nil)
	id, token := tc.join(`<script>alert(1)</script>`)
	tc.join(`=HYPERLINK("http://x")`)
	res := module2(workshop.StatusFail)
	res.Conditions[1].Observed = `<img src=x onerror=alert(2)>`
	res.Conditions[1].Hint = "line one\r\nevent: board\r\ndata: <b>forged</b>"
	if code, data := tc.post(id, token, "x1", res); code != http.StatusCreated {
		t.Fatalf("post: %d %s", code, data)
	}
	for _, p := range []string{"/", wire.LearnerPath(id)[len("/api/v1"):]} {
		_, page, _ := tc.do("GET", p, tc.instructor, nil, nil)
		s := string(page)
		if contains(s, "<script>alert") || contains(s, "<img src=x") || contains(s, "<b>forged") {
			t.Errorf("%s shows learner text unescaped", p)
		}
		if !contains(s, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s does not show the escaped name", p)
		}
	}
	_, csvData, _ := tc.do("GET", "/export.csv", tc.instructor, nil, nil)
	if !contains(string(csvData), `'=HYPERLINK`) {
		t.Errorf("CSV lets a name start a formula:\n%s", csvData)
	}
	// In the event stream, a CR in learner text cannot start a line of its own.
	frag := tc.server.renderBoardFragment(tc.server.rooms[0])
	var sse strings.Builder
	w := &recorder{header: http.Header{}, body: &sse}
	_ = writeEvent(w, "board", frag)
	for _, line := range strings.Split(sse.String(), "\n") {
		if line != "" && !strings.HasPrefix(line, "data: ") && line != "event: board" {
			t.Errorf("event stream line %q is not data", line)
		}
	}
}

// recorder is a minimal http.ResponseWriter.
type recorder struct {
	header http.Header
	body   *strings.Builder
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(int)             {}

func TestEventsStreamTheBoardOnEveryChange(t *testing.T) {
	tc := startClass(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", tc.http.URL+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+tc.instructor)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	events := make(chan string)
	go func() {
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(nil, 1<<20)
		var data strings.Builder
		for sc.Scan() {
			line := sc.Text()
			if d, ok := strings.CutPrefix(line, "data: "); ok {
				data.WriteString(d + "\n")
			} else if line == "" && data.Len() > 0 {
				events <- data.String()
				data.Reset()
			}
		}
		close(events)
	}()
	if first := <-events; !contains(first, "No learner has joined yet") {
		t.Fatalf("first event: %s", first)
	}
	id, token := tc.join("Grace")
	tc.post(id, token, "g1", module2(workshop.StatusFail))
	for ev := range events {
		if contains(ev, "Grace") && contains(ev, "module-2/targets-healthy") {
			return
		}
	}
	t.Fatal("the stream ended before showing Grace's result")
}

// A copy of the database files taken while the server runs is what a crash
// (kill -9) leaves behind: every acknowledged result must be in it.
func TestAnAcknowledgedResultIsOnDiskWhenAnswered(t *testing.T) {
	tc := startClass(t, nil)
	id, token := tc.join("Ada")
	if code, _ := tc.post(id, token, "a1", module2(workshop.StatusFail)); code != http.StatusCreated {
		t.Fatal(code)
	}
	dir := t.TempDir()
	for _, suffix := range []string{"", "-wal"} {
		data, err := os.ReadFile(tc.dbPath + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "copy.db"+suffix), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	st, err := OpenSQLite(context.Background(), filepath.Join(dir, "copy.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := st.FindClass(context.Background(), "Test class")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := st.CountResults(context.Background(), c.ID); err != nil || n != 1 {
		t.Fatalf("the crash copy holds %d results (%v), want 1", n, err)
	}
}

func TestClassAndResultCaps(t *testing.T) {
	tc := startClass(t, func(o *Options) { o.MaxLearners, o.MaxResults = 2, 2 })
	id, token := tc.join("Ada")
	tc.join("Bob")
	body := `{"code":"` + tc.class.JoinCode + `","name":"Cy"}`
	if code, data, _ := tc.do("POST", wire.PathJoin, "", []byte(body), nil); code != http.StatusForbidden || !contains(string(data), "the class is full") {
		t.Errorf("3rd join: %d %s", code, data)
	}
	tc.post(id, token, "a1", module2(workshop.StatusFail))
	tc.post(id, token, "a2", module2(workshop.StatusFail))
	if code, data := tc.post(id, token, "a3", module2(workshop.StatusFail)); code != http.StatusUnprocessableEntity {
		t.Errorf("3rd result: %d %s", code, data)
	}
	if n := tc.countResults(); n != 2 {
		t.Errorf("%d results stored, want 2", n)
	}
	if _, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "a?b.db")); err == nil {
		t.Error("a path with '?' was accepted")
	}
}
