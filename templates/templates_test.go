package templates

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/testpeers"
	"go.yaml.in/yaml/v3"
)

var services = []string{"api", "users", "threads", "posts"}

func TestTaskDefinitions(t *testing.T) {
	for _, svc := range services {
		t.Run(svc, func(t *testing.T) {
			out, err := TaskDefinition(svc, TaskDefinitionValues{
				Image:            "123456789012.dkr.ecr.us-east-1.amazonaws.com/" + svc + ":v1",
				ExecutionRoleArn: "arn:aws:iam::123456789012:role/exec",
				LogGroup:         "/ecs/BreakTheMonolith-Demo",
				Region:           "us-east-1",
			})
			if err != nil {
				t.Fatal(err)
			}
			var td struct {
				Family                  string
				NetworkMode             string
				RequiresCompatibilities []string
				CPU                     string
				Memory                  string
				ExecutionRoleArn        string
				ContainerDefinitions    []struct {
					Name         string
					Image        string
					Essential    bool
					PortMappings []struct {
						ContainerPort int
						Protocol      string
					}
					LogConfiguration struct {
						LogDriver string
						Options   map[string]string
					}
				}
				Tags []struct{ Key, Value string }
			}
			if err := json.Unmarshal(out, &td); err != nil {
				t.Fatal(err)
			}
			c := td.ContainerDefinitions
			if td.Family != svc || len(c) != 1 || c[0].Name != svc {
				t.Fatalf("family %q and container %v must both be %q", td.Family, c, svc)
			}
			if td.NetworkMode != "awsvpc" || !reflect.DeepEqual(td.RequiresCompatibilities, []string{"FARGATE"}) ||
				td.CPU != "256" || td.Memory != "512" {
				t.Errorf("not the design's Fargate task: %+v", td)
			}
			if !strings.HasSuffix(c[0].Image, "/"+svc+":v1") || !c[0].Essential {
				t.Errorf("container: %+v", c[0])
			}
			if len(c[0].PortMappings) != 1 || c[0].PortMappings[0].ContainerPort != 3000 {
				t.Errorf("port mappings: %+v", c[0].PortMappings)
			}
			lc := c[0].LogConfiguration
			if lc.LogDriver != "awslogs" || lc.Options["awslogs-group"] != "/ecs/BreakTheMonolith-Demo" ||
				lc.Options["awslogs-region"] != "us-east-1" {
				t.Errorf("logs: %+v", lc)
			}
			if len(td.Tags) != 1 || td.Tags[0].Key != "workshop:managed" {
				t.Errorf("tags: %+v", td.Tags)
			}
		})
	}
}

func TestRenderReportsMissingValues(t *testing.T) {
	_, err := TaskDefinition("api", TaskDefinitionValues{Image: "x"})
	if err == nil {
		t.Fatal("rendering without values succeeded")
	}
	for _, want := range []string{"${EXECUTION_ROLE_ARN}", "${LOG_GROUP}", "${REGION}"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if _, err := Render("task-definitions/billing.json", nil); err == nil || !strings.Contains(err.Error(), "no such template") {
		t.Errorf("unknown template: %v", err)
	}
}

func TestRenderEscapesValues(t *testing.T) {
	out, err := TargetGroup(`tg"with\quotes`, "vpc-1")
	if err != nil {
		t.Fatal(err)
	}
	var tg struct{ Name, VpcId, TargetType, HealthCheckPath string }
	if err := json.Unmarshal(out, &tg); err != nil {
		t.Fatalf("escaped output is not JSON: %v\n%s", err, out)
	}
	if tg.Name != `tg"with\quotes` || tg.VpcId != "vpc-1" || tg.TargetType != "ip" || tg.HealthCheckPath != "/" {
		t.Errorf("target group: %+v", tg)
	}
}

func TestTargetGroupMatchesDesign(t *testing.T) {
	out, err := TargetGroup("api", "vpc-1")
	if err != nil {
		t.Fatal(err)
	}
	var tg map[string]any
	if err := json.Unmarshal(out, &tg); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"Protocol": "HTTP", "Port": 3000.0, "TargetType": "ip", "HealthCheckPath": "/",
		"HealthCheckIntervalSeconds": 6.0, "HealthCheckTimeoutSeconds": 5.0,
		"HealthyThresholdCount": 2.0, "UnhealthyThresholdCount": 2.0}
	for k, v := range want {
		if tg[k] != v {
			t.Errorf("%s = %v, want %v", k, tg[k], v)
		}
	}
}

