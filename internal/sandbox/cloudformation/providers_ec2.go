package cloudformation

import (
	"net"
	"slices"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/cfn"
	"github.com/breakthemonolith/workshop/internal/sandbox/ec2"
)

// overlaps tells whether two networks share an address.
func overlaps(a, b *net.IPNet) bool { return a.Contains(b.IP) || b.Contains(a.IP) }

func createVPC(p *provCall, props map[string]any) (created, error) {
	cidr, err := p.required(props, "CidrBlock")
	if err != nil {
		return created{}, err
	}
	n := ec2.ParseCIDR(cidr)
	if ones, _ := maskSize(n); n == nil || ones < 16 || ones > 28 {
		return created{}, p.handlerErr("Ec2", "InvalidRequest", "The CIDR '%s' is invalid.", cidr)
	}
	e := p.res.EC2()
	v := &ec2.VPC{ID: "vpc-" + awsproto.HexID(17), Region: p.region, CidrBlock: cidr, Tags: tagsProp(props),
		EnableDNSSupport:   props["EnableDnsSupport"] == nil || boolProp(props, "EnableDnsSupport"),
		EnableDNSHostnames: boolProp(props, "EnableDnsHostnames")}
	sg := &ec2.SecurityGroup{ID: "sg-" + awsproto.HexID(17), Region: p.region, VpcID: v.ID, Name: "default",
		Description: "default VPC security group", Egress: []ec2.Rule{allTraffic()}}
	rt := &ec2.RouteTable{ID: "rtb-" + awsproto.HexID(17), Region: p.region, VpcID: v.ID, Main: true,
		Routes: []ec2.Route{{Destination: cidr, GatewayID: "local"}}}
	v.DefaultSecurityGrp, v.MainRouteTable = sg.ID, rt.ID
	e.VPCs[v.ID], e.SecurityGroups[sg.ID], e.RouteTables[rt.ID] = v, sg, rt
	return created{id: v.ID, attrs: map[string]string{"CidrBlock": cidr, "DefaultSecurityGroup": sg.ID, "VpcId": v.ID,
		"DefaultNetworkAcl": "acl-" + awsproto.HexID(17)}}, nil
}

// maskSize is the prefix length of n, 0 for nil.
func maskSize(n *net.IPNet) (int, int) {
	if n == nil {
		return 0, 0
	}
	return n.Mask.Size()
}

// allTraffic is the default egress rule.
func allTraffic() ec2.Rule {
	return ec2.Rule{Protocol: "-1", FromPort: -1, ToPort: -1, CidrIP: "0.0.0.0/0"}
}

func deleteVPC(p *provCall, id string, _ map[string]string) error {
	e := p.res.EC2()
	if v := e.VPCs[id]; v != nil {
		delete(e.SecurityGroups, v.DefaultSecurityGrp)
		delete(e.RouteTables, v.MainRouteTable)
	}
	delete(e.VPCs, id)
	return nil
}

// vpc finds a VPC of the call's region by id.
func (p *provCall) vpc(id string) (*ec2.VPC, error) {
	if v := p.res.EC2().VPCs[id]; v != nil && v.Region == p.region {
		return v, nil
	}
	return nil, p.handlerErr("Ec2", "NotFound", "The vpc ID '%s' does not exist", id)
}

