package cloudformation

import (
	"net/url"
	"sort"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/cfn"
)

// Service serves CloudFormation's API. Every operation completes before
// it answers: a stack is CREATE_COMPLETE (or rolled back) by the time
// CreateStack returns, so waiters succeed on their first poll.
type Service struct {
	state func() *State
	res   *Resources
}

// New is CloudFormation's API over the state state returns (a func: a
// failed save swaps the whole state), making resources in res.
func New(state func() *State, res *Resources) *Service {
	return &Service{state: state, res: res}
}

// Register adds CloudFormation's operations to the router.
func (f *Service) Register(r *awsproto.Router) {
	r.HandleQuery(cfnVersion, cfnNamespace, map[string]awsproto.QueryOp{
		"CreateStack":            f.createStack,
		"UpdateStack":            f.updateStack,
		"DeleteStack":            f.deleteStack,
		"DescribeStacks":         f.describeStacks,
		"DescribeStackEvents":    f.describeStackEvents,
		"DescribeStackResources": f.describeStackResources,
		"ListStackResources":     f.listStackResources,
		"ListStacks":             f.listStacks,
		"DescribeStackResource":  f.describeStackResource,
		"GetTemplate":            f.getTemplate,
		"ValidateTemplate":       f.validateTemplate,
		"GetTemplateSummary":     f.getTemplateSummary,
		"CreateChangeSet":        f.createChangeSet,
		"DescribeChangeSet":      f.describeChangeSet,
		"ExecuteChangeSet":       f.executeChangeSet,
		"DeleteChangeSet":        f.deleteChangeSet,
		"ListChangeSets":         f.listChangeSets,
	})
}

// validationErr is CloudFormation's ValidationError.
func validationErr(format string, args ...any) *awsproto.Error {
	return awsproto.ClientErr("ValidationError", format, args...)
}

// stackARN is the id of a new stack.
func stackARN(region, name string) string {
	return "arn:aws:cloudformation:" + region + ":" + awsproto.Account + ":stack/" + name + "/" + awsproto.NewRequestID()
}

// validStackName checks CloudFormation's stack name pattern.
func validStackName(name string) error {
	ok := name != "" && len(name) <= 128 && (name[0] >= 'a' && name[0] <= 'z' || name[0] >= 'A' && name[0] <= 'Z')
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			ok = false
		}
	}
	if !ok {
		return validationErr("1 validation error detected: Value '%s' at 'stackName' failed to satisfy constraint: "+
			"Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*", name)
	}
	return nil
}

// findStack finds a stack of region: by ARN any stack, deleted ones
// included; by name the live one (REVIEW_IN_PROGRESS included).
func (f *Service) findStack(region, nameOrID string) *cfnStack {
	stacks := f.state().Stacks
	for i := len(stacks) - 1; i >= 0; i-- {
		st := stacks[i]
		if st.Region != region {
			continue
		}
		if strings.HasPrefix(nameOrID, "arn:") {
			if st.ID == nameOrID {
				return st
			}
		} else if st.Name == nameOrID && st.Status != "DELETE_COMPLETE" {
			return st
		}
	}
	return nil
}

// keptDeleted is how many deleted stacks the state keeps, for
// DescribeStacks by ARN; older ones are forgotten (AWS keeps them 90 days).
const keptDeleted = 100

// pruneDeleted forgets the oldest deleted stacks beyond keptDeleted.
func (f *Service) pruneDeleted() {
	stacks := f.state().Stacks
	deleted := 0
	for _, st := range stacks {
		if st.Status == "DELETE_COMPLETE" {
			deleted++
		}
	}
	out := stacks[:0]
	for _, st := range stacks {
		if st.Status == "DELETE_COMPLETE" && deleted > keptDeleted {
			deleted--
			continue
		}
		out = append(out, st)
	}
	f.state().Stacks = out
}

// liveStacks are the stacks of region that exist (not deleted).
func (f *Service) liveStacks(region string) []*cfnStack {
	var out []*cfnStack
	for _, st := range f.state().Stacks {
		if st.Region == region && st.Status != "DELETE_COMPLETE" {
			out = append(out, st)
		}
	}
	return out
}

// stackInput is a template with its parameters, capabilities and tags, as
// CreateStack, UpdateStack and CreateChangeSet receive them.
type stackInput struct {
	body     string
	tmpl     *cfn.Template
	resolved map[string]any
	params   map[string]string
	caps     []string
	tags     []awsproto.Tag
}

// maxTemplateBody is CloudFormation's limit on a TemplateBody (larger
// templates go through S3, which the sandbox does not serve).
const maxTemplateBody = 51200

