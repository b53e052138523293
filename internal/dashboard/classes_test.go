package dashboard

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/dashboard/wire"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// Several classes on one dashboard: each join code joins its class, each
// instructor token opens its class only, and the organiser token lists
// them all with their progress and exports each as CSV.
func TestSeveralClassesOnOneDashboard(t *testing.T) {
	ctx := context.Background()
	st, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	berlin, berlinToken, err := st.OpenClass(ctx, "Berlin", now)
	if err != nil {
		t.Fatal(err)
	}
	paris, parisToken, err := st.OpenClass(ctx, "Paris", now)
	if err != nil {
		t.Fatal(err)
	}
	orgHash, orgToken, err := st.OrganiserToken(ctx, false)
	if err != nil || orgToken == "" {
		t.Fatalf("organiser token: %q %v", orgToken, err)
	}
	if again, token, err := st.OrganiserToken(ctx, false); err != nil || token != "" || string(again) != string(orgHash) {
		t.Errorf("a second OrganiserToken made a new token (%q, %v)", token, err)
	}
	srv, err := NewServer(ctx, Options{Store: st, Classes: []Class{berlin, paris}, OrganiserHash: orgHash, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	tc := &testClass{t: t, store: st, server: srv, class: berlin, instructor: berlinToken, clock: newClock()}
	tc.http = httptestServer(t, srv)

	ada, adaToken := tc.join("Ada") // Berlin's code
	tc.class = paris
	bob, bobToken := tc.join("Bob")
	cy, _ := tc.join("Cy")
	_ = cy
	tc.post(ada, adaToken, "a1", module2(workshop.StatusPass))
	tc.post(bob, bobToken, "b1", module2(workshop.StatusFail))

	names := func(token string) string {
		code, data, _ := tc.do("GET", wire.PathBoard, token, nil, nil)
		if code != http.StatusOK {
			t.Fatalf("board: %d %s", code, data)
		}
		var b Board
		_ = json.Unmarshal(data, &b)
		var out []string
		for _, l := range b.Learners {
			out = append(out, l.Name)
		}
		return b.Class + ": " + strings.Join(out, ",")
	}
	if got := names(berlinToken); got != "Berlin: Ada" {
		t.Errorf("Berlin's instructor sees %s", got)
	}
	if got := names(parisToken); got != "Paris: Bob,Cy" {
		t.Errorf("Paris's instructor sees %s", got)
	}
	// An instructor reads no other class's learner.
	if code, _, _ := tc.do("GET", wire.LearnerPath(bob), berlinToken, nil, nil); code != http.StatusNotFound {
		t.Errorf("Berlin's instructor reading Paris's learner: %d, want 404", code)
	}
	// The organiser's list, and no instructor's token opens it.
	if code, _, _ := tc.do("GET", wire.PathClasses, berlinToken, nil, nil); code != http.StatusUnauthorized {
		t.Errorf("an instructor token on the organiser API: %d, want 401", code)
	}
	code, data, _ := tc.do("GET", wire.PathClasses, orgToken, nil, nil)
	if code != http.StatusOK {
		t.Fatalf("classes: %d %s", code, data)
	}
	var list []ClassSummary
	if err := json.Unmarshal(data, &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != "Berlin" || list[0].Learners != 1 || list[0].Passed[2] != 1 ||
		list[1].Name != "Paris" || list[1].Learners != 2 || list[1].TopCause == nil || list[1].TopCause.Condition != "module-2/targets-healthy" {
		t.Errorf("classes = %s", data)
	}
	code, data, _ = tc.do("GET", "/organiser", orgToken, nil, nil)
	if code != http.StatusOK || !contains(string(data), "Paris") || !contains(string(data), "/organiser/classes/") {
		t.Errorf("organiser page: %d %s", code, data)
	}
	code, data, h := tc.do("GET", "/organiser/classes/"+itoa(paris.ID)+"/export.csv", orgToken, nil, nil)
	if code != http.StatusOK || !contains(h.Get("Content-Disposition"), "Paris.csv") || !contains(string(data), "Bob") || contains(string(data), "Ada") {
		t.Errorf("Paris's CSV: %d %s %s", code, h.Get("Content-Disposition"), data)
	}
	// The organiser login sets a cookie for the organiser's pages only.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noFollow.Get(tc.http.URL + "/organiser/login?token=" + orgToken)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if c := res.Header.Get("Set-Cookie"); res.StatusCode != http.StatusSeeOther || !contains(c, organiserCookie+"=") || !contains(c, "Path=/organiser") || !contains(c, "HttpOnly") {
		t.Errorf("organiser login: %d, cookie %q", res.StatusCode, c)
	}
}

// Behind a load balancer that terminates HTTPS, the page prints https://
// join commands and the login sets a Secure cookie, but only when the
// server is told it is behind one.
func TestBehindProxyTrustsForwardedProto(t *testing.T) {
	for _, behind := range []bool{false, true} {
		tc := startClass(t, func(o *Options) { o.BehindProxy = behind })
		page := func() string {
			req, _ := http.NewRequest("GET", tc.http.URL+"/", nil)
			req.Header.Set("Authorization", "Bearer "+tc.instructor)
			req.Header.Set("X-Forwarded-Proto", "https")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var b strings.Builder
			_, _ = io.Copy(&b, res.Body)
			return b.String()
		}
		if got := contains(page(), "--class https://"); got != behind {
			t.Errorf("behind a proxy %t: https join command %t", behind, got)
		}
	}
}
