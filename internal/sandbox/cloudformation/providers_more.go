package cloudformation

import (
	"slices"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/ec2"
)

// The resource types every CDK app and the original tutorial's template
// use beside the workshop's own: the CDK's metadata, inline IAM policies,
// instance profiles and security group egress rules (issue 18, item 3).

// createCDKMetadata records the CDK's analytics resource, which makes
// nothing in AWS either.
func createCDKMetadata(p *provCall, _ map[string]any) (created, error) {
	id := awsproto.HexID(32)
	return created{id: id[:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:]}, nil
}

func deleteNothing(*provCall, string, map[string]string) error { return nil }

// createPolicy attaches an inline policy to roles: the roles must exist;
// the sandbox does not evaluate policies, so it records which roles have it.
func createPolicy(p *provCall, props map[string]any) (created, error) {
	name, err := p.required(props, "PolicyName")
	if err != nil {
		return created{}, err
	}
	if _, ok := props["PolicyDocument"]; !ok {
		return created{}, p.propErr("required key [PolicyDocument] not found")
	}
	roles := strList(props, "Roles")
	if len(roles) == 0 && len(strList(props, "Users")) == 0 && len(strList(props, "Groups")) == 0 {
		return created{}, p.propErr("At least one of [Groups,Roles,Users] must be non-empty.")
	}
	for _, r := range roles {
		if p.res.IAM().Roles[r] == nil {
			return created{}, p.handlerErr("Iam", "NotFound", "The role with name %s cannot be found.", r)
		}
	}
	return created{id: p.stack[:min(len(p.stack), 5)] + "-" + name[:min(len(name), 5)] + "-" + awsproto.UpperAlnum(12)}, nil
}

// createInstanceProfile makes an instance profile for a role; Ref is its
// name and Arn its ARN.
func createInstanceProfile(p *provCall, props map[string]any) (created, error) {
	roles := strList(props, "Roles")
	if len(roles) != 1 {
		return created{}, p.propErr("#/Roles: expected maximum item count: 1, found: %d", len(roles))
	}
	if p.res.IAM().Roles[roles[0]] == nil {
		return created{}, p.handlerErr("Iam", "NotFound", "The role with name %s cannot be found.", roles[0])
	}
	name := str(props, "InstanceProfileName")
	if name == "" {
		name = p.name(128)
	}
	path := str(props, "Path")
	if path == "" {
		path = "/"
	}
	return created{id: name, attrs: map[string]string{"Arn": "arn:aws:iam::" + awsproto.Account + ":instance-profile" + path + name}}, nil
}

// createEgress adds an egress rule to a security group, as
// AWS::EC2::SecurityGroupIngress adds an ingress one.
func createEgress(p *provCall, props map[string]any) (created, error) {
	return createGroupRule(p, props, true)
}

func deleteEgress(p *provCall, id string, attrs map[string]string) error {
	if sg := p.res.EC2().SecurityGroups[attrs["group"]]; sg != nil {
		sg.Egress = slices.DeleteFunc(sg.Egress, func(r ec2.Rule) bool { return r.ID == id })
	}
	return nil
}
