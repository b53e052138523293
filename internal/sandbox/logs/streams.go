package logs

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// maxStreamEvents is how many events a log stream keeps: PutLogEvents drops
// the oldest beyond the newest maxStreamEvents, so that the state file stays
// small. A dropped event is gone for GetLogEvents and FilterLogEvents, as
// if its retention had expired.
const maxStreamEvents = 10000

// Stream is a log stream of a group, with its events oldest first (by
// timestamp, then by arrival).
type Stream struct {
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"createdAt"`
	Events    []Event   `json:"events,omitempty"`
	// Dropped counts the events cut off the front by maxStreamEvents, so
	// that an event's position (Dropped + its index), which GetLogEvents's
	// tokens name, stays put when older ones go.
	Dropped int64 `json:"dropped,omitempty"`
	// Uploads counts the PutLogEvents calls, for the sequence tokens.
	Uploads int64 `json:"uploads,omitempty"`
	// LastIngested is when the last PutLogEvents stored events (epoch ms).
	LastIngested int64 `json:"lastIngested,omitempty"`
}

// Event is one log event; times are epoch milliseconds.
type Event struct {
	Timestamp int64  `json:"t"`
	Ingested  int64  `json:"i"`
	Message   string `json:"m"`
}

// stream returns a group's log stream, or ResourceNotFoundException.
func (l *Service) stream(c *awsproto.Call, group, name string) (*Group, *Stream, error) {
	g, err := l.group(c, group)
	if err != nil {
		return nil, nil, err
	}
	st := g.Streams[name]
	if st == nil {
		return nil, nil, awsproto.ClientErr("ResourceNotFoundException", "The specified log stream does not exist.")
	}
	return g, st, nil
}

// storedBytes is the size of the group's stored messages.
func (g *Group) storedBytes() int64 {
	var n int64
	for _, st := range g.Streams {
		n += st.storedBytes()
	}
	return n
}

func (st *Stream) storedBytes() int64 {
	var n int64
	for _, ev := range st.Events {
		n += int64(len(ev.Message))
	}
	return n
}

// sequenceToken is the stream's upload sequence token, 56 digits as AWS's.
func (st *Stream) sequenceToken() string { return fmt.Sprintf("%056d", st.Uploads+1) }

func (l *Service) createLogStream(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		LogGroupName  string `json:"logGroupName"`
		LogStreamName string `json:"logStreamName"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	g, err := l.group(c, in.LogGroupName)
	if err != nil {
		return nil, err
	}
	if in.LogStreamName == "" || len(in.LogStreamName) > 512 || strings.ContainsAny(in.LogStreamName, ":*") {
		return nil, awsproto.ClientErr("InvalidParameterException", "1 validation error detected: Value '%s' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*", in.LogStreamName)
	}
	if g.Streams[in.LogStreamName] != nil {
		return nil, awsproto.ClientErr("ResourceAlreadyExistsException", "The specified log stream already exists")
	}
	if g.Streams == nil {
		g.Streams = map[string]*Stream{}
	}
	g.Streams[in.LogStreamName] = &Stream{Name: in.LogStreamName, CreatedAt: c.Now}
	c.Changed()
	return struct{}{}, nil
}

