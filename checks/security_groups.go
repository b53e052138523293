package checks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// ingress is one source of one ingress permission of a security group.
type ingress struct {
	group    string
	protocol string // tcp, udp, icmp, -1 (all)
	from, to int32
	// cidr or sourceGroup (or prefixList) is the source.
	cidr, sourceGroup, prefixList string
}

// ingresses flattens a group's permissions into one entry per source.
func ingresses(g ec2types.SecurityGroup) []ingress {
	var out []ingress
	for _, p := range g.IpPermissions {
		base := ingress{group: aws.ToString(g.GroupId), protocol: aws.ToString(p.IpProtocol),
			from: aws.ToInt32(p.FromPort), to: aws.ToInt32(p.ToPort)}
		for _, r := range p.IpRanges {
			in := base
			in.cidr = aws.ToString(r.CidrIp)
			out = append(out, in)
		}
		for _, r := range p.Ipv6Ranges {
			in := base
			in.cidr = aws.ToString(r.CidrIpv6)
			out = append(out, in)
		}
		for _, r := range p.UserIdGroupPairs {
			in := base
			in.sourceGroup = aws.ToString(r.GroupId)
			out = append(out, in)
		}
		for _, r := range p.PrefixListIds {
			in := base
			in.prefixList = aws.ToString(r.PrefixListId)
			out = append(out, in)
		}
	}
	return out
}

func (in ingress) allPorts() bool {
	return in.protocol == "-1" || in.from <= 0 && in.to >= 65535 || in.from == -1 && in.to == -1 && in.protocol != "icmp"
}

func (in ingress) covers(port int32) bool {
	return in.allPorts() || (in.protocol == "tcp" || in.protocol == "6") && in.from <= port && port <= in.to
}

func (in ingress) fromInternet() bool { return in.cidr == "0.0.0.0/0" || in.cidr == "::/0" }

func (in ingress) source() string {
	switch {
	case in.cidr != "":
		return in.cidr
	case in.sourceGroup != "":
		return in.sourceGroup
	}
	return in.prefixList
}

// String words the rule: "tcp 22 from 0.0.0.0/0", "all traffic from sg-1".
func (in ingress) String() string {
	ports := fmt.Sprintf("%s %d-%d", in.protocol, in.from, in.to)
	switch {
	case in.protocol == "-1":
		ports = "all traffic"
	case in.from == in.to:
		ports = fmt.Sprintf("%s %d", in.protocol, in.from)
	}
	return ports + " from " + in.source()
}

// revoke is the AWS CLI command that removes the rule.
func (in ingress) revoke(x fixer) string {
	perm := "IpProtocol=" + in.protocol
	if in.protocol != "-1" {
		perm += fmt.Sprintf(",FromPort=%d,ToPort=%d", in.from, in.to)
	}
	switch {
	case strings.Contains(in.cidr, ":"):
		perm += ",Ipv6Ranges=[{CidrIpv6=" + in.cidr + "}]"
	case in.cidr != "":
		perm += ",IpRanges=[{CidrIp=" + in.cidr + "}]"
	case in.sourceGroup != "":
		perm += ",UserIdGroupPairs=[{GroupId=" + in.sourceGroup + "}]"
	default:
		perm += ",PrefixListIds=[{PrefixListId=" + in.prefixList + "}]"
	}
	return x.aws("ec2 revoke-security-group-ingress --group-id", in.group, "--ip-permissions", "'"+perm+"'")
}

// needGroup returns a security group named by a stack output, or the
// outcome to report without it.
func needGroup(f *facts, key string) (ec2types.SecurityGroup, *outcome) {
	id, o := needOutput(f, key)
	if o != nil {
		if key == "LoadBalancerSecurityGroup" && o.status == workshop.StatusSkip {
			u := fail("the stack has no LoadBalancerSecurityGroup output", "Update the stack with the workshop's template: it names the load balancer's group.", f.fix.deployStack())
			return ec2types.SecurityGroup{}, &u
		}
		return ec2types.SecurityGroup{}, o
	}
	groups, err := f.getSecurityGroups()
	if err != nil {
		o := failed(err)
		return ec2types.SecurityGroup{}, &o
	}
	for _, g := range groups {
		if aws.ToString(g.GroupId) == id {
			return g, nil
		}
	}
	u := fail(fmt.Sprintf("security group %s (output %s) is not in the stack's VPC", id, key),
		"The stack's groups were changed by hand; update the stack with the workshop's template.", f.fix.deployStack())
	return ec2types.SecurityGroup{}, &u
}

