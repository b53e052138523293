package tasks

import "strings"

// engineReason is a stopped task's reason for an engine failure: prefix
// (ECS's error name) and the error on one line, each ": "-separated part
// said once. Engines and the client libraries often repeat the cause they
// wrap ("pull x: connection refused: connection refused").
func engineReason(prefix string, err error) string {
	parts := strings.Split(oneLine(err.Error()), ": ")
	kept := parts[:0]
	seen := map[string]bool{}
	for _, p := range parts {
		if !seen[p] {
			seen[p] = true
			kept = append(kept, p)
		}
	}
	return prefix + ": " + strings.Join(kept, ": ")
}
