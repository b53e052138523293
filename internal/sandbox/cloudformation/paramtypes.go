package cloudformation

import (
	"fmt"
	"sort"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/cfn"
)

// CloudFormation checks the values of AWS-specific parameter types against
// the account, and resolves the SSM parameter types from Parameter Store,
// before it creates anything: a template's AWS::SSM::Parameter::Value<…>
// parameter holds a parameter's name, and Ref gives its value.

// ssmTypePrefix starts the SSM parameter types.
const ssmTypePrefix = "AWS::SSM::Parameter::Value<"

// resolveTyped replaces the values of SSM parameter types in resolved with
// what Parameter Store holds, and checks the EC2 ids of the AWS-specific
// types exist, in CloudFormation's words when not.
func (f *Service) resolveTyped(region string, t *cfn.Template, resolved map[string]any) (map[string]any, error) {
	res := f.res
	out := make(map[string]any, len(resolved))
	var missing []string
	for _, name := range sortedParams(t) {
		v, ok := resolved[name]
		if !ok {
			continue
		}
		out[name] = v
		typ := t.Parameters[name].Type
		if inner, ok := strings.CutPrefix(typ, ssmTypePrefix); ok {
			key := scalar(v)
			p := res.SSM().Lookup(region, key)
			if p == nil {
				missing = append(missing, key)
				continue
			}
			out[name] = p.Value
			if strings.HasPrefix(inner, "List<") || strings.HasPrefix(inner, "CommaDelimitedList") {
				list := []any{}
				for _, part := range strings.Split(p.Value, ",") {
					list = append(list, strings.TrimSpace(part))
				}
				out[name] = list
			}
			continue
		}
		if err := f.checkEC2Param(name, typ, v); err != nil {
			return nil, err
		}
	}
	for name, v := range resolved { // pseudo or unknown names pass as they are
		if _, ok := out[name]; !ok {
			out[name] = v
		}
	}
	if len(missing) > 0 {
		return nil, validationErr("Unable to fetch parameters [%s] from parameter store for this account.", strings.Join(missing, ","))
	}
	return out, nil
}

// checkEC2Param checks that the VPC, subnet and security group ids of
// those parameter types exist in EC2 (a list type: each of them).
func (f *Service) checkEC2Param(name, typ string, v any) error {
	elem := strings.TrimSuffix(strings.TrimPrefix(typ, "List<"), ">")
	e := f.res.EC2()
	exists := map[string]func(string) bool{
		"AWS::EC2::VPC::Id":           func(id string) bool { return e.VPCs[id] != nil },
		"AWS::EC2::Subnet::Id":        func(id string) bool { return e.Subnets[id] != nil },
		"AWS::EC2::SecurityGroup::Id": func(id string) bool { return e.SecurityGroups[id] != nil },
	}[elem]
	if exists == nil {
		return nil
	}
	values := []string{scalar(v)}
	if list, ok := v.([]any); ok {
		values = values[:0]
		for _, x := range list {
			values = append(values, scalar(x))
		}
	}
	for _, id := range values {
		if !exists(id) {
			return validationErr("%s", fmt.Sprintf("Parameter validation failed: parameter value %s for parameter name %s does not exist", id, name))
		}
	}
	return nil
}

// sortedParams are the template's parameter names in order.
func sortedParams(t *cfn.Template) []string {
	names := make([]string, 0, len(t.Parameters))
	for k := range t.Parameters {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
