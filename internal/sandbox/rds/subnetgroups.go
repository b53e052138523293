package rds

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// SubnetGroup is a DB subnet group: the subnets of one VPC an instance may
// be placed in, covering at least two Availability Zones.
type SubnetGroup struct {
	Name        string         `json:"name"`
	Region      string         `json:"region"`
	Description string         `json:"description"`
	VpcID       string         `json:"vpcId"`
	Subnets     []string       `json:"subnets"`
	CreatedAt   time.Time      `json:"createdAt"`
	Tags        []awsproto.Tag `json:"tags,omitempty"`
}

// ARN is the subnet group's ARN.
func (g *SubnetGroup) ARN() string {
	return "arn:aws:rds:" + g.Region + ":" + awsproto.Account + ":subgrp:" + g.Name
}

// CreateDBSubnetGroup is RDS's CreateDBSubnetGroup (and the provider of
// AWS::RDS::DBSubnetGroup).
func (s *Service) CreateDBSubnetGroup(c *awsproto.Call, f url.Values) (any, error) {
	name := strings.ToLower(form(f, "DBSubnetGroupName"))
	desc := form(f, "DBSubnetGroupDescription")
	ids := awsproto.QueryList(f, "SubnetIds", "SubnetIdentifier")
	switch {
	case name == "" || len(name) > 255 || name == "default":
		return nil, invalid("The parameter DBSubnetGroupName must be provided and must be 1 to 255 characters, other than default.")
	case desc == "":
		return nil, invalid("The parameter DBSubnetGroupDescription must be provided and must not be blank.")
	case len(ids) == 0:
		return nil, invalid("The parameter SubnetIds must be provided.")
	}
	if s.state().SubnetGroups[key(c.Region, name)] != nil {
		return nil, awsproto.ClientErr("DBSubnetGroupAlreadyExists", "The DB subnet group '%s' already exists.", name)
	}
	g := &SubnetGroup{Name: name, Region: c.Region, Description: desc, CreatedAt: c.Now,
		Tags: queryTags(f)}
	var azs []string
	for _, id := range ids {
		sn := s.ec2().Subnets[id]
		if sn == nil || sn.Region != c.Region {
			return nil, awsproto.ClientErr("InvalidSubnet", "The subnet %s does not exist.", id)
		}
		if g.VpcID != "" && sn.VpcID != g.VpcID {
			return nil, awsproto.ClientErr("InvalidSubnet", "Some of the subnets to be used in the DB subnet group are in different VPCs: %s is in %s, not %s.", id, sn.VpcID, g.VpcID)
		}
		g.VpcID = sn.VpcID
		if !slices.Contains(g.Subnets, id) {
			g.Subnets = append(g.Subnets, id)
		}
		if !slices.Contains(azs, sn.AvailabilityZone) {
			azs = append(azs, sn.AvailabilityZone)
		}
	}
	if len(azs) < 2 {
		return nil, awsproto.ClientErr("DBSubnetGroupDoesNotCoverEnoughAZs",
			"The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement. Current AZ coverage: %s. Add subnets to cover at least 2 AZs.", strings.Join(azs, ", "))
	}
	s.state().SubnetGroups[key(c.Region, name)] = g
	c.Changed()
	return createSubnetGroupResult{DBSubnetGroup: s.subnetGroupXML(g)}, nil
}

// describeDBSubnetGroups is RDS's DescribeDBSubnetGroups: one by name, or
// all of the region by name.
func (s *Service) describeDBSubnetGroups(c *awsproto.Call, f url.Values) (any, error) {
	out := describeSubnetGroupsResult{DBSubnetGroups: subnetGroupList{Items: []subnetGroupXML{}}}
	if name := strings.ToLower(form(f, "DBSubnetGroupName")); name != "" {
		g := s.state().SubnetGroups[key(c.Region, name)]
		if g == nil {
			return nil, notFound("DBSubnetGroupNotFoundFault", "DBSubnetGroup '%s' not found.", name)
		}
		out.DBSubnetGroups.Items = append(out.DBSubnetGroups.Items, s.subnetGroupXML(g))
		return out, nil
	}
	for _, k := range awsproto.SortedKeys(s.state().SubnetGroups) {
		if g := s.state().SubnetGroups[k]; g.Region == c.Region {
			out.DBSubnetGroups.Items = append(out.DBSubnetGroups.Items, s.subnetGroupXML(g))
		}
	}
	return out, nil
}

// DeleteDBSubnetGroup is RDS's DeleteDBSubnetGroup: a group an instance
// uses stays.
func (s *Service) DeleteDBSubnetGroup(c *awsproto.Call, f url.Values) (any, error) {
	name := strings.ToLower(form(f, "DBSubnetGroupName"))
	if s.state().SubnetGroups[key(c.Region, name)] == nil {
		return nil, notFound("DBSubnetGroupNotFoundFault", "DBSubnetGroup '%s' not found.", name)
	}
	for _, k := range awsproto.SortedKeys(s.state().Instances) {
		if in := s.state().Instances[k]; in.Region == c.Region && in.SubnetGroup == name {
			return nil, awsproto.ClientErr("InvalidDBSubnetGroupStateFault",
				"Cannot delete the subnet group '%s' because at least one database instance: %s is still using it.", name, in.ID)
		}
	}
	delete(s.state().SubnetGroups, key(c.Region, name))
	c.Changed()
	return nil, nil
}

// queryTags reads a request's Tags.Tag.N.Key/Value.
func queryTags(f url.Values) []awsproto.Tag {
	var tags []awsproto.Tag
	for _, m := range awsproto.QueryStructs(f, "Tags", "Tag") {
		tags = append(tags, awsproto.Tag{Key: m["Key"], Value: m["Value"]})
	}
	return tags
}
