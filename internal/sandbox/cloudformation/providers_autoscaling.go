package cloudformation

import (
	"encoding/base64"
	"regexp"
	"slices"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/autoscaling"
	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/ec2"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecs"
)

// EC2 capacity for ECS: launch configurations and launch templates say
// what an Auto Scaling group's instances run; a group registers each of its
// instances whose user data joins an ECS cluster as a container instance
// there (the instance's ECS agent, emulated: the local engine runs its
// tasks).

// imageIDPattern is the shape of an AMI id.
var imageIDPattern = regexp.MustCompile(`^ami-[0-9a-f]{8}([0-9a-f]{9})?$`)

func createLaunchConfig(p *provCall, props map[string]any) (created, error) {
	image, err := p.required(props, "ImageId")
	if err != nil {
		return created{}, err
	}
	typ, err := p.required(props, "InstanceType")
	if err != nil {
		return created{}, err
	}
	if !imageIDPattern.MatchString(image) {
		return created{}, p.handlerErr("AutoScaling", "InvalidRequest", "The image id '[%s]' does not exist", image)
	}
	name := str(props, "LaunchConfigurationName")
	if name == "" {
		name = p.name(255)
	}
	as := p.res.AutoScaling()
	if as.LaunchConfigs[p.region+"/"+name] != nil {
		return created{}, p.handlerErr("AutoScaling", "AlreadyExists", "Launch Configuration by this name already exists - A launch configuration already exists with the name %s", name)
	}
	lc := &autoscaling.LaunchConfig{Name: name, Region: p.region, ImageID: image, InstanceType: typ, UserData: str(props, "UserData"),
		IamInstanceProfile: str(props, "IamInstanceProfile"), SecurityGroups: strList(props, "SecurityGroups"),
		KeyName: str(props, "KeyName"), CreatedAt: p.now}
	as.LaunchConfigs[p.region+"/"+name] = lc
	return created{id: name}, nil
}

func deleteLaunchConfig(p *provCall, name string, _ map[string]string) error {
	delete(p.res.AutoScaling().LaunchConfigs, p.region+"/"+name)
	return nil
}

func createLaunchTemplate(p *provCall, props map[string]any) (created, error) {
	data, _ := props["LaunchTemplateData"].(map[string]any)
	if data == nil {
		return created{}, p.propErr("required key [LaunchTemplateData] not found")
	}
	if image := str(data, "ImageId"); image != "" && !imageIDPattern.MatchString(image) {
		return created{}, p.handlerErr("Ec2", "InvalidRequest", "Invalid id: \"%s\" (expecting \"ami-...\")", image)
	}
	name := str(props, "LaunchTemplateName")
	if name == "" {
		name = p.name(128)
	}
	for _, lt := range p.res.EC2().LaunchTemplates {
		if lt.Region == p.region && lt.Name == name {
			return created{}, p.handlerErr("Ec2", "AlreadyExists", "Launch template name already in use.")
		}
	}
	lt := &ec2.LaunchTemplate{ID: "lt-" + awsproto.HexID(17), Name: name, Region: p.region, Data: data, CreatedAt: p.now}
	p.res.EC2().LaunchTemplates[lt.ID] = lt
	return created{id: lt.ID, attrs: map[string]string{"LaunchTemplateId": lt.ID, "DefaultVersionNumber": "1", "LatestVersionNumber": "1"}}, nil
}

func deleteLaunchTemplate(p *provCall, id string, _ map[string]string) error {
	delete(p.res.EC2().LaunchTemplates, id)
	return nil
}

// launchSpec is what a group's instances run, from its launch
// configuration or launch template.
type launchSpec struct {
	image, instanceType, userData string
	template                      *autoscaling.TemplateRef
}

// groupLaunch reads the group's launch configuration or launch template.
func (p *provCall) groupLaunch(props map[string]any) (launchSpec, string, error) {
	if name := str(props, "LaunchConfigurationName"); name != "" {
		lc := p.res.AutoScaling().LaunchConfigs[p.region+"/"+name]
		if lc == nil {
			return launchSpec{}, "", p.handlerErr("AutoScaling", "NotFound", "Launch configuration name not found - Launch configuration %s not found", name)
		}
		return launchSpec{image: lc.ImageID, instanceType: lc.InstanceType, userData: lc.UserData}, name, nil
	}
	ref, _ := props["LaunchTemplate"].(map[string]any)
	if ref == nil {
		return launchSpec{}, "", p.handlerErr("AutoScaling", "InvalidRequest",
			"Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.")
	}
	var lt *ec2.LaunchTemplate
	for _, x := range p.res.EC2().LaunchTemplates {
		if x.Region == p.region && (x.ID == str(ref, "LaunchTemplateId") || x.Name == str(ref, "LaunchTemplateName")) {
			lt = x
		}
	}
	if lt == nil {
		return launchSpec{}, "", p.handlerErr("AutoScaling", "InvalidRequest", "The specified launch template, with template ID %s, does not exist.",
			str(ref, "LaunchTemplateId")+str(ref, "LaunchTemplateName"))
	}
	return launchSpec{image: str(lt.Data, "ImageId"), instanceType: str(lt.Data, "InstanceType"), userData: str(lt.Data, "UserData"),
		template: &autoscaling.TemplateRef{ID: lt.ID, Name: lt.Name, Version: str(ref, "Version")}}, "", nil
}

