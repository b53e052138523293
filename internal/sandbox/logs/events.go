package logs

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// GetLogEvents's tokens name a position in the stream: "f/<n>" reads
// forward from the event at position n, "b/<n>" reads backward from just
// before it (n is 56 digits, as AWS's tokens look). A page's
// nextForwardToken is the position after its last event and its
// nextBackwardToken the position of its first, so a token that finds
// nothing more comes back unchanged, which is how clients stop paging.

// eventsToken is a GetLogEvents token.
func eventsToken(dir byte, pos int64) string { return fmt.Sprintf("%c/%056d", dir, pos) }

// parseEventsToken reads a GetLogEvents token: its direction and position.
func parseEventsToken(tok string) (forward bool, pos int64, err error) {
	dir, num, ok := strings.Cut(tok, "/")
	n, perr := strconv.ParseInt(num, 10, 64)
	if !ok || perr != nil || n < 0 || (dir != "f" && dir != "b") {
		return false, 0, awsproto.ClientErr("InvalidParameterException", "The specified nextToken is invalid.")
	}
	return dir == "f", n, nil
}

// eventLimit reads an events call's limit: 1 to 10000, 10000 when nil.
func eventLimit(limit *int) (int, error) {
	if limit == nil {
		return 10000, nil
	}
	if *limit < 1 || *limit > 10000 {
		return 0, awsproto.ClientErr("InvalidParameterException", "1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000", *limit)
	}
	return *limit, nil
}

// inTimeRange reports whether ts is in [start, end) where set, as AWS's
// startTime (inclusive) and endTime (exclusive).
func inTimeRange(ts int64, start, end *int64) bool {
	return (start == nil || ts >= *start) && (end == nil || ts < *end)
}

func (l *Service) getLogEvents(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		LogGroupName  string `json:"logGroupName"`
		LogStreamName string `json:"logStreamName"`
		StartTime     *int64 `json:"startTime"`
		EndTime       *int64 `json:"endTime"`
		Limit         *int   `json:"limit"`
		StartFromHead *bool  `json:"startFromHead"`
		NextToken     string `json:"nextToken"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	limit, err := eventLimit(in.Limit)
	if err != nil {
		return nil, err
	}
	_, st, err := l.stream(c, in.LogGroupName, in.LogStreamName)
	if err != nil {
		return nil, err
	}
	first, end := st.Dropped, st.Dropped+int64(len(st.Events))
	forward, pos := in.StartFromHead != nil && *in.StartFromHead, end
	if forward {
		pos = first
	}
	if in.NextToken != "" {
		if forward, pos, err = parseEventsToken(in.NextToken); err != nil {
			return nil, err
		}
	}
	pos = min(max(pos, first), end)
	// The page is the positions [lo, hi) it covers.
	var picked []int64
	lo, hi := pos, pos
	if forward {
		for p := pos; p < end && len(picked) < limit; p++ {
			if inTimeRange(st.Events[p-first].Timestamp, in.StartTime, in.EndTime) {
				picked = append(picked, p)
			}
		}
		if len(picked) > 0 {
			lo, hi = picked[0], picked[len(picked)-1]+1
		}
	} else {
		for p := pos - 1; p >= first && len(picked) < limit; p-- {
			if inTimeRange(st.Events[p-first].Timestamp, in.StartTime, in.EndTime) {
				picked = append(picked, p)
			}
		}
		for i, j := 0, len(picked)-1; i < j; i, j = i+1, j-1 {
			picked[i], picked[j] = picked[j], picked[i]
		}
		if len(picked) > 0 {
			lo = picked[0]
		}
	}
	events := make([]outputEvent, 0, len(picked))
	for _, p := range picked {
		ev := st.Events[p-first]
		events = append(events, outputEvent{Timestamp: ev.Timestamp, IngestionTime: ev.Ingested, Message: ev.Message})
	}
	return getLogEventsOut{Events: events, NextForwardToken: eventsToken('f', hi), NextBackwardToken: eventsToken('b', lo)}, nil
}

// outputEvent is Logs' OutputLogEvent. (Fields of the response shapes are
// in the order of their JSON names, as the maps they replace were encoded.)
type outputEvent struct {
	IngestionTime int64  `json:"ingestionTime"`
	Message       string `json:"message"`
	Timestamp     int64  `json:"timestamp"`
}

// getLogEventsOut is GetLogEvents' response.
type getLogEventsOut struct {
	Events            []outputEvent `json:"events"`
	NextBackwardToken string        `json:"nextBackwardToken"`
	NextForwardToken  string        `json:"nextForwardToken"`
}