func createSubnet(p *provCall, props map[string]any) (created, error) {
	vpcID, err := p.required(props, "VpcId")
	if err != nil {
		return created{}, err
	}
	cidr, err := p.required(props, "CidrBlock")
	if err != nil {
		return created{}, err
	}
	v, err := p.vpc(vpcID)
	if err != nil {
		return created{}, err
	}
	n, vn := ec2.ParseCIDR(cidr), ec2.ParseCIDR(v.CidrBlock)
	ones, _ := maskSize(n)
	vones, _ := maskSize(vn)
	if n == nil || vn == nil || !vn.Contains(n.IP) || ones < vones || ones > 28 {
		return created{}, p.handlerErr("Ec2", "InvalidRequest", "The CIDR '%s' is invalid.", cidr)
	}
	for _, other := range p.res.EC2().Subnets {
		if o := ec2.ParseCIDR(other.CidrBlock); other.VpcID == vpcID && o != nil && overlaps(o, n) {
			return created{}, p.handlerErr("Ec2", "AlreadyExists", "The CIDR '%s' conflicts with another subnet", cidr)
		}
	}
	az := str(props, "AvailabilityZone")
	zones := cfn.DefaultAZs(p.region)
	if az == "" {
		az = zones[0]
	}
	if !slices.Contains(zones, az) {
		return created{}, p.handlerErr("Ec2", "InvalidRequest",
			"Value (%s) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: %s.",
			az, joinComma(zones))
	}
	s := &ec2.Subnet{ID: "subnet-" + awsproto.HexID(17), Region: p.region, VpcID: vpcID, CidrBlock: cidr, AvailabilityZone: az,
		MapPublicIPOnLaunch: boolProp(props, "MapPublicIpOnLaunch"), Tags: tagsProp(props)}
	p.res.EC2().Subnets[s.ID] = s
	return created{id: s.ID, attrs: map[string]string{"AvailabilityZone": az, "VpcId": vpcID, "SubnetId": s.ID,
		"CidrBlock": cidr}}, nil
}

