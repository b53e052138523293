package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// row is one line of the navigator: a module (step -1) or one of its steps.
type row struct {
	module, step int
}

// navigator lists the modules and their steps with their marks, and holds
// the selection.
type navigator struct {
	keys   keyMap
	styles styles
	rows   []row
	cursor int
	width  int
	height int
	offset int // first row shown
}

func newNavigator(b board, keys keyMap, st styles) navigator {
	n := navigator{keys: keys, styles: st}
	for i, m := range b.modules {
		n.rows = append(n.rows, row{module: i, step: -1})
		for j := range m.Steps {
			n.rows = append(n.rows, row{module: i, step: j})
		}
	}
	return n
}

// setSize sets the navigator's width and height in cells.
func (n *navigator) setSize(w, h int) {
	n.width, n.height = w, h
	n.scrollToCursor()
}

// selected returns the selected row.
func (n navigator) selected() row { return n.rows[n.cursor] }

// selectRow moves the selection to module i, step j.
func (n *navigator) selectRow(i, j int) {
	for k, r := range n.rows {
		if r.module == i && r.step == j {
			n.cursor = k
		}
	}
	n.scrollToCursor()
}

// Update moves the selection with the up and down keys.
func (n navigator) Update(msg tea.Msg) (navigator, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, n.keys.Up):
			if n.cursor > 0 {
				n.cursor--
			}
		case key.Matches(k, n.keys.Down):
			if n.cursor < len(n.rows)-1 {
				n.cursor++
			}
		}
		n.scrollToCursor()
	}
	return n, nil
}

func (n *navigator) scrollToCursor() {
	if n.height <= 0 {
		return
	}
	if n.cursor < n.offset {
		n.offset = n.cursor
	}
	if n.cursor >= n.offset+n.height {
		n.offset = n.cursor - n.height + 1
	}
}

// View renders the visible rows, each cut to the width. The current step
// (the first not done in the first module not passed) is marked ▸ when
// not started, and bold.
func (n navigator) View(b board) string {
	ci, cj := b.firstTodo()
	var lines []string
	for k := n.offset; k < len(n.rows) && (n.height <= 0 || k < n.offset+n.height); k++ {
		r := n.rows[k]
		m := b.modules[r.module]
		var line string
		if r.step < 0 {
			mk := b.moduleMark(r.module)
			line = fmt.Sprintf("%s %s", n.markView(mk), m.Title)
			line = n.styles.title.Render(truncate(line, n.width-1))
		} else {
			s := m.Steps[r.step]
			mk := b.stepMark(r.module, s)
			current := r.module == ci && r.step == cj
			sym := n.markView(mk)
			if current && mk == markTodo {
				sym = "▸"
			}
			line = truncate("  "+sym+" "+s.Title, n.width-1)
			switch {
			case mk == markLocked:
				line = n.styles.dim.Render(line)
			case current:
				line = n.styles.title.Render(line)
			}
		}
		if k == n.cursor {
			line = n.styles.selected.Render("▌") + line
		} else {
			line = " " + line
		}
		lines = append(lines, line)
	}
	return lipgloss.NewStyle().Width(n.width).Height(n.height).MaxHeight(n.height).Render(strings.Join(lines, "\n"))
}

func (n navigator) markView(mk mark) string {
	switch mk {
	case markDone:
		return n.styles.pass.Render("✔")
	case markFailing:
		return n.styles.fail.Render("✘")
	case markWaiting:
		return n.styles.warn.Render("…")
	case markLocked:
		return n.styles.dim.Render("⊘")
	}
	return "○"
}

// truncate cuts s (which may hold styles) to w cells, with an ellipsis
// when it is cut.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "…")
}
