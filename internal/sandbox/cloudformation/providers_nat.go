package cloudformation

import (
	"fmt"
	"strconv"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/ec2"
)

// createEIP allocates an Elastic IP address in the VPC domain (the only
// one a default VPC's NAT gateways use). Its Ref is the address, as on AWS.
func createEIP(p *provCall, props map[string]any) (created, error) {
	if d := str(props, "Domain"); d != "" && d != "vpc" && d != "standard" {
		return created{}, p.propErr("#/Domain: %s is not a valid enum value", d)
	}
	a := &ec2.Address{AllocationID: "eipalloc-" + awsproto.HexID(17), Region: p.region, PublicIP: publicIP(), Tags: tagsProp(props)}
	p.res.EC2().Addresses[a.AllocationID] = a
	return created{id: a.PublicIP, attrs: map[string]string{"AllocationId": a.AllocationID, "PublicIp": a.PublicIP}}, nil
}

// publicIP is a random address of 3.0.0.0/8, one of AWS's public ranges.
func publicIP() string {
	b := awsproto.HexID(6)
	n, _ := strconv.ParseUint(b, 16, 32)
	return fmt.Sprintf("3.%d.%d.%d", n>>16&0xff, n>>8&0xff, 1+(n&0xff)%254)
}

func deleteEIP(p *provCall, ip string, attrs map[string]string) error {
	if a := p.res.EC2().Addresses[attrs["AllocationId"]]; a != nil && a.NatGatewayID != "" && p.res.EC2().NatGateways[a.NatGatewayID] != nil {
		return p.handlerErr("Ec2", "GeneralServiceException", "The address with allocation id [%s] is in use.", a.AllocationID)
	}
	delete(p.res.EC2().Addresses, attrs["AllocationId"])
	return nil
}

// createNatGateway makes a public NAT gateway in a subnet with an Elastic
// IP address of the same region that no other gateway uses.
func createNatGateway(p *provCall, props map[string]any) (created, error) {
	subnetID, err := p.required(props, "SubnetId")
	if err != nil {
		return created{}, err
	}
	subnet := p.res.EC2().Subnets[subnetID]
	if subnet == nil || subnet.Region != p.region {
		return created{}, p.handlerErr("Ec2", "NotFound", "The subnet ID '%s' does not exist", subnetID)
	}
	if ct := str(props, "ConnectivityType"); ct != "" && ct != "public" {
		return created{}, p.handlerErr("Ec2", "InvalidRequest", "the sandbox emulates public NAT gateways only, not %s", ct)
	}
	allocID, err := p.required(props, "AllocationId")
	if err != nil {
		return created{}, err
	}
	a := p.res.EC2().Addresses[allocID]
	if a == nil || a.Region != p.region {
		return created{}, p.handlerErr("Ec2", "NotFound", "The allocation ID '%s' does not exist", allocID)
	}
	if a.NatGatewayID != "" && p.res.EC2().NatGateways[a.NatGatewayID] != nil {
		return created{}, p.handlerErr("Ec2", "InvalidRequest", "Elastic IP address [%s] is already associated", allocID)
	}
	g := &ec2.NatGateway{ID: "nat-" + awsproto.HexID(17), Region: p.region, VpcID: subnet.VpcID, SubnetID: subnetID,
		AllocationID: allocID, PublicIP: a.PublicIP, Tags: tagsProp(props)}
	a.NatGatewayID = g.ID
	p.res.EC2().NatGateways[g.ID] = g
	return created{id: g.ID, attrs: map[string]string{"NatGatewayId": g.ID}}, nil
}

// deleteNatGateway removes the gateway and frees its address; a route
// through it is left blackholed, as on AWS.
func deleteNatGateway(p *provCall, id string, _ map[string]string) error {
	g := p.res.EC2().NatGateways[id]
	if g == nil {
		return nil
	}
	if a := p.res.EC2().Addresses[g.AllocationID]; a != nil && a.NatGatewayID == id {
		a.NatGatewayID = ""
	}
	delete(p.res.EC2().NatGateways, id)
	return nil
}

// natRouteTarget checks a route's NatGatewayId: a gateway of the route
// table's VPC.
func (p *provCall) natRouteTarget(rt *ec2.RouteTable, id string) error {
	g := p.res.EC2().NatGateways[id]
	if g == nil {
		return p.handlerErr("Ec2", "NotFound", "The natGateway ID '%s' does not exist", id)
	}
	if g.VpcID != rt.VpcID {
		return p.handlerErr("Ec2", "InvalidRequest", "route table %s and network gateway %s belong to different networks", rt.ID, id)
	}
	return nil
}
