package cli

import (
	"strings"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// followUp formats a workshop command for the learner to run next, as they
// would type it: the global flags in effect (so it reaches the same account,
// region, stack or sandbox as the command that printed it), then args, each
// quoted for a POSIX shell. Every Next: line and hint that names a workshop
// command goes through it; a nil g gives the bare command.
func (g *GlobalOptions) followUp(args ...string) string {
	parts := []string{"workshop"}
	if g != nil {
		if g.Sandbox {
			parts = append(parts, "--sandbox")
		}
		if g.Profile != "" {
			parts = append(parts, "--profile", g.Profile)
		}
		if g.Region != "" {
			parts = append(parts, "--region", g.Region)
		}
		if g.Stack != "" && g.Stack != workshop.DefaultStack {
			parts = append(parts, "--stack", g.Stack)
		}
	}
	parts = append(parts, args...)
	for i, p := range parts {
		parts[i] = shellQuote(p)
	}
	return strings.Join(parts, " ")
}
