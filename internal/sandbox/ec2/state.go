package ec2

import (
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// State is EC2's part of the state: the network resources stacks made,
// each keyed by its id (ids are unique across regions; each records its
// region).
type State struct {
	VPCs             map[string]*VPC           `json:"vpcs"`
	Subnets          map[string]*Subnet        `json:"subnets"`
	SecurityGroups   map[string]*SecurityGroup `json:"securityGroups"`
	InternetGateways map[string]*Gateway       `json:"internetGateways"`
	RouteTables      map[string]*RouteTable    `json:"routeTables"`
	// LaunchTemplates are what Auto Scaling groups launch (by id).
	LaunchTemplates map[string]*LaunchTemplate `json:"launchTemplates,omitempty"`
	// Addresses are Elastic IP addresses, by allocation id.
	Addresses map[string]*Address `json:"addresses,omitempty"`
	// NatGateways are public NAT gateways, by id.
	NatGateways map[string]*NatGateway `json:"natGateways,omitempty"`
}

// Fill makes the nil maps empty.
func (e *State) Fill() {
	if e.VPCs == nil {
		e.VPCs = map[string]*VPC{}
	}
	if e.Subnets == nil {
		e.Subnets = map[string]*Subnet{}
	}
	if e.SecurityGroups == nil {
		e.SecurityGroups = map[string]*SecurityGroup{}
	}
	if e.InternetGateways == nil {
		e.InternetGateways = map[string]*Gateway{}
	}
	if e.RouteTables == nil {
		e.RouteTables = map[string]*RouteTable{}
	}
	if e.LaunchTemplates == nil {
		e.LaunchTemplates = map[string]*LaunchTemplate{}
	}
	if e.Addresses == nil {
		e.Addresses = map[string]*Address{}
	}
	if e.NatGateways == nil {
		e.NatGateways = map[string]*NatGateway{}
	}
}

// VPC is a VPC.
type VPC struct {
	ID                 string         `json:"id"`
	Region             string         `json:"region"`
	CidrBlock          string         `json:"cidrBlock"`
	DefaultSecurityGrp string         `json:"defaultSecurityGroup"`
	MainRouteTable     string         `json:"mainRouteTable"`
	EnableDNSSupport   bool           `json:"enableDnsSupport"`
	EnableDNSHostnames bool           `json:"enableDnsHostnames"`
	Tags               []awsproto.Tag `json:"tags,omitempty"`
}

// Subnet is a subnet of a VPC.
type Subnet struct {
	ID                  string         `json:"id"`
	Region              string         `json:"region"`
	VpcID               string         `json:"vpcId"`
	CidrBlock           string         `json:"cidrBlock"`
	AvailabilityZone    string         `json:"availabilityZone"`
	MapPublicIPOnLaunch bool           `json:"mapPublicIpOnLaunch"`
	Tags                []awsproto.Tag `json:"tags,omitempty"`
}

// SecurityGroup is a security group of a VPC.
type SecurityGroup struct {
	ID          string         `json:"id"`
	Region      string         `json:"region"`
	VpcID       string         `json:"vpcId"`
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Ingress     []Rule         `json:"ingress,omitempty"`
	Egress      []Rule         `json:"egress,omitempty"`
	Tags        []awsproto.Tag `json:"tags,omitempty"`
}

// Rule is one rule of a security group, from one source.
type Rule struct {
	// ID is the rule's id (sgr-…), set for rules made by
	// AWS::EC2::SecurityGroupIngress and AWS::EC2::SecurityGroupEgress so
	// that they can be removed.
	ID            string `json:"id,omitempty"`
	Protocol      string `json:"protocol"`
	FromPort      int    `json:"fromPort"`
	ToPort        int    `json:"toPort"`
	CidrIP        string `json:"cidrIp,omitempty"`
	SourceGroupID string `json:"sourceGroupId,omitempty"`
	Description   string `json:"description,omitempty"`
}

// Gateway is an internet gateway and the VPCs it is attached to.
type Gateway struct {
	ID          string         `json:"id"`
	Region      string         `json:"region"`
	Attachments []string       `json:"attachments,omitempty"`
	Tags        []awsproto.Tag `json:"tags,omitempty"`
}

// RouteTable is a route table, its routes and subnet associations.
type RouteTable struct {
	ID           string         `json:"id"`
	Region       string         `json:"region"`
	VpcID        string         `json:"vpcId"`
	Main         bool           `json:"main,omitempty"`
	Routes       []Route        `json:"routes,omitempty"`
	Associations []Association  `json:"associations,omitempty"`
	Tags         []awsproto.Tag `json:"tags,omitempty"`
}

// Route is one route of a route table.
type Route struct {
	Destination  string `json:"destination"`
	GatewayID    string `json:"gatewayId,omitempty"`
	NatGatewayID string `json:"natGatewayId,omitempty"`
}

// Address is an Elastic IP address allocated for use in a VPC.
type Address struct {
	AllocationID string `json:"allocationId"`
	Region       string `json:"region"`
	PublicIP     string `json:"publicIp"`
	// NatGatewayID is the NAT gateway the address is associated with.
	NatGatewayID string         `json:"natGatewayId,omitempty"`
	Tags         []awsproto.Tag `json:"tags,omitempty"`
}

// NatGateway is a public NAT gateway in a subnet, with its Elastic IP.
type NatGateway struct {
	ID           string         `json:"id"`
	Region       string         `json:"region"`
	VpcID        string         `json:"vpcId"`
	SubnetID     string         `json:"subnetId"`
	AllocationID string         `json:"allocationId"`
	PublicIP     string         `json:"publicIp"`
	Tags         []awsproto.Tag `json:"tags,omitempty"`
}

// Association ties a subnet to a route table.
type Association struct {
	ID       string `json:"id"`
	SubnetID string `json:"subnetId"`
}

// zoneID is the zone id AWS gives an Availability Zone: us-east-1a of
// region us-east-1 → use1-az1.
func zoneID(region, zone string) string {
	var abbr strings.Builder
	for i, part := range strings.Split(region, "-") {
		if i == 0 || len(part) == 0 {
			abbr.WriteString(part)
			continue
		}
		abbr.WriteByte(part[0])
	}
	n := 1
	if len(zone) > len(region) {
		n = int(zone[len(region)]-'a') + 1
	}
	return abbr.String() + "-az" + strconv.Itoa(n)
}

// ParseCIDR reads an IPv4 CIDR block, or nil.
func ParseCIDR(s string) *net.IPNet {
	ip, n, err := net.ParseCIDR(s)
	if err != nil || ip.To4() == nil || !ip.Equal(n.IP) {
		return nil
	}
	return n
}

// LaunchTemplate is a launch template, at its one version: the launch
// data (ImageId, InstanceType, UserData, …) as the template gave it.
type LaunchTemplate struct {
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	Region    string         `json:"region"`
	Data      map[string]any `json:"data"`
	CreatedAt time.Time      `json:"createdAt"`
}