// joinComma joins with ", ".
func joinComma(list []string) string {
	out := ""
	for i, s := range list {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}

func deleteSubnet(p *provCall, id string, _ map[string]string) error {
	delete(p.res.EC2().Subnets, id)
	return nil
}

func createIGW(p *provCall, props map[string]any) (created, error) {
	g := &ec2.Gateway{ID: "igw-" + awsproto.HexID(17), Region: p.region, Tags: tagsProp(props)}
	p.res.EC2().InternetGateways[g.ID] = g
	return created{id: g.ID, attrs: map[string]string{"InternetGatewayId": g.ID}}, nil
}

func deleteIGW(p *provCall, id string, _ map[string]string) error {
	delete(p.res.EC2().InternetGateways, id)
	return nil
}

func createGatewayAttachment(p *provCall, props map[string]any) (created, error) {
	vpcID, err := p.required(props, "VpcId")
	if err != nil {
		return created{}, err
	}
	if _, err := p.vpc(vpcID); err != nil {
		return created{}, err
	}
	gwID := str(props, "InternetGatewayId")
	if gwID == "" {
		return created{}, p.propErr("required key [InternetGatewayId] not found")
	}
	g := p.res.EC2().InternetGateways[gwID]
	if g == nil {
		return created{}, p.handlerErr("Ec2", "NotFound", "The internetGateway ID '%s' does not exist", gwID)
	}
	g.Attachments = append(g.Attachments, vpcID)
	return created{id: "IGW|" + vpcID, attrs: map[string]string{"gateway": gwID}}, nil
}

func deleteGatewayAttachment(p *provCall, id string, attrs map[string]string) error {
	if g := p.res.EC2().InternetGateways[attrs["gateway"]]; g != nil {
		vpc := id[len("IGW|"):]
		g.Attachments = slices.DeleteFunc(g.Attachments, func(s string) bool { return s == vpc })
	}
	return nil
}

func createRouteTable(p *provCall, props map[string]any) (created, error) {
	vpcID, err := p.required(props, "VpcId")
	if err != nil {
		return created{}, err
	}
	v, err := p.vpc(vpcID)
	if err != nil {
		return created{}, err
	}
	rt := &ec2.RouteTable{ID: "rtb-" + awsproto.HexID(17), Region: p.region, VpcID: vpcID, Tags: tagsProp(props),
		Routes: []ec2.Route{{Destination: v.CidrBlock, GatewayID: "local"}}}
	p.res.EC2().RouteTables[rt.ID] = rt
	return created{id: rt.ID, attrs: map[string]string{"RouteTableId": rt.ID}}, nil
}

func deleteRouteTable(p *provCall, id string, _ map[string]string) error {
	delete(p.res.EC2().RouteTables, id)
	return nil
}

// routeTable finds a route table by id.
func (p *provCall) routeTable(id string) (*ec2.RouteTable, error) {
	if rt := p.res.EC2().RouteTables[id]; rt != nil {
		return rt, nil
	}
	return nil, p.handlerErr("Ec2", "NotFound", "The routeTable ID '%s' does not exist", id)
}

func createRoute(p *provCall, props map[string]any) (created, error) {
	rtID, err := p.required(props, "RouteTableId")
	if err != nil {
		return created{}, err
	}
	dest, err := p.required(props, "DestinationCidrBlock")
	if err != nil {
		return created{}, err
	}
	rt, err := p.routeTable(rtID)
	if err != nil {
		return created{}, err
	}
	if ec2.ParseCIDR(dest) == nil {
		return created{}, p.handlerErr("Ec2", "InvalidRequest", "Value (%s) for parameter destinationCidrBlock is invalid.", dest)
	}
	gw := str(props, "GatewayId")
	if gw != "" {
		g := p.res.EC2().InternetGateways[gw]
		if g == nil {
			return created{}, p.handlerErr("Ec2", "NotFound", "The gateway ID '%s' does not exist", gw)
		}
		if !slices.Contains(g.Attachments, rt.VpcID) {
			return created{}, p.handlerErr("Ec2", "InvalidRequest",
				"route table %s and network gateway %s belong to different networks", rt.ID, gw)
		}
	}
	nat := str(props, "NatGatewayId")
	if nat != "" {
		if err := p.natRouteTarget(rt, nat); err != nil {
			return created{}, err
		}
	}
	for _, r := range rt.Routes {
		if r.Destination == dest {
			return created{}, p.handlerErr("Ec2", "AlreadyExists",
				"The route identified by %s already exists.", dest)
		}
	}
	rt.Routes = append(rt.Routes, ec2.Route{Destination: dest, GatewayID: gw, NatGatewayID: nat})
	return created{id: rtID + "|" + dest, attrs: map[string]string{"table": rtID, "destination": dest}}, nil
}

func deleteRoute(p *provCall, _ string, attrs map[string]string) error {
	if rt := p.res.EC2().RouteTables[attrs["table"]]; rt != nil {
		rt.Routes = slices.DeleteFunc(rt.Routes, func(r ec2.Route) bool { return r.Destination == attrs["destination"] })
	}
	return nil
}

func createAssociation(p *provCall, props map[string]any) (created, error) {
	rtID, err := p.required(props, "RouteTableId")
	if err != nil {
		return created{}, err
	}
	subnetID, err := p.required(props, "SubnetId")
	if err != nil {
		return created{}, err
	}
	rt, err := p.routeTable(rtID)
	if err != nil {
		return created{}, err
	}
	if p.res.EC2().Subnets[subnetID] == nil {
		return created{}, p.handlerErr("Ec2", "NotFound", "The subnet ID '%s' does not exist", subnetID)
	}
	a := ec2.Association{ID: "rtbassoc-" + awsproto.HexID(17), SubnetID: subnetID}
	rt.Associations = append(rt.Associations, a)
	return created{id: a.ID, attrs: map[string]string{"table": rtID, "Id": a.ID}}, nil
}

func deleteAssociation(p *provCall, id string, attrs map[string]string) error {
	if rt := p.res.EC2().RouteTables[attrs["table"]]; rt != nil {
		rt.Associations = slices.DeleteFunc(rt.Associations, func(a ec2.Association) bool { return a.ID == id })
	}
	return nil
}

// ruleFrom reads one ingress rule (of a SecurityGroupIngress list entry or
// an AWS::EC2::SecurityGroupIngress resource).
func (p *provCall) ruleFrom(m map[string]any) (ec2.Rule, error) {
	proto := str(m, "IpProtocol")
	if proto == "" {
		return ec2.Rule{}, p.propErr("#/SecurityGroupIngress: required key [IpProtocol] not found")
	}
	from, err := p.intProp(m, "FromPort", -1)
	if err != nil {
		return ec2.Rule{}, err
	}
	to, err := p.intProp(m, "ToPort", -1)
	if err != nil {
		return ec2.Rule{}, err
	}
	r := ec2.Rule{Protocol: proto, FromPort: from, ToPort: to, CidrIP: str(m, "CidrIp"),
		SourceGroupID: str(m, "SourceSecurityGroupId"), Description: str(m, "Description")}
	if r.CidrIP != "" && ec2.ParseCIDR(r.CidrIP) == nil {
		return ec2.Rule{}, p.handlerErr("Ec2", "InvalidRequest", "CIDR block %s is malformed", r.CidrIP)
	}
	if r.SourceGroupID != "" && p.res.EC2().SecurityGroups[r.SourceGroupID] == nil {
		return ec2.Rule{}, p.handlerErr("Ec2", "NotFound", "The security group '%s' does not exist", r.SourceGroupID)
	}
	if r.CidrIP == "" && r.SourceGroupID == "" && str(m, "CidrIpv6") == "" && str(m, "SourcePrefixListId") == "" {
		return ec2.Rule{}, p.handlerErr("Ec2", "InvalidRequest",
			"Either CIDR or a source security group or a prefix list must be specified")
	}
	return r, nil
}

func createSecurityGroup(p *provCall, props map[string]any) (created, error) {
	desc, err := p.required(props, "GroupDescription")
	if err != nil {
		return created{}, err
	}
	vpcID := str(props, "VpcId")
	if vpcID == "" {
		return created{}, p.handlerErr("Ec2", "InvalidRequest",
			"No default VPC for this user: the sandbox has no default VPC, so give the security group a VpcId")
	}
	if _, err := p.vpc(vpcID); err != nil {
		return created{}, err
	}
	name := str(props, "GroupName")
	if name == "" {
		name = p.name(255)
	}
	sg := &ec2.SecurityGroup{ID: "sg-" + awsproto.HexID(17), Region: p.region, VpcID: vpcID, Name: name, Description: desc,
		Tags: tagsProp(props), Egress: []ec2.Rule{allTraffic()}}
	list, _ := props["SecurityGroupIngress"].([]any)
	for _, e := range list {
		m, _ := e.(map[string]any)
		r, err := p.ruleFrom(m)
		if err != nil {
			return created{}, err
		}
		sg.Ingress = append(sg.Ingress, r)
	}
	p.res.EC2().SecurityGroups[sg.ID] = sg
	return created{id: sg.ID, attrs: map[string]string{"GroupId": sg.ID, "VpcId": vpcID}}, nil
}

func deleteSecurityGroup(p *provCall, id string, _ map[string]string) error {
	delete(p.res.EC2().SecurityGroups, id)
	return nil
}

func createIngress(p *provCall, props map[string]any) (created, error) {
	return createGroupRule(p, props, false)
}

// createGroupRule adds an ingress (or egress) rule to the security group
// GroupId names.
func createGroupRule(p *provCall, props map[string]any, egress bool) (created, error) {
	groupID, err := p.required(props, "GroupId")
	if err != nil {
		return created{}, err
	}
	sg := p.res.EC2().SecurityGroups[groupID]
	if sg == nil {
		return created{}, p.handlerErr("Ec2", "NotFound", "The security group '%s' does not exist", groupID)
	}
	if egress {
		props = egressAsPeer(props)
	}
	r, err := p.ruleFrom(props)
	if err != nil {
		return created{}, err
	}
	r.ID = "sgr-" + awsproto.HexID(17)
	if egress {
		sg.Egress = append(sg.Egress, r)
	} else {
		sg.Ingress = append(sg.Ingress, r)
	}
	return created{id: r.ID, attrs: map[string]string{"group": groupID, "Id": r.ID}}, nil
}

// egressAsPeer names an egress rule's destination group or prefix list as
// ruleFrom reads a rule's peer (AWS::EC2::SecurityGroupEgress has
// DestinationSecurityGroupId where an ingress rule has
// SourceSecurityGroupId).
func egressAsPeer(props map[string]any) map[string]any {
	out := make(map[string]any, len(props))
	for k, v := range props {
		switch k {
		case "DestinationSecurityGroupId":
			k = "SourceSecurityGroupId"
		case "DestinationPrefixListId":
			k = "SourcePrefixListId"
		}
		out[k] = v
	}
	return out
}

func deleteIngress(p *provCall, id string, attrs map[string]string) error {
	if sg := p.res.EC2().SecurityGroups[attrs["group"]]; sg != nil {
		sg.Ingress = slices.DeleteFunc(sg.Ingress, func(r ec2.Rule) bool { return r.ID == id })
	}
	return nil
}
