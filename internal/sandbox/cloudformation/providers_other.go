package cloudformation

import (
	"encoding/json"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecr"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecs"
	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
	"github.com/breakthemonolith/workshop/internal/sandbox/iam"
	"github.com/breakthemonolith/workshop/internal/sandbox/logs"
)

func createCluster(p *provCall, props map[string]any) (created, error) {
	name := str(props, "ClusterName")
	if name == "" {
		name = p.name(255)
	}
	key := p.region + "/" + name
	if c := p.res.ECS().Clusters[key]; c != nil && c.Status == "ACTIVE" {
		return created{}, p.handlerErr("Ecs", "AlreadyExists", "Cluster %s already exists", name)
	}
	c := &ecs.Cluster{Name: name, Region: p.region, Status: "ACTIVE", CapacityProviders: strList(props, "CapacityProviders"),
		Tags: tagsProp(props), CreatedAt: p.now}
	p.res.ECS().Clusters[key] = c
	return created{id: name, attrs: map[string]string{"Arn": c.ARN()}}, nil
}

func deleteCluster(p *provCall, id string, _ map[string]string) error {
	prefix := p.region + "/" + id + "/"
	for key, s := range p.res.ECS().Services {
		if strings.HasPrefix(key, prefix) && s.Status == "ACTIVE" {
			return p.handlerErr("Ecs", "GeneralServiceException", "The Cluster cannot be deleted while Services are active.")
		}
	}
	for key := range p.res.ECS().Services {
		if strings.HasPrefix(key, prefix) {
			delete(p.res.ECS().Services, key)
		}
	}
	for _, ci := range p.res.ECS().InstancesOf(p.region, id) {
		if ci.Status != "INACTIVE" {
			return p.handlerErr("Ecs", "GeneralServiceException", "The Cluster cannot be deleted while Container Instances are active or draining.")
		}
	}
	for _, ci := range p.res.ECS().InstancesOf(p.region, id) {
		delete(p.res.ECS().Instances, p.region+"/"+id+"/"+ci.ID)
	}
	// Tasks still running (a deleted service's, draining) are told to
	// stop and kept until the task runner has stopped their containers;
	// forgetting them would leave the containers running.
	for key, t := range p.res.ECS().Tasks {
		if !strings.HasPrefix(key, prefix) {
			continue
		}
		if t.LastStatus == "STOPPED" {
			delete(p.res.ECS().Tasks, key)
		} else if t.DesiredStatus != "STOPPED" {
			at := p.now
			t.DesiredStatus, t.StopCode, t.StoppedReason, t.StoppingAt = "STOPPED", "ServiceSchedulerInitiated", "The cluster was deleted", &at
		}
	}
	delete(p.res.ECS().Clusters, p.region+"/"+id)
	return nil
}

func createLoadBalancer(p *provCall, props map[string]any) (created, error) {
	name := str(props, "Name")
	if name == "" {
		name = p.name(32)
		name = strings.TrimRight(name[:min(len(name), 32)], "-")
	}
	typ := str(props, "Type")
	if typ == "" {
		typ = "application"
	}
	scheme := str(props, "Scheme")
	if scheme == "" {
		scheme = "internet-facing"
	}
	for _, lb := range p.res.ELB().LoadBalancers {
		if lb.Region == p.region && lb.Name == name {
			return created{}, p.handlerErr("ElasticLoadBalancingV2", "AlreadyExists",
				"A load balancer with the same name '%s' exists, but with different settings", name)
		}
	}
	subnets := strList(props, "Subnets")
	for _, m := range listOfMaps(props["SubnetMappings"]) {
		subnets = append(subnets, str(m, "SubnetId"))
	}
	if len(subnets) == 0 {
		return created{}, p.handlerErr("ElasticLoadBalancingV2", "InvalidRequest", "At least two subnets in two different Availability Zones must be specified")
	}
	vpcID := ""
	zones := map[string]bool{}
	for _, id := range subnets {
		s := p.res.EC2().Subnets[id]
		if s == nil {
			return created{}, p.handlerErr("ElasticLoadBalancingV2", "InvalidRequest", "The subnet ID '%s' is not valid", id)
		}
		vpcID = s.VpcID
		zones[s.AvailabilityZone] = true
	}
	if typ == "application" && len(zones) < 2 {
		return created{}, p.handlerErr("ElasticLoadBalancingV2", "InvalidRequest",
			"At least two subnets in two different Availability Zones must be specified")
	}
	groups := strList(props, "SecurityGroups")
	if len(groups) == 0 && typ == "application" {
		if v := p.res.EC2().VPCs[vpcID]; v != nil {
			groups = []string{v.DefaultSecurityGrp}
		}
	}
	port, err := p.res.Ports.Allocate()
	if err != nil {
		return created{}, p.handlerErr("ElasticLoadBalancingV2", "InternalFailure", "no local port for the load balancer: %v", err)
	}
	id := awsproto.HexID(16)
	lb := &elbv2.LoadBalancer{Name: name, Region: p.region, Type: typ, Scheme: scheme, VpcID: vpcID, Subnets: subnets,
		SecurityGroups: groups, ID: id, CreatedAt: p.now, Tags: tagsProp(props),
		DNSName: p.res.Ports.Address(port), LocalPort: port}
	arn := lb.ARN()
	p.res.ELB().LoadBalancers[arn] = lb
	return created{id: arn, attrs: map[string]string{"DNSName": lb.DNSName, "LoadBalancerFullName": lb.FullName(),
		"LoadBalancerName": name, "CanonicalHostedZoneID": elbv2.HostedZone, "LoadBalancerArn": arn,
		"SecurityGroups": strings.Join(groups, ",")}}, nil
}

