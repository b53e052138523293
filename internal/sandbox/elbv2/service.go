// Package elbv2 serves the sandbox's Elastic Load Balancing v2 API
// (awsQuery): load balancers, listeners and their rules, target groups and
// their targets, and tags. The load balancers' data plane, which answers
// on their ports (package alb), reads this package's State; the API asks
// it about targets' health through DataPlane. The CloudFormation
// providers make target groups, listeners and rules through the exported
// operations (CreateTargetGroup, CreateListener, …), so a stack's resources
// get the API's validation.
package elbv2

import (
	"fmt"
	"net/url"
	"sort"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/ec2"
)

// ELBv2's awsQuery version and response namespace.
const (
	Version      = "2015-12-01"
	elbNamespace = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"
)

// HostedZone is the hosted zone id of application load balancers in
// us-east-1, which the sandbox gives every load balancer.
const HostedZone = "Z35SXDOTRQ7X7K"

// State is ELBv2's part of the state: load balancers, target groups,
// listeners and rules, each by ARN.
type State struct {
	LoadBalancers map[string]*LoadBalancer `json:"loadBalancers"`
	TargetGroups  map[string]*TargetGroup  `json:"targetGroups"`
	Listeners     map[string]*Listener     `json:"listeners"`
	Rules         map[string]*Rule         `json:"rules"`
}

// Fill makes the nil maps empty.
func (e *State) Fill() {
	if e.LoadBalancers == nil {
		e.LoadBalancers = map[string]*LoadBalancer{}
	}
	if e.TargetGroups == nil {
		e.TargetGroups = map[string]*TargetGroup{}
	}
	if e.Listeners == nil {
		e.Listeners = map[string]*Listener{}
	}
	if e.Rules == nil {
		e.Rules = map[string]*Rule{}
	}
}

// LoadBalancer is a load balancer. It answers locally (package alb): its DNS
// name is host:LocalPort on the sandbox's host, where its port-80 listener
// (else its lowest) answers; each other listener answers on its own port
// in ListenerPorts. The ports persist so that a restart binds them again.
type LoadBalancer struct {
	Name           string         `json:"name"`
	Region         string         `json:"region"`
	ID             string         `json:"id"`
	Type           string         `json:"type"`
	Scheme         string         `json:"scheme"`
	VpcID          string         `json:"vpcId"`
	Subnets        []string       `json:"subnets"`
	SecurityGroups []string       `json:"securityGroups,omitempty"`
	DNSName        string         `json:"dnsName"`
	LocalPort      int            `json:"localPort,omitempty"`
	ListenerPorts  map[string]int `json:"listenerPorts,omitempty"` // by listener id
	CreatedAt      time.Time      `json:"createdAt"`
	Tags           []awsproto.Tag `json:"tags,omitempty"`
	Attributes     Attributes     `json:"attributes,omitempty"` // only those modified
}

// typeShort is app or net, as ARNs spell the type.
func (lb *LoadBalancer) typeShort() string {
	if lb.Type == "network" {
		return "net"
	}
	return "app"
}

// lbOrder sorts load balancers oldest first, as AWS lists them: the
// creation time, then the ARN to break ties.
func lbOrder(lb *LoadBalancer) string {
	return fmt.Sprintf("%020d %s", lb.CreatedAt.UnixNano(), lb.ARN())
}

// FullName is app/NAME/ID, the LoadBalancerFullName attribute.
func (lb *LoadBalancer) FullName() string { return lb.typeShort() + "/" + lb.Name + "/" + lb.ID }

// ARN is the load balancer's ARN.
func (lb *LoadBalancer) ARN() string {
	return "arn:aws:elasticloadbalancing:" + lb.Region + ":" + awsproto.Account + ":loadbalancer/" + lb.FullName()
}

// Service serves ELBv2's API.
type Service struct {
	state func() *State
	ec2   func() *ec2.State
	lbs   DataPlane
}

// DataPlane is what ELBv2's API asks of the load balancers' data plane:
// a target's health as its checks found it, and the targets still
// draining after their deregistration.
type DataPlane interface {
	Health(tgArn string, t Target) (state, reason, description string)
	Draining(tgArn string) []Target
}

// New is ELBv2's service over its part of the state, reading EC2's
// VPCs and subnets and asking lbs about targets.
func New(state func() *State, ec2 func() *ec2.State, lbs DataPlane) *Service {
	return &Service{state: state, ec2: ec2, lbs: lbs}
}

