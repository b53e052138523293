package workshop

import "testing"

func TestRoutingSuperseded(t *testing.T) {
	micro := []Route{{Patterns: []string{"/api/users*"}, To: []string{"users"}}, {Patterns: []string{"/api/posts*"}, To: []string{"posts"}}}
	for _, tt := range []struct {
		name     string
		r        Routing
		path     string
		switched bool
		want     bool
	}{
		{"module 2", Routing{Default: []string{"api"}}, "/api/users", false, false},
		{"rule to a microservice", Routing{Default: []string{"api"}, Rules: micro}, "/api/users", false, true},
		{"no rule for the path", Routing{Default: []string{"api"}, Rules: micro}, "/", false, false},
		{"a rule back to api", Routing{Default: []string{"drop-traffic"}, Rules: []Route{{Patterns: []string{"/*"}, To: []string{"api"}}}}, "/", false, false},
		{"switched", Routing{Default: []string{"drop-traffic"}, Rules: micro}, "/", true, true},
		{"default elsewhere", Routing{Default: []string{"users"}}, "/", false, false},
	} {
		if got := tt.r.Switched(); got != tt.switched {
			t.Errorf("%s: Switched() = %t", tt.name, got)
		}
		if got := tt.r.Superseded(tt.path) != ""; got != tt.want {
			t.Errorf("%s: Superseded(%q) = %q", tt.name, tt.path, tt.r.Superseded(tt.path))
		}
	}
}

func TestMatchPathPattern(t *testing.T) {
	for _, tt := range []struct {
		pattern, path string
		want          bool
	}{
		{"/api/users*", "/api/users", true},
		{"/api/users*", "/api/users/1/x", true},
		{"/api/users*", "/api/user", false},
		{"/api/?osts", "/api/posts", true},
		{"/API*", "/api", false},
	} {
		if got := MatchPathPattern(tt.pattern, tt.path); got != tt.want {
			t.Errorf("MatchPathPattern(%q, %q) = %t", tt.pattern, tt.path, got)
		}
	}
}
