package cfn

import "sort"

// Template is a parsed and reference-checked CloudFormation template. Its
// values keep their intrinsic functions, in long form, for Evaluate.
type Template struct {
	// FormatVersion is AWSTemplateFormatVersion, e.g. "2010-09-09", or "".
	FormatVersion string
	// Description is the template's Description, or "".
	Description string
	// Parameters are the declared parameters by name.
	Parameters map[string]*Parameter
	// Mappings are map name → top-level key → second-level key → value
	// (a string, number, bool or a []any of them).
	Mappings map[string]map[string]map[string]any
	// Conditions are the condition expressions by name, unevaluated.
	Conditions map[string]any
	// Resources are the resources by logical id.
	Resources map[string]*Resource
	// Rules are the Rules section's rules by name.
	Rules map[string]*Rule
	// OutputDefs are the declared outputs by name, unevaluated; see Outputs.
	OutputDefs map[string]*OutputDef
}

// Parameter is one entry of the Parameters section.
type Parameter struct {
	// Type is the parameter type, e.g. "String", "Number",
	// "CommaDelimitedList" or "AWS::EC2::VPC::Id".
	Type string
	// Default is the default value as a string, and HasDefault tells
	// whether one was given (an empty default is a valid default).
	Default    string
	HasDefault bool
	// AllowedValues, when not empty, lists the only values accepted.
	AllowedValues []string
	// Description is the parameter's description.
	Description string
	// NoEcho is parsed but not acted upon here.
	NoEcho bool
	// Constraints are the value's limits beyond AllowedValues.
	Constraints
}

// Constraints limit a parameter's value: the length and pattern of a
// String, the bounds of a Number (each member of a list). Nil and empty
// ones do not apply. ConstraintDescription, when set, is the reason a
// refusal gives.
type Constraints struct {
	MinLength, MaxLength  *int
	AllowedPattern        string
	MinValue, MaxValue    *float64
	ConstraintDescription string
}

// Resource is one entry of the Resources section.
type Resource struct {
	// Type is the resource type, e.g. "AWS::EC2::VPC".
	Type string
	// Properties are the resource's properties, unevaluated (nil when absent).
	Properties map[string]any
	// DependsOn lists the explicit dependencies (DependsOn as string or list).
	DependsOn []string
	// Condition names the condition that decides whether the resource exists.
	Condition string
	// DeletionPolicy is "Delete", "Retain", "Snapshot", … or "" (Delete).
	DeletionPolicy string
	// UpdateReplacePolicy is kept as written, or "".
	UpdateReplacePolicy string
	// Metadata is the resource's Metadata attribute, unevaluated.
	Metadata any
}

// OutputDef is one entry of the Outputs section, unevaluated.
type OutputDef struct {
	// Description is the output's description.
	Description string
	// Value is the output's value expression.
	Value any
	// ExportName is the Export.Name expression, or nil when not exported.
	ExportName any
	// Condition names the condition that decides whether the output exists.
	Condition string
}

// ResourceIDs returns the logical ids of the resources, sorted.
func (t *Template) ResourceIDs() []string {
	return sortedKeys(t.Resources)
}

// sortedKeys returns the keys of m in ascending order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
