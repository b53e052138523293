package ec2

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// The security group rule calls of EC2: AuthorizeSecurityGroupIngress,
// RevokeSecurityGroupIngress and DescribeSecurityGroupRules, over the rules
// stacks made (ec2State.SecurityGroups).

// registerRules adds the rule operations to EC2's operations.
func (e *Service) registerRules(ops map[string]awsproto.QueryOp) {
	ops["AuthorizeSecurityGroupIngress"] = e.authorizeIngress
	ops["RevokeSecurityGroupIngress"] = e.revokeIngress
	ops["DescribeSecurityGroupRules"] = e.describeRules
}

// ruleID is the rule's id: its own, or one derived from its group and
// content for rules made before rules had ids, so it is stable.
func ruleID(groupID string, egress bool, r Rule) string {
	if r.ID != "" {
		return r.ID
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{groupID, strconv.FormatBool(egress), r.Protocol,
		strconv.Itoa(r.FromPort), strconv.Itoa(r.ToPort), r.CidrIP, r.SourceGroupID}, "|")))
	return "sgr-" + hex.EncodeToString(sum[:])[:17]
}

// normProtocol spells a protocol as EC2 answers it.
func normProtocol(p string) string {
	switch strings.ToLower(p) {
	case "6":
		return "tcp"
	case "17":
		return "udp"
	case "1":
		return "icmp"
	case "all", "-1":
		return "-1"
	}
	return strings.ToLower(p)
}

// sameRule reports whether two rules admit the same traffic from the same
// source (descriptions and ids aside).
func sameRule(a, b Rule) bool {
	if normProtocol(a.Protocol) != normProtocol(b.Protocol) || a.CidrIP != b.CidrIP || a.SourceGroupID != b.SourceGroupID {
		return false
	}
	return normProtocol(a.Protocol) == "-1" || a.FromPort == b.FromPort && a.ToPort == b.ToPort
}

// rulesFrom reads IpPermissions.N (with IpRanges.M, Ipv6Ranges.M and
// Groups.M), or the flat GroupId/IpProtocol/FromPort/ToPort/CidrIp form, as
// one rule per source.
func rulesFrom(form url.Values) ([]Rule, error) {
	var out []Rule
	port := func(s string) (int, error) {
		if s == "" {
			return -1, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, awsproto.ClientErr("InvalidParameterValue", "Invalid value '%s' for port", s)
		}
		return n, nil
	}
	perms := awsproto.QueryStructs(form, "IpPermissions", "")
	if len(perms) == 0 && form.Get("IpProtocol") != "" {
		perms = []map[string]string{{"IpProtocol": form.Get("IpProtocol"), "FromPort": form.Get("FromPort"),
			"ToPort": form.Get("ToPort"), "IpRanges.1.CidrIp": form.Get("CidrIp")}}
	}
	for _, p := range perms {
		proto := normProtocol(p["IpProtocol"])
		if proto == "" {
			return nil, awsproto.ClientErr("MissingParameter", "The request must contain the parameter ipProtocol")
		}
		from, err := port(p["FromPort"])
		if err != nil {
			return nil, err
		}
		to, err := port(p["ToPort"])
		if err != nil {
			return nil, err
		}
		if proto != "-1" && proto != "icmp" && (from < 0 || to < from || to > 65535) {
			return nil, awsproto.ClientErr("InvalidParameterValue", "Invalid TCP/UDP port range %d-%d", from, to)
		}
		base := Rule{Protocol: proto, FromPort: from, ToPort: to}
		if proto == "-1" {
			base.FromPort, base.ToPort = -1, -1
		}
		n := len(out)
		for _, src := range []struct{ list, field string }{{"IpRanges", "CidrIp"}, {"Ipv6Ranges", "CidrIpv6"}, {"Groups", "GroupId"}} {
			for i := 1; ; i++ {
				key := src.list + "." + strconv.Itoa(i) + "."
				v := p[key+src.field]
				if v == "" {
					break
				}
				r := base
				r.Description = p[key+"Description"]
				if src.list == "Groups" {
					r.SourceGroupID = v
				} else {
					if ParseCIDR(v) == nil {
						return nil, awsproto.ClientErr("InvalidParameterValue", "CIDR block %s is malformed", v)
					}
					r.CidrIP = v
				}
				out = append(out, r)
			}
		}
		if len(out) == n {
			return nil, awsproto.ClientErr("InvalidParameterValue", "The request must name a source: an IP range or a security group")
		}
	}
	if len(out) == 0 && len(awsproto.QueryList(form, "SecurityGroupRuleId", "")) == 0 {
		return nil, awsproto.ClientErr("MissingParameter", "The request must contain the parameter ipPermissions")
	}
	return out, nil
}

