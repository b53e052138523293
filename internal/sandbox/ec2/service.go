// Package ec2 serves the sandbox's EC2 (ec2Query): Describe calls over the
// VPCs, subnets, security groups, gateways and route tables that
// CloudFormation stacks create, and the security group rule calls
// (rules.go). Its state (state.go) is shared with the providers that create
// those resources and read by ECS, ELBv2 and the task runner.
package ec2

import (
	"net/url"
	"path"
	"slices"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/cfn"
)

// EC2's ec2Query version and response namespace (no trailing slash).
const (
	Version      = "2016-11-15"
	ec2Namespace = "http://ec2.amazonaws.com/doc/2016-11-15"
)

// Service serves EC2's Describe calls over what stacks created.
type Service struct{ state func() *State }

// New is EC2's service over its part of the state.
func New(state func() *State) *Service { return &Service{state: state} }

// Register adds EC2's operations to the router.
func (e *Service) Register(r *awsproto.Router) {
	ops := map[string]awsproto.QueryOp{
		"DescribeVpcs":              e.describeVpcs,
		"DescribeSubnets":           e.describeSubnets,
		"DescribeSecurityGroups":    e.describeSecurityGroups,
		"DescribeAvailabilityZones": e.describeAvailabilityZones,
		"DescribeNatGateways":       e.describeNatGateways,
	}
	e.registerRules(ops)
	r.HandleEC2(Version, ec2Namespace, ops)
}

// tagXML is EC2's lower-camel tag item.
type tagXML struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

func ec2Tags(in []awsproto.Tag) []tagXML {
	out := make([]tagXML, 0, len(in))
	for _, t := range in {
		out = append(out, tagXML(t))
	}
	return out
}

