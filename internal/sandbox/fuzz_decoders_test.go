package sandbox_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/breakthemonolith/workshop/internal/sandbox"
)

// fuzzWorld is a sandbox holding the workshop stack (a VPC, subnets, a
// cluster and a load balancer), so that fuzzed requests reach past the
// lookups, and the stack's outputs for the seeds.
func fuzzWorld(f *testing.F) (*sandbox.Server, string, map[string]string) {
	dir := f.TempDir()
	s := start(f, dir)
	createStack(f, cfnClient(s), "BreakTheMonolith-Demo", workshopTemplate(f))
	return s, dir, outputs(describeStack(f, cfnClient(s), "BreakTheMonolith-Demo"))
}

// stillLoads fails f when the state under dir no longer loads.
func stillLoads(f *testing.F, dir string) {
	if _, err := sandbox.New(sandbox.Options{DataDir: dir}); err != nil {
		f.Errorf("the state no longer loads after fuzzing: %v", err)
	}
}

// FuzzQueryForm sends arbitrary awsQuery forms to ELBv2 (the form decoder,
// its member lists, actions and conditions): every answer is a success or
// an AWS-shaped 4xx error, nothing panics, and the state still loads.
func FuzzQueryForm(f *testing.F) {
	s, dir, out := fuzzWorld(f)
	vpc, alb := url.QueryEscape(out["VPCId"]), url.QueryEscape(out["ALBArn"])
	for _, seed := range []struct{ action, body string }{
		{"CreateTargetGroup", "Name=api&Protocol=HTTP&Port=3000&VpcId=" + vpc + "&TargetType=ip&Matcher.HttpCode=200-299&Tags.member.1.Key=a&Tags.member.1.Value=b"},
		{"CreateListener", "LoadBalancerArn=" + alb + "&Port=80&Protocol=HTTP&DefaultActions.member.1.Type=fixed-response" +
			"&DefaultActions.member.1.FixedResponseConfig.StatusCode=404&DefaultActions.member.1.FixedResponseConfig.ContentType=text/plain"},
		{"CreateListener", "LoadBalancerArn=" + alb + "&Port=81&DefaultActions.member.1.Type=forward" +
			"&DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn=x&DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight=-1"},
		{"CreateRule", "ListenerArn=x&Priority=10&Conditions.member.1.Field=path-pattern&Conditions.member.1.Values.member.1=/api*" +
			"&Conditions.member.2.HostHeaderConfig.Values.member.1=a.example&Actions.member.1.Type=redirect&Actions.member.1.RedirectConfig.StatusCode=HTTP_301"},
		{"DescribeTargetGroups", "Names.member.1=api&Names.member.3=zz&PageSize=0&Marker=%ff"},
		{"DescribeRules", "RuleArns.member.1=&ListenerArn="},
		{"RegisterTargets", "TargetGroupArn=x&Targets.member.1.Id=10.0.0.1&Targets.member.1.Port=99999"},
		{"DescribeTargetHealth", "TargetGroupArn=x&Targets.member.1.Id="},
		{"AddTags", "ResourceArns.member.1=" + alb + "&Tags.member.1.Key=&Tags.member.1.Value=v"},
		{"ModifyRule", "RuleArn=x&Actions.member.0.Type=forward"},
		{"DeleteTargetGroup", "TargetGroupArn="},
		{"DescribeLoadBalancers", "Names.member.1=" + strings.Repeat("a", 40)},
		{"Nope", "a.member.1.b.member.1=c"},
	} {
		f.Add(seed.action, seed.body)
	}
	f.Fuzz(func(t *testing.T, action, body string) {
		req := httptest.NewRequest(http.MethodPost, "/",
			strings.NewReader("Action="+url.QueryEscape(action)+"&Version=2015-12-01&"+body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code == http.StatusOK {
			if !strings.Contains(rec.Body.String(), "<RequestId>") {
				t.Fatalf("%s answered 200 without a request id: %q", action, rec.Body.String())
			}
			return
		}
		var e struct {
			Code    string `xml:"Error>Code"`
			Message string `xml:"Error>Message"`
		}
		if err := xml.Unmarshal(rec.Body.Bytes(), &e); err != nil || rec.Code >= 500 || e.Code == "" || e.Message == "" ||
			strings.ContainsAny(e.Code, " :#") {
			t.Fatalf("%s answered %d %q, want a 4xx AWS error", action, rec.Code, rec.Body.String())
		}
	})
	stillLoads(f, dir)
}

// FuzzECSJSON sends arbitrary bodies to ECS's operations: every answer is
// a JSON object, every failure a 4xx with an AWS error code, nothing
// panics, and the state still loads.
func FuzzECSJSON(f *testing.F) {
	s, dir, out := fuzzWorld(f)
	cluster, subnets := out["ClusterName"], strings.Split(out["PublicSubnets"], ",")
	for _, seed := range []struct{ op, body string }{
		{"RegisterTaskDefinition", `{"family":"api","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512",` +
			`"containerDefinitions":[{"name":"api","image":"api:v1","portMappings":[{"containerPort":3000}]}],"tags":[{"key":"a","value":"b"}]}`},
		{"RegisterTaskDefinition", `{"family":"x","containerDefinitions":[{"name":"x","image":"x","portMappings":[{"containerPort":"a"}]}]}`},
		{"CreateService", `{"cluster":"` + cluster + `","serviceName":"api","taskDefinition":"api","desiredCount":1,` +
			`"networkConfiguration":{"awsvpcConfiguration":{"subnets":["` + subnets[0] + `"]}},` +
			`"loadBalancers":[{"targetGroupArn":"x","containerName":"api","containerPort":3000}]}`},
		{"CreateService", `{"cluster":"` + cluster + `","serviceName":"bare","taskDefinition":"api:1","desiredCount":0,"networkConfiguration":{"awsvpcConfiguration":{"subnets":"x"}}}`},
		{"UpdateService", `{"cluster":"` + cluster + `","service":"bare","desiredCount":-1,"taskDefinition":"api:9"}`},
		{"DeleteService", `{"cluster":"` + cluster + `","service":"bare","force":true}`},
		{"DescribeServices", `{"cluster":"` + cluster + `","services":["bare","missing"],"include":["TAGS"]}`},
		{"DescribeTaskDefinition", `{"taskDefinition":"arn:aws:ecs:x:task-definition/api:0"}`},
		{"DeregisterTaskDefinition", `{"taskDefinition":"api:1"}`},
		{"ListTaskDefinitions", `{"familyPrefix":"api","sort":"DESC","maxResults":1,"nextToken":"%%"}`},
		{"ListTasks", `{"cluster":"` + cluster + `","serviceName":"bare"}`},
		{"DescribeTasks", `{"cluster":"` + cluster + `","tasks":[]}`},
		{"DescribeClusters", `{"clusters":null}`},
		{"Nope", `[1]`},
	} {
		f.Add(seed.op, []byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113."+op)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		var res map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
			t.Fatalf("%s answered %d with a body that is no JSON object: %q", op, rec.Code, rec.Body.String())
		}
		if rec.Code == http.StatusOK {
			return
		}
		code, _ := res["__type"].(string)
		msg, _ := res["message"].(string)
		if code == "" || msg == "" || rec.Code >= 500 || strings.ContainsAny(code, " :#") {
			t.Fatalf("%s answered %d %q, want a 4xx AWS error", op, rec.Code, rec.Body.String())
		}
	})
	stillLoads(f, dir)
}