// listOfMaps reads a list of objects.
func listOfMaps(v any) []map[string]any { return awsproto.ListOfMaps(v) }

func deleteLoadBalancer(p *provCall, id string, _ map[string]string) error {
	p.res.ELB().DropLoadBalancer(id)
	return nil
}

func createRole(p *provCall, props map[string]any) (created, error) {
	doc, ok := props["AssumeRolePolicyDocument"]
	if !ok {
		return created{}, p.propErr("required key [AssumeRolePolicyDocument] not found")
	}
	var policy string
	if s, ok := doc.(string); ok {
		policy = s
	} else {
		b, _ := json.Marshal(doc)
		policy = string(b)
	}
	name := str(props, "RoleName")
	if name == "" {
		name = p.name(64)
	}
	if p.res.IAM().Roles[name] != nil || name == iam.ECSServiceLinkedRole {
		return created{}, p.handlerErr("Iam", "AlreadyExists", "Role with name %s already exists.", name)
	}
	path := str(props, "Path")
	if path == "" {
		path = "/"
	}
	maxSession, err := p.intProp(props, "MaxSessionDuration", 3600)
	if err != nil {
		return created{}, err
	}
	r := &iam.Role{Name: name, Path: path, ID: "AROA" + awsproto.UpperAlnum(17), AssumeRolePolicy: policy,
		Description: str(props, "Description"), ManagedPolicies: strList(props, "ManagedPolicyArns"),
		MaxSessionDuration: maxSession, Tags: tagsProp(props), CreatedAt: p.now}
	p.res.IAM().Roles[name] = r
	return created{id: name, attrs: map[string]string{"Arn": r.ARN(), "RoleId": r.ID}}, nil
}

func deleteRole(p *provCall, id string, _ map[string]string) error {
	delete(p.res.IAM().Roles, id)
	return nil
}

func createLogGroup(p *provCall, props map[string]any) (created, error) {
	name := str(props, "LogGroupName")
	if name == "" {
		name = p.name(512)
	}
	key := p.region + "/" + name
	if p.res.Logs().Groups[key] != nil {
		return created{}, p.handlerErr("CloudWatchLogs", "AlreadyExists", "Resource of type 'AWS::Logs::LogGroup' with identifier '%s' already exists.", name)
	}
	days, err := p.intProp(props, "RetentionInDays", 0)
	if err != nil {
		return created{}, err
	}
	p.res.Logs().Groups[key] = &logs.Group{Name: name, Region: p.region, RetentionDays: days, CreatedAt: p.now, Tags: tagsProp(props)}
	return created{id: name, attrs: map[string]string{"Arn": "arn:aws:logs:" + p.region + ":" + awsproto.Account + ":log-group:" + name + ":*"}}, nil
}

func deleteLogGroup(p *provCall, id string, _ map[string]string) error {
	delete(p.res.Logs().Groups, p.region+"/"+id)
	return nil
}

func createRepository(p *provCall, props map[string]any) (created, error) {
	name := str(props, "RepositoryName")
	if name == "" {
		name = strings.ToLower(p.name(256))
	}
	if !ecr.ValidRepoName(name) {
		return created{}, p.propErr("#/RepositoryName: failed validation constraint for keyword [pattern]")
	}
	if p.res.ECR()[p.region] == nil {
		p.res.ECR()[p.region] = map[string]*ecr.Repository{}
	}
	if p.res.ECR()[p.region][name] != nil {
		return created{}, p.handlerErr("Ecr", "AlreadyExists", "Resource of type 'AWS::ECR::Repository' with identifier '%s' already exists.", name)
	}
	mut := str(props, "ImageTagMutability")
	if mut == "" {
		mut = "MUTABLE"
	}
	scan, _ := props["ImageScanningConfiguration"].(map[string]any)
	p.res.ECR()[p.region][name] = &ecr.Repository{Name: name, Region: p.region, CreatedAt: p.now, TagMutability: mut,
		ScanOnPush: boolProp(scan, "ScanOnPush"), EncryptionType: "AES256", Tags: ecrTags(tagsProp(props)),
		EmptyOnDelete: boolProp(props, "EmptyOnDelete")}
	return created{id: name, attrs: map[string]string{"Arn": ecr.RepoARN(p.region, name),
		"RepositoryUri": p.res.RegistryAddr() + "/" + name}}, nil
}

// ecrTags converts resource tags to ECR's.
func ecrTags(in []awsproto.Tag) []ecr.Tag {
	var out []ecr.Tag
	for _, t := range in {
		out = append(out, ecr.Tag(t))
	}
	return out
}

func deleteRepositoryResource(p *provCall, id string, _ map[string]string) error {
	r := p.res.ECR()[p.region][id]
	if r == nil {
		return nil
	}
	if len(r.Images) > 0 && !r.EmptyOnDelete {
		return p.handlerErr("Ecr", "GeneralServiceException",
			"The repository with name '%s' in registry with id '%s' cannot be deleted because it still contains images", id, awsproto.Account)
	}
	delete(p.res.ECR()[p.region], id)
	return nil
}