// matches applies Filter.N to one item, whose values for a filter name
// come from values (nil: the filter does not apply, so nothing matches).
func matches(filters []awsproto.EC2Filter, tags []awsproto.Tag, values func(name string) []string) bool {
	for _, f := range filters {
		var have []string
		if len(f.Name) > 4 && f.Name[:4] == "tag:" {
			for _, t := range tags {
				if t.Key == f.Name[4:] {
					have = append(have, t.Value)
				}
			}
		} else if f.Name == "tag-key" {
			for _, t := range tags {
				have = append(have, t.Key)
			}
		} else {
			have = values(f.Name)
		}
		ok := false
		for _, want := range f.Values {
			for _, h := range have {
				if m, _ := path.Match(want, h); m || want == h {
					ok = true
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// notFound checks that every id asked for exists.
func notFound(ids []string, exists func(string) bool, code, what string) error {
	for _, id := range ids {
		if !exists(id) {
			return awsproto.ClientErr(code, "The %s '%s' does not exist", what, id)
		}
	}
	return nil
}

type vpcXML struct {
	VpcID           string   `xml:"vpcId"`
	OwnerID         string   `xml:"ownerId"`
	State           string   `xml:"state"`
	CidrBlock       string   `xml:"cidrBlock"`
	DhcpOptionsID   string   `xml:"dhcpOptionsId"`
	InstanceTenancy string   `xml:"instanceTenancy"`
	IsDefault       bool     `xml:"isDefault"`
	TagSet          []tagXML `xml:"tagSet>item"`
}

func (e *Service) describeVpcs(c *awsproto.Call, form url.Values) (any, error) {
	st := e.state()
	ids := awsproto.QueryList(form, "VpcId", "")
	if err := notFound(ids, func(id string) bool { v := st.VPCs[id]; return v != nil && v.Region == c.Region },
		"InvalidVpcID.NotFound", "vpc ID"); err != nil {
		return nil, err
	}
	filters := awsproto.EC2Filters(form)
	out := &struct {
		awsproto.EC2Meta
		Vpcs []vpcXML `xml:"vpcSet>item"`
	}{Vpcs: []vpcXML{}}
	for _, id := range awsproto.SortedKeys(st.VPCs) {
		v := st.VPCs[id]
		if v.Region != c.Region || (len(ids) > 0 && !slices.Contains(ids, id)) {
			continue
		}
		if !matches(filters, v.Tags, func(name string) []string {
			switch name {
			case "vpc-id":
				return []string{v.ID}
			case "cidr", "cidr-block-association.cidr-block":
				return []string{v.CidrBlock}
			case "state":
				return []string{"available"}
			case "is-default":
				return []string{"false"}
			}
			return nil
		}) {
			continue
		}
		out.Vpcs = append(out.Vpcs, vpcXML{VpcID: v.ID, OwnerID: awsproto.Account, State: "available", CidrBlock: v.CidrBlock,
			DhcpOptionsID: "dopt-00000000000000001", InstanceTenancy: "default", TagSet: ec2Tags(v.Tags)})
	}
	return out, nil
}

type subnetXML struct {
	SubnetID                string   `xml:"subnetId"`
	SubnetArn               string   `xml:"subnetArn"`
	State                   string   `xml:"state"`
	VpcID                   string   `xml:"vpcId"`
	OwnerID                 string   `xml:"ownerId"`
	CidrBlock               string   `xml:"cidrBlock"`
	AvailableIPAddressCount int      `xml:"availableIpAddressCount"`
	AvailabilityZone        string   `xml:"availabilityZone"`
	AvailabilityZoneID      string   `xml:"availabilityZoneId"`
	DefaultForAz            bool     `xml:"defaultForAz"`
	MapPublicIPOnLaunch     bool     `xml:"mapPublicIpOnLaunch"`
	TagSet                  []tagXML `xml:"tagSet>item"`
}

func (e *Service) describeSubnets(c *awsproto.Call, form url.Values) (any, error) {
	st := e.state()
	ids := awsproto.QueryList(form, "SubnetId", "")
	if err := notFound(ids, func(id string) bool { s := st.Subnets[id]; return s != nil && s.Region == c.Region },
		"InvalidSubnetID.NotFound", "subnet ID"); err != nil {
		return nil, err
	}
	filters := awsproto.EC2Filters(form)
	out := &struct {
		awsproto.EC2Meta
		Subnets []subnetXML `xml:"subnetSet>item"`
	}{Subnets: []subnetXML{}}
	for _, id := range awsproto.SortedKeys(st.Subnets) {
		s := st.Subnets[id]
		if s.Region != c.Region || (len(ids) > 0 && !slices.Contains(ids, id)) {
			continue
		}
		if !matches(filters, s.Tags, func(name string) []string {
			switch name {
			case "subnet-id":
				return []string{s.ID}
			case "vpc-id":
				return []string{s.VpcID}
			case "availability-zone":
				return []string{s.AvailabilityZone}
			case "cidr-block", "cidr":
				return []string{s.CidrBlock}
			case "state":
				return []string{"available"}
			}
			return nil
		}) {
			continue
		}
		free := 0
		if n := ParseCIDR(s.CidrBlock); n != nil {
			ones, bits := n.Mask.Size()
			free = 1<<(bits-ones) - 5
		}
		out.Subnets = append(out.Subnets, subnetXML{SubnetID: s.ID, State: "available", VpcID: s.VpcID, OwnerID: awsproto.Account,
			SubnetArn: "arn:aws:ec2:" + s.Region + ":" + awsproto.Account + ":subnet/" + s.ID, CidrBlock: s.CidrBlock,
			AvailableIPAddressCount: free, AvailabilityZone: s.AvailabilityZone,
			AvailabilityZoneID: zoneID(s.Region, s.AvailabilityZone), MapPublicIPOnLaunch: s.MapPublicIPOnLaunch,
			TagSet: ec2Tags(s.Tags)})
	}
	return out, nil
}

type ipPermXML struct {
	IPProtocol string         `xml:"ipProtocol"`
	FromPort   *int           `xml:"fromPort,omitempty"`
	ToPort     *int           `xml:"toPort,omitempty"`
	Groups     []groupPairXML `xml:"groups>item"`
	IPRanges   []ipRangeXML   `xml:"ipRanges>item"`
}

type groupPairXML struct {
	GroupID     string `xml:"groupId"`
	UserID      string `xml:"userId"`
	Description string `xml:"description,omitempty"`
}

type ipRangeXML struct {
	CidrIP      string `xml:"cidrIp"`
	Description string `xml:"description,omitempty"`
}

type sgXML struct {
	OwnerID          string      `xml:"ownerId"`
	GroupID          string      `xml:"groupId"`
	GroupName        string      `xml:"groupName"`
	GroupDescription string      `xml:"groupDescription"`
	VpcID            string      `xml:"vpcId"`
	IPPermissions    []ipPermXML `xml:"ipPermissions>item"`
	IPPermissionsEg  []ipPermXML `xml:"ipPermissionsEgress>item"`
	TagSet           []tagXML    `xml:"tagSet>item"`
}

// permissions renders rules as IpPermissions, one per rule.
func permissions(rules []Rule) []ipPermXML {
	out := []ipPermXML{}
	for _, r := range rules {
		p := ipPermXML{IPProtocol: r.Protocol}
		if r.Protocol != "-1" {
			from, to := r.FromPort, r.ToPort
			p.FromPort, p.ToPort = &from, &to
		}
		if r.CidrIP != "" {
			p.IPRanges = []ipRangeXML{{CidrIP: r.CidrIP, Description: r.Description}}
		}
		if r.SourceGroupID != "" {
			p.Groups = []groupPairXML{{GroupID: r.SourceGroupID, UserID: awsproto.Account, Description: r.Description}}
		}
		out = append(out, p)
	}
	return out
}

func (e *Service) describeSecurityGroups(c *awsproto.Call, form url.Values) (any, error) {
	st := e.state()
	ids, names := awsproto.QueryList(form, "GroupId", ""), awsproto.QueryList(form, "GroupName", "")
	if err := notFound(ids, func(id string) bool { g := st.SecurityGroups[id]; return g != nil && g.Region == c.Region },
		"InvalidGroup.NotFound", "security group"); err != nil {
		return nil, err
	}
	filters := awsproto.EC2Filters(form)
	out := &struct {
		awsproto.EC2Meta
		Groups []sgXML `xml:"securityGroupInfo>item"`
	}{Groups: []sgXML{}}
	for _, id := range awsproto.SortedKeys(st.SecurityGroups) {
		g := st.SecurityGroups[id]
		if g.Region != c.Region || (len(ids) > 0 && !slices.Contains(ids, id)) ||
			(len(names) > 0 && !slices.Contains(names, g.Name)) {
			continue
		}
		if !matches(filters, g.Tags, func(name string) []string {
			switch name {
			case "group-id":
				return []string{g.ID}
			case "group-name":
				return []string{g.Name}
			case "vpc-id":
				return []string{g.VpcID}
			case "description":
				return []string{g.Description}
			}
			return nil
		}) {
			continue
		}
		out.Groups = append(out.Groups, sgXML{OwnerID: awsproto.Account, GroupID: g.ID, GroupName: g.Name, GroupDescription: g.Description,
			VpcID: g.VpcID, IPPermissions: permissions(g.Ingress), IPPermissionsEg: permissions(g.Egress), TagSet: ec2Tags(g.Tags)})
	}
	if len(names) > 0 && len(out.Groups) == 0 {
		return nil, awsproto.ClientErr("InvalidGroup.NotFound", "The security group '%s' does not exist", names[0])
	}
	return out, nil
}

type azItemXML struct {
	ZoneName   string   `xml:"zoneName"`
	ZoneState  string   `xml:"zoneState"`
	RegionName string   `xml:"regionName"`
	ZoneID     string   `xml:"zoneId"`
	ZoneType   string   `xml:"zoneType"`
	OptIn      string   `xml:"optInStatus"`
	GroupName  string   `xml:"groupName"`
	Network    string   `xml:"networkBorderGroup"`
	MessageSet []string `xml:"messageSet>item"`
}

func (e *Service) describeAvailabilityZones(c *awsproto.Call, form url.Values) (any, error) {
	names := awsproto.QueryList(form, "ZoneName", "")
	zones := cfn.DefaultAZs(c.Region)
	if err := notFound(names, func(n string) bool { return slices.Contains(zones, n) },
		"InvalidParameterValue", "availability zone"); err != nil {
		return nil, err
	}
	filters := awsproto.EC2Filters(form)
	out := &struct {
		awsproto.EC2Meta
		Zones []azItemXML `xml:"availabilityZoneInfo>item"`
	}{Zones: []azItemXML{}}
	for _, z := range zones {
		if len(names) > 0 && !slices.Contains(names, z) {
			continue
		}
		id := zoneID(c.Region, z)
		if !matches(filters, nil, func(name string) []string {
			switch name {
			case "zone-name":
				return []string{z}
			case "zone-id":
				return []string{id}
			case "state":
				return []string{"available"}
			case "region-name":
				return []string{c.Region}
			}
			return nil
		}) {
			continue
		}
		out.Zones = append(out.Zones, azItemXML{ZoneName: z, ZoneState: "available", RegionName: c.Region, ZoneID: id,
			ZoneType: "availability-zone", OptIn: "opt-in-not-required", GroupName: c.Region, Network: c.Region})
	}
	return out, nil
}

// describeNatGateways lists no NAT gateway: the sandbox's stacks give their
// tasks public addresses instead (design §4), and no provider makes one.
// An id asked for is not found.
func (e *Service) describeNatGateways(c *awsproto.Call, form url.Values) (any, error) {
	if ids := awsproto.QueryList(form, "NatGatewayId", ""); len(ids) > 0 {
		return nil, awsproto.ClientErr("NatGatewayNotFound", "The Nat Gateway %s was not found", ids[0])
	}
	return &struct {
		awsproto.EC2Meta
		NatGateways []struct{} `xml:"natGatewaySet>item"`
	}{NatGateways: []struct{}{}}, nil
}
