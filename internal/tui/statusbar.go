package tui

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// statusBar is the top line: where the learner works (account, region,
// profile or sandbox), what the deployment costs per hour, the elapsed time
// and what is running.
type statusBar struct {
	styles  styles
	spinner spinner.Model
	where   string
	account string
	region  string
	started time.Time
	now     time.Time
	task    string // what runs, "" when idle
	meter   string // what the deployment costs per hour, "" unknown
	width   int
}

func newStatusBar(st styles, where string, now time.Time) statusBar {
	return statusBar{styles: st, spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot)), where: where, started: now, now: now}
}

// Update advances the clock and, while something runs, the spinner.
func (b statusBar) Update(msg tea.Msg) (statusBar, tea.Cmd) {
	switch msg := msg.(type) {
	case tickMsg:
		b.now = time.Time(msg)
	case spinner.TickMsg:
		if b.task != "" {
			var cmd tea.Cmd
			b.spinner, cmd = b.spinner.Update(msg)
			return b, cmd
		}
	}
	return b, nil
}

// View renders the bar across the width.
func (b statusBar) View() string {
	left := " workshop · " + b.where
	if b.account != "" {
		left += fmt.Sprintf(" · account %s · %s", b.account, b.region)
	}
	elapsed := b.now.Sub(b.started).Truncate(time.Second)
	right := fmt.Sprintf("%s ", clock(elapsed))
	if b.meter != "" {
		right = b.meter + " · " + right
	}
	if b.task != "" {
		right = b.spinner.View() + " " + b.task + " · " + right
	}
	gap := b.width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		left = truncate(left, max(b.width-lipgloss.Width(right)-1, 0))
		gap = max(b.width-lipgloss.Width(left)-lipgloss.Width(right), 0)
	}
	line := left + fmt.Sprintf("%*s", gap, "") + right
	return b.styles.bar.Render(truncate(line, b.width))
}

// clock formats a duration as m:ss or h:mm:ss.
func clock(d time.Duration) string {
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%d:%02d", m, s)
}
