package sandbox

import (
	"net/url"
	"sort"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// ELBv2's awsQuery version and response namespace.
const (
	elbVersion   = "2015-12-01"
	elbNamespace = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"
)

// albHostedZone is the hosted zone id of application load balancers in
// us-east-1, which the sandbox gives every load balancer.
const albHostedZone = "Z35SXDOTRQ7X7K"

// elbState is ELBv2's part of the state: load balancers, target groups,
// listeners and rules, each by ARN.
type elbState struct {
	LoadBalancers map[string]*elbLoadBalancer `json:"loadBalancers"`
	TargetGroups  map[string]*elbTargetGroup  `json:"targetGroups"`
	Listeners     map[string]*elbListener     `json:"listeners"`
	Rules         map[string]*elbRule         `json:"rules"`
}

// fill makes the nil maps empty.
func (e *elbState) fill() {
	if e.LoadBalancers == nil {
		e.LoadBalancers = map[string]*elbLoadBalancer{}
	}
	if e.TargetGroups == nil {
		e.TargetGroups = map[string]*elbTargetGroup{}
	}
	if e.Listeners == nil {
		e.Listeners = map[string]*elbListener{}
	}
	if e.Rules == nil {
		e.Rules = map[string]*elbRule{}
	}
}

// elbLoadBalancer is a load balancer. It answers locally (alb.go): its DNS
// name is host:LocalPort on the sandbox's host, where its port-80 listener
// (else its lowest) answers; each other listener answers on its own port
// in ListenerPorts. The ports persist so that a restart binds them again.
type elbLoadBalancer struct {
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
}

// typeShort is app or net, as ARNs spell the type.
func (lb *elbLoadBalancer) typeShort() string {
	if lb.Type == "network" {
		return "net"
	}
	return "app"
}

// fullName is app/NAME/ID, the LoadBalancerFullName attribute.
func (lb *elbLoadBalancer) fullName() string { return lb.typeShort() + "/" + lb.Name + "/" + lb.ID }

// arn is the load balancer's ARN.
func (lb *elbLoadBalancer) arn() string {
	return "arn:aws:elasticloadbalancing:" + lb.Region + ":" + awsproto.Account + ":loadbalancer/" + lb.fullName()
}

// elbService serves ELBv2's API.
type elbService struct{ srv *Server }

// register adds ELBv2's operations to the router.
func (e *elbService) register(r *awsproto.Router) {
	r.HandleQuery(elbVersion, elbNamespace, map[string]awsproto.QueryOp{
		"DescribeLoadBalancers": e.describeLoadBalancers,
		"CreateTargetGroup":     e.createTargetGroup,
		"DescribeTargetGroups":  e.describeTargetGroups,
		"DeleteTargetGroup":     e.deleteTargetGroup,
		"CreateListener":        e.createListener,
		"DescribeListeners":     e.describeListeners,
		"ModifyListener":        e.modifyListener,
		"DeleteListener":        e.deleteListener,
		"CreateRule":            e.createRule,
		"DescribeRules":         e.describeRules,
		"ModifyRule":            e.modifyRule,
		"DeleteRule":            e.deleteRule,
		"RegisterTargets":       e.registerTargets,
		"DeregisterTargets":     e.deregisterTargets,
		"DescribeTargetHealth":  e.describeTargetHealth,
		"DescribeTags":          e.describeTags,
		"AddTags":               e.addTags,
		"RemoveTags":            e.removeTags,
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

func (e *elbService) describeLoadBalancers(c *awsproto.Call, form url.Values) (any, error) {
	arns, names := awsproto.QueryList(form, "LoadBalancerArns", "member"), awsproto.QueryList(form, "Names", "member")
	var list []*elbLoadBalancer
	for _, lb := range e.srv.state.ELB.LoadBalancers {
		if lb.Region == c.Region {
			list = append(list, lb)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].CreatedAt.Before(list[j].CreatedAt) })
	if len(arns) > 0 || len(names) > 0 {
		var picked []*elbLoadBalancer
		for _, want := range append(arns, names...) {
			var found *elbLoadBalancer
			for _, lb := range list {
				if lb.arn() == want || lb.Name == want {
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
	out := struct {
		LoadBalancers []lbXML `xml:"LoadBalancers>member"`
	}{}
	for _, lb := range list {
		x := lbXML{LoadBalancerArn: lb.arn(), DNSName: lb.DNSName, CanonicalHostedZoneID: albHostedZone,
			CreatedTime: awsproto.ISOTime(lb.CreatedAt), LoadBalancerName: lb.Name, Scheme: lb.Scheme, VpcID: lb.VpcID,
			State: lbState{Code: "active"}, Type: lb.Type, SecurityGroups: lb.SecurityGroups, IPAddressType: "ipv4"}
		for _, id := range lb.Subnets {
			az := ""
			if s := e.srv.state.EC2.Subnets[id]; s != nil {
				az = s.AvailabilityZone
			}
			x.AvailabilityZones = append(x.AvailabilityZones, azXML{ZoneName: az, SubnetID: id})
		}
		out.LoadBalancers = append(out.LoadBalancers, x)
	}
	return out, nil
}
