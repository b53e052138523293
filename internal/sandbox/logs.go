package sandbox

import (
	"strings"
	"time"
)

// logsTargetPrefix is CloudWatch Logs' awsJson X-Amz-Target prefix.
const logsTargetPrefix = "Logs_20140328"

// logStream is a log stream of a group, with its events oldest first.
type logStream struct {
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"createdAt"`
	Events    []logEvent `json:"events,omitempty"`
}

// logEvent is one log event.
type logEvent struct {
	Timestamp time.Time `json:"timestamp"`
	Ingested  time.Time `json:"ingested"`
	Message   string    `json:"message"`
}

// logsService serves the part of CloudWatch Logs the workshop reads. The
// streams are made by CreateLogStream now, by the tasks' awslogs driver in
// part 2.
type logsService struct{ srv *Server }

// register adds CloudWatch Logs' operations to the router.
func (l *logsService) register(r *router) {
	r.handleJSON(logsTargetPrefix, map[string]jsonOp{
		"CreateLogStream": l.createLogStream,
		"GetLogEvents":    l.getLogEvents,
	})
}

// group returns a log group, or ResourceNotFoundException.
func (l *logsService) group(c *call, name string) (*logGroup, error) {
	g := l.srv.state.Logs.Groups[c.region+"/"+name]
	if g == nil {
		return nil, clientErr("ResourceNotFoundException", "The specified log group does not exist.")
	}
	return g, nil
}

func (l *logsService) createLogStream(c *call, body []byte) (any, error) {
	var in struct {
		LogGroupName  string `json:"logGroupName"`
		LogStreamName string `json:"logStreamName"`
	}
	if err := decodeJSON(body, &in); err != nil {
		return nil, err
	}
	g, err := l.group(c, in.LogGroupName)
	if err != nil {
		return nil, err
	}
	if in.LogStreamName == "" || strings.ContainsAny(in.LogStreamName, ":*") {
		return nil, clientErr("InvalidParameterException", "1 validation error detected: Value '%s' at 'logStreamName' failed to satisfy constraint", in.LogStreamName)
	}
	if g.Streams[in.LogStreamName] != nil {
		return nil, clientErr("ResourceAlreadyExistsException", "The specified log stream already exists")
	}
	if g.Streams == nil {
		g.Streams = map[string]*logStream{}
	}
	g.Streams[in.LogStreamName] = &logStream{Name: in.LogStreamName, CreatedAt: c.now}
	c.changed()
	return struct{}{}, nil
}

func (l *logsService) getLogEvents(c *call, body []byte) (any, error) {
	var in struct {
		LogGroupName  string `json:"logGroupName"`
		LogStreamName string `json:"logStreamName"`
		Limit         *int   `json:"limit"`
		StartFromHead *bool  `json:"startFromHead"`
	}
	if err := decodeJSON(body, &in); err != nil {
		return nil, err
	}
	g, err := l.group(c, in.LogGroupName)
	if err != nil {
		return nil, err
	}
	st := g.Streams[in.LogStreamName]
	if st == nil {
		return nil, clientErr("ResourceNotFoundException", "The specified log stream does not exist.")
	}
	limit := 10000
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 10000 {
			return nil, clientErr("InvalidParameterException", "1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000", *in.Limit)
		}
		limit = *in.Limit
	}
	evs := st.Events
	if len(evs) > limit {
		if in.StartFromHead != nil && *in.StartFromHead {
			evs = evs[:limit]
		} else {
			evs = evs[len(evs)-limit:]
		}
	}
	events := []map[string]any{}
	for _, ev := range evs {
		events = append(events, map[string]any{"timestamp": ev.Timestamp.UnixMilli(), "ingestionTime": ev.Ingested.UnixMilli(), "message": ev.Message})
	}
	// Tokens that lead back to the same page: following them ends paging,
	// as AWS's do once there is nothing more.
	return map[string]any{"events": events, "nextForwardToken": "f/" + strings.Repeat("0", 56), "nextBackwardToken": "b/" + strings.Repeat("0", 56)}, nil
}
