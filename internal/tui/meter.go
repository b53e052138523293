package tui

import (
	"context"

	tea "charm.land/bubbletea/v2"
)

// costReadMsg carries the cost meter's text: what the deployment costs per
// hour ("$0.09/h", or on an emulator "on AWS ≈ $0.09/h"), or why it could
// not be read.
type costReadMsg struct {
	text string
	err  error
}

// readCost reads the meter through meter, or does nothing without one.
func readCost(ctx context.Context, meter func(context.Context) (string, error)) tea.Cmd {
	if meter == nil {
		return nil
	}
	return func() tea.Msg {
		text, err := meter(ctx)
		return costReadMsg{text: text, err: err}
	}
}

// onCost shows the meter; a failed read keeps the last one shown, since
// the checks report what cannot be read.
func (m *Model) onCost(msg costReadMsg) {
	if msg.err == nil {
		m.bar.meter = msg.text
	}
}
