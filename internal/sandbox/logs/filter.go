package logs

import (
	"fmt"
	"hash/fnv"
	"slices"
	"sort"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// filterTerms reads a FilterLogEvents filterPattern. The sandbox knows the
// plain form only: terms, each a bare word or a "quoted phrase", that a
// message must all contain (case-sensitive substrings). JSON ({...}),
// space-delimited ([...]) and OR (?term) patterns are refused.
func filterTerms(pattern string) ([]string, error) {
	p := strings.TrimSpace(pattern)
	if strings.HasPrefix(p, "{") || strings.HasPrefix(p, "[") || strings.HasPrefix(p, "?") {
		return nil, awsproto.ClientErr("InvalidParameterException", "the sandbox supports plain filter patterns only (terms and \"quoted phrases\"), not %q", pattern)
	}
	var terms []string
	for p != "" {
		if p[0] == '"' {
			end := strings.IndexByte(p[1:], '"')
			if end < 0 {
				return nil, awsproto.ClientErr("InvalidParameterException", "Invalid character(s) in term '%s'", p)
			}
			terms = append(terms, p[1:end+1])
			p = strings.TrimSpace(p[end+2:])
			continue
		}
		word, rest, _ := strings.Cut(p, " ")
		terms = append(terms, word)
		p = strings.TrimSpace(rest)
	}
	return terms, nil
}

// matchTerms reports whether msg contains every term.
func matchTerms(msg string, terms []string) bool {
	for _, t := range terms {
		if !strings.Contains(msg, t) {
			return false
		}
	}
	return true
}

// filteredEvent is an event FilterLogEvents found, with where it is.
type filteredEvent struct {
	stream string
	pos    int64
	ev     Event
}

// eventID is a found event's id: its timestamp, its stream's hash and its
// position, 56 digits as AWS's ids.
func (f filteredEvent) eventID() string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(f.stream))
	return fmt.Sprintf("%020d%010d%026d", f.ev.Timestamp, h.Sum32(), f.pos)
}

func (l *Service) filterLogEvents(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		LogGroupName        string   `json:"logGroupName"`
		LogStreamNames      []string `json:"logStreamNames"`
		LogStreamNamePrefix string   `json:"logStreamNamePrefix"`
		StartTime           *int64   `json:"startTime"`
		EndTime             *int64   `json:"endTime"`
		FilterPattern       string   `json:"filterPattern"`
		Limit               *int     `json:"limit"`
		NextToken           string   `json:"nextToken"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != "" {
		return nil, awsproto.ClientErr("InvalidParameterException", "logStreamNames and logStreamNamePrefix are mutually exclusive")
	}
	terms, err := filterTerms(in.FilterPattern)
	if err != nil {
		return nil, err
	}
	g, err := l.group(c, in.LogGroupName)
	if err != nil {
		return nil, err
	}
	var found []filteredEvent
	searched := []searchedStream{}
	for name, st := range g.Streams {
		if len(in.LogStreamNames) > 0 && !slices.Contains(in.LogStreamNames, name) || !strings.HasPrefix(name, in.LogStreamNamePrefix) {
			continue
		}
		searched = append(searched, searchedStream{LogStreamName: name, SearchedCompletely: true})
		for i, ev := range st.Events {
			if inTimeRange(ev.Timestamp, in.StartTime, in.EndTime) && matchTerms(ev.Message, terms) {
				found = append(found, filteredEvent{stream: name, pos: st.Dropped + int64(i), ev: ev})
			}
		}
	}
	sort.Slice(found, func(i, j int) bool {
		a, b := found[i], found[j]
		if a.ev.Timestamp != b.ev.Timestamp {
			return a.ev.Timestamp < b.ev.Timestamp
		}
		if a.stream != b.stream {
			return a.stream < b.stream
		}
		return a.pos < b.pos
	})
	sort.Slice(searched, func(i, j int) bool {
		return searched[i].LogStreamName < searched[j].LogStreamName
	})
	limit, err := eventLimit(in.Limit)
	if err != nil {
		return nil, err
	}
	found, next, err := offsetPage(found, &limit, 10000, in.NextToken)
	if err != nil {
		return nil, err
	}
	events := make([]filteredLogEvent, 0, len(found))
	for _, f := range found {
		events = append(events, filteredLogEvent{LogStreamName: f.stream, Timestamp: f.ev.Timestamp,
			IngestionTime: f.ev.Ingested, Message: f.ev.Message, EventID: f.eventID()})
	}
	return filterLogEventsOut{Events: events, NextToken: next, SearchedLogStreams: searched}, nil
}

// searchedStream is Logs' SearchedLogStream.
type searchedStream struct {
	LogStreamName      string `json:"logStreamName"`
	SearchedCompletely bool   `json:"searchedCompletely"`
}

// filteredLogEvent is Logs' FilteredLogEvent.
type filteredLogEvent struct {
	EventID       string `json:"eventId"`
	IngestionTime int64  `json:"ingestionTime"`
	LogStreamName string `json:"logStreamName"`
	Message       string `json:"message"`
	Timestamp     int64  `json:"timestamp"`
}

// filterLogEventsOut is FilterLogEvents' response.
type filterLogEventsOut struct {
	Events             []filteredLogEvent `json:"events"`
	NextToken          string             `json:"nextToken,omitempty"`
	SearchedLogStreams []searchedStream   `json:"searchedLogStreams"`
}