// ingressGroup finds the group a rule call names by GroupId (or GroupName).
func (e *Service) ingressGroup(c *awsproto.Call, form url.Values) (*SecurityGroup, error) {
	st := e.state()
	if id := form.Get("GroupId"); id != "" {
		if g := st.SecurityGroups[id]; g != nil && g.Region == c.Region {
			return g, nil
		}
		return nil, awsproto.ClientErr("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
	}
	name := form.Get("GroupName")
	for _, id := range awsproto.SortedKeys(st.SecurityGroups) {
		if g := st.SecurityGroups[id]; g.Region == c.Region && g.Name == name && name != "" {
			return g, nil
		}
	}
	return nil, awsproto.ClientErr("MissingParameter", "The request must contain the parameter groupId")
}

// ingressRules reads the group and the rules an AuthorizeSecurityGroupIngress
// or RevokeSecurityGroupIngress call names.
func (e *Service) ingressRules(c *awsproto.Call, form url.Values) (*SecurityGroup, []Rule, error) {
	g, err := e.ingressGroup(c, form)
	if err != nil {
		return nil, nil, err
	}
	rules, err := rulesFrom(form)
	return g, rules, err
}

func (e *Service) authorizeIngress(c *awsproto.Call, form url.Values) (any, error) {
	g, rules, err := e.ingressRules(c, form)
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		if r.SourceGroupID != "" && e.state().SecurityGroups[r.SourceGroupID] == nil {
			return nil, awsproto.ClientErr("InvalidGroup.NotFound", "The security group '%s' does not exist", r.SourceGroupID)
		}
		for _, have := range g.Ingress {
			if sameRule(have, r) {
				return nil, awsproto.ClientErr("InvalidPermission.Duplicate",
					"the specified rule \"peer: %s, %s, ALLOW\" already exists", r.source(), r.ports())
			}
		}
	}
	out := &struct {
		awsproto.EC2Meta
		Return bool        `xml:"return"`
		Rules  []sgRuleXML `xml:"securityGroupRuleSet>item"`
	}{Return: true}
	for _, r := range rules {
		r.ID = "sgr-" + awsproto.HexID(17)
		g.Ingress = append(g.Ingress, r)
		out.Rules = append(out.Rules, sgRuleOut(g, false, r))
	}
	c.Changed()
	return out, nil
}

func (e *Service) revokeIngress(c *awsproto.Call, form url.Values) (any, error) {
	g, rules, err := e.ingressRules(c, form)
	if err != nil {
		return nil, err
	}
	ids := awsproto.QueryList(form, "SecurityGroupRuleId", "")
	for _, id := range ids {
		if !slices.ContainsFunc(g.Ingress, func(have Rule) bool { return ruleID(g.ID, false, have) == id }) {
			return nil, awsproto.ClientErr("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '%s' does not exist", id)
		}
	}
	for _, r := range rules {
		if !slices.ContainsFunc(g.Ingress, func(have Rule) bool { return sameRule(have, r) }) {
			return nil, awsproto.ClientErr("InvalidPermission.NotFound", "The specified rule does not exist in this security group.")
		}
	}
	g.Ingress = slices.DeleteFunc(g.Ingress, func(have Rule) bool {
		return slices.Contains(ids, ruleID(g.ID, false, have)) ||
			slices.ContainsFunc(rules, func(r Rule) bool { return sameRule(have, r) })
	})
	c.Changed()
	return &struct {
		awsproto.EC2Meta
		Return bool `xml:"return"`
	}{Return: true}, nil
}