// readTemplate reads TemplateBody (or the previous template with
// UsePreviousTemplate) and parses and validates it.
func (f *Service) readTemplate(form url.Values, prev *cfnStack) (string, *cfn.Template, error) {
	body := form.Get("TemplateBody")
	if body == "" && form.Get("UsePreviousTemplate") == "true" && prev != nil {
		body = prev.TemplateBody
	}
	if body == "" {
		if form.Get("TemplateURL") != "" {
			return "", nil, validationErr("TemplateURL is not supported by the sandbox: pass the template as TemplateBody")
		}
		return "", nil, validationErr("Either Template URL or Template Body must be specified.")
	}
	if len(body) > maxTemplateBody {
		return "", nil, validationErr("1 validation error detected: Value at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to %d", maxTemplateBody)
	}
	t, err := f.parse(body)
	return body, t, err
}

// parse parses and validates a template body, as a ValidationError.
func (f *Service) parse(body string) (*cfn.Template, error) {
	t, err := cfn.Parse([]byte(body))
	if err == nil {
		err = t.Validate(supportedTypes(providers()))
	}
	if err != nil {
		return nil, validationErr("%s", err.Error())
	}
	return t, nil
}

// readStackInput reads and checks a stack's template, parameters,
// capabilities and tags. prev is the stack being updated, or nil.
func (f *Service) readStackInput(form url.Values, prev *cfnStack) (*stackInput, error) {
	body, t, err := f.readTemplate(form, prev)
	if err != nil {
		return nil, err
	}
	in := &stackInput{body: body, tmpl: t, caps: awsproto.QueryList(form, "Capabilities", "member")}
	given := map[string]string{}
	for _, p := range awsproto.QueryStructs(form, "Parameters", "member") {
		key := p["ParameterKey"]
		if p["UsePreviousValue"] == "true" {
			v, ok := "", false
			if prev != nil {
				v, ok = prev.Params[key]
			}
			if !ok {
				return nil, validationErr("Invalid input for parameter key %s. Cannot specify usePreviousValue as true for a parameter key not in the previous template", key)
			}
			given[key] = v
			continue
		}
		given[key] = p["ParameterValue"]
	}
	if in.resolved, err = t.ResolveParameters(given); err != nil {
		return nil, validationErr("%s", err.Error())
	}
	in.params = paramStrings(in.resolved)
	if need := requiredCapability(t); need != "" && !hasCapability(in.caps, need) {
		return nil, awsproto.ClientErr("InsufficientCapabilitiesException", "Requires capabilities : [%s]", need)
	}
	for _, tag := range awsproto.QueryStructs(form, "Tags", "member") {
		in.tags = append(in.tags, awsproto.Tag{Key: tag["Key"], Value: tag["Value"]})
	}
	return in, nil
}

// paramStrings renders resolved parameters as strings, lists comma-joined.
func paramStrings(resolved map[string]any) map[string]string {
	out := make(map[string]string, len(resolved))
	for k, v := range resolved {
		if list, ok := v.([]any); ok {
			parts := make([]string, len(list))
			for i, e := range list {
				parts[i] = scalar(e)
			}
			out[k] = strings.Join(parts, ",")
			continue
		}
		out[k] = scalar(v)
	}
	return out
}

// requiredCapability is the capability a template needs: CAPABILITY_IAM
// for IAM resources, CAPABILITY_NAMED_IAM when one of them is named.
func requiredCapability(t *cfn.Template) string {
	need := ""
	for _, r := range t.Resources {
		if !strings.HasPrefix(r.Type, "AWS::IAM::") {
			continue
		}
		need = "CAPABILITY_IAM"
		for _, k := range []string{"RoleName", "UserName", "GroupName", "ManagedPolicyName", "InstanceProfileName"} {
			if _, ok := r.Properties[k]; ok {
				return "CAPABILITY_NAMED_IAM"
			}
		}
	}
	return need
}

// hasCapability tells whether caps grant need.
func hasCapability(caps []string, need string) bool {
	for _, c := range caps {
		if c == need || need == "CAPABILITY_IAM" && c == "CAPABILITY_NAMED_IAM" {
			return true
		}
	}
	return false
}

// iamTypes lists the template's IAM resource types, for CapabilitiesReason.
func iamTypes(t *cfn.Template) []string {
	set := map[string]bool{}
	for _, r := range t.Resources {
		if strings.HasPrefix(r.Type, "AWS::IAM::") {
			set[r.Type] = true
		}
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sameParams tells whether two parameter sets are equal.
func sameParams(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// updatable checks that a stack may be updated, with CloudFormation's message.
func updatable(st *cfnStack) error {
	switch st.Status {
	case "CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE":
		return nil
	}
	return validationErr("Stack:%s is in %s state and can not be updated.", st.ID, st.Status)
}
