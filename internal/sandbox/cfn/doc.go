// Package cfn parses and evaluates AWS CloudFormation templates for the
// sandbox's CloudFormation engine.
//
// It is pure: it reads only the bytes and values a caller passes in and never
// does I/O. Parse turns a YAML or JSON template into a Template whose values
// are plain Go values with every short-form tag (!Ref, !GetAtt, !Sub, …)
// rewritten into its long form ({"Ref": …}, {"Fn::GetAtt": […]}, …). Parse
// also validates references the way CloudFormation does, so the errors it
// returns carry the exact messages a client sees as ValidationError.
//
// Template values use these Go types: map[string]any, []any, string, bool,
// int (YAML and JSON integers), float64 (other numbers) and nil. Timestamps,
// numbers with a leading zero and other scalars that are not plain decimal
// numbers stay strings, as CloudFormation treats them.
//
// A later stage evaluates them: Order gives the creation order of the
// resources, EvaluateConditions the stack's condition results, Evaluate
// resolves every intrinsic function in a value against a Context (parameter
// values, pseudo parameters, and caller-supplied resolvers for resource
// Ref/GetAtt and ImportValue), and Outputs resolves the template's outputs.
package cfn
