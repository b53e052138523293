package sandbox

import (
	"strconv"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// ec2State is EC2's part of the state: the network resources stacks made,
// each keyed by its id (ids are unique across regions; each records its
// region).
type ec2State struct {
	VPCs             map[string]*ec2VPC           `json:"vpcs"`
	Subnets          map[string]*ec2Subnet        `json:"subnets"`
	SecurityGroups   map[string]*ec2SecurityGroup `json:"securityGroups"`
	InternetGateways map[string]*ec2Gateway       `json:"internetGateways"`
	RouteTables      map[string]*ec2RouteTable    `json:"routeTables"`
}

// fill makes the nil maps empty.
func (e *ec2State) fill() {
	if e.VPCs == nil {
		e.VPCs = map[string]*ec2VPC{}
	}
	if e.Subnets == nil {
		e.Subnets = map[string]*ec2Subnet{}
	}
	if e.SecurityGroups == nil {
		e.SecurityGroups = map[string]*ec2SecurityGroup{}
	}
	if e.InternetGateways == nil {
		e.InternetGateways = map[string]*ec2Gateway{}
	}
	if e.RouteTables == nil {
		e.RouteTables = map[string]*ec2RouteTable{}
	}
}

// ec2VPC is a VPC.
type ec2VPC struct {
	ID                 string         `json:"id"`
	Region             string         `json:"region"`
	CidrBlock          string         `json:"cidrBlock"`
	DefaultSecurityGrp string         `json:"defaultSecurityGroup"`
	MainRouteTable     string         `json:"mainRouteTable"`
	EnableDNSSupport   bool           `json:"enableDnsSupport"`
	EnableDNSHostnames bool           `json:"enableDnsHostnames"`
	Tags               []awsproto.Tag `json:"tags,omitempty"`
}

// ec2Subnet is a subnet of a VPC.
type ec2Subnet struct {
	ID                  string         `json:"id"`
	Region              string         `json:"region"`
	VpcID               string         `json:"vpcId"`
	CidrBlock           string         `json:"cidrBlock"`
	AvailabilityZone    string         `json:"availabilityZone"`
	MapPublicIPOnLaunch bool           `json:"mapPublicIpOnLaunch"`
	Tags                []awsproto.Tag `json:"tags,omitempty"`
}

// ec2SecurityGroup is a security group of a VPC.
type ec2SecurityGroup struct {
	ID          string         `json:"id"`
	Region      string         `json:"region"`
	VpcID       string         `json:"vpcId"`
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Ingress     []ec2Rule      `json:"ingress,omitempty"`
	Egress      []ec2Rule      `json:"egress,omitempty"`
	Tags        []awsproto.Tag `json:"tags,omitempty"`
}

// ec2Rule is one rule of a security group, from one source.
type ec2Rule struct {
	// ID is the rule's id (sgr-…), set for rules made by
	// AWS::EC2::SecurityGroupIngress so that they can be removed.
	ID            string `json:"id,omitempty"`
	Protocol      string `json:"protocol"`
	FromPort      int    `json:"fromPort"`
	ToPort        int    `json:"toPort"`
	CidrIP        string `json:"cidrIp,omitempty"`
	SourceGroupID string `json:"sourceGroupId,omitempty"`
	Description   string `json:"description,omitempty"`
}

// ec2Gateway is an internet gateway and the VPCs it is attached to.
type ec2Gateway struct {
	ID          string         `json:"id"`
	Region      string         `json:"region"`
	Attachments []string       `json:"attachments,omitempty"`
	Tags        []awsproto.Tag `json:"tags,omitempty"`
}

// ec2RouteTable is a route table, its routes and subnet associations.
type ec2RouteTable struct {
	ID           string           `json:"id"`
	Region       string           `json:"region"`
	VpcID        string           `json:"vpcId"`
	Main         bool             `json:"main,omitempty"`
	Routes       []ec2Route       `json:"routes,omitempty"`
	Associations []ec2Association `json:"associations,omitempty"`
	Tags         []awsproto.Tag   `json:"tags,omitempty"`
}

// ec2Route is one route of a route table.
type ec2Route struct {
	Destination string `json:"destination"`
	GatewayID   string `json:"gatewayId,omitempty"`
}

// ec2Association ties a subnet to a route table.
type ec2Association struct {
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
