package workshop

import (
	"fmt"
	"strings"
)

// Target names what a check or a run is about: a module, the preflight
// checks, the security review, the clean-up, or everything.
type Target string

// The targets of `workshop check`. Their string forms are part of the
// command-line and JSON contracts.
const (
	TargetPreflight Target = "preflight"
	TargetModule1   Target = "module-1"
	TargetModule2   Target = "module-2"
	TargetModule3   Target = "module-3"
	TargetModule4   Target = "module-4"
	TargetSecurity  Target = "security"
	TargetCleanup   Target = "cleanup"
	// TargetAll stands for the preflight checks and modules 1 to 4.
	TargetAll Target = "all"
)

// Targets lists every target in the order a learner meets them.
func Targets() []Target {
	return []Target{TargetPreflight, TargetModule1, TargetModule2, TargetModule3, TargetModule4,
		TargetSecurity, TargetCleanup, TargetAll}
}

// ParseTarget returns the target named s, or an error that lists the valid
// names.
func ParseTarget(s string) (Target, error) {
	for _, t := range Targets() {
		if string(t) == s {
			return t, nil
		}
	}
	names := make([]string, 0, len(Targets()))
	for _, t := range Targets() {
		names = append(names, string(t))
	}
	return "", fmt.Errorf("unknown target %q (expected one of: %s)", s, strings.Join(names, ", "))
}

// Expand returns the concrete targets t stands for: `all` is the preflight
// checks and modules 1 to 4; every other target stands for itself.
func (t Target) Expand() []Target {
	if t == TargetAll {
		return []Target{TargetPreflight, TargetModule1, TargetModule2, TargetModule3, TargetModule4}
	}
	return []Target{t}
}

// BuildsOn returns the modules t needs done first: module 2 deploys module
// 1's image, module 3 follows module 1's way of pushing, module 4 needs
// module 2's load balancer and module 3's images, and the security review
// looks at module 4's services. Other targets build on nothing.
func (t Target) BuildsOn() []Target {
	switch t {
	case TargetModule2, TargetModule3:
		return []Target{TargetModule1}
	case TargetModule4:
		return []Target{TargetModule2, TargetModule3}
	case TargetSecurity:
		return []Target{TargetModule4}
	default:
		return nil
	}
}

// Title is the human name of the target.
func (t Target) Title() string {
	switch t {
	case TargetPreflight:
		return "Preflight"
	case TargetModule1:
		return "Containerize the monolith"
	case TargetModule2:
		return "Deploy the monolith"
	case TargetModule3:
		return "Break the monolith"
	case TargetModule4:
		return "Deploy microservices"
	case TargetSecurity:
		return "Secure it"
	case TargetCleanup:
		return "Clean-up"
	case TargetAll:
		return "Preflight and modules 1–4"
	default:
		return string(t)
	}
}

// isSlug reports whether s is lower-case words (letters and digits) joined
// by single hyphens: the form of the part of an id after the target.
func isSlug(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// SplitID splits a condition or step id such as
// "module-2/service-api-running" into its target and slug, and checks both.
func SplitID(id string) (Target, string, error) {
	prefix, slug, ok := strings.Cut(id, "/")
	if !ok {
		return "", "", fmt.Errorf("invalid id %q: expected TARGET/NAME, like module-2/create-target-group", id)
	}
	t, err := ParseTarget(prefix)
	if err != nil {
		return "", "", fmt.Errorf("invalid id %q: %w", id, err)
	}
	if t == TargetAll {
		return "", "", fmt.Errorf("invalid id %q: %q is not a single target", id, TargetAll)
	}
	if !isSlug(slug) {
		return "", "", fmt.Errorf("invalid id %q: the name after %q must be lower-case words joined by hyphens", id, prefix+"/")
	}
	return t, slug, nil
}
