package cfn

import (
	"fmt"
	"sort"
	"strings"
)

// Error is a template error. Its message is the text CloudFormation returns
// to a client as a ValidationError, so an API layer can send Error() as is.
// Errors returned by the caller's resolvers are passed through unchanged and
// are not of this type.
type Error struct {
	// Message is the client-visible text, e.g. "Template format error: At
	// least one Resources member must be defined."
	Message string
}

// Error returns the client-visible message.
func (e *Error) Error() string { return e.Message }

// errorf builds an *Error from a format.
func errorf(format string, args ...any) *Error {
	return &Error{Message: fmt.Sprintf(format, args...)}
}

// formatErr builds a "Template format error: …" error.
func formatErr(format string, args ...any) *Error {
	return errorf("Template format error: "+format, args...)
}

// templateErr builds a "Template error: …" error.
func templateErr(format string, args ...any) *Error {
	return errorf("Template error: "+format, args...)
}

// bracketList formats names as CloudFormation does: sorted, unique, "[A, B]".
func bracketList(names []string) string {
	set := map[string]bool{}
	var out []string
	for _, n := range names {
		if !set[n] {
			set[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return "[" + strings.Join(out, ", ") + "]"
}

// Messages CloudFormation clients see, kept in one place.
const (
	msgNoResources   = "At least one Resources member must be defined."
	msgUnsupported   = "unsupported structure."
	msgNoType        = "Every Resources object must contain a Type member."
	msgParamNoType   = "Every Parameters object must contain a Type member."
	msgOutputNoValue = "Every Outputs member must contain a Value object"
	msgMappingValue  = "Every Mappings attribute must be a String or a List."
	msgMappingMember = "Every Mappings member %s must be a map"
	msgJoinArgs      = "every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined."
	msgSplitArgs     = "every Fn::Split object requires two parameters, (1) a string delimiter and (2) a string to be split or a function that returns a string to be split."
	msgSelectArgs    = "Fn::Select requires a list argument with two elements: an integer index and a list"
	msgFindInMapArgs = "every Fn::FindInMap object requires three parameters, the map name, map key and the attribute for return value"
	msgGetAttArgs    = "every Fn::GetAtt object requires two non-empty parameters"
	msgRefArgs       = "every Ref object must have a single String value."
	msgSubArgs       = "One or more Fn::Sub intrinsic functions don't specify expected arguments. Specify a string as first argument, and an optional second argument to specify a mapping of values to replace in the string"
	msgSubVarName    = "variable names in Fn::Sub syntax must contain only alphanumeric characters, underscores, periods, and colons"
	msgIfArgs        = "Fn::If requires a list argument with three elements"
	msgIfCond        = "Fn::If requires a list argument with the first element being a condition"
	msgEqualsArgs    = "every Fn::Equals object requires a list of 2 string parameters."
	msgBase64Args    = "every Fn::Base64 object must have a single String value."
	msgGetAZsArgs    = "every Fn::GetAZs object requires a single String value (a region, or empty for the stack's region)."
	msgImportArgs    = "every Fn::ImportValue object requires a single String value."
	msgCidrArgs      = "every Fn::Cidr object requires three parameters, (1) an IP block, (2) a count of subnets and (3) the number of subnet bits."
)
