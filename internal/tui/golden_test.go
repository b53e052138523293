package tui

import (
	"context"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// Goldens of whole screens at 80×24, without styles, to review the layout;
// refresh them with: go test ./internal/tui -run Golden -update
func TestScreenGolden(t *testing.T) {
	b := newFakeBackend(preflightPass, module1Half, module2Fail)
	hold := make(chan struct{})
	t.Cleanup(func() { close(hold) })
	b.run = func(ctx context.Context, ids []string, report workshop.Reporter, _ func(string) (bool, error)) error {
		report.Report(workshop.Event{Step: ids[0], Kind: workshop.EventStepStarted, Message: "Build and push the image"})
		report.Report(workshop.Event{Kind: workshop.EventLog, Message: "Step 1/17 : ARG GO_IMAGE=golang:1.26-alpine"})
		report.Report(workshop.Event{Kind: workshop.EventResource, ID: "VPC", Type: "AWS::EC2::VPC", Status: "CREATE_IN_PROGRESS"})
		report.Report(workshop.Event{Kind: workshop.EventProgress, ID: "4766fc1aeff2", Status: "Pushing", Current: 3 << 20, Total: 6 << 20})
		select { // the screen is taken while the step is still running
		case <-hold:
		case <-ctx.Done():
		}
		return nil
	}
	t.Run("step", func(t *testing.T) {
		m := newTestModel(t, b)
		drain(m, m.Init())
		golden.RequireEqual(t, screen(m))
	})
	t.Run("running", func(t *testing.T) {
		m := newTestModel(t, b)
		drain(m, m.Init())
		msg := press(m, "r")().(runEventsMsg)
		for len(msg.events) < 4 { // the four events may come in more than one batch
			more := waitForActivity(m.stream)().(runEventsMsg)
			msg.events = append(msg.events, more.events...)
		}
		m.Update(msg)
		golden.RequireEqual(t, screen(m))
	})
	t.Run("help", func(t *testing.T) {
		m := newTestModel(t, b)
		drain(m, m.Init())
		press(m, "?")
		golden.RequireEqual(t, screen(m))
	})
}
