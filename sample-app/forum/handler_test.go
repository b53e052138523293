package forum

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func newTestHandler(t *testing.T, s Service) http.Handler {
	t.Helper()
	d, err := LoadData()
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHandler(s, d)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// routeCase is one request and what every service must answer to it.
type routeCase struct {
	method string
	path   string
	// status per service; a service missing from the map answers 404.
	status map[Service]int
	// body, when not empty, is what a 200 answer must contain.
	body string
	// json, when set, is the JSON value kind a 200 answer must be.
	json string
}

func all(status int) map[Service]int {
	return map[Service]int{Monolith: status, Users: status, Threads: status, Posts: status}
}

func only(s Service, status int) map[Service]int {
	return map[Service]int{Monolith: status, s: status}
}

func routeCases() []routeCase {
	return []routeCase{
		{method: "GET", path: "/", status: all(200), body: ReadyText},
		{method: "GET", path: "/api", status: all(200), body: APIReadyText},
		{method: "GET", path: "/api/", status: all(200), body: APIReadyText},
		{method: "HEAD", path: "/", status: all(200)},

		{method: "GET", path: "/api/users", status: only(Users, 200), json: "array", body: `"username":"bram"`},
		{method: "GET", path: "/api/users/", status: only(Users, 200), json: "array"},
		{method: "GET", path: "/api/users/2", status: only(Users, 200), json: "object", body: `{"id":2,"username":"bram","name":"Bram de Vries"`},
		{method: "GET", path: "/api/users/2/", status: only(Users, 200), json: "object"},
		{method: "GET", path: "/api/users/99", status: only(Users, 204)},
		{method: "GET", path: "/api/users/bram", status: only(Users, 204)},
		{method: "GET", path: "/api/users/2/posts", status: map[Service]int{}},

		{method: "GET", path: "/api/threads", status: only(Threads, 200), json: "array", body: `"createdBy":3`},
		{method: "GET", path: "/api/threads/3", status: only(Threads, 200), json: "object", body: `"title":"Help, plot 12 is nothing but bindweed"`},
		{method: "GET", path: "/api/threads/0", status: only(Threads, 204)},
		{method: "GET", path: "/api/threads/x", status: only(Threads, 204)},

		{method: "GET", path: "/api/posts", status: only(Posts, 200), json: "array", body: `"thread":1`},
		{method: "GET", path: "/api/posts/in-thread/3", status: only(Posts, 200), json: "array", body: `"user":5`},
		{method: "GET", path: "/api/posts/in-thread/3/", status: only(Posts, 200), json: "array"},
		{method: "GET", path: "/api/posts/in-thread/42", status: only(Posts, 200), json: "array", body: `[]`},
		{method: "GET", path: "/api/posts/in-thread/abc", status: only(Posts, 200), json: "array", body: `[]`},
		{method: "GET", path: "/api/posts/by-user/2", status: only(Posts, 200), json: "array", body: `"user":2`},
		{method: "GET", path: "/api/posts/by-user/42", status: only(Posts, 200), json: "array", body: `[]`},
		{method: "GET", path: "/api/posts/1", status: map[Service]int{}},
		{method: "GET", path: "/api/posts/in-thread", status: map[Service]int{}},

		{method: "GET", path: "/nope", status: map[Service]int{}},
		{method: "GET", path: "/api/comments", status: map[Service]int{}},
		{method: "GET", path: "/api//users", status: map[Service]int{}},
		{method: "GET", path: "//", status: map[Service]int{}},
		{method: "GET", path: "/apiary", status: map[Service]int{}},

		{method: "POST", path: "/api/users", status: only(Users, 405)},
		{method: "DELETE", path: "/api/threads/1", status: only(Threads, 405)},
		{method: "PUT", path: "/api/posts/by-user/1", status: only(Posts, 405)},
		{method: "POST", path: "/", status: all(405)},
		{method: "PATCH", path: "/api/", status: all(405)},
		{method: "OPTIONS", path: "/api/users", status: only(Users, 204)},
		{method: "POST", path: "/api/comments", status: map[Service]int{}},
	}
}

func TestRoutesOfEveryService(t *testing.T) {
	for _, svc := range []Service{Monolith, Users, Threads, Posts} {
		h := newTestHandler(t, svc)
		for _, rc := range routeCases() {
			t.Run(string(svc)+" "+rc.method+" "+rc.path, func(t *testing.T) {
				want, ok := rc.status[svc]
				if !ok {
					want = http.StatusNotFound
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(rc.method, rc.path, nil))
				res := rec.Result()
				body := rec.Body.String()
				if res.StatusCode != want {
					t.Fatalf("status %d, want %d (body %q)", res.StatusCode, want, body)
				}
				if got := res.Header.Get("X-Service"); got != string(svc) {
					t.Errorf("X-Service %q, want %q", got, svc)
				}
				switch want {
				case http.StatusOK:
					checkOK(t, rc, res, body)
				case http.StatusNoContent:
					if body != "" {
						t.Errorf("204 with a body: %q", body)
					}
					if rc.method == http.MethodOptions && res.Header.Get("Allow") != "HEAD, GET" {
						t.Errorf("OPTIONS Allow = %q", res.Header.Get("Allow"))
					}
				case http.StatusMethodNotAllowed:
					if res.Header.Get("Allow") != "HEAD, GET" {
						t.Errorf("405 without Allow: HEAD, GET: %q", res.Header.Get("Allow"))
					}
				case http.StatusNotFound:
					if strings.TrimSpace(body) != "Not Found" {
						t.Errorf("404 body %q", body)
					}
				}
			})
		}
	}
}

func checkOK(t *testing.T, rc routeCase, res *http.Response, body string) {
	t.Helper()
	if rc.method == http.MethodHead {
		if body != "" {
			t.Errorf("HEAD with a body: %q", body)
		}
		return
	}
	if rc.body != "" && !strings.Contains(body, rc.body) {
		t.Errorf("body %q does not contain %q", body, rc.body)
	}
	ct := res.Header.Get("Content-Type")
	switch rc.json {
	case "":
		if ct != "text/plain; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		if body != rc.body {
			t.Errorf("text body %q, want exactly %q", body, rc.body)
		}
	case "array", "object":
		if ct != "application/json; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		var v any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatalf("body is not JSON: %v", err)
		}
		_, isArray := v.([]any)
		if isArray != (rc.json == "array") {
			t.Errorf("body is not a JSON %s: %s", rc.json, body)
		}
	}
}

