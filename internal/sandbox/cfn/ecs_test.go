package cfn

import (
	"os"
	"reflect"
	"slices"
	"testing"
)

// parseWorkshopTemplate parses the workshop's own module-2 template.
func parseWorkshopTemplate(t *testing.T) *Template {
	t.Helper()
	body, err := os.ReadFile("../../../templates/cloudformation/ecs.yml")
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := Parse(body)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return tmpl
}

func TestWorkshopTemplateOrder(t *testing.T) {
	tmpl := parseWorkshopTemplate(t)
	order, err := tmpl.Order()
	if err != nil {
		t.Fatal(err)
	}
	if len(order) != len(tmpl.Resources) {
		t.Fatalf("order %v misses resources", order)
	}
	pos := map[string]int{}
	for i, id := range order {
		pos[id] = i
	}
	before := [][2]string{
		{"VPC", "PublicSubnetOne"},
		{"PublicSubnetOne", "PublicSubnetOneRouteTableAssociation"},
		{"PublicRouteTable", "PublicSubnetOneRouteTableAssociation"},
		{"PublicSubnetTwo", "PublicSubnetTwoRouteTableAssociation"},
		{"GatewayAttachment", "PublicRoute"},
		{"InternetGateway", "GatewayAttachment"},
		{"PublicRouteTable", "PublicRoute"},
		{"PublicSubnetOne", "ECSALB"},
		{"PublicSubnetTwo", "ECSALB"},
		{"LoadBalancerSecurityGroup", "ECSALB"},
		{"LoadBalancerSecurityGroup", "ServiceSecurityGroup"},
		{"VPC", "LoadBalancerSecurityGroup"},
	}
	for _, p := range before {
		if pos[p[0]] >= pos[p[1]] {
			t.Errorf("%s must come before %s in %v", p[0], p[1], order)
		}
	}
	// Stable and alphabetical among ties: the first resources are those
	// without dependencies, alphabetically.
	want := []string{"ECSCluster", "InternetGateway", "LogGroup", "TaskExecutionRole", "VPC"}
	if !reflect.DeepEqual(order[:5], want) {
		t.Errorf("first resources = %v, want %v", order[:5], want)
	}
	again, _ := tmpl.Order()
	if !reflect.DeepEqual(order, again) {
		t.Errorf("order not stable: %v vs %v", order, again)
	}
	del, err := tmpl.DeletionOrder()
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(del)
	if !reflect.DeepEqual(del, order) {
		t.Errorf("DeletionOrder is not Order reversed")
	}
	deps := tmpl.Dependencies()
	if got := deps["ECSALB"]; !reflect.DeepEqual(got, []string{"LoadBalancerSecurityGroup", "PublicSubnetOne", "PublicSubnetTwo"}) {
		t.Errorf("ECSALB deps = %v", got)
	}
	if got := deps["PublicRoute"]; !reflect.DeepEqual(got, []string{"GatewayAttachment", "InternetGateway", "PublicRouteTable"}) {
		t.Errorf("PublicRoute deps = %v", got)
	}
	if got := deps["TaskExecutionRole"]; len(got) != 0 {
		t.Errorf("TaskExecutionRole deps = %v (pseudo parameters are not dependencies)", got)
	}
}

// workshopContext resolves resources the way a fake sandbox would.
func workshopContext() *Context {
	return &Context{
		Region: "us-east-1", AccountID: "000000000000", StackName: "BreakTheMonolith-Demo",
		Ref: func(id string) (string, error) { return "phys-" + id, nil },
		GetAtt: func(id, attr string) (any, error) {
			switch id + "." + attr {
			case "ECSALB.DNSName":
				return "demo-alb-1.us-east-1.elb.localhost", nil
			case "TaskExecutionRole.Arn":
				return "arn:aws:iam::000000000000:role/exec", nil
			}
			return nil, errorf("Template error: resource %s does not support attribute type %s in Fn::GetAtt", id, attr)
		},
	}
}

func TestWorkshopTemplateOutputs(t *testing.T) {
	tmpl := parseWorkshopTemplate(t)
	c := workshopContext()
	outs, err := tmpl.Outputs(c)
	if err != nil {
		t.Fatal(err)
	}
	stack := "BreakTheMonolith-Demo"
	want := map[string]Output{
		"ClusterName":               {Value: "phys-ECSCluster", ExportName: stack + ":ClusterName"},
		"Url":                       {Value: "http://demo-alb-1.us-east-1.elb.localhost"},
		"ALBArn":                    {Value: "phys-ECSALB", ExportName: stack + ":ALBArn"},
		"VPCId":                     {Value: "phys-VPC", ExportName: stack + ":VPCId"},
		"PublicSubnets":             {Value: "phys-PublicSubnetOne,phys-PublicSubnetTwo", ExportName: stack + ":PublicSubnets"},
		"ServiceSecurityGroup":      {Value: "phys-ServiceSecurityGroup", ExportName: stack + ":ServiceSecurityGroup"},
		"LoadBalancerSecurityGroup": {Value: "phys-LoadBalancerSecurityGroup", ExportName: stack + ":LoadBalancerSecurityGroup"},
		"TaskExecutionRoleArn":      {Value: "arn:aws:iam::000000000000:role/exec", ExportName: stack + ":TaskExecutionRoleArn"},
		"LogGroup":                  {Value: "phys-LogGroup", ExportName: stack + ":LogGroup"},
	}
	for name, o := range outs {
		o.Description = ""
		outs[name] = o
	}
	if !reflect.DeepEqual(outs, want) {
		t.Fatalf("outputs:\n got %#v\nwant %#v", outs, want)
	}
}

func TestWorkshopTemplateProperties(t *testing.T) {
	tmpl := parseWorkshopTemplate(t)
	c := workshopContext()
	c.Mappings = tmpl.Mappings
	props, err := Evaluate(tmpl.Resources["PublicSubnetTwo"].Properties, c)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"VpcId": "phys-VPC", "AvailabilityZone": "us-east-1b", "CidrBlock": "10.0.1.0/24", "MapPublicIpOnLaunch": true,
		"Tags": []any{
			map[string]any{"Key": "Name", "Value": "BreakTheMonolith-Demo-public-two"},
			map[string]any{"Key": "workshop:managed", "Value": "true"},
		},
	}
	if !reflect.DeepEqual(props, want) {
		t.Errorf("PublicSubnetTwo = %#v", props)
	}
	role, err := Evaluate(tmpl.Resources["TaskExecutionRole"].Properties, c)
	if err != nil {
		t.Fatal(err)
	}
	arns := role.(map[string]any)["ManagedPolicyArns"]
	if !reflect.DeepEqual(arns, []any{"arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"}) {
		t.Errorf("ManagedPolicyArns = %v", arns)
	}
	sg, err := Evaluate(tmpl.Resources["LoadBalancerSecurityGroup"].Properties, c)
	if err != nil {
		t.Fatal(err)
	}
	ingress := sg.(map[string]any)["SecurityGroupIngress"].([]any)[0].(map[string]any)
	if ingress["FromPort"] != 80 || ingress["CidrIp"] != "0.0.0.0/0" {
		t.Errorf("ingress = %v", ingress)
	}
	if tmpl.Resources["LogGroup"].DeletionPolicy != "Delete" {
		t.Errorf("LogGroup DeletionPolicy = %q", tmpl.Resources["LogGroup"].DeletionPolicy)
	}
	for _, id := range tmpl.ResourceIDs() {
		if _, err := Evaluate(tmpl.Resources[id].Properties, c); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
}
