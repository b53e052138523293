package tui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/breakthemonolith/workshop/internal/markdown"
)

// document is a scrollable text: the selected step's explanation rendered
// from its markdown, or the commands that perform it.
type document struct {
	keys    keyMap
	vp      viewport.Model
	id      string // what the content shows
	content string
}

func newDocument(keys keyMap) document {
	vp := viewport.New()
	vp.SoftWrap = true
	return document{keys: keys, vp: vp}
}

// setSize sets the document's size in cells.
func (d *document) setSize(w, h int) {
	d.vp.SetWidth(w)
	d.vp.SetHeight(h)
}

// show replaces the content; the position is kept when id stays the same.
func (d *document) show(id, content string) {
	if id != d.id {
		d.vp.GotoTop()
	}
	d.id, d.content = id, content
	d.vp.SetContent(content)
}

// Update scrolls a page with the page keys; the other keys belong to the
// navigator.
func (d document) Update(msg tea.Msg) (document, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, d.keys.PageUp):
			d.vp.PageUp()
		case key.Matches(k, d.keys.PageDown):
			d.vp.PageDown()
		}
	}
	return d, nil
}

// View renders the visible part.
func (d document) View() string { return d.vp.View() }

// renderText renders markdown for width cells in a theme in a command:
// the first frame does not wait for it.
func renderText(id, md string, width int, theme markdown.Theme) tea.Cmd {
	return func() tea.Msg {
		return textRenderedMsg{id: id, width: width, text: markdown.Render(md, width-2, theme)}
	}
}
