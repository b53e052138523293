package dashboard

import (
	"embed"
	"fmt"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// staticFS holds the page's script and style sheet, served under /static/.
//
//go:embed static
var staticFS embed.FS

// symbol is a cell's mark for a status ("·" for not checked yet).
func symbol(status string) string {
	if status == "" {
		return "·"
	}
	return workshop.Status(status).Symbol()
}

// column is a grid column's heading for a target: "Pre", "M1" … "M4",
// "Sec".
func column(t string) string {
	switch t {
	case "preflight":
		return "Pre"
	case "security":
		return "Sec"
	}
	return strings.Replace(t, "module-", "M", 1)
}

// targetTitle is a target's title.
func targetTitle(t string) string { return workshop.Target(t).Title() }

// clockTime is a time of day on the projector, in UTC.
func clockTime(t time.Time) string { return t.UTC().Format("15:04:05 UTC") }

// names lists learners, the first twelve by name.
func names(v []string) string {
	if len(v) > 12 {
		return strings.Join(v[:12], ", ") + fmt.Sprintf(" and %d more", len(v)-12)
	}
	return strings.Join(v, ", ")
}

// plural picks the word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// formatDuration prints a duration for a projector: "45 s", "12 min",
// "1 h 05 min".
func formatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0 s"
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	}
	return fmt.Sprintf("%d h %02d min", int(d.Hours()), int(d.Minutes())%60)
}
