package autoscaling

import (
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// Auto Scaling's awsQuery version and response namespace.
const (
	Version   = "2011-01-01"
	namespace = "http://autoscaling.amazonaws.com/doc/2011-01-01/"
)

// Service serves Auto Scaling's Describe calls over its part of the state.
type Service struct{ state func() *State }

// New is Auto Scaling's service; state returns its current part of the
// state (a func: a failed save swaps the whole state).
func New(state func() *State) *Service { return &Service{state: state} }

// Register adds Auto Scaling's operations to the router.
func (s *Service) Register(r *awsproto.Router) {
	r.HandleQuery(Version, namespace, map[string]awsproto.QueryOp{
		"DescribeAutoScalingGroups":    s.describeGroups,
		"DescribeLaunchConfigurations": s.describeLaunchConfigs,
	})
}

// groupXML is Auto Scaling's AutoScalingGroup shape.
type groupXML struct {
	AutoScalingGroupName             string           `xml:"AutoScalingGroupName"`
	AutoScalingGroupARN              string           `xml:"AutoScalingGroupARN"`
	LaunchConfigurationName          string           `xml:"LaunchConfigurationName,omitempty"`
	LaunchTemplate                   *templateXML     `xml:"LaunchTemplate,omitempty"`
	MinSize                          int              `xml:"MinSize"`
	MaxSize                          int              `xml:"MaxSize"`
	DesiredCapacity                  int              `xml:"DesiredCapacity"`
	DefaultCooldown                  int              `xml:"DefaultCooldown"`
	AvailabilityZones                []string         `xml:"AvailabilityZones>member"`
	LoadBalancerNames                []string         `xml:"LoadBalancerNames>member"`
	TargetGroupARNs                  []string         `xml:"TargetGroupARNs>member"`
	HealthCheckType                  string           `xml:"HealthCheckType"`
	HealthCheckGracePeriod           int              `xml:"HealthCheckGracePeriod"`
	Instances                        []instXML        `xml:"Instances>member"`
	CreatedTime                      awsproto.ISOTime `xml:"CreatedTime"`
	SuspendedProcesses               []string         `xml:"SuspendedProcesses>member"`
	VPCZoneIdentifier                string           `xml:"VPCZoneIdentifier,omitempty"`
	EnabledMetrics                   []string         `xml:"EnabledMetrics>member"`
	Tags                             []tagXML         `xml:"Tags>member"`
	TerminationPolicies              []string         `xml:"TerminationPolicies>member"`
	NewInstancesProtectedFromScaleIn bool             `xml:"NewInstancesProtectedFromScaleIn"`
	ServiceLinkedRoleARN             string           `xml:"ServiceLinkedRoleARN"`
	CapacityRebalance                bool             `xml:"CapacityRebalance"`
	TrafficSources                   []string         `xml:"TrafficSources>member"`
}

// templateXML is Auto Scaling's LaunchTemplateSpecification shape.
type templateXML struct {
	LaunchTemplateID   string `xml:"LaunchTemplateId"`
	LaunchTemplateName string `xml:"LaunchTemplateName"`
	Version            string `xml:"Version"`
}

// instXML is Auto Scaling's Instance shape.
type instXML struct {
	InstanceID              string       `xml:"InstanceId"`
	InstanceType            string       `xml:"InstanceType"`
	AvailabilityZone        string       `xml:"AvailabilityZone"`
	LifecycleState          string       `xml:"LifecycleState"`
	HealthStatus            string       `xml:"HealthStatus"`
	LaunchConfigurationName string       `xml:"LaunchConfigurationName,omitempty"`
	LaunchTemplate          *templateXML `xml:"LaunchTemplate,omitempty"`
	ProtectedFromScaleIn    bool         `xml:"ProtectedFromScaleIn"`
}

// tagXML is Auto Scaling's TagDescription shape.
type tagXML struct {
	ResourceID        string `xml:"ResourceId"`
	ResourceType      string `xml:"ResourceType"`
	Key               string `xml:"Key"`
	Value             string `xml:"Value"`
	PropagateAtLaunch bool   `xml:"PropagateAtLaunch"`
}

func (g *Group) out() groupXML {
	x := groupXML{AutoScalingGroupName: g.Name, AutoScalingGroupARN: g.ARN(), LaunchConfigurationName: g.LaunchConfig,
		MinSize: g.Min, MaxSize: g.Max, DesiredCapacity: g.Desired, DefaultCooldown: 300, AvailabilityZones: g.AZs,
		LoadBalancerNames: []string{}, TargetGroupARNs: awsproto.OrEmpty(g.TargetGroups), HealthCheckType: "EC2",
		CreatedTime: awsproto.ISOTime(g.CreatedAt), SuspendedProcesses: []string{}, VPCZoneIdentifier: strings.Join(g.Subnets, ","),
		EnabledMetrics: []string{}, TerminationPolicies: []string{"Default"}, TrafficSources: []string{},
		ServiceLinkedRoleARN: "arn:aws:iam::" + awsproto.Account + ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"}
	if lt := g.LaunchTemplate; lt != nil {
		x.LaunchTemplate = &templateXML{LaunchTemplateID: lt.ID, LaunchTemplateName: lt.Name, Version: lt.Version}
	}
	for _, i := range g.Instances {
		x.Instances = append(x.Instances, instXML{InstanceID: i.ID, InstanceType: i.InstanceType, AvailabilityZone: i.AZ,
			LifecycleState: "InService", HealthStatus: "Healthy", LaunchConfigurationName: g.LaunchConfig, LaunchTemplate: x.LaunchTemplate})
	}
	for _, t := range g.Tags {
		x.Tags = append(x.Tags, tagXML{ResourceID: g.Name, ResourceType: "auto-scaling-group", Key: t.Key, Value: t.Value, PropagateAtLaunch: true})
	}
	return x
}

// describeGroups is DescribeAutoScalingGroups: the region's groups, or
// those named (unknown names are left out, as AWS does).
func (s *Service) describeGroups(c *awsproto.Call, form url.Values) (any, error) {
	names := awsproto.QueryList(form, "AutoScalingGroupNames", "member")
	var list []*Group
	for _, g := range s.state().Groups {
		if g.Region == c.Region && (len(names) == 0 || slices.Contains(names, g.Name)) {
			list = append(list, g)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	out := struct {
		AutoScalingGroups []groupXML `xml:"AutoScalingGroups>member"`
	}{AutoScalingGroups: []groupXML{}}
	for _, g := range list {
		out.AutoScalingGroups = append(out.AutoScalingGroups, g.out())
	}
	return out, nil
}

// launchConfigXML is Auto Scaling's LaunchConfiguration shape.
type launchConfigXML struct {
	LaunchConfigurationName      string   `xml:"LaunchConfigurationName"`
	LaunchConfigurationARN       string   `xml:"LaunchConfigurationARN"`
	ImageID                      string   `xml:"ImageId"`
	KeyName                      string   `xml:"KeyName"`
	SecurityGroups               []string `xml:"SecurityGroups>member"`
	ClassicLinkVPCSecurityGroups []string `xml:"ClassicLinkVPCSecurityGroups>member"`
	UserData                     string   `xml:"UserData"`
	InstanceType                 string   `xml:"InstanceType"`
	KernelID                     string   `xml:"KernelId"`
	RamdiskID                    string   `xml:"RamdiskId"`
	BlockDeviceMappings          []string `xml:"BlockDeviceMappings>member"`
	InstanceMonitoring           struct {
		Enabled bool `xml:"Enabled"`
	} `xml:"InstanceMonitoring"`
	IamInstanceProfile string           `xml:"IamInstanceProfile,omitempty"`
	CreatedTime        awsproto.ISOTime `xml:"CreatedTime"`
	EbsOptimized       bool             `xml:"EbsOptimized"`
}

// describeLaunchConfigs is DescribeLaunchConfigurations.
func (s *Service) describeLaunchConfigs(c *awsproto.Call, form url.Values) (any, error) {
	names := awsproto.QueryList(form, "LaunchConfigurationNames", "member")
	var list []*LaunchConfig
	for _, lc := range s.state().LaunchConfigs {
		if lc.Region == c.Region && (len(names) == 0 || slices.Contains(names, lc.Name)) {
			list = append(list, lc)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	out := struct {
		LaunchConfigurations []launchConfigXML `xml:"LaunchConfigurations>member"`
	}{LaunchConfigurations: []launchConfigXML{}}
	for _, lc := range list {
		x := launchConfigXML{LaunchConfigurationName: lc.Name, LaunchConfigurationARN: lc.ARN(), ImageID: lc.ImageID, KeyName: lc.KeyName,
			SecurityGroups: awsproto.OrEmpty(lc.SecurityGroups), ClassicLinkVPCSecurityGroups: []string{}, UserData: lc.UserData,
			InstanceType: lc.InstanceType, BlockDeviceMappings: []string{}, IamInstanceProfile: lc.IamInstanceProfile,
			CreatedTime: awsproto.ISOTime(lc.CreatedAt)}
		x.InstanceMonitoring.Enabled = true
		out.LaunchConfigurations = append(out.LaunchConfigurations, x)
	}
	return out, nil
}