// taskGroupPrivate judges the tasks' group: port 3000 from the load
// balancer's group and nothing else.
func taskGroupPrivate(f *facts) outcome {
	tasks, o := needGroup(f, "ServiceSecurityGroup")
	if o != nil {
		return *o
	}
	lb, o := needGroup(f, "LoadBalancerSecurityGroup")
	if o != nil {
		return *o
	}
	taskID, lbID := aws.ToString(tasks.GroupId), aws.ToString(lb.GroupId)
	var extra, fixes []string
	fromLB := false
	for _, in := range ingresses(tasks) {
		if in.sourceGroup == lbID && (in.protocol == "tcp" || in.protocol == "6") && in.from == workshop.AppPort && in.to == workshop.AppPort {
			fromLB = true
			continue
		}
		extra = append(extra, in.String())
		fixes = append(fixes, in.revoke(f.fix))
	}
	if !fromLB {
		fixes = append(fixes, f.fix.aws("ec2 authorize-security-group-ingress --group-id", taskID,
			"--protocol tcp --port 3000 --source-group", lbID))
	}
	if len(extra) == 0 && fromLB {
		return pass(fmt.Sprintf("%s admits only tcp 3000 from the load balancer's group %s", taskID, lbID), taskID)
	}
	var observed []string
	if len(extra) > 0 {
		observed = append(observed, taskID+" also admits "+strings.Join(extra, ", "))
	}
	if !fromLB {
		observed = append(observed, taskID+" does not admit tcp 3000 from the load balancer's group "+lbID)
	}
	return fail(strings.Join(observed, "; "),
		"Only the load balancer should reach the tasks: every other way in bypasses its rules, logs and WAF. Run 'workshop run security/tighten-groups'.",
		strings.Join(fixes, " && "), taskID)
}

// lbGroupWebOnly judges the load balancer's group: HTTP and HTTPS only.
func lbGroupWebOnly(f *facts) outcome {
	lb, o := needGroup(f, "LoadBalancerSecurityGroup")
	if o != nil {
		return *o
	}
	id := aws.ToString(lb.GroupId)
	var ok, extra, fixes []string
	for _, in := range ingresses(lb) {
		if (in.protocol == "tcp" || in.protocol == "6") && in.from == in.to && (in.from == 80 || in.from == 443) {
			ok = append(ok, in.String())
			continue
		}
		extra = append(extra, in.String())
		fixes = append(fixes, in.revoke(f.fix))
	}
	if len(extra) > 0 {
		return fail(id+" admits "+strings.Join(extra, ", "),
			"A public load balancer needs ports 80 and 443 only; anything else is an open door to nothing but trouble. Run 'workshop run security/tighten-groups'.",
			strings.Join(fixes, " && "), id)
	}
	if len(ok) == 0 {
		return pass(id+" admits nothing (the load balancer is unreachable, but not exposed)", id)
	}
	return pass(id+" admits "+strings.Join(ok, ", "), id)
}

// noOpenAdminPorts looks at every group of the stack's VPC for SSH, RDP or
// all ports open to the internet.
func noOpenAdminPorts(f *facts) outcome {
	if _, o := needOutput(f, "VPCId"); o != nil {
		return *o
	}
	groups, err := f.getSecurityGroups()
	if err != nil {
		return failed(err)
	}
	var open, fixes, ids []string
	for _, g := range groups {
		for _, in := range ingresses(g) {
			if !in.fromInternet() || !(in.allPorts() || in.covers(22) || in.covers(3389)) {
				continue
			}
			open = append(open, in.group+" admits "+in.String())
			fixes = append(fixes, in.revoke(f.fix))
			ids = append(ids, in.group)
		}
	}
	if len(open) > 0 {
		return fail(strings.Join(open, "; "),
			"Fargate tasks need no SSH: use 'aws ecs execute-command' to get a shell. All ports open to the internet undo every other rule.",
			strings.Join(fixes, " && "), ids...)
	}
	return pass(fmt.Sprintf("none of the %d security group(s) of the VPC admits SSH, RDP or all ports from the internet", len(groups)))
}

// publicIPs reports the services whose tasks get public IP addresses: the
// workshop's trade-off (no NAT gateway) made visible.
func publicIPs(f *facts) outcome {
	_, svcs, o := needServices(f)
	if o != nil {
		return *o
	}
	var public []string
	for name, s := range svcs {
		if aws.ToString(s.Status) != "ACTIVE" || s.NetworkConfiguration == nil || s.NetworkConfiguration.AwsvpcConfiguration == nil {
			continue
		}
		if s.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp == ecstypes.AssignPublicIpEnabled {
			public = append(public, name)
		}
	}
	sort.Strings(public)
	if len(public) == 0 {
		return pass("no service gives its tasks a public IP address")
	}
	return warn("public IP addresses on the tasks of: "+strings.Join(public, ", "),
		"The trade-off: the workshop runs tasks in public subnets with public IPs so they can pull images without a NAT gateway (about 32 USD a month). "+
			"The task security group still admits only the load balancer, so nothing else reaches them. In production, use private subnets with a NAT gateway or VPC endpoints, and assignPublicIp=DISABLED.",
		"")
}
