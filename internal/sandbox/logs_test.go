package sandbox_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/breakthemonolith/workshop/internal/sandbox"
)

// logsClient is the Go SDK's CloudWatch Logs client for the sandbox.
func logsClient(t testing.TB, dir string) *cloudwatchlogs.Client {
	t.Helper()
	return sdkClients(start(t, dir), "us-east-1").Logs
}

// putLines writes lines to a stream, one event a millisecond from base.
func putLines(t testing.TB, c *cloudwatchlogs.Client, group, stream string, base int64, lines ...string) string {
	t.Helper()
	var evs []logtypes.InputLogEvent
	for i, l := range lines {
		evs = append(evs, logtypes.InputLogEvent{Timestamp: aws.Int64(base + int64(i)), Message: aws.String(l)})
	}
	out, err := c.PutLogEvents(context.Background(), &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group),
		LogStreamName: aws.String(stream), LogEvents: evs})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.NextSequenceToken)
}

// messages are the events' messages.
func messages[E logtypes.OutputLogEvent | logtypes.FilteredLogEvent](evs []E) []string {
	out := []string{}
	for _, e := range evs {
		switch e := any(e).(type) {
		case logtypes.OutputLogEvent:
			out = append(out, aws.ToString(e.Message))
		case logtypes.FilteredLogEvent:
			out = append(out, aws.ToString(e.Message))
		}
	}
	return out
}

// mustGroupStream creates a group and a stream in it.
func mustGroupStream(t testing.TB, c *cloudwatchlogs.Client, group string, streams ...string) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
		t.Fatal(err)
	}
	for _, s := range streams {
		if _, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(s)}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLogsGroups(t *testing.T) {
	c, ctx := logsClient(t, ""), context.Background()
	before := time.Now().Add(-time.Second).UnixMilli()
	mustGroupStream(t, c, "/ecs/api")
	mustGroupStream(t, c, "/ecs/web")
	mustGroupStream(t, c, "/other")
	_, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/ecs/api")})
	wantAPIError(t, err, "ResourceAlreadyExistsException", "The specified log group already exists")
	_, err = c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("bad name!")})
	wantAPIError(t, err, "InvalidParameterException", "logGroupName")

	if _, err := c.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("/ecs/api"), RetentionInDays: aws.Int32(14)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("/ecs/api"), RetentionInDays: aws.Int32(2)})
	wantAPIError(t, err, "InvalidParameterException", "retentionInDays")
	_, err = c.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("/nope"), RetentionInDays: aws.Int32(14)})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")

	out, err := c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/ecs/")})
	if err != nil || len(out.LogGroups) != 2 {
		t.Fatalf("DescribeLogGroups: %v %+v", err, out)
	}
	g := out.LogGroups[0]
	if aws.ToString(g.LogGroupName) != "/ecs/api" || aws.ToInt32(g.RetentionInDays) != 14 ||
		aws.ToString(g.Arn) != "arn:aws:logs:us-east-1:"+sandbox.Account+":log-group:/ecs/api:*" ||
		aws.ToInt64(g.CreationTime) < before || aws.ToInt64(g.CreationTime) > time.Now().UnixMilli() {
		t.Fatalf("group: %+v", g)
	}
	if out.LogGroups[1].RetentionInDays != nil {
		t.Fatalf("web has a retention: %+v", out.LogGroups[1])
	}
	// Paging with limit.
	var names []string
	p := cloudwatchlogs.NewDescribeLogGroupsPaginator(c, &cloudwatchlogs.DescribeLogGroupsInput{Limit: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range page.LogGroups {
			names = append(names, aws.ToString(g.LogGroupName))
		}
	}
	if fmt.Sprint(names) != "[/ecs/api /ecs/web /other]" {
		t.Fatalf("paged groups: %v", names)
	}

	if _, err := c.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/other")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/other")})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
}