// The point of the tutorial: once the load balancer routes by path, each
// microservice answers exactly what the monolith answered.
func TestMicroservicesAnswerLikeTheMonolith(t *testing.T) {
	mono := newTestHandler(t, Monolith)
	paths := map[Service][]string{
		Users:   {"/api/users", "/api/users/1", "/api/users/6"},
		Threads: {"/api/threads", "/api/threads/1", "/api/threads/5"},
		Posts:   {"/api/posts", "/api/posts/in-thread/1", "/api/posts/by-user/5"},
	}
	for svc, ps := range paths {
		h := newTestHandler(t, svc)
		for _, p := range ps {
			want := httptest.NewRecorder()
			mono.ServeHTTP(want, httptest.NewRequest("GET", p, nil))
			got := httptest.NewRecorder()
			h.ServeHTTP(got, httptest.NewRequest("GET", p, nil))
			if got.Code != 200 || got.Body.String() != want.Body.String() {
				t.Errorf("%s %s: %d %q, monolith gave %q", svc, p, got.Code, got.Body, want.Body)
			}
		}
	}
}

func TestPostsFilters(t *testing.T) {
	h := newTestHandler(t, Posts)
	d, _ := LoadData()
	for _, th := range d.Threads {
		var posts []Post
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/posts/in-thread/"+itoa(th.ID), nil))
		if err := json.Unmarshal(rec.Body.Bytes(), &posts); err != nil {
			t.Fatal(err)
		}
		if len(posts) == 0 {
			t.Errorf("thread %d has no posts", th.ID)
		}
		for _, p := range posts {
			if p.Thread != th.ID {
				t.Errorf("in-thread/%d returned a post of thread %d", th.ID, p.Thread)
			}
		}
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestNewHandlerRejectsUnknownService(t *testing.T) {
	if _, err := NewHandler("billing", Data{}); err == nil {
		t.Fatal("unknown service accepted")
	}
}

func TestEmptyCollectionsEncodeAsArrays(t *testing.T) {
	h, err := NewHandler(Monolith, Data{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/api/users", "/api/threads", "/api/posts"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Body.String() != "[]" {
			t.Errorf("%s on empty data = %q, want []", p, rec.Body)
		}
	}
}

// TestHostileRequests sends malformed ids and hostile paths to a real
// server running each service: every answer is 2xx-empty or 4xx, never 5xx,
// never a stack trace, never the input echoed back.
func TestHostileRequests(t *testing.T) {
	data, err := LoadData()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want int
	}{
		{"/api/users/abc", http.StatusNoContent},
		{"/api/users/-1", http.StatusNoContent},
		{"/api/threads/99999999999999999999999999", http.StatusNoContent},
		{"/api/threads/1%27%20OR%20%271%27=%271", http.StatusNoContent},
		{"/api/posts/in-thread/%3Cscript%3Ealert(1)%3C%2Fscript%3E", http.StatusOK},
		{"/api/posts/by-user/%00", http.StatusOK},
		{"/api/users/..%2F..%2Fetc%2Fpasswd", http.StatusNoContent},
		{"/api/users/../../../../etc/passwd", http.StatusNotFound},
		{"/api/posts/%25%32%65%25%32%65/%7B%7B7*7%7D%7D", http.StatusNotFound},
		{"/api/users/" + strings.Repeat("A", 8192), http.StatusRequestURITooLong},
		{"/api/users?" + strings.Repeat("q=1&", 1000), http.StatusRequestURITooLong},
		{"/api/users/%zz", http.StatusBadRequest}, // refused by net/http itself
		{"/api//users", http.StatusNotFound},
	}
	for _, svc := range []Service{Monolith, Users, Threads, Posts} {
		h, err := NewHandler(svc, data)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		for _, tt := range tests {
			res, err := rawGet(srv.URL, tt.path)
			if err != nil {
				t.Fatalf("%s %s: %v", svc, tt.path, err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if !svc.serves(strings.Split(tt.path+"/", "/")[2]) && tt.want < 400 {
				tt.want = http.StatusNotFound // another service's path
			}
			if res.StatusCode != tt.want {
				t.Errorf("%s GET %.60s: %d, want %d", svc, tt.path, res.StatusCode, tt.want)
			}
			for _, leak := range []string{"goroutine", "panic", ".go:", "<script>", "root:"} {
				if strings.Contains(string(body), leak) {
					t.Errorf("%s GET %.60s: the body leaks %q: %.200s", svc, tt.path, leak, body)
				}
			}
		}
		srv.Close()
	}
}

// rawGet sends the path exactly as written, as a hostile client would.
func rawGet(base, path string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, base, nil)
	if err != nil {
		return nil, err
	}
	req.URL.Opaque = path
	return http.DefaultClient.Do(req)
}
