package tui

import (
	"context"
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/breakthemonolith/workshop/internal/markdown"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// The UI's own share of the time to first frame: build the model, take the
// terminal's size, draw (the markdown renders later, in a command).
//
//	go test -run '^$' -bench . -benchmem ./internal/tui
func BenchmarkFirstFrame(b *testing.B) {
	for b.Loop() {
		m := New(context.Background(), Options{Modules: testModules(), Backend: newFakeBackend(), Where: "sandbox"})
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		_ = m.View()
	}
}

// The markdown rendering of a step's text, which follows the first frame.
func BenchmarkRenderStepText(b *testing.B) {
	md := testModules()[1].Steps[1].Text
	for b.Loop() {
		_ = renderText("x", md, 47, markdown.Dark)()
	}
}

// A key press while a build streams: the UI takes in a full batch of build
// output, then a key moves the selection, and the screen is drawn.
func BenchmarkKeyWhileStreaming(b *testing.B) {
	m := New(context.Background(), Options{Modules: testModules(), Backend: newFakeBackend(), Where: "sandbox"})
	m.clockless = true
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.pane = paneActivity
	batch := runEventsMsg{}
	for i := range maxBatch {
		batch.events = append(batch.events, workshop.Event{Kind: workshop.EventLog, Message: fmt.Sprintf("Step %d/17 : RUN go build ./forum", i)})
	}
	batch.events = append(batch.events, workshop.Event{Kind: workshop.EventProgress, ID: "layer", Status: "Pushing", Current: 1, Total: 2})
	m.stream = newRunStream(context.Background())
	keys := []tea.KeyPressMsg{{Code: 'j', Text: "j"}, {Code: 'k', Text: "k"}}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m.Update(batch)
		m.Update(keys[i%2])
		_ = m.View()
	}
}
