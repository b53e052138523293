package cfn

// Context is what Evaluate resolves intrinsic functions against. The zero
// value evaluates only literal values and functions over them; fill in the
// fields a template needs.
type Context struct {
	// Region, AccountID, StackName and StackID are the values of the pseudo
	// parameters AWS::Region, AWS::AccountId, AWS::StackName, AWS::StackId.
	Region    string
	AccountID string
	StackName string
	StackID   string
	// Partition is AWS::Partition; "" means "aws".
	Partition string
	// URLSuffix is AWS::URLSuffix; "" means "amazonaws.com".
	URLSuffix string
	// Parameters are the stack's parameter values by name: a string, or a
	// []any of strings for list types (see Template.ResolveParameters).
	Parameters map[string]any
	// Conditions are the stack's condition results (see EvaluateConditions).
	Conditions map[string]bool
	// Mappings are the template's mappings (normally Template.Mappings).
	Mappings map[string]map[string]map[string]any
	// AZs returns the Availability Zones of a region for Fn::GetAZs; nil
	// means DefaultAZs.
	AZs func(region string) []string
	// Ref returns the physical id of a resource (the value of Ref). A nil
	// Ref makes a Ref to a resource an error.
	Ref func(logicalID string) (string, error)
	// GetAtt returns an attribute of a resource (a string, a []any of
	// strings, or another plain value). A nil GetAtt makes Fn::GetAtt an error.
	GetAtt func(logicalID, attribute string) (any, error)
	// ImportValue returns the value of an export of the same region. A nil
	// ImportValue makes every import "No export named X found."
	ImportValue func(exportName string) (string, error)
}

// DefaultAZs returns six Availability Zones for region: region+"a" … region+"f".
func DefaultAZs(region string) []string {
	out := make([]string, 0, 6)
	for _, s := range "abcdef" {
		out = append(out, region+string(s))
	}
	return out
}

// pseudo returns the value of a pseudo parameter.
func (c *Context) pseudo(name string) (any, bool) {
	switch name {
	case "AWS::Region":
		return c.Region, true
	case "AWS::AccountId":
		return c.AccountID, true
	case "AWS::StackName":
		return c.StackName, true
	case "AWS::StackId":
		return c.StackID, true
	case "AWS::Partition":
		if c.Partition == "" {
			return "aws", true
		}
		return c.Partition, true
	case "AWS::URLSuffix":
		if c.URLSuffix == "" {
			return "amazonaws.com", true
		}
		return c.URLSuffix, true
	case "AWS::NoValue":
		return noValue{}, true
	case "AWS::NotificationARNs":
		return []any{}, true
	}
	return nil, false
}

// azs returns the Availability Zones of region ("" means the stack's region).
func (c *Context) azs(region string) []any {
	if region == "" {
		region = c.Region
	}
	var list []string
	if c.AZs != nil {
		list = c.AZs(region)
	} else {
		list = DefaultAZs(region)
	}
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

// noValue is what Ref AWS::NoValue evaluates to; maps and lists drop it.
type noValue struct{}