// ecsClusterPattern finds the cluster an ECS agent's configuration names
// in user data: echo ECS_CLUSTER=NAME >> /etc/ecs/ecs.config, or the same
// line written by a heredoc or cloud-init.
var ecsClusterPattern = regexp.MustCompile(`(?m)ECS_CLUSTER=["']?([A-Za-z0-9_-]+)`)

// JoinedCluster is the ECS cluster user data (base64, as EC2 takes it, or
// plain text) has its instance's ECS agent join, or "".
func JoinedCluster(userData string) string {
	text := userData
	if raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(userData)); err == nil {
		text = string(raw)
	}
	if m := ecsClusterPattern.FindStringSubmatch(text); m != nil {
		return m[1]
	}
	return ""
}

func createAutoScalingGroup(p *provCall, props map[string]any) (created, error) {
	minSize, err := p.intProp(props, "MinSize", -1)
	if err != nil {
		return created{}, err
	}
	maxSize, err := p.intProp(props, "MaxSize", -1)
	if err != nil {
		return created{}, err
	}
	if minSize < 0 || maxSize < 0 {
		return created{}, p.propErr("required key [MinSize, MaxSize] not found")
	}
	desired, err := p.intProp(props, "DesiredCapacity", minSize)
	if err != nil {
		return created{}, err
	}
	if desired < minSize || desired > maxSize {
		return created{}, p.handlerErr("AutoScaling", "InvalidRequest", "Desired capacity:%d must be between the specified min size:%d and max size:%d", desired, minSize, maxSize)
	}
	spec, lcName, err := p.groupLaunch(props)
	if err != nil {
		return created{}, err
	}
	name := str(props, "AutoScalingGroupName")
	if name == "" {
		name = p.name(255)
	}
	as := p.res.AutoScaling()
	if as.Groups[p.region+"/"+name] != nil {
		return created{}, p.handlerErr("AutoScaling", "AlreadyExists", "AutoScalingGroup by this name already exists - A group with the name %s already exists", name)
	}
	subnets := strList(props, "VPCZoneIdentifier")
	var subs []*ec2.Subnet
	for _, id := range subnets {
		sn := p.res.EC2().Subnets[id]
		if sn == nil || sn.Region != p.region {
			return created{}, p.handlerErr("AutoScaling", "InvalidRequest", "The subnet ID '%s' does not exist", id)
		}
		subs = append(subs, sn)
	}
	azs := strList(props, "AvailabilityZones")
	if len(subs) == 0 && len(azs) == 0 {
		azs = []string{p.region + "a"}
	}
	for _, sn := range subs {
		if !slices.Contains(azs, sn.AvailabilityZone) {
			azs = append(azs, sn.AvailabilityZone)
		}
	}
	g := &autoscaling.Group{Name: name, Region: p.region, LaunchConfig: lcName, LaunchTemplate: spec.template,
		Min: minSize, Max: maxSize, Desired: desired, Subnets: subnets, AZs: azs, TargetGroups: strList(props, "TargetGroupARNs"),
		Tags: tagsProp(props), CreatedAt: p.now}
	var cluster *ecs.Cluster
	if c := JoinedCluster(spec.userData); c != "" {
		if cl := p.res.ECS().Clusters[p.region+"/"+c]; cl != nil && cl.Status == "ACTIVE" {
			cluster = cl
		}
	}
	for i := range desired {
		inst := autoscaling.Instance{ID: "i-" + awsproto.HexID(17), InstanceType: spec.instanceType, AZ: azs[i%len(azs)]}
		ci := &ecs.ContainerInstance{EC2InstanceID: inst.ID, InstanceType: inst.InstanceType, ImageID: spec.image, AZ: inst.AZ, Group: name}
		if len(subs) > 0 {
			sn := subs[i%len(subs)]
			inst.SubnetID, inst.AZ = sn.ID, sn.AvailabilityZone
			ci.SubnetID, ci.VpcID, ci.AZ = sn.ID, sn.VpcID, sn.AvailabilityZone
		}
		g.Instances = append(g.Instances, inst)
		if cluster != nil {
			ci.Cluster, ci.Region = cluster.Name, p.region
			p.res.ECS().Register(ci, p.now)
		}
	}
	as.Groups[p.region+"/"+name] = g
	return created{id: name}, nil
}

// deleteAutoScalingGroup terminates the group's instances: their
// container instances are deregistered and their tasks stop.
func deleteAutoScalingGroup(p *provCall, name string, _ map[string]string) error {
	as := p.res.AutoScaling()
	g := as.Groups[p.region+"/"+name]
	if g == nil {
		return nil
	}
	for _, ci := range p.res.ECS().Instances {
		if ci.Region == p.region && ci.Group == name && ci.Status != "INACTIVE" {
			p.res.ECS().Deregister(ci, p.now)
		}
	}
	delete(as.Groups, p.region+"/"+name)
	return nil
}
