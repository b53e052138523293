package dashboard

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/dashboard/wire"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// Two servers on one PostgreSQL database: a class the second one creates
// (as 'dashboard serve --class' does) is served by the first, which serves
// every class, without a restart: its join code works there, its learner's
// result shows, and the first's organiser page shows it live. The bound is
// below followEvery, so it is the creation's notification that wakes the
// first server, not its periodic read.
func TestAllClassesServerServesANewClassLive(t *testing.T) {
	organiser := newToken("wo_")
	a := startPostgresClass(t, func(o *Options) {
		o.AllClasses = true
		o.OrganiserHash = hashToken(organiser)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	list := a.streamAs(ctx, "/organiser/events", organiser)
	waitEvent(t, list, 5*time.Second, "Test class")

	// The second server creates its class.
	b := &testClass{t: t, db: a.db, clock: a.clock}
	st, err := Open(ctx, b.db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	second, token, err := st.OpenClass(ctx, "Second class", a.clock.Now())
	if err != nil || token == "" {
		t.Fatalf("create the second class: %v", err)
	}
	srv, err := NewServer(ctx, Options{Store: st, Classes: []Class{second}, Now: a.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.StartEvents()()

	// The first server lets the second class's learners join, at once.
	body, _ := json.Marshal(wire.JoinRequest{Code: second.JoinCode, Name: "Lin"})
	var joined wire.JoinResponse
	start := time.Now()
	for deadline := start.Add(followEvery - time.Second); ; {
		code, data, _ := a.do("POST", wire.PathJoin, "", body, nil)
		if code == http.StatusCreated {
			if err := json.Unmarshal(data, &joined); err != nil {
				t.Fatal(err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the first server still refuses the second class's join code: %d %s", code, data)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("the first server served the new class %s after its creation", time.Since(start))
	waitEvent(t, list, followEvery-time.Second, "Second class")

	// Lin's result, posted to the first server, counts on its list.
	if code, data := a.post(joined.LearnerID, joined.Token, "l1", module2(workshop.StatusPass)); code != http.StatusCreated {
		t.Fatalf("post to the first server: %d %s", code, data)
	}
	waitEvent(t, list, 5*time.Second, "Second class", `<td class="cell">100%</td>`)
	var classes []ClassSummary
	code, data, _ := a.do("GET", wire.PathClasses, organiser, nil, nil)
	if code != http.StatusOK || json.Unmarshal(data, &classes) != nil || len(classes) != 2 || classes[1].Name != "Second class" || classes[1].Learners != 1 {
		t.Fatalf("the classes API: %d %s", code, data)
	}
}

// A server that serves only its own classes does not take on another's.
func TestServerWithoutAllClassesKeepsToItsClasses(t *testing.T) {
	a := startPostgresClass(t, nil)
	ctx := context.Background()
	st, err := Open(ctx, a.db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	second, _, err := st.OpenClass(ctx, "Second class", a.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	// a reads on after the notification (or its periodic read): the
	// class's write reached it once a learner of its own class shows.
	id, token := a.join("Own")
	if code, _ := a.post(id, token, "o1", module2(workshop.StatusPass)); code != http.StatusCreated {
		t.Fatal(code)
	}
	if _, err := a.server.catchUpAll(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.server.adoptClasses(ctx); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(wire.JoinRequest{Code: second.JoinCode, Name: "Lin"})
	if code, data, _ := a.do("POST", wire.PathJoin, "", body, nil); code != http.StatusForbidden {
		t.Errorf("a server of one class took the other class's join code: %d %s", code, data)
	}
}