func (l *Service) describeLogStreams(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		LogGroupName        string `json:"logGroupName"`
		LogStreamNamePrefix string `json:"logStreamNamePrefix"`
		OrderBy             string `json:"orderBy"`
		Descending          bool   `json:"descending"`
		Limit               *int   `json:"limit"`
		NextToken           string `json:"nextToken"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	g, err := l.group(c, in.LogGroupName)
	if err != nil {
		return nil, err
	}
	switch in.OrderBy {
	case "", "LogStreamName":
	case "LastEventTime":
		if in.LogStreamNamePrefix != "" {
			return nil, awsproto.ClientErr("InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.")
		}
	default:
		return nil, awsproto.ClientErr("InvalidParameterException", "1 validation error detected: Value '%s' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]", in.OrderBy)
	}
	var streams []*Stream
	for _, st := range g.Streams {
		if strings.HasPrefix(st.Name, in.LogStreamNamePrefix) {
			streams = append(streams, st)
		}
	}
	sort.Slice(streams, func(i, j int) bool {
		a, b := streams[i], streams[j]
		if in.OrderBy == "LastEventTime" && a.lastEventTime() != b.lastEventTime() {
			return (a.lastEventTime() < b.lastEventTime()) != in.Descending
		}
		return (a.Name < b.Name) != in.Descending
	})
	streams, next, err := offsetPage(streams, in.Limit, 50, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := describeLogStreamsOut{LogStreams: []logStreamOut{}, NextToken: next}
	for _, st := range streams {
		m := logStreamOut{LogStreamName: st.Name, CreationTime: st.CreatedAt.UnixMilli(),
			Arn:                 "arn:aws:logs:" + g.Region + ":" + awsproto.Account + ":log-group:" + g.Name + ":log-stream:" + st.Name,
			UploadSequenceToken: st.sequenceToken()}
		if len(st.Events) > 0 {
			first, last, ingested := st.Events[0].Timestamp, st.lastEventTime(), st.LastIngested
			m.FirstEventTimestamp, m.LastEventTimestamp, m.LastIngestionTime = &first, &last, &ingested
		}
		out.LogStreams = append(out.LogStreams, m)
	}
	return out, nil
}

// logStreamOut is Logs' LogStream; the event times are there once the
// stream has events.
type logStreamOut struct {
	Arn                 string `json:"arn"`
	CreationTime        int64  `json:"creationTime"`
	FirstEventTimestamp *int64 `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  *int64 `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   *int64 `json:"lastIngestionTime,omitempty"`
	LogStreamName       string `json:"logStreamName"`
	StoredBytes         int64  `json:"storedBytes"`
	UploadSequenceToken string `json:"uploadSequenceToken"`
}

// describeLogStreamsOut is DescribeLogStreams' response.
type describeLogStreamsOut struct {
	LogStreams []logStreamOut `json:"logStreams"`
	NextToken  string         `json:"nextToken,omitempty"`
}

// lastEventTime is the timestamp of the stream's newest event, 0 when it
// has none.
func (st *Stream) lastEventTime() int64 {
	if len(st.Events) == 0 {
		return 0
	}
	return st.Events[len(st.Events)-1].Timestamp
}

func (l *Service) putLogEvents(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		LogGroupName  string `json:"logGroupName"`
		LogStreamName string `json:"logStreamName"`
		LogEvents     []struct {
			Timestamp *int64 `json:"timestamp"`
			Message   string `json:"message"`
		} `json:"logEvents"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if len(in.LogEvents) < 1 || len(in.LogEvents) > 10000 {
		return nil, awsproto.ClientErr("InvalidParameterException", "1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length between 1 and 10000")
	}
	_, st, err := l.stream(c, in.LogGroupName, in.LogStreamName)
	if err != nil {
		return nil, err
	}
	now := c.Now.UnixMilli()
	batch := make([]Event, 0, len(in.LogEvents))
	for i, ev := range in.LogEvents {
		if ev.Timestamp == nil || ev.Message == "" {
			return nil, awsproto.ClientErr("InvalidParameterException", "1 validation error detected: Value at 'logEvents.%d.member' failed to satisfy constraint: timestamp and a non-empty message are required", i+1)
		}
		batch = append(batch, Event{Timestamp: *ev.Timestamp, Ingested: now, Message: ev.Message})
	}
	st.Add(batch, now)
	c.Changed()
	return struct {
		NextSequenceToken string `json:"nextSequenceToken"`
	}{st.sequenceToken()}, nil
}

// Add stores a batch of events ingested at now (epoch ms), dropping the
// oldest beyond maxStreamEvents.
func (st *Stream) Add(batch []Event, now int64) {
	sort.SliceStable(batch, func(i, j int) bool { return batch[i].Timestamp < batch[j].Timestamp })
	st.Events = mergeEvents(st.Events, batch)
	if over := len(st.Events) - maxStreamEvents; over > 0 {
		st.Events = append([]Event(nil), st.Events[over:]...)
		st.Dropped += int64(over)
	}
	st.Uploads++
	st.LastIngested = now
}

// mergeEvents merges a sorted batch into a stream's sorted events; an event
// goes after those with the same timestamp already stored.
func mergeEvents(old, batch []Event) []Event {
	if len(old) == 0 || old[len(old)-1].Timestamp <= batch[0].Timestamp {
		return append(old, batch...)
	}
	out := make([]Event, 0, len(old)+len(batch))
	i, j := 0, 0
	for i < len(old) || j < len(batch) {
		if j == len(batch) || i < len(old) && old[i].Timestamp <= batch[j].Timestamp {
			out = append(out, old[i])
			i++
		} else {
			out = append(out, batch[j])
			j++
		}
	}
	return out
}
