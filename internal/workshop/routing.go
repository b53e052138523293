package workshop

import (
	"slices"
	"strings"
)

// The target groups module 4's switch is about (design §4).
const (
	// MonolithTargetGroup is the monolith's target group, api.
	MonolithTargetGroup = "api"
	// DropTargetGroup is the empty target group the listener's default
	// action forwards to after the switch.
	DropTargetGroup = "drop-traffic"
)

// Routing is where the load balancer's HTTP listener sends requests, by
// target group name: the one notion of "superseded by module 4" that the
// checks and the run steps share.
type Routing struct {
	// Default lists the target groups of the default action.
	Default []string
	// Rules are the listener's other rules, in priority order.
	Rules []Route
}

// Route is one listener rule: the path patterns it matches and the target
// groups it forwards to.
type Route struct {
	Patterns []string
	To       []string
}

// Switched reports whether module 4's switch holds: no rule and no default
// action forwards to the monolith, and the default forwards to drop-traffic
// alone.
func (r Routing) Switched() bool {
	if len(r.Default) != 1 || r.Default[0] != DropTargetGroup {
		return false
	}
	for _, rt := range r.Rules {
		if slices.Contains(rt.To, MonolithTargetGroup) {
			return false
		}
	}
	return true
}

// To returns the target groups a request for path reaches: those of the
// first rule whose pattern matches, else the default action's.
func (r Routing) To(path string) []string {
	for _, rt := range r.Rules {
		for _, p := range rt.Patterns {
			if MatchPathPattern(p, path) {
				return rt.To
			}
		}
	}
	return r.Default
}

// Superseded says why module 4 took path away from the monolith, or "" when
// it has not: the switch holds, or a rule sends path to a microservice.
func (r Routing) Superseded(path string) string {
	if r.Switched() {
		return "module 4 switched the traffic off the monolith"
	}
	to := r.To(path)
	if len(to) > 0 && !slices.Contains(to, MonolithTargetGroup) && !slices.Contains(r.Default, to[0]) {
		return "module 4 routes " + path + " to " + strings.Join(to, ", ")
	}
	return ""
}

// MatchPathPattern reports whether an Application Load Balancer path
// pattern matches path: '*' matches any run of characters ('/' included),
// '?' exactly one, and the match is case sensitive.
func MatchPathPattern(pattern, path string) bool {
	if pattern == "" {
		return path == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(path); i++ {
			if MatchPathPattern(pattern[1:], path[i:]) {
				return true
			}
		}
		return false
	case '?':
		return path != "" && MatchPathPattern(pattern[1:], path[1:])
	default:
		return path != "" && path[0] == pattern[0] && MatchPathPattern(pattern[1:], path[1:])
	}
}
