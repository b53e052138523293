package cloudformation

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

func TestJoinedCluster(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, tt := range []struct {
		name, userData, want string
	}{
		{"the classic echo, base64", b64("#!/bin/bash -xe\necho ECS_CLUSTER=demo-ECSCluster-1A2B >> /etc/ecs/ecs.config\nyum install -y aws-cfn-bootstrap\n"), "demo-ECSCluster-1A2B"},
		{"plain text", "#!/bin/bash\necho ECS_CLUSTER=web >> /etc/ecs/ecs.config", "web"},
		{"quoted, in a heredoc", b64("cat <<'EOF' >> /etc/ecs/ecs.config\nECS_CLUSTER=\"web\"\nECS_ENABLE_TASK_IAM_ROLE=true\nEOF\n"), "web"},
		{"no ECS agent configuration", b64("#!/bin/bash\nyum update -y\n"), ""},
		{"nothing", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := JoinedCluster(tt.userData); got != tt.want {
				t.Errorf("JoinedCluster = %q, want %q", got, tt.want)
			}
		})
	}
}

// An Auto Scaling group launched from a launch template registers its
// instances in the cluster its user data names, spread over its subnets;
// a group whose user data names no cluster registers none; deleting the
// group deregisters them.
func TestAutoScalingGroupRegistersContainerInstances(t *testing.T) {
	w := newWorld()
	ps := providers()
	p := &provCall{res: w.res, region: "us-east-1", now: time.Now(), stack: "s"}
	mk := func(typ, logical string, props map[string]any) (created, error) {
		p.logical = logical
		return ps[typ].create(p, props)
	}
	must := func(c created, err error) created {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	vpc := must(mk("AWS::EC2::VPC", "VPC", map[string]any{"CidrBlock": "10.0.0.0/16"}))
	one := must(mk("AWS::EC2::Subnet", "One", map[string]any{"VpcId": vpc.id, "CidrBlock": "10.0.0.0/24", "AvailabilityZone": "us-east-1a"}))
	two := must(mk("AWS::EC2::Subnet", "Two", map[string]any{"VpcId": vpc.id, "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1b"}))
	cl := must(mk("AWS::ECS::Cluster", "Cluster", nil))
	userData := base64.StdEncoding.EncodeToString([]byte("#!/bin/bash\necho ECS_CLUSTER=" + cl.id + " >> /etc/ecs/ecs.config\n"))
	lt := must(mk("AWS::EC2::LaunchTemplate", "LT", map[string]any{"LaunchTemplateData": map[string]any{
		"ImageId": "ami-0123456789abcdef0", "InstanceType": "m5.large", "UserData": userData}}))
	if _, err := mk("AWS::EC2::LaunchTemplate", "Bad", map[string]any{"LaunchTemplateData": map[string]any{"ImageId": "ubuntu"}}); err == nil {
		t.Error("a launch template with ImageId ubuntu was created")
	}
	_, err := mk("AWS::AutoScaling::AutoScalingGroup", "TooMany", map[string]any{"MinSize": "1", "MaxSize": "2", "DesiredCapacity": "3",
		"LaunchTemplate": map[string]any{"LaunchTemplateId": lt.id, "Version": "1"}})
	if err == nil || !strings.Contains(err.Error(), "Desired capacity:3 must be between the specified min size:1 and max size:2") {
		t.Errorf("desired capacity above the maximum: %v", err)
	}
	asg := must(mk("AWS::AutoScaling::AutoScalingGroup", "ASG", map[string]any{"MinSize": "1", "MaxSize": "4", "DesiredCapacity": "3",
		"VPCZoneIdentifier": []any{one.id, two.id}, "LaunchTemplate": map[string]any{"LaunchTemplateId": lt.id, "Version": "1"}}))
	instances := w.ecs.InstancesOf("us-east-1", cl.id)
	if len(instances) != 3 {
		t.Fatalf("%d container instances, want 3", len(instances))
	}
	zones := map[string]int{}
	for _, ci := range instances {
		zones[ci.AZ]++
		if ci.Status != "ACTIVE" || ci.CPU != 2048 || ci.InstanceType != "m5.large" || ci.ImageID != "ami-0123456789abcdef0" ||
			!strings.HasPrefix(ci.EC2InstanceID, "i-") || ci.VpcID != vpc.id {
			t.Errorf("container instance %+v", ci)
		}
	}
	if zones["us-east-1a"] != 2 || zones["us-east-1b"] != 1 {
		t.Errorf("instances by zone %v, want them spread over the subnets", zones)
	}
	lc := must(mk("AWS::AutoScaling::LaunchConfiguration", "LC", map[string]any{"ImageId": "ami-0123456789abcdef0", "InstanceType": "t2.micro",
		"UserData": base64.StdEncoding.EncodeToString([]byte("#!/bin/bash\nyum update -y\n"))}))
	must(mk("AWS::AutoScaling::AutoScalingGroup", "Plain", map[string]any{"MinSize": "2", "MaxSize": "2", "LaunchConfigurationName": lc.id}))
	if n := len(w.ecs.InstancesOf("us-east-1", cl.id)); n != 3 || len(w.as.Groups["us-east-1/"+asg.id].Instances) != 3 {
		t.Errorf("%d container instances after a group that joins no cluster", n)
	}
	if err := ps["AWS::ECS::Cluster"].delete(p, cl.id, nil); err == nil || !strings.Contains(err.Error(), "Container Instances are active") {
		t.Errorf("deleting a cluster with container instances: %v", err)
	}
	if err := ps["AWS::AutoScaling::AutoScalingGroup"].delete(p, asg.id, nil); err != nil {
		t.Fatal(err)
	}
	for _, ci := range w.ecs.InstancesOf("us-east-1", cl.id) {
		if ci.Status != "INACTIVE" {
			t.Errorf("container instance %s is %s after its group's deletion", ci.ID, ci.Status)
		}
	}
	if err := ps["AWS::ECS::Cluster"].delete(p, cl.id, nil); err != nil {
		t.Errorf("deleting the cluster once its instances are gone: %v", err)
	}
}
