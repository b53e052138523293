package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/moby/moby/api/types/jsonstream"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// message is one record of the JSON stream the engine answers builds, pulls
// and pushes with.
type message struct {
	jsonstream.Message
	// ErrorText is the older, plain form of Message.Error, which engines
	// still send beside it.
	ErrorText string `json:"error,omitempty"`
}

// failure returns the error the message reports, or "".
func (m message) failure() string {
	if m.Error != nil && m.Error.Message != "" {
		return m.Error.Message
	}
	return m.ErrorText
}

// eachMessage decodes the JSON stream r, calling fn for every message until
// the stream ends or fn returns an error.
func eachMessage(r io.Reader, fn func(message) error) error {
	dec := json.NewDecoder(r)
	for {
		var m message
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("read the engine's answer: %w", err)
		}
		if err := fn(m); err != nil {
			return err
		}
	}
}

// reporter wraps report so that a nil report discards events and every
// event gets a time.
func reporter(report func(workshop.Event)) func(workshop.Event) {
	return func(e workshop.Event) {
		if report == nil {
			return
		}
		if e.Time.IsZero() {
			e.Time = time.Now()
		}
		report(e)
	}
}

// progressEvent turns a status message with an id (a layer being pulled or
// pushed) into a progress event.
func progressEvent(m message) workshop.Event {
	e := workshop.Event{Kind: workshop.EventProgress, ID: m.ID, Status: m.Status, Message: m.ID + ": " + m.Status}
	if m.Progress != nil {
		// The engine counts a layer's tar headers into Current but not
		// into Total, so Current can pass Total by a few hundred bytes.
		e.Current, e.Total = m.Progress.Current, m.Progress.Total
		if e.Total > 0 && e.Current > e.Total {
			e.Current = e.Total
		}
	}
	return e
}

// lines splits streamed text into whole lines: the engine sends a build's
// output in chunks that need not end at a line's end.
type lines struct {
	partial strings.Builder
}

// add appends text and calls fn for every line it completes, without the
// line end.
func (l *lines) add(text string, fn func(string)) {
	for {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			l.partial.WriteString(text)
			return
		}
		l.partial.WriteString(text[:i])
		fn(strings.TrimRight(l.partial.String(), "\r"))
		l.partial.Reset()
		text = text[i+1:]
	}
}

// flush calls fn with the unfinished line, if any.
func (l *lines) flush(fn func(string)) {
	if l.partial.Len() > 0 {
		fn(strings.TrimRight(l.partial.String(), "\r"))
		l.partial.Reset()
	}
}
