package cloudformation

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// provider creates and deletes the resources of one CloudFormation type in
// the sandbox's state. A resource's Ref value is its physical id; its
// GetAtt attributes are what create returns.
type provider struct {
	// create makes the resource from its evaluated properties.
	create func(p *provCall, props map[string]any) (created, error)
	// delete removes it; a resource already gone is no error.
	delete func(p *provCall, physicalID string, attrs map[string]string) error
	// iam marks the types that need CAPABILITY_IAM.
	iam bool
}

// created is what a provider's create returns.
type created struct {
	// id is the physical id, the value of Ref.
	id string
	// attrs are the Fn::GetAtt attributes by name.
	attrs map[string]string
}

// provCall is one provider invocation: the services it makes resources
// in, the request's region and time, and the stack and logical id it works
// for.
type provCall struct {
	res     *Resources
	region  string
	now     time.Time
	stack   string
	logical string
}

// providers returns the resource types the sandbox can create.
func providers() map[string]provider {
	return map[string]provider{
		"AWS::EC2::VPC":                             {create: createVPC, delete: deleteVPC},
		"AWS::EC2::Subnet":                          {create: createSubnet, delete: deleteSubnet},
		"AWS::EC2::InternetGateway":                 {create: createIGW, delete: deleteIGW},
		"AWS::EC2::VPCGatewayAttachment":            {create: createGatewayAttachment, delete: deleteGatewayAttachment},
		"AWS::EC2::RouteTable":                      {create: createRouteTable, delete: deleteRouteTable},
		"AWS::EC2::Route":                           {create: createRoute, delete: deleteRoute},
		"AWS::EC2::SubnetRouteTableAssociation":     {create: createAssociation, delete: deleteAssociation},
		"AWS::EC2::SecurityGroup":                   {create: createSecurityGroup, delete: deleteSecurityGroup},
		"AWS::EC2::SecurityGroupIngress":            {create: createIngress, delete: deleteIngress},
		"AWS::ECS::Cluster":                         {create: createCluster, delete: deleteCluster},
		"AWS::ECS::TaskDefinition":                  {create: createTaskDefinition, delete: deleteTaskDefinition},
		"AWS::ECS::Service":                         {create: createECSService, delete: deleteECSService},
		"AWS::ElasticLoadBalancingV2::LoadBalancer": {create: createLoadBalancer, delete: deleteLoadBalancer},
		"AWS::ElasticLoadBalancingV2::TargetGroup":  {create: createTargetGroupResource, delete: deleteTargetGroupResource},
		"AWS::ElasticLoadBalancingV2::Listener":     {create: createListenerResource, delete: deleteListenerResource},
		"AWS::ElasticLoadBalancingV2::ListenerRule": {create: createListenerRule, delete: deleteListenerRule},
		"AWS::IAM::Role":                            {create: createRole, delete: deleteRole, iam: true},
		"AWS::Logs::LogGroup":                       {create: createLogGroup, delete: deleteLogGroup},
		"AWS::ECR::Repository":                      {create: createRepository, delete: deleteRepositoryResource},
		"AWS::EC2::SecurityGroupEgress":             {create: createEgress, delete: deleteEgress},
		"AWS::IAM::Policy":                          {create: createPolicy, delete: deleteNothing, iam: true},
		"AWS::IAM::InstanceProfile":                 {create: createInstanceProfile, delete: deleteNothing, iam: true},
		"AWS::CDK::Metadata":                        {create: createCDKMetadata, delete: deleteNothing},
		"AWS::SecretsManager::Secret":               {create: createSecret, delete: deleteSecret},
		"AWS::WAFv2::WebACL":                        {create: createWebACL, delete: deleteWebACL},
		"AWS::WAFv2::WebACLAssociation":             {create: createWebACLAssociation, delete: deleteWebACLAssociation},
		"AWS::AutoScaling::AutoScalingGroup":        {create: createAutoScalingGroup, delete: deleteAutoScalingGroup},
		"AWS::AutoScaling::LaunchConfiguration":     {create: createLaunchConfig, delete: deleteLaunchConfig},
		"AWS::EC2::EIP":                             {create: createEIP, delete: deleteEIP},
		"AWS::EC2::NatGateway":                      {create: createNatGateway, delete: deleteNatGateway},
		"AWS::EC2::LaunchTemplate":                  {create: createLaunchTemplate, delete: deleteLaunchTemplate},
		"AWS::RDS::DBSubnetGroup":                   {create: createDBSubnetGroup, delete: deleteDBSubnetGroup},
		"AWS::RDS::DBInstance":                      {create: createDBInstance, delete: deleteDBInstance},
	}
}

// supportedTypes is the set of types providers serves, for cfn.Validate.
func supportedTypes(ps map[string]provider) map[string]bool {
	out := make(map[string]bool, len(ps))
	for t := range ps {
		out[t] = true
	}
	return out
}

// propErr is CloudFormation's message for properties that fail the type's
// schema.
func (p *provCall) propErr(format string, args ...any) error {
	return fmt.Errorf("Properties validation failed for resource %s with message: #: %s", p.logical, fmt.Sprintf(format, args...))
}

// handlerErr is CloudFormation's wrapping of an error the service returned.
func (p *provCall) handlerErr(service, code, format string, args ...any) error {
	return fmt.Errorf("Resource handler returned message: \"%s\" (Service: %s, Status Code: 400, Request ID: %s) (HandlerErrorCode: %s)",
		fmt.Sprintf(format, args...), service, awsproto.NewRequestID(), code)
}

// name returns the name CloudFormation generates for a resource without
// one: stack-logical-RANDOM, shortened to at most max characters.
func (p *provCall) name(max int) string {
	suffix := "-" + awsproto.UpperAlnum(12)
	stack, logical := p.stack, p.logical
	for len(stack)+1+len(logical)+len(suffix) > max && (len(stack) > 1 || len(logical) > 1) {
		if len(stack) >= len(logical) {
			stack = stack[:len(stack)-1]
		} else {
			logical = logical[:len(logical)-1]
		}
	}
	return stack + "-" + logical + suffix
}

// scalar renders an evaluated scalar property as a string ("" when absent).
func scalar(v any) string { return awsproto.Scalar(v) }

// str reads a string property.
func str(props map[string]any, key string) string { return scalar(props[key]) }

// required reads a string property that must be present.
func (p *provCall) required(props map[string]any, key string) (string, error) {
	v := str(props, key)
	if v == "" {
		return "", p.propErr("required key [%s] not found", key)
	}
	return v, nil
}

// strList reads a list of strings property.
func strList(props map[string]any, key string) []string { return awsproto.StrList(props, key) }

// boolProp reads a boolean property given as a bool or "true"/"false".
func boolProp(props map[string]any, key string) bool {
	return strings.EqualFold(scalar(props[key]), "true")
}

// intProp reads an integer property given as a number or a numeric
// string, def when absent.
func (p *provCall) intProp(props map[string]any, key string, def int) (int, error) {
	s := scalar(props[key])
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, p.propErr("#/%s: expected type: Integer, found: String", key)
	}
	return n, nil
}

// tagsProp reads a Tags property: a list of {Key, Value}.
func tagsProp(props map[string]any) []awsproto.Tag {
	list, _ := props["Tags"].([]any)
	var out []awsproto.Tag
	for _, e := range list {
		m, _ := e.(map[string]any)
		if k := scalar(m["Key"]); k != "" {
			out = append(out, awsproto.Tag{Key: k, Value: scalar(m["Value"])})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
