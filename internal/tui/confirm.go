package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// confirmation is a yes/no question shown over the pane. Exactly one of
// onYes and reply is used: a question of the UI runs onYes; a question a
// running step asks is answered on reply.
type confirmation struct {
	question string
	onYes    func(m *Model) tea.Cmd
	reply    chan bool
}

// answer returns the answer a key gives, and whether it answers at all.
func (c confirmation) answer(k tea.KeyPressMsg, keys keyMap) (yes, answered bool) {
	switch {
	case key.Matches(k, keys.Yes):
		return true, true
	case key.Matches(k, keys.No):
		return false, true
	}
	return false, false
}

// View renders the question in a card.
func (c confirmation) View(st styles, width int) string {
	return st.card.Width(max(width-2, 20)).Render(st.title.Render(c.question) + "\n\n[y] yes   [n] no")
}
