// Package autoscaling serves the sandbox's EC2 Auto Scaling API (awsQuery,
// version 2011-01-01): the Auto Scaling groups and launch configurations
// that CloudFormation stacks create, read by DescribeAutoScalingGroups and
// DescribeLaunchConfigurations. A group's instances are not machines: the
// CloudFormation provider that creates a group registers, for each
// instance whose user data joins an ECS cluster, a container instance in
// that cluster (package ecs), behind which the local engine runs the
// tasks.
package autoscaling

import (
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// State is Auto Scaling's part of the state: groups and launch
// configurations by region/name.
type State struct {
	Groups        map[string]*Group        `json:"groups,omitempty"`
	LaunchConfigs map[string]*LaunchConfig `json:"launchConfigurations,omitempty"`
}

// Fill makes the nil maps empty.
func (s *State) Fill() {
	if s.Groups == nil {
		s.Groups = map[string]*Group{}
	}
	if s.LaunchConfigs == nil {
		s.LaunchConfigs = map[string]*LaunchConfig{}
	}
}

// LaunchConfig is a launch configuration: what a group's instances run.
type LaunchConfig struct {
	Name               string    `json:"name"`
	Region             string    `json:"region"`
	ImageID            string    `json:"imageId"`
	InstanceType       string    `json:"instanceType"`
	UserData           string    `json:"userData,omitempty"` // base64, as given
	IamInstanceProfile string    `json:"iamInstanceProfile,omitempty"`
	SecurityGroups     []string  `json:"securityGroups,omitempty"`
	KeyName            string    `json:"keyName,omitempty"`
	CreatedAt          time.Time `json:"createdAt"`
}

// ARN is the launch configuration's ARN.
func (lc *LaunchConfig) ARN() string {
	return "arn:aws:autoscaling:" + lc.Region + ":" + awsproto.Account + ":launchConfiguration:" + awsproto.DerivedUUID(lc.Region+"/lc/"+lc.Name) +
		":launchConfigurationName/" + lc.Name
}

// Group is an Auto Scaling group.
type Group struct {
	Name         string `json:"name"`
	Region       string `json:"region"`
	LaunchConfig string `json:"launchConfiguration,omitempty"`
	// LaunchTemplate is the launch template (EC2's) when the group uses
	// one instead of a launch configuration.
	LaunchTemplate *TemplateRef   `json:"launchTemplate,omitempty"`
	Min            int            `json:"minSize"`
	Max            int            `json:"maxSize"`
	Desired        int            `json:"desiredCapacity"`
	Subnets        []string       `json:"subnets,omitempty"`
	AZs            []string       `json:"availabilityZones"`
	TargetGroups   []string       `json:"targetGroups,omitempty"`
	Instances      []Instance     `json:"instances,omitempty"`
	Tags           []awsproto.Tag `json:"tags,omitempty"`
	CreatedAt      time.Time      `json:"createdAt"`
}

// TemplateRef names a launch template and its version.
type TemplateRef struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Instance is one instance of a group.
type Instance struct {
	ID           string `json:"id"`
	AZ           string `json:"availabilityZone"`
	SubnetID     string `json:"subnetId,omitempty"`
	InstanceType string `json:"instanceType"`
}

// ARN is the group's ARN.
func (g *Group) ARN() string {
	return "arn:aws:autoscaling:" + g.Region + ":" + awsproto.Account + ":autoScalingGroup:" + awsproto.DerivedUUID(g.Region+"/asg/"+g.Name) +
		":autoScalingGroupName/" + g.Name
}
