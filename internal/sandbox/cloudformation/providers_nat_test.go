package cloudformation

import (
	"strings"
	"testing"
	"time"
)

// A default CDK VPC's private subnets route through a NAT gateway on an
// Elastic IP; the providers check what EC2 checks, in its words.
func TestProvidersNATGateways(t *testing.T) {
	w := newWorld()
	ps := providers()
	p := &provCall{res: w.res, region: "us-east-1", now: time.Now(), stack: "cdk"}
	mk := func(typ, logical string, props map[string]any) (created, error) {
		p.logical = logical
		return ps[typ].create(p, props)
	}
	must := func(typ, logical string, props map[string]any) created {
		t.Helper()
		c, err := mk(typ, logical, props)
		if err != nil {
			t.Fatalf("create %s: %v", logical, err)
		}
		return c
	}
	vpc := must("AWS::EC2::VPC", "VPC", map[string]any{"CidrBlock": "10.0.0.0/16"})
	other := must("AWS::EC2::VPC", "Other", map[string]any{"CidrBlock": "10.1.0.0/16"})
	pub := must("AWS::EC2::Subnet", "Public", map[string]any{"VpcId": vpc.id, "CidrBlock": "10.0.0.0/24", "AvailabilityZone": "us-east-1a"})
	eip := must("AWS::EC2::EIP", "EIP", map[string]any{"Domain": "vpc"})
	if eip.id != eip.attrs["PublicIp"] || !strings.HasPrefix(eip.attrs["AllocationId"], "eipalloc-") {
		t.Fatalf("the EIP's Ref %q and attributes %v", eip.id, eip.attrs)
	}
	nat := must("AWS::EC2::NatGateway", "NAT", map[string]any{"SubnetId": pub.id, "AllocationId": eip.attrs["AllocationId"]})
	rt := must("AWS::EC2::RouteTable", "Private", map[string]any{"VpcId": vpc.id})
	otherRT := must("AWS::EC2::RouteTable", "OtherRT", map[string]any{"VpcId": other.id})
	must("AWS::EC2::Route", "Default", map[string]any{"RouteTableId": rt.id, "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat.id})
	if r := w.res.EC2().RouteTables[rt.id].Routes; len(r) != 2 || r[1].NatGatewayID != nat.id {
		t.Errorf("the private route table's routes: %+v", r)
	}
	for _, tc := range []struct {
		name, typ string
		props     map[string]any
		want      string
	}{
		{"an EIP in a wrong domain", "AWS::EC2::EIP", map[string]any{"Domain": "classic"}, "#/Domain: classic is not a valid enum value"},
		{"a NAT gateway without a subnet", "AWS::EC2::NatGateway", map[string]any{"AllocationId": eip.attrs["AllocationId"]}, "required key [SubnetId] not found"},
		{"a NAT gateway on an unknown address", "AWS::EC2::NatGateway", map[string]any{"SubnetId": pub.id, "AllocationId": "eipalloc-0123"},
			"The allocation ID 'eipalloc-0123' does not exist"},
		{"a NAT gateway on a used address", "AWS::EC2::NatGateway", map[string]any{"SubnetId": pub.id, "AllocationId": eip.attrs["AllocationId"]},
			"Elastic IP address [" + eip.attrs["AllocationId"] + "] is already associated"},
		{"a route through an unknown NAT gateway", "AWS::EC2::Route", map[string]any{"RouteTableId": rt.id, "DestinationCidrBlock": "10.9.0.0/16", "NatGatewayId": "nat-0123"},
			"The natGateway ID 'nat-0123' does not exist"},
		{"a route through another VPC's NAT gateway", "AWS::EC2::Route", map[string]any{"RouteTableId": otherRT.id, "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat.id},
			"route table " + otherRT.id + " and network gateway " + nat.id + " belong to different networks"},
	} {
		if _, err := mk(tc.typ, "Bad", tc.props); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	p.logical = "EIP"
	if err := ps["AWS::EC2::EIP"].delete(p, eip.id, eip.attrs); err == nil || !strings.Contains(err.Error(), "is in use") {
		t.Errorf("deleting the EIP of a NAT gateway: %v", err)
	}
	if err := ps["AWS::EC2::NatGateway"].delete(p, nat.id, nat.attrs); err != nil {
		t.Fatal(err)
	}
	if err := ps["AWS::EC2::EIP"].delete(p, eip.id, eip.attrs); err != nil || len(w.res.EC2().Addresses) != 0 || len(w.res.EC2().NatGateways) != 0 {
		t.Errorf("after deleting the gateway and the address: %v, %d addresses, %d gateways", err, len(w.res.EC2().Addresses), len(w.res.EC2().NatGateways))
	}
}