// Register adds ELBv2's operations to the router.
func (e *Service) Register(r *awsproto.Router) {
	r.HandleQuery(Version, elbNamespace, map[string]awsproto.QueryOp{
		"DescribeLoadBalancers": e.describeLoadBalancers,
		"CreateTargetGroup":     e.CreateTargetGroup,
		"DescribeTargetGroups":  e.describeTargetGroups,
		"DeleteTargetGroup":     e.DeleteTargetGroup,
		"CreateListener":        e.CreateListener,
		"DescribeListeners":     e.describeListeners,
		"ModifyListener":        e.modifyListener,
		"DeleteListener":        e.DeleteListener,
		"CreateRule":            e.CreateRule,
		"DescribeRules":         e.describeRules,
		"ModifyRule":            e.modifyRule,
		"DeleteRule":            e.DeleteRule,
		"RegisterTargets":       e.RegisterTargets,
		"DeregisterTargets":     e.deregisterTargets,
		"DescribeTargetHealth":  e.describeTargetHealth,
		"DescribeTags":          e.describeTags,
		"AddTags":               e.addTags,
		"RemoveTags":            e.removeTags,

		"DescribeLoadBalancerAttributes": e.describeAttributes(false),
		"ModifyLoadBalancerAttributes":   e.modifyAttributes(false),
		"DescribeTargetGroupAttributes":  e.describeAttributes(true),
		"ModifyTargetGroupAttributes":    e.modifyAttributes(true),
	})
}

// lbXML is ELBv2's LoadBalancer shape.
type lbXML struct {
	LoadBalancerArn       string           `xml:"LoadBalancerArn"`
	DNSName               string           `xml:"DNSName"`
	CanonicalHostedZoneID string           `xml:"CanonicalHostedZoneId"`
	CreatedTime           awsproto.ISOTime `xml:"CreatedTime"`
	LoadBalancerName      string           `xml:"LoadBalancerName"`
	Scheme                string           `xml:"Scheme"`
	VpcID                 string           `xml:"VpcId"`
	State                 lbState          `xml:"State"`
	Type                  string           `xml:"Type"`
	AvailabilityZones     []azXML          `xml:"AvailabilityZones>member"`
	SecurityGroups        []string         `xml:"SecurityGroups>member"`
	IPAddressType         string           `xml:"IpAddressType"`
}

type lbState struct {
	Code string `xml:"Code"`
}

type azXML struct {
	ZoneName string `xml:"ZoneName"`
	SubnetID string `xml:"SubnetId"`
}

func (e *Service) describeLoadBalancers(c *awsproto.Call, form url.Values) (any, error) {
	arns, names := awsproto.QueryList(form, "LoadBalancerArns", "member"), awsproto.QueryList(form, "Names", "member")
	var list []*LoadBalancer
	for _, lb := range e.state().LoadBalancers {
		if lb.Region == c.Region {
			list = append(list, lb)
		}
	}
	sort.Slice(list, func(i, j int) bool { return lbOrder(list[i]) < lbOrder(list[j]) })
	if len(arns) > 0 || len(names) > 0 {
		var picked []*LoadBalancer
		for _, arn := range arns {
			if err := checkLoadBalancerArn(arn); err != nil {
				return nil, err
			}
		}
		for _, want := range append(arns, names...) {
			var found *LoadBalancer
			for _, lb := range list {
				if lb.ARN() == want || lb.Name == want {
					found = lb
				}
			}
			if found == nil {
				if len(names) > 0 {
					return nil, awsproto.ClientErr("LoadBalancerNotFound", "Load balancers '[%s]' not found", want)
				}
				return nil, awsproto.ClientErr("LoadBalancerNotFound", "One or more load balancers not found")
			}
			picked = append(picked, found)
		}
		list = picked
	}
	list, next, err := page(list, lbOrder, form)
	if err != nil {
		return nil, err
	}
	out := struct {
		LoadBalancers []lbXML `xml:"LoadBalancers>member"`
		NextMarker    string  `xml:"NextMarker,omitempty"`
	}{NextMarker: next}
	for _, lb := range list {
		x := lbXML{LoadBalancerArn: lb.ARN(), DNSName: lb.DNSName, CanonicalHostedZoneID: HostedZone,
			CreatedTime: awsproto.ISOTime(lb.CreatedAt), LoadBalancerName: lb.Name, Scheme: lb.Scheme, VpcID: lb.VpcID,
			State: lbState{Code: "active"}, Type: lb.Type, SecurityGroups: lb.SecurityGroups, IPAddressType: "ipv4"}
		for _, id := range lb.Subnets {
			az := ""
			if s := e.ec2().Subnets[id]; s != nil {
				az = s.AvailabilityZone
			}
			x.AvailabilityZones = append(x.AvailabilityZones, azXML{ZoneName: az, SubnetID: id})
		}
		out.LoadBalancers = append(out.LoadBalancers, x)
	}
	return out, nil
}