func TestLogsStreams(t *testing.T) {
	c, ctx := logsClient(t, ""), context.Background()
	mustGroupStream(t, c, "g", "api/1", "api/2", "web/1")
	_, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("api/1")})
	wantAPIError(t, err, "ResourceAlreadyExistsException", "The specified log stream already exists")
	_, err = c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("nope"), LogStreamName: aws.String("x")})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	putLines(t, c, "g", "web/1", 1000, "w")
	putLines(t, c, "g", "api/2", 3000, "a2")
	putLines(t, c, "g", "api/1", 2000, "a1")

	names := func(in *cloudwatchlogs.DescribeLogStreamsInput) []string {
		t.Helper()
		in.LogGroupName = aws.String("g")
		out, err := c.DescribeLogStreams(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		var ns []string
		for _, s := range out.LogStreams {
			ns = append(ns, aws.ToString(s.LogStreamName))
		}
		return ns
	}
	if got := fmt.Sprint(names(&cloudwatchlogs.DescribeLogStreamsInput{LogStreamNamePrefix: aws.String("api/")})); got != "[api/1 api/2]" {
		t.Fatalf("prefix: %s", got)
	}
	if got := fmt.Sprint(names(&cloudwatchlogs.DescribeLogStreamsInput{OrderBy: logtypes.OrderByLastEventTime, Descending: aws.Bool(true)})); got != "[api/2 api/1 web/1]" {
		t.Fatalf("LastEventTime descending: %s", got)
	}
	if got := fmt.Sprint(names(&cloudwatchlogs.DescribeLogStreamsInput{OrderBy: logtypes.OrderByLastEventTime, Descending: aws.Bool(true), Limit: aws.Int32(1)})); got != "[api/2]" {
		t.Fatalf("limit 1: %s", got)
	}
	out, err := c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("g"), LogStreamNamePrefix: aws.String("api/1")})
	if err != nil || len(out.LogStreams) != 1 || aws.ToInt64(out.LogStreams[0].LastEventTimestamp) != 2000 ||
		aws.ToInt64(out.LogStreams[0].FirstEventTimestamp) != 2000 || aws.ToString(out.LogStreams[0].Arn) == "" {
		t.Fatalf("DescribeLogStreams: %v %+v", err, out)
	}
	_, err = c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("g"), OrderBy: logtypes.OrderByLastEventTime, LogStreamNamePrefix: aws.String("a")})
	wantAPIError(t, err, "InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.")
	_, err = c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("nope")})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
}

func TestLogsPutLogEvents(t *testing.T) {
	c, ctx := logsClient(t, ""), context.Background()
	mustGroupStream(t, c, "g", "s")
	tok1 := putLines(t, c, "g", "s", 100, "x")
	// Out of order within a call and older than what is stored: sorted.
	out, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"),
		LogEvents: []logtypes.InputLogEvent{{Timestamp: aws.Int64(300), Message: aws.String("c")},
			{Timestamp: aws.Int64(50), Message: aws.String("a")}, {Timestamp: aws.Int64(200), Message: aws.String("b")}}})
	if err != nil || aws.ToString(out.NextSequenceToken) == "" || aws.ToString(out.NextSequenceToken) == tok1 {
		t.Fatalf("PutLogEvents: %v %+v (first token %s)", err, out, tok1)
	}
	got, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true)})
	if err != nil || fmt.Sprint(messages(got.Events)) != "[a x b c]" || aws.ToInt64(got.Events[0].IngestionTime) == 0 {
		t.Fatalf("GetLogEvents: %v %+v", err, got)
	}
	_, err = c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("nope"),
		LogEvents: []logtypes.InputLogEvent{{Timestamp: aws.Int64(1), Message: aws.String("m")}}})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log stream does not exist.")
	_, err = c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("nope"), LogStreamName: aws.String("s"),
		LogEvents: []logtypes.InputLogEvent{{Timestamp: aws.Int64(1), Message: aws.String("m")}}})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
}

func TestLogsGetLogEventsPaging(t *testing.T) {
	c, ctx := logsClient(t, ""), context.Background()
	mustGroupStream(t, c, "g", "s")
	var lines []string
	for i := range 12 {
		lines = append(lines, fmt.Sprintf("line %02d", i))
	}
	putLines(t, c, "g", "s", 1000, lines...)
	get := func(in cloudwatchlogs.GetLogEventsInput) *cloudwatchlogs.GetLogEventsOutput {
		t.Helper()
		in.LogGroupName, in.LogStreamName = aws.String("g"), aws.String("s")
		out, err := c.GetLogEvents(ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	// The last lines, as `workshop run`'s diagnosis reads them, then
	// backward page by page until the token comes back unchanged.
	out := get(cloudwatchlogs.GetLogEventsInput{Limit: aws.Int32(5), StartFromHead: aws.Bool(false)})
	if fmt.Sprint(messages(out.Events)) != "[line 07 line 08 line 09 line 10 line 11]" {
		t.Fatalf("last 5: %v", messages(out.Events))
	}
	var back []string
	tok := aws.ToString(out.NextBackwardToken)
	for range 10 {
		page := get(cloudwatchlogs.GetLogEventsInput{Limit: aws.Int32(5), NextToken: aws.String(tok)})
		back = append(messages(page.Events), back...)
		if aws.ToString(page.NextBackwardToken) == tok {
			break
		}
		tok = aws.ToString(page.NextBackwardToken)
	}
	if fmt.Sprint(back) != fmt.Sprint(lines[:7]) {
		t.Fatalf("backward pages: %v", back)
	}
	// Forward from the head with the SDK's paginator, which stops when the
	// token comes back unchanged.
	var fwd []string
	p := cloudwatchlogs.NewGetLogEventsPaginator(c, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"),
		StartFromHead: aws.Bool(true), Limit: aws.Int32(5)}, func(o *cloudwatchlogs.GetLogEventsPaginatorOptions) { o.StopOnDuplicateToken = true })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fwd = append(fwd, messages(page.Events)...)
	}
	if fmt.Sprint(fwd) != fmt.Sprint(lines) {
		t.Fatalf("forward pages: %v", fwd)
	}
	// Following the forward token from the end finds events put later.
	end := get(cloudwatchlogs.GetLogEventsInput{})
	if len(end.Events) != 12 {
		t.Fatalf("default: %d events", len(end.Events))
	}
	same := get(cloudwatchlogs.GetLogEventsInput{NextToken: end.NextForwardToken})
	if len(same.Events) != 0 || aws.ToString(same.NextForwardToken) != aws.ToString(end.NextForwardToken) {
		t.Fatalf("nothing more: %+v", same)
	}
	putLines(t, c, "g", "s", 5000, "late")
	if later := get(cloudwatchlogs.GetLogEventsInput{NextToken: end.NextForwardToken}); fmt.Sprint(messages(later.Events)) != "[late]" {
		t.Fatalf("after more: %v", messages(later.Events))
	}
	// Time range: [startTime, endTime).
	if r := get(cloudwatchlogs.GetLogEventsInput{StartTime: aws.Int64(1002), EndTime: aws.Int64(1005), StartFromHead: aws.Bool(true)}); fmt.Sprint(messages(r.Events)) != "[line 02 line 03 line 04]" {
		t.Fatalf("time range: %v", messages(r.Events))
	}
	_, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), NextToken: aws.String("zz")})
	wantAPIError(t, err, "InvalidParameterException", "nextToken")
	_, err = c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), Limit: aws.Int32(10001)})
	wantAPIError(t, err, "InvalidParameterException", "limit")
}

