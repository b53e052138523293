package markdown

import (
	"image/color"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Theme is how the text looks: colours for a dark or a light terminal, or
// none, where the markdown's own marks (** * ` #) show what is what.
type Theme int

// The themes.
const (
	// Plain has no colours or attributes.
	Plain Theme = iota
	// Dark is for a terminal with a dark background.
	Dark
	// Light is for a terminal with a light background.
	Light
)

// look is the appearance of a run of text.
type look struct {
	fg, bg                          color.Color
	bold, italic, strike, underline bool
}

// style is look as an SGR style.
func (l look) style() ansi.Style {
	s := ansi.Style{}
	if l.fg != nil {
		s = s.ForegroundColor(l.fg)
	}
	if l.bg != nil {
		s = s.BackgroundColor(l.bg)
	}
	if l.bold {
		s = s.Bold()
	}
	if l.italic {
		s = s.Italic(true)
	}
	if l.strike {
		s = s.Strikethrough(true)
	}
	if l.underline {
		s = s.Underline(true)
	}
	return s
}

// palette is a theme's colours (the ones of glamour's standard styles, which
// rendered these texts before).
type palette struct {
	text, heading, h1, h1Back, code, codeBack, codeBlock, rule, link, linkText color.Color
}

// palette returns t's colours, nil for Plain.
func (t Theme) palette() *palette {
	c := lipgloss.Color
	switch t {
	case Dark:
		return &palette{text: c("252"), heading: c("39"), h1: c("228"), h1Back: c("63"), code: c("203"),
			codeBack: c("236"), codeBlock: c("244"), rule: c("240"), link: c("30"), linkText: c("35")}
	case Light:
		return &palette{text: c("234"), heading: c("27"), h1: c("228"), h1Back: c("63"), code: c("203"),
			codeBack: c("254"), codeBlock: c("242"), rule: c("249"), link: c("36"), linkText: c("29")}
	}
	return nil
}

// String names the theme: plain, dark or light.
func (t Theme) String() string {
	switch t {
	case Dark:
		return "dark"
	case Light:
		return "light"
	}
	return "plain"
}
