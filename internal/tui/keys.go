package tui

import "charm.land/bubbles/v2/key"

// keyMap holds the UI's key bindings; it implements help.KeyMap.
type keyMap struct {
	Up, Down, Run, Explain, Check, Next, CatchUp, Pane, PageUp, PageDown, Copy, Cancel, Help, Quit key.Binding
	Yes, No                                                                                        key.Binding
}

// defaultKeyMap returns the bindings the help screen lists.
func defaultKeyMap() keyMap {
	return keyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Run:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "run")),
		Explain:  key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "explain")),
		Check:    key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "check")),
		Next:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next")),
		CatchUp:  key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "catch up")),
		Pane:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "pane")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup/b", "scroll up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "space"), key.WithHelp("pgdn/space", "scroll down")),
		Copy:     key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy commands")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop/close")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Yes:      key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:       key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "no")),
	}
}

// ShortHelp implements help.KeyMap.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Run, k.Explain, k.Check, k.Next, k.CatchUp, k.Pane, k.Help, k.Quit}
}

// FullHelp implements help.KeyMap.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Next, k.Pane, k.PageUp, k.PageDown},
		{k.Run, k.Explain, k.Copy, k.Check, k.CatchUp},
		{k.Cancel, k.Help, k.Quit},
	}
}
