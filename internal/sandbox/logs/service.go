// Package logs serves the sandbox's CloudWatch Logs: log groups, their
// streams and events (PutLogEvents, GetLogEvents, FilterLogEvents). The
// groups are shared with CloudFormation's AWS::Logs::LogGroup provider and
// the task runner, which copies the containers' output into their streams
// through Stream.Add.
package logs

import (
	"encoding/base64"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// logsTargetPrefix is CloudWatch Logs' awsJson X-Amz-Target prefix.
const logsTargetPrefix = "Logs_20140328"

// Group is a CloudWatch Logs log group, made by a stack or by the Logs API.
type Group struct {
	Name          string         `json:"name"`
	Region        string         `json:"region"`
	RetentionDays int            `json:"retentionInDays,omitempty"`
	CreatedAt     time.Time      `json:"createdAt"`
	Tags          []awsproto.Tag `json:"tags,omitempty"`
	// Streams are the group's log streams by name (streams.go).
	Streams map[string]*Stream `json:"streams,omitempty"`
}

// State is CloudWatch Logs' part of the state: groups by region/name.
type State struct {
	Groups map[string]*Group `json:"groups"`
}

// Service serves CloudWatch Logs: log groups (shared with the
// AWS::Logs::LogGroup provider in package sandbox), streams (streams.go)
// and their events (events.go, filter.go), all kept in the state's
// logs part.
type Service struct{ state func() *State }

// New is the Logs service over its part of the state.
func New(state func() *State) *Service { return &Service{state: state} }

// Register adds CloudWatch Logs' operations to the router.
func (l *Service) Register(r *awsproto.Router) {
	r.HandleJSON(logsTargetPrefix, map[string]awsproto.JSONOp{
		"CreateLogGroup":        l.createLogGroup,
		"DescribeLogGroups":     l.describeLogGroups,
		"DeleteLogGroup":        l.deleteLogGroup,
		"PutRetentionPolicy":    l.putRetentionPolicy,
		"DeleteRetentionPolicy": l.deleteRetentionPolicy,
		"CreateLogStream":       l.createLogStream,
		"DescribeLogStreams":    l.describeLogStreams,
		"PutLogEvents":          l.putLogEvents,
		"GetLogEvents":          l.getLogEvents,
		"FilterLogEvents":       l.filterLogEvents,
	})
}

// validLogGroupName reports whether name is one AWS allows for a log
// group: 1 to 512 of [.-_/#A-Za-z0-9].
func validLogGroupName(name string) bool {
	if name == "" || len(name) > 512 {
		return false
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-_/#", r)
		if !ok {
			return false
		}
	}
	return true
}

// retentionDays are the retention periods PutRetentionPolicy accepts.
func retentionDays() []int {
	return []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
}

// group returns a log group, or ResourceNotFoundException.
func (l *Service) group(c *awsproto.Call, name string) (*Group, error) {
	g := l.state().Groups[c.Region+"/"+name]
	if g == nil {
		return nil, awsproto.ClientErr("ResourceNotFoundException", "The specified log group does not exist.")
	}
	return g, nil
}

// arn is the group's ARN as DescribeLogGroups's arn shows it (with ":*").
func (g *Group) arn() string {
	return "arn:aws:logs:" + g.Region + ":" + awsproto.Account + ":log-group:" + g.Name + ":*"
}

func (l *Service) createLogGroup(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		LogGroupName string            `json:"logGroupName"`
		Tags         map[string]string `json:"tags"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if !validLogGroupName(in.LogGroupName) {
		return nil, awsproto.ClientErr("InvalidParameterException", "1 validation error detected: Value '%s' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+", in.LogGroupName)
	}
	key := c.Region + "/" + in.LogGroupName
	if l.state().Groups[key] != nil {
		return nil, awsproto.ClientErr("ResourceAlreadyExistsException", "The specified log group already exists")
	}
	g := &Group{Name: in.LogGroupName, Region: c.Region, CreatedAt: c.Now}
	keys := make([]string, 0, len(in.Tags))
	for k := range in.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		g.Tags = append(g.Tags, awsproto.Tag{Key: k, Value: in.Tags[k]})
	}
	l.state().Groups[key] = g
	c.Changed()
	return struct{}{}, nil
}

func (l *Service) describeLogGroups(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		LogGroupNamePrefix string `json:"logGroupNamePrefix"`
		Limit              *int   `json:"limit"`
		NextToken          string `json:"nextToken"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	var groups []*Group
	for _, g := range l.state().Groups {
		if g.Region == c.Region && strings.HasPrefix(g.Name, in.LogGroupNamePrefix) {
			groups = append(groups, g)
		}
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].Name < groups[j].Name })
	groups, next, err := offsetPage(groups, in.Limit, 50, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := describeLogGroupsOut{LogGroups: []logGroupOut{}, NextToken: next}
	for _, g := range groups {
		out.LogGroups = append(out.LogGroups, logGroupOut{LogGroupName: g.Name, CreationTime: g.CreatedAt.UnixMilli(), Arn: g.arn(),
			LogGroupArn: strings.TrimSuffix(g.arn(), ":*"), StoredBytes: g.storedBytes(), LogGroupClass: "STANDARD",
			RetentionInDays: g.RetentionDays})
	}
	return out, nil
}

