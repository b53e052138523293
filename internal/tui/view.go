package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Layout, in lines: the status bar on top; the navigator beside the pane;
// a message line and the key help at the bottom.
const (
	chromeLines = 3 // status bar, message line, help line
	paneHeader  = 1 // the pane's tabs
)

// The smallest terminal the layout is made for; below it the message line
// says so.
const (
	minWidth  = 80
	minHeight = 24
)

// navWidth is the navigator's width for a terminal width.
func navWidth(w int) int { return max(min(w*2/5, 34), 20) }

// layout sizes the components after a resize.
func (m *Model) layout() tea.Cmd {
	body := max(m.height-chromeLines, 1)
	nw := navWidth(m.width)
	pw := max(m.width-nw-1, 10)
	m.nav.setSize(nw, body)
	m.text.setSize(pw, body-paneHeader)
	m.commands.setSize(m.width, body-paneHeader)
	m.act.setSize(pw, body-paneHeader)
	m.checks.setSize(pw, body-paneHeader)
	m.bar.width = m.width
	m.help.SetWidth(m.width)
	return m.showText()
}

// View implements tea.Model.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.ReportFocus = true // a FocusMsg re-checks (recheck.go)
	v.WindowTitle = "workshop"
	return v
}

// render draws the whole screen as a string of exactly height lines.
func (m *Model) render() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	body := max(m.height-chromeLines, 1)
	var main string
	switch {
	case m.showHelp:
		main = fit(m.helpView(), m.width, body)
	case m.pane == paneExplain && m.confirm == nil:
		// Full width, with nothing beside the commands, so they copy cleanly.
		main = fit(m.tabs()+"\n"+m.commands.View(), m.width, body)
	default:
		nw := navWidth(m.width)
		pw := max(m.width-nw-1, 10)
		sep := strings.TrimSuffix(strings.Repeat("│\n", body), "\n")
		main = lipgloss.JoinHorizontal(lipgloss.Top,
			fit(m.nav.View(m.board), nw, body), m.styles.dim.Render(sep), fit(m.paneView(pw, body), pw, body))
	}
	flash := m.flash
	if flash == "" {
		flash = m.hint()
	}
	helpLine := m.help.ShortHelpView(m.keys.ShortHelp())
	return strings.Join([]string{m.bar.View(), main, truncate(flash, m.width), truncate(helpLine, m.width)}, "\n")
}

// paneView is the pane with its tabs, the help or a question over it.
func (m *Model) paneView(w, h int) string {
	var content string
	switch {
	case m.pane == paneText:
		content = m.text.View()
	case m.pane == paneActivity:
		content = m.act.View()
	case m.pane == paneCheck:
		content = m.checks.View()
	case m.pane == paneExplain:
		content = m.commands.View()
	}
	if m.confirm != nil {
		content = m.confirm.View(m.styles, w) + "\n" + content
	}
	return m.tabs() + "\n" + content
}

// helpView lists every key, across the screen.
func (m *Model) helpView() string {
	text := "Each step can be read (text), run for you (r), explained as the exact AWS CLI and docker " +
		"commands with your values (e; y copies them) and checked (c). The next module opens when " +
		"the current module's check passes; u runs the steps before the selected one for you, " +
		"after asking. Your progress is saved, and re-derived from your account each time you start."
	return m.styles.title.Render("Keys") + "\n\n" + m.help.FullHelpView(m.keys.FullHelp()) + "\n\n" +
		ansi.Wrap(text, m.width, " ") + "\n\nAny key closes this help."
}

// tabs names the panes, the shown one underlined.
func (m *Model) tabs() string {
	var parts []string
	for p := pane(0); p < paneCount; p++ {
		if p == m.pane {
			parts = append(parts, m.styles.tabOn.Render(p.String()))
		} else {
			parts = append(parts, m.styles.tabOff.Render(p.String()))
		}
	}
	return strings.Join(parts, "  ")
}

// hint says what the learner can do with the selection.
func (m *Model) hint() string {
	i, mod, st := m.selected()
	switch {
	case m.width < minWidth || m.height < minHeight:
		return fmt.Sprintf("! terminal %d×%d is under %d×%d: enlarge it", m.width, m.height, minWidth, minHeight)
	case !m.board.unlocked(i):
		return "⊘ locked until " + string(m.board.lockedBy(i)) + "'s check passes · u catches up"
	case st != nil:
		return st.ID
	}
	return string(mod.Target) + " · " + mod.Title
}

// fit cuts or pads s to exactly h lines of at most w cells.
func fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if lipgloss.Width(l) > w {
			l = truncate(l, w)
		}
		lines[i] = l + strings.Repeat(" ", max(w-lipgloss.Width(l), 0))
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return strings.Join(lines, "\n")
}