func TestRules(t *testing.T) {
	specs, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	want := []RuleSpec{
		{Service: "users", Priority: 1, PathPattern: "/api/users*"},
		{Service: "threads", Priority: 2, PathPattern: "/api/threads*"},
		{Service: "posts", Priority: 3, PathPattern: "/api/posts*"},
	}
	if !reflect.DeepEqual(specs, want) {
		t.Fatalf("rules = %+v, want %+v", specs, want)
	}
	out, err := Rule("users", "arn:listener", "arn:tg")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"ListenerArn": "arn:listener"`) || !strings.Contains(string(out), `"TargetGroupArn": "arn:tg"`) {
		t.Errorf("rule not filled in: %s", out)
	}
}

func TestPlaceholders(t *testing.T) {
	got, err := Placeholders(TaskDefinitionPath("users"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"EXECUTION_ROLE_ARN", "IMAGE", "LOG_GROUP", "REGION"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("placeholders %v, want %v", got, want)
	}
}

// stackTemplate parses the CloudFormation template into a node tree, keeping
// short-form tags such as !Ref.
func stackTemplate(t *testing.T) map[string]*yaml.Node {
	t.Helper()
	raw, err := StackTemplate()
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return mapping(doc.Content[0])
}

func mapping(n *yaml.Node) map[string]*yaml.Node {
	m := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		m[n.Content[i].Value] = n.Content[i+1]
	}
	return m
}

// untaggable are the resource types of our template that CloudFormation
// cannot tag.
var untaggable = map[string]bool{
	"AWS::EC2::VPCGatewayAttachment":        true,
	"AWS::EC2::Route":                       true,
	"AWS::EC2::SubnetRouteTableAssociation": true,
}

func TestStackTemplateShape(t *testing.T) {
	top := stackTemplate(t)
	resources := mapping(top["Resources"])
	types := map[string]int{}
	for name, r := range resources {
		res := mapping(r)
		typ := res["Type"].Value
		types[typ]++
		if untaggable[typ] {
			continue
		}
		props := mapping(res["Properties"])
		tagged := false
		if tags, ok := props["Tags"]; ok {
			for _, tag := range tags.Content {
				kv := mapping(tag)
				if kv["Key"].Value == "workshop:managed" && kv["Value"].Value == "true" {
					tagged = true
				}
			}
		}
		if !tagged {
			t.Errorf("resource %s (%s) lacks the tag workshop:managed=true", name, typ)
		}
	}
	for typ, n := range map[string]int{
		"AWS::EC2::VPC": 1, "AWS::EC2::Subnet": 2, "AWS::EC2::InternetGateway": 1, "AWS::EC2::Route": 1,
		"AWS::ECS::Cluster": 1, "AWS::EC2::SecurityGroup": 2, "AWS::ElasticLoadBalancingV2::LoadBalancer": 1,
		"AWS::IAM::Role": 1, "AWS::Logs::LogGroup": 1,
	} {
		if types[typ] != n {
			t.Errorf("%d resources of type %s, want %d", types[typ], typ, n)
		}
	}
	for _, forbidden := range []string{"AWS::AutoScaling::LaunchConfiguration", "AWS::EC2::NatGateway", "AWS::EC2::Instance"} {
		if types[forbidden] > 0 {
			t.Errorf("template creates %s", forbidden)
		}
	}
	outputs := mapping(top["Outputs"])
	for _, name := range []string{"ClusterName", "Url", "ALBArn", "VPCId", "PublicSubnets",
		"ServiceSecurityGroup", "TaskExecutionRoleArn", "LogGroup"} {
		if _, ok := outputs[name]; !ok {
			t.Errorf("output %s is missing", name)
		}
	}
	// The subnets sit in two different Availability Zones.
	azs := map[string]bool{}
	for _, name := range []string{"PublicSubnetOne", "PublicSubnetTwo"} {
		az := mapping(mapping(resources[name])["Properties"])["AvailabilityZone"]
		if az.Tag != "!Select" {
			t.Fatalf("%s AvailabilityZone is not a !Select of !GetAZs", name)
		}
		azs[az.Content[0].Value] = true
	}
	if len(azs) != 2 {
		t.Errorf("both subnets pick the same Availability Zone index")
	}
	// The tasks accept port 3000 from the load balancer's group only.
	ingress := mapping(mapping(resources["ServiceSecurityGroup"])["Properties"])["SecurityGroupIngress"]
	rule := mapping(ingress.Content[0])
	if len(ingress.Content) != 1 || rule["FromPort"].Value != "3000" || rule["ToPort"].Value != "3000" ||
		rule["SourceSecurityGroupId"].Value != "LoadBalancerSecurityGroup" {
		t.Errorf("task security group must admit 3000 from LoadBalancerSecurityGroup only")
	}
}

func TestStackTemplatePassesCfnLint(t *testing.T) {
	lint := testpeers.Command(t, "cfn-lint")
	raw, err := StackTemplate()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ecs.yml")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(lint, path).CombinedOutput()
	if err != nil {
		t.Fatalf("cfn-lint reports problems: %v\n%s", err, out)
	}
}

// The template deploys on moto, a third-party AWS emulator, with every
// output the later modules read. (moto fills outputs for create-stack but not
// for a change set, so this uses create-stack.)
func TestStackTemplateDeploysOnMoto(t *testing.T) {
	aws := testpeers.Command(t, "aws")
	endpoint := testpeers.Moto(t)
	env := testpeers.AWSEnv(t, endpoint)
	path := filepath.Join(t.TempDir(), "ecs.yml")
	raw, err := StackTemplate()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(aws, append([]string{"--endpoint-url", endpoint, "--output", "json"}, args...)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	stack := fmt.Sprintf("templates-test-%d", time.Now().UnixNano())
	run("cloudformation", "create-stack", "--stack-name", stack, "--template-body", "file://"+path,
		"--capabilities", "CAPABILITY_IAM", "--tags", "Key=workshop:managed,Value=true")
	run("cloudformation", "wait", "stack-create-complete", "--stack-name", stack)
	var out struct {
		Stacks []struct {
			StackStatus string
			Outputs     []struct{ OutputKey, OutputValue string }
		}
	}
	if err := json.Unmarshal([]byte(run("cloudformation", "describe-stacks", "--stack-name", stack)), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Stacks) != 1 || out.Stacks[0].StackStatus != "CREATE_COMPLETE" {
		t.Fatalf("stack: %+v", out.Stacks)
	}
	got := map[string]string{}
	for _, o := range out.Stacks[0].Outputs {
		got[o.OutputKey] = o.OutputValue
	}
	for _, name := range []string{"ClusterName", "Url", "ALBArn", "VPCId", "PublicSubnets",
		"ServiceSecurityGroup", "TaskExecutionRoleArn", "LogGroup"} {
		if got[name] == "" {
			t.Errorf("output %s is empty (outputs: %v)", name, got)
		}
	}
	if !strings.HasPrefix(got["Url"], "http://") || len(strings.Split(got["PublicSubnets"], ",")) != 2 {
		t.Errorf("Url or PublicSubnets malformed: %v", got)
	}
	// No delete-stack: moto refuses to delete the VPC of a stack it created
	// (DependencyViolation). The server is private to this test or to one CI run.
}

// The marker that recognises the workshop's stacks is in its template.
func TestStackTemplateCarriesTheMarker(t *testing.T) {
	body, err := StackTemplate()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(strings.Fields(string(body)), " "), StackMarker) {
		t.Errorf("the stack template does not hold %q", StackMarker)
	}
}