// logGroupOut is Logs' LogGroup.
type logGroupOut struct {
	Arn               string `json:"arn"`
	CreationTime      int64  `json:"creationTime"`
	LogGroupArn       string `json:"logGroupArn"`
	LogGroupClass     string `json:"logGroupClass"`
	LogGroupName      string `json:"logGroupName"`
	MetricFilterCount int    `json:"metricFilterCount"`
	RetentionInDays   int    `json:"retentionInDays,omitempty"`
	StoredBytes       int64  `json:"storedBytes"`
}

// describeLogGroupsOut is DescribeLogGroups' response.
type describeLogGroupsOut struct {
	LogGroups []logGroupOut `json:"logGroups"`
	NextToken string        `json:"nextToken,omitempty"`
}

func (l *Service) deleteLogGroup(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		LogGroupName string `json:"logGroupName"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if _, err := l.group(c, in.LogGroupName); err != nil {
		return nil, err
	}
	delete(l.state().Groups, c.Region+"/"+in.LogGroupName)
	c.Changed()
	return struct{}{}, nil
}

func (l *Service) putRetentionPolicy(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		LogGroupName    string `json:"logGroupName"`
		RetentionInDays int    `json:"retentionInDays"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	g, err := l.group(c, in.LogGroupName)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(retentionDays(), in.RetentionInDays) {
		return nil, awsproto.ClientErr("InvalidParameterException", "1 validation error detected: Value '%d' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: %v", in.RetentionInDays, retentionDays())
	}
	g.RetentionDays = in.RetentionInDays
	c.Changed()
	return struct{}{}, nil
}

func (l *Service) deleteRetentionPolicy(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		LogGroupName string `json:"logGroupName"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	g, err := l.group(c, in.LogGroupName)
	if err != nil {
		return nil, err
	}
	g.RetentionDays = 0
	c.Changed()
	return struct{}{}, nil
}

// offsetPage cuts a page of at most limit items (def when nil, at most def)
// out of items, from the offset nextToken names; it returns the next
// page's token, "" on the last page.
func offsetPage[T any](items []T, limit *int, def int, nextToken string) ([]T, string, error) {
	n := def
	if limit != nil {
		if *limit < 1 || *limit > def {
			return nil, "", awsproto.ClientErr("InvalidParameterException", "1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and %d", *limit, def)
		}
		n = *limit
	}
	start := 0
	if nextToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(nextToken)
		off, perr := strconv.Atoi(strings.TrimPrefix(string(raw), "o/"))
		if err != nil || perr != nil || !strings.HasPrefix(string(raw), "o/") || off < 0 {
			return nil, "", awsproto.ClientErr("InvalidParameterException", "The specified nextToken is invalid.")
		}
		start = min(off, len(items))
	}
	end := min(start+n, len(items))
	next := ""
	if end < len(items) {
		next = base64.RawURLEncoding.EncodeToString([]byte("o/" + strconv.Itoa(end)))
	}
	return items[start:end], next, nil
}
