package cloudformation

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/alb"
	"github.com/breakthemonolith/workshop/internal/sandbox/autoscaling"
	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/ec2"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecr"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecs"
	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
	"github.com/breakthemonolith/workshop/internal/sandbox/iam"
	"github.com/breakthemonolith/workshop/internal/sandbox/logs"
	"github.com/breakthemonolith/workshop/internal/sandbox/ssm"
)

// TestProvidersBuildTheWorkshopNetwork creates the workshop template's
// network through the providers and reads it back with the EC2, ECS, IAM
// and ELBv2 read APIs.
func TestProvidersBuildTheWorkshopNetwork(t *testing.T) {
	w := newWorld()
	ps := providers()
	p := &provCall{res: w.res, region: "us-east-1", now: time.Now(), stack: "BreakTheMonolith-Demo"}
	mk := func(typ, logical string, props map[string]any) created {
		t.Helper()
		p.logical = logical
		c, err := ps[typ].create(p, props)
		if err != nil {
			t.Fatalf("create %s: %v", logical, err)
		}
		return c
	}
	vpc := mk("AWS::EC2::VPC", "VPC", map[string]any{"CidrBlock": "10.0.0.0/16"})
	one := mk("AWS::EC2::Subnet", "One", map[string]any{"VpcId": vpc.id, "CidrBlock": "10.0.0.0/24", "AvailabilityZone": "us-east-1a"})
	two := mk("AWS::EC2::Subnet", "Two", map[string]any{"VpcId": vpc.id, "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1b"})
	p.logical = "Bad"
	_, err := ps["AWS::EC2::Subnet"].create(p, map[string]any{"VpcId": vpc.id, "CidrBlock": "10.9.0.0/24"})
	if err == nil || !strings.Contains(err.Error(), "The CIDR '10.9.0.0/24' is invalid.") {
		t.Errorf("subnet outside the VPC: %v", err)
	}
	igw := mk("AWS::EC2::InternetGateway", "IGW", nil)
	mk("AWS::EC2::VPCGatewayAttachment", "Att", map[string]any{"VpcId": vpc.id, "InternetGatewayId": igw.id})
	rt := mk("AWS::EC2::RouteTable", "RT", map[string]any{"VpcId": vpc.id})
	mk("AWS::EC2::Route", "Route", map[string]any{"RouteTableId": rt.id, "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw.id})
	mk("AWS::EC2::SubnetRouteTableAssociation", "Assoc", map[string]any{"RouteTableId": rt.id, "SubnetId": one.id})
	albSG := mk("AWS::EC2::SecurityGroup", "ALBSG", map[string]any{"GroupDescription": "alb", "VpcId": vpc.id,
		"SecurityGroupIngress": []any{map[string]any{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIp": "0.0.0.0/0"}}})
	mk("AWS::EC2::SecurityGroup", "TaskSG", map[string]any{"GroupDescription": "tasks", "VpcId": vpc.id,
		"SecurityGroupIngress": []any{map[string]any{"IpProtocol": "tcp", "FromPort": "3000", "ToPort": "3000",
			"SourceSecurityGroupId": albSG.id}}})
	cl := mk("AWS::ECS::Cluster", "ECSCluster", map[string]any{"CapacityProviders": []any{"FARGATE"}})
	lb := mk("AWS::ElasticLoadBalancingV2::LoadBalancer", "ECSALB", map[string]any{"Subnets": []any{one.id, two.id},
		"SecurityGroups": []any{albSG.id}})
	role := mk("AWS::IAM::Role", "TaskExecutionRole", map[string]any{"AssumeRolePolicyDocument": map[string]any{"Version": "2012-10-17"}})
	lg := mk("AWS::Logs::LogGroup", "LogGroup", map[string]any{"LogGroupName": "/ecs/demo", "RetentionInDays": 14})
	repo := mk("AWS::ECR::Repository", "Repo", map[string]any{"RepositoryName": "api"})

	for _, c := range []struct{ got, prefix string }{
		{vpc.id, "vpc-"}, {one.id, "subnet-"}, {igw.id, "igw-"}, {rt.id, "rtb-"}, {albSG.id, "sg-"},
		{vpc.attrs["DefaultSecurityGroup"], "sg-"}, {cl.attrs["Arn"], "arn:aws:ecs:us-east-1:123456789012:cluster/BreakTheMonolith-Demo-ECSCluster-"},
		{lb.id, "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/"},
		{role.attrs["Arn"], "arn:aws:iam::123456789012:role/BreakTheMonolith-Demo-TaskExecutionRole-"},
		{lg.attrs["Arn"], "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/demo"},
		{repo.attrs["Arn"], "arn:aws:ecr:us-east-1:123456789012:repository/api"},
	} {
		if !strings.HasPrefix(c.got, c.prefix) {
			t.Errorf("%q does not start with %q", c.got, c.prefix)
		}
	}
	if dns := lb.attrs["DNSName"]; !strings.HasPrefix(dns, "127.0.0.1:") || len(lb.attrs["LoadBalancerFullName"]) == 0 {
		t.Errorf("load balancer attributes %v", lb.attrs)
	}

	call := func(form url.Values) string {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		w.routes.ServeQuery(rec, req, "test", func(r *http.Request, id string, op func(*awsproto.Call) (any, error)) (any, error) {
			return op(awsproto.NewCall(r, id))
		})
		if rec.Code != 200 {
			t.Fatalf("%v: %d %s", form, rec.Code, rec.Body.String())
		}
		return rec.Body.String()
	}
	body := call(url.Values{"Action": {"DescribeSubnets"}, "Version": {ec2.Version}, "Filter.1.Name": {"vpc-id"}, "Filter.1.Value.1": {vpc.id}})
	if strings.Count(body, "<subnetId>") != 2 || !strings.Contains(body, "<availabilityZone>us-east-1b</availabilityZone>") {
		t.Errorf("DescribeSubnets: %s", body)
	}
	body = call(url.Values{"Action": {"DescribeSecurityGroups"}, "Version": {ec2.Version}, "Filter.1.Name": {"vpc-id"}, "Filter.1.Value.1": {vpc.id}})
	if strings.Count(body, "<groupId>") != 4 || !strings.Contains(body, "<fromPort>3000</fromPort>") { // 3 groups + the ALB group as a source
		t.Errorf("DescribeSecurityGroups: %s", body)
	}
	body = call(url.Values{"Action": {"DescribeLoadBalancers"}, "Version": {elbv2.Version}, "LoadBalancerArns.member.1": {lb.id}})
	if !strings.Contains(body, "<Code>active</Code>") || !strings.Contains(body, "<VpcId>"+vpc.id+"</VpcId>") {
		t.Errorf("DescribeLoadBalancers: %s", body)
	}

	for _, typ := range []string{"AWS::ECR::Repository", "AWS::Logs::LogGroup"} {
		if err := ps[typ].delete(p, map[string]string{"AWS::ECR::Repository": "api", "AWS::Logs::LogGroup": "/ecs/demo"}[typ], nil); err != nil {
			t.Errorf("delete %s: %v", typ, err)
		}
	}
	if w.ecr["us-east-1"]["api"] != nil || len(w.logs.Groups) != 0 {
		t.Error("delete left the resources")
	}
}

// world is the services' states the providers make resources in, with
// EC2's and ELBv2's read APIs over them.
type world struct {
	ec2    ec2.State
	ecs    ecs.State
	elb    elbv2.State
	iam    iam.State
	logs   logs.State
	ecr    ecr.State
	as     autoscaling.State
	ssm    ssm.State
	res    *Resources
	routes *awsproto.Router
}

// newWorld is an empty account as a fresh sandbox on 127.0.0.1:4566 has it.
func newWorld() *world {
	w := &world{ecr: ecr.State{}, iam: iam.State{Roles: map[string]*iam.Role{}}, logs: logs.State{Groups: map[string]*logs.Group{}},
		routes: awsproto.NewRouter()}
	w.ec2.Fill()
	w.ecs.Fill()
	w.elb.Fill()
	w.as.Fill()
	w.ssm.Fill()
	ports := alb.New(alb.Options{Addr: "127.0.0.1:4566"})
	ec2.New(func() *ec2.State { return &w.ec2 }).Register(w.routes)
	elb := elbv2.New(func() *elbv2.State { return &w.elb }, func() *ec2.State { return &w.ec2 }, ports)
	elb.Register(w.routes)
	w.res = &Resources{EC2: func() *ec2.State { return &w.ec2 }, ECS: func() *ecs.State { return &w.ecs },
		ELB: func() *elbv2.State { return &w.elb }, IAM: func() *iam.State { return &w.iam }, Logs: func() *logs.State { return &w.logs },
		ECR: func() ecr.State { return w.ecr }, AutoScaling: func() *autoscaling.State { return &w.as },
		SSM: func() *ssm.State { return &w.ssm }, ELBAPI: elb, Ports: ports, RegistryAddr: func() string { return "127.0.0.1:4566" }}
	return w
}
