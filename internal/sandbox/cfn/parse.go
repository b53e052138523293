package cfn

import (
	"strconv"
	"strings"
)

// Option configures Parse.
type Option func(*parseOptions)

// parseOptions holds the settings Options change.
type parseOptions struct {
	supported map[string]bool
}

// WithSupportedTypes makes Parse reject resource types outside types, as
// Validate does.
func WithSupportedTypes(types ...string) Option {
	return func(o *parseOptions) {
		if o.supported == nil {
			o.supported = map[string]bool{}
		}
		for _, t := range types {
			o.supported[t] = true
		}
	}
}

// isTopLevelKey tells whether k is a template section CloudFormation knows.
func isTopLevelKey(k string) bool {
	switch k {
	case "AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules",
		"Mappings", "Conditions", "Transform", "Resources", "Outputs":
		return true
	}
	return false
}

// Parse reads a YAML or JSON template, checks its structure and references,
// and returns it. Errors are *Error values whose text is CloudFormation's.
func Parse(body []byte, opts ...Option) (*Template, error) {
	var o parseOptions
	for _, opt := range opts {
		opt(&o)
	}
	root, err := decodeBody(body)
	if err != nil {
		return nil, err
	}
	if root == nil {
		return nil, formatErr(msgNoResources)
	}
	top, ok := root.(map[string]any)
	if !ok {
		return nil, formatErr(msgUnsupported)
	}
	var unknown []string
	for k := range top {
		if !isTopLevelKey(k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		return nil, formatErr("Invalid template property or properties %s", bracketList(unknown))
	}
	if _, ok := top["Transform"]; ok {
		return nil, formatErr("Transform is not supported by this CloudFormation engine")
	}
	t := &Template{}
	if t.FormatVersion, err = optionalString(top, "AWSTemplateFormatVersion"); err != nil {
		return nil, err
	}
	if t.Description, err = optionalString(top, "Description"); err != nil {
		return nil, err
	}
	steps := []func(map[string]any) error{
		t.parseParameters, t.parseRules, t.parseMappings, t.parseConditions, t.parseResources, t.parseOutputs,
	}
	for _, step := range steps {
		if err := step(top); err != nil {
			return nil, err
		}
	}
	if err := t.checkReferences(); err != nil {
		return nil, err
	}
	if _, err := t.Order(); err != nil {
		return nil, err
	}
	if o.supported != nil {
		if err := t.Validate(o.supported); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Validate rejects resource types that are not in supported, with
// CloudFormation's "Unrecognized resource types: [...]" error.
func (t *Template) Validate(supported map[string]bool) error {
	var bad []string
	for _, r := range t.Resources {
		if !supported[r.Type] {
			bad = append(bad, r.Type)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	var notEmulated, unrecognized []string
	for _, typ := range bad {
		if awsType(typ) {
			notEmulated = append(notEmulated, typ)
		} else {
			unrecognized = append(unrecognized, typ)
		}
	}
	if len(unrecognized) > 0 {
		return formatErr("Unrecognized resource types: %s", bracketList(unrecognized))
	}
	var have []string
	for typ := range supported {
		have = append(have, typ)
	}
	return formatErr("the workshop's sandbox does not emulate the resource types %s (they may be valid on AWS); it emulates %s",
		bracketList(notEmulated), strings.Join(sortedUnique(have), ", "))
}

// awsType says whether a type is spelled as AWS's are, AWS::SERVICE::NAME,
// so that a type the sandbox lacks is not blamed on the template.
func awsType(typ string) bool {
	parts := strings.Split(typ, "::")
	if len(parts) != 3 || parts[0] != "AWS" {
		return false
	}
	for _, p := range parts[1:] {
		if p == "" || strings.IndexFunc(p, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
		}) >= 0 {
			return false
		}
	}
	return true
}

// optionalString reads a string-valued top-level key, "" when absent.
func optionalString(m map[string]any, key string) (string, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return "", nil
	}
	s, ok := scalarString(v)
	if !ok {
		return "", formatErr("%s must be a String", key)
	}
	return s, nil
}

// scalarString renders a scalar (string, number, bool) as a string.
func scalarString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case int:
		return strconv.Itoa(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// section reads an optional map-valued section.
func section(top map[string]any, name string) (map[string]any, error) {
	v, ok := top[name]
	if !ok || v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, formatErr("%s must be an object", name)
	}
	return m, nil
}

// parseParameters reads the Parameters section.
func (t *Template) parseParameters(top map[string]any) error {
	sec, err := section(top, "Parameters")
	if err != nil {
		return err
	}
	t.Parameters = map[string]*Parameter{}
	for _, name := range sortedKeys(sec) {
		m, ok := sec[name].(map[string]any)
		if !ok {
			return formatErr(msgParamNoType)
		}
		typ, ok := m["Type"].(string)
		if !ok {
			return formatErr(msgParamNoType)
		}
		if !knownParameterType(typ) {
			return formatErr("Unrecognized parameter type: %s", typ)
		}
		p := &Parameter{Type: typ}
		if d, ok := m["Default"]; ok {
			s, ok := defaultString(d)
			if !ok {
				return formatErr("Default member of parameter %s must be a String", name)
			}
			p.Default, p.HasDefault = s, true
		}
		if av, ok := m["AllowedValues"]; ok {
			list, ok := av.([]any)
			if !ok {
				return formatErr("AllowedValues member of parameter %s must be a List", name)
			}
			for _, e := range list {
				s, ok := scalarString(e)
				if !ok {
					return formatErr("AllowedValues member of parameter %s must be a List of Strings", name)
				}
				p.AllowedValues = append(p.AllowedValues, s)
			}
		}
		if err := p.Constraints.parse(name, m); err != nil {
			return err
		}
		p.Description, _ = m["Description"].(string)
		switch x := m["NoEcho"].(type) {
		case bool:
			p.NoEcho = x
		case string:
			p.NoEcho = strings.EqualFold(x, "true")
		}
		t.Parameters[name] = p
	}
	return nil
}

// defaultString renders a parameter default; a list default is joined with commas.
func defaultString(v any) (string, bool) {
	if list, ok := v.([]any); ok {
		parts := make([]string, 0, len(list))
		for _, e := range list {
			s, ok := scalarString(e)
			if !ok {
				return "", false
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ","), true
	}
	if v == nil {
		return "", true
	}
	return scalarString(v)
}

// knownParameterType tells whether typ is a parameter type CloudFormation accepts.
func knownParameterType(typ string) bool {
	switch typ {
	case "String", "Number", "List<Number>", "CommaDelimitedList":
		return true
	}
	return strings.HasPrefix(typ, "AWS::") || strings.HasPrefix(typ, "List<AWS::")
}

// parseMappings reads the Mappings section.
func (t *Template) parseMappings(top map[string]any) error {
	sec, err := section(top, "Mappings")
	if err != nil {
		return err
	}
	t.Mappings = map[string]map[string]map[string]any{}
	for _, name := range sortedKeys(sec) {
		m, ok := sec[name].(map[string]any)
		if !ok {
			return formatErr(msgMappingMember, name)
		}
		outer := map[string]map[string]any{}
		for _, k := range sortedKeys(m) {
			inner, ok := m[k].(map[string]any)
			if !ok {
				return formatErr(msgMappingMember, name)
			}
			for _, v := range inner {
				if !mappingValue(v) {
					return formatErr(msgMappingValue)
				}
			}
			outer[k] = inner
		}
		t.Mappings[name] = outer
	}
	return nil
}

// mappingValue tells whether v is a string, number, bool or a list of them.
func mappingValue(v any) bool {
	if list, ok := v.([]any); ok {
		for _, e := range list {
			if _, ok := scalarString(e); !ok {
				return false
			}
		}
		return true
	}
	_, ok := scalarString(v)
	return ok
}

// parseConditions reads the Conditions section.
func (t *Template) parseConditions(top map[string]any) error {
	sec, err := section(top, "Conditions")
	if err != nil {
		return err
	}
	t.Conditions = map[string]any{}
	for k, v := range sec {
		t.Conditions[k] = v
	}
	return nil
}
