package tui

import (
	"charm.land/lipgloss/v2"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// styles are the UI's styles. Colour only highlights: a symbol or a word
// always carries the meaning, so NO_COLOR loses nothing.
type styles struct {
	bar, title, dim, selected, pass, fail, warn, fix, card, cardTitle, tabOn, tabOff lipgloss.Style
}

func defaultStyles() styles {
	return styles{
		bar:       lipgloss.NewStyle().Reverse(true),
		title:     lipgloss.NewStyle().Bold(true),
		dim:       lipgloss.NewStyle().Faint(true),
		selected:  lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("6")),
		pass:      lipgloss.NewStyle().Foreground(lipgloss.Color("2")),
		fail:      lipgloss.NewStyle().Foreground(lipgloss.Color("1")),
		warn:      lipgloss.NewStyle().Foreground(lipgloss.Color("3")),
		fix:       lipgloss.NewStyle().Foreground(lipgloss.Color("6")),
		card:      lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1),
		cardTitle: lipgloss.NewStyle().Bold(true),
		tabOn:     lipgloss.NewStyle().Bold(true).Underline(true),
		tabOff:    lipgloss.NewStyle().Faint(true),
	}
}

// status paints a status's symbol.
func (s styles) status(st workshop.Status) string {
	sym := st.Symbol()
	switch st {
	case workshop.StatusPass:
		return s.pass.Render(sym)
	case workshop.StatusFail, workshop.StatusError:
		return s.fail.Render(sym)
	case workshop.StatusWarn, workshop.StatusWaiting:
		return s.warn.Render(sym)
	}
	return s.dim.Render(sym)
}