func TestLogsFilterLogEvents(t *testing.T) {
	c, ctx := logsClient(t, ""), context.Background()
	mustGroupStream(t, c, "g", "api/1", "api/2", "web/1")
	putLines(t, c, "g", "api/1", 100, "GET /ok 200", "GET /boom 500 ERROR", "ERROR: timeout")
	putLines(t, c, "g", "api/2", 101, "POST /x 500 ERROR")
	putLines(t, c, "g", "web/1", 99, "ERROR in web")
	filter := func(in cloudwatchlogs.FilterLogEventsInput) *cloudwatchlogs.FilterLogEventsOutput {
		t.Helper()
		in.LogGroupName = aws.String("g")
		out, err := c.FilterLogEvents(ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if out := filter(cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String("ERROR")}); fmt.Sprint(messages(out.Events)) != "[ERROR in web GET /boom 500 ERROR POST /x 500 ERROR ERROR: timeout]" ||
		aws.ToString(out.Events[0].LogStreamName) != "web/1" || aws.ToString(out.Events[0].EventId) == "" {
		t.Fatalf("ERROR: %+v", messages(out.Events))
	}
	if out := filter(cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String(`"500 ERROR"`), LogStreamNames: []string{"api/1"}}); fmt.Sprint(messages(out.Events)) != "[GET /boom 500 ERROR]" {
		t.Fatalf("streams + phrase: %v", messages(out.Events))
	}
	if out := filter(cloudwatchlogs.FilterLogEventsInput{StartTime: aws.Int64(100), EndTime: aws.Int64(102)}); len(out.Events) != 3 {
		t.Fatalf("time range: %v", messages(out.Events))
	}
	var all []string
	p := cloudwatchlogs.NewFilterLogEventsPaginator(c, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("g"), Limit: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, messages(page.Events)...)
	}
	if len(all) != 5 || pages != 3 {
		t.Fatalf("paged: %d pages %v", pages, all)
	}
	_, err := c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("nope")})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	_, err = c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("g"), FilterPattern: aws.String("{ $.level = 1 }")})
	wantAPIError(t, err, "InvalidParameterException", "plain filter patterns")
}

func TestLogsKeepEventsAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	s := start(t, dir)
	c, ctx := sdkClients(s, "us-east-1").Logs, context.Background()
	mustGroupStream(t, c, "g", "s")
	putLines(t, c, "g", "s", 100, "one", "two")
	_ = s.Close()
	c = logsClient(t, dir)
	out, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), Limit: aws.Int32(5), StartFromHead: aws.Bool(false)})
	if err != nil || fmt.Sprint(messages(out.Events)) != "[one two]" {
		t.Fatalf("after restart: %v %+v", err, out)
	}
}

func TestLogsStreamKeepsTheNewestEvents(t *testing.T) {
	c, ctx := logsClient(t, ""), context.Background()
	mustGroupStream(t, c, "g", "s")
	msgs := make([]string, 10000)
	for i := range msgs {
		msgs[i] = fmt.Sprint(i)
	}
	putLines(t, c, "g", "s", 0, msgs...)
	putLines(t, c, "g", "s", 10000, "new 1", "new 2")
	out, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true), Limit: aws.Int32(2)})
	if err != nil || fmt.Sprint(messages(out.Events)) != "[2 3]" {
		t.Fatalf("head after the cap: %v %v", err, messages(out.Events))
	}
	out, err = c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), Limit: aws.Int32(2)})
	if err != nil || fmt.Sprint(messages(out.Events)) != "[new 1 new 2]" {
		t.Fatalf("tail after the cap: %v %v", err, messages(out.Events))
	}
}
