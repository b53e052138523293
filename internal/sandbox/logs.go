package sandbox

import (
	"encoding/base64"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// logsTargetPrefix is CloudWatch Logs' awsJson X-Amz-Target prefix.
const logsTargetPrefix = "Logs_20140328"

// logsService serves CloudWatch Logs: log groups (shared with the
// AWS::Logs::LogGroup provider, providers_other.go), streams (logs_streams.go)
// and their events (logs_events.go, logs_filter.go), all kept in the state's
// logs part.
type logsService struct{ srv *Server }

// register adds CloudWatch Logs' operations to the router.
func (l *logsService) register(r *awsproto.Router) {
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
func (l *logsService) group(c *awsproto.Call, name string) (*logGroup, error) {
	g := l.srv.state.Logs.Groups[c.Region+"/"+name]
	if g == nil {
		return nil, awsproto.ClientErr("ResourceNotFoundException", "The specified log group does not exist.")
	}
	return g, nil
}

// arn is the group's ARN as DescribeLogGroups's arn shows it (with ":*").
func (g *logGroup) arn() string {
	return "arn:aws:logs:" + g.Region + ":" + awsproto.Account + ":log-group:" + g.Name + ":*"
}

func (l *logsService) createLogGroup(c *awsproto.Call, body []byte) (any, error) {
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
	if l.srv.state.Logs.Groups[key] != nil {
		return nil, awsproto.ClientErr("ResourceAlreadyExistsException", "The specified log group already exists")
	}
	g := &logGroup{Name: in.LogGroupName, Region: c.Region, CreatedAt: c.Now}
	keys := make([]string, 0, len(in.Tags))
	for k := range in.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		g.Tags = append(g.Tags, awsproto.Tag{Key: k, Value: in.Tags[k]})
	}
	l.srv.state.Logs.Groups[key] = g
	c.Changed()
	return struct{}{}, nil
}

func (l *logsService) describeLogGroups(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		LogGroupNamePrefix string `json:"logGroupNamePrefix"`
		Limit              *int   `json:"limit"`
		NextToken          string `json:"nextToken"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	var groups []*logGroup
	for _, g := range l.srv.state.Logs.Groups {
		if g.Region == c.Region && strings.HasPrefix(g.Name, in.LogGroupNamePrefix) {
			groups = append(groups, g)
		}
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].Name < groups[j].Name })
	groups, next, err := offsetPage(groups, in.Limit, 50, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	for _, g := range groups {
		m := map[string]any{"logGroupName": g.Name, "creationTime": g.CreatedAt.UnixMilli(), "arn": g.arn(),
			"logGroupArn": strings.TrimSuffix(g.arn(), ":*"), "metricFilterCount": 0, "storedBytes": g.storedBytes(),
			"logGroupClass": "STANDARD"}
		if g.RetentionDays > 0 {
			m["retentionInDays"] = g.RetentionDays
		}
		out = append(out, m)
	}
	return pageOut("logGroups", out, next), nil
}

func (l *logsService) deleteLogGroup(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		LogGroupName string `json:"logGroupName"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if _, err := l.group(c, in.LogGroupName); err != nil {
		return nil, err
	}
	delete(l.srv.state.Logs.Groups, c.Region+"/"+in.LogGroupName)
	c.Changed()
	return struct{}{}, nil
}

func (l *logsService) putRetentionPolicy(c *awsproto.Call, body []byte) (any, error) {
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

func (l *logsService) deleteRetentionPolicy(c *awsproto.Call, body []byte) (any, error) {
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

// pageOut is a listing's response: the items under key and nextToken when
// there is a next page.
func pageOut(key string, items []map[string]any, next string) map[string]any {
	out := map[string]any{key: items}
	if next != "" {
		out["nextToken"] = next
	}
	return out
}