// sgRuleXML is EC2's SecurityGroupRule.
type sgRuleXML struct {
	ID         string       `xml:"securityGroupRuleId"`
	GroupID    string       `xml:"groupId"`
	OwnerID    string       `xml:"groupOwnerId"`
	IsEgress   bool         `xml:"isEgress"`
	Protocol   string       `xml:"ipProtocol"`
	FromPort   int          `xml:"fromPort"`
	ToPort     int          `xml:"toPort"`
	CidrIPv4   string       `xml:"cidrIpv4,omitempty"`
	CidrIPv6   string       `xml:"cidrIpv6,omitempty"`
	Referenced *refGroupXML `xml:"referencedGroupInfo,omitempty"`
	Desc       string       `xml:"description,omitempty"`
	Tags       []tagXML     `xml:"tagSet>item"`
}

type refGroupXML struct {
	GroupID string `xml:"groupId"`
	UserID  string `xml:"userId"`
}

func sgRuleOut(g *SecurityGroup, egress bool, r Rule) sgRuleXML {
	x := sgRuleXML{ID: ruleID(g.ID, egress, r), GroupID: g.ID, OwnerID: awsproto.Account, IsEgress: egress,
		Protocol: normProtocol(r.Protocol), FromPort: r.FromPort, ToPort: r.ToPort, Desc: r.Description, Tags: []tagXML{}}
	if x.Protocol == "-1" {
		x.FromPort, x.ToPort = -1, -1
	}
	switch {
	case strings.Contains(r.CidrIP, ":"):
		x.CidrIPv6 = r.CidrIP
	case r.CidrIP != "":
		x.CidrIPv4 = r.CidrIP
	case r.SourceGroupID != "":
		x.Referenced = &refGroupXML{GroupID: r.SourceGroupID, UserID: awsproto.Account}
	}
	return x
}

func (e *Service) describeRules(c *awsproto.Call, form url.Values) (any, error) {
	st := e.state()
	ids := awsproto.QueryList(form, "SecurityGroupRuleId", "")
	filters := awsproto.EC2Filters(form)
	out := &struct {
		awsproto.EC2Meta
		Rules []sgRuleXML `xml:"securityGroupRuleSet>item"`
	}{Rules: []sgRuleXML{}}
	for _, gid := range awsproto.SortedKeys(st.SecurityGroups) {
		g := st.SecurityGroups[gid]
		if g.Region != c.Region {
			continue
		}
		for _, egress := range []bool{false, true} {
			rules := g.Ingress
			if egress {
				rules = g.Egress
			}
			for _, r := range rules {
				x := sgRuleOut(g, egress, r)
				if len(ids) > 0 && !slices.Contains(ids, x.ID) {
					continue
				}
				if !matches(filters, nil, func(name string) []string {
					switch name {
					case "group-id":
						return []string{g.ID}
					case "security-group-rule-id":
						return []string{x.ID}
					}
					return nil
				}) {
					continue
				}
				out.Rules = append(out.Rules, x)
			}
		}
	}
	return out, nil
}

// source and ports word a rule as EC2's errors do.
func (r Rule) source() string {
	if r.SourceGroupID != "" {
		return r.SourceGroupID
	}
	return r.CidrIP
}

func (r Rule) ports() string {
	if normProtocol(r.Protocol) == "-1" {
		return "ALL"
	}
	return normProtocol(r.Protocol) + " " + strconv.Itoa(r.FromPort) + "-" + strconv.Itoa(r.ToPort)
}
