package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// streamItem is one thing a running step sends the UI.
type streamItem struct {
	event *workshop.Event
	ask   *confirmRequest
	done  bool
	err   error
}

// confirmRequest is a question a running step asks; the answer goes back
// on answer.
type confirmRequest struct {
	question string
	answer   chan bool
}

// runStream connects a running step to the UI.
type runStream struct {
	ctx    context.Context
	items  chan streamItem
	cancel context.CancelFunc
}

// maxBatch bounds the events one message carries, so the UI stays
// responsive while a build streams hundreds of lines a second.
const maxBatch = 256

// newRunStream prepares the stream a run reports through; ctx bounds the
// run, and cancel stops it.
func newRunStream(ctx context.Context) *runStream {
	ctx, cancel := context.WithCancel(ctx)
	return &runStream{ctx: ctx, items: make(chan streamItem, 1024), cancel: cancel}
}

// runSteps runs the steps in the background, reporting through s, and
// returns the first batch of what they report.
func runSteps(b Backend, s *runStream, ids []string) tea.Cmd {
	return func() tea.Msg {
		send := func(it streamItem) {
			select {
			case s.items <- it:
			case <-s.ctx.Done():
			}
		}
		report := workshop.ReporterFunc(func(e workshop.Event) { send(streamItem{event: &e}) })
		confirm := func(q string) (bool, error) {
			req := &confirmRequest{question: q, answer: make(chan bool, 1)}
			send(streamItem{ask: req})
			select {
			case ok := <-req.answer:
				return ok, nil
			case <-s.ctx.Done():
				return false, s.ctx.Err()
			}
		}
		go func() {
			err := b.Run(s.ctx, ids, report, confirm)
			// Blocks until the UI reads it: the UI reads until done, and on
			// quit the process ends.
			s.items <- streamItem{done: true, err: err}
		}()
		return waitForActivity(s)()
	}
}

// waitForActivity waits for what the run reports next and returns it with
// whatever else is already queued, up to maxBatch events. Update issues it
// again after each message until the run is done.
func waitForActivity(s *runStream) tea.Cmd {
	return func() tea.Msg {
		var msg runEventsMsg
		it := <-s.items
		for {
			switch {
			case it.done:
				msg.done, msg.err = true, it.err
				return msg
			case it.ask != nil:
				msg.ask = it.ask
				return msg
			case it.event != nil:
				msg.events = append(msg.events, *it.event)
			}
			if len(msg.events) >= maxBatch {
				return msg
			}
			select {
			case it = <-s.items:
			default:
				return msg
			}
		}
	}
}

// check checks targets in the background.
func check(ctx context.Context, b Backend, targets []workshop.Target, initial bool) tea.Cmd {
	return func() tea.Msg {
		res, err := b.Check(ctx, targets)
		return checkFinishedMsg{targets: targets, results: res, err: err, initial: initial}
	}
}

// explain looks up the commands of a step or module in the background.
func explain(ctx context.Context, b Backend, name string) tea.Cmd {
	return func() tea.Msg {
		text, err := b.Explain(ctx, name)
		return explainFinishedMsg{name: name, text: text, err: err}
	}
}

// record saves results and hands them to the Results hook in the
// background.
func record(p Progress, hook func(workshop.Result), results []workshop.Result) tea.Cmd {
	return func() tea.Msg {
		var msg progressRecordedMsg
		for _, r := range results {
			if hook != nil {
				hook(r)
			}
			if p == nil {
				continue
			}
			warning, err := p.Record(r)
			if warning != "" {
				msg.warning = warning
			}
			if err != nil {
				msg.err = err
			}
		}
		return msg
	}
}

// tick advances the clock once a second.
func tick() tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) })
}
