package dashboard

import (
	"embed"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// templateFS holds the page templates.
//
//go:embed templates/*.html
var templateFS embed.FS

// staticFS holds the page's script and style sheet, served under /static/.
//
//go:embed static
var staticFS embed.FS

// templateFuncs are the helpers the templates use.
var templateFuncs = template.FuncMap{
	"symbol": func(status string) string {
		if status == "" {
			return "·"
		}
		return workshop.Status(status).Symbol()
	},
	"column": func(t string) string {
		switch t {
		case "preflight":
			return "Pre"
		case "security":
			return "Sec"
		}
		return strings.Replace(t, "module-", "M", 1)
	},
	"targetTitle": func(t string) string { return workshop.Target(t).Title() },
	"duration":    formatDuration,
	"ago":         func(t, now time.Time) string { return formatDuration(now.Sub(t)) + " ago" },
	"clock":       func(t time.Time) string { return t.UTC().Format("15:04:05 UTC") },
	"first": func(n int, v []CohortEntry) []CohortEntry {
		if len(v) > n {
			return v[:n]
		}
		return v
	},
	"firstRows": func(n int, v []LearnerRow) []LearnerRow {
		if len(v) > n {
			return v[:n]
		}
		return v
	},
	"minus": func(a, b int) int { return a - b },
	"names": func(v []string) string {
		if len(v) > 12 {
			return strings.Join(v[:12], ", ") + fmt.Sprintf(" and %d more", len(v)-12)
		}
		return strings.Join(v, ", ")
	},
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	},
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
