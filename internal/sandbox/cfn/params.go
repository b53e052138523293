package cfn

import (
	"slices"
	"strconv"
	"strings"
)

// ResolveParameters combines the values a caller gave with the template's
// defaults into Context.Parameters: a string for scalar types and a []any
// of strings for CommaDelimitedList and List<…> types. It enforces
// CloudFormation's rules with its messages: every parameter needs a value,
// given names must exist, AllowedValues, Number types and the
// constraints (lengths, pattern, bounds) are checked.
func (t *Template) ResolveParameters(given map[string]string) (map[string]any, error) {
	var unknown, missing []string
	for name := range given {
		if _, ok := t.Parameters[name]; !ok {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		return nil, errorf("Parameters: %s do not exist in the template", bracketList(unknown))
	}
	out := make(map[string]any, len(t.Parameters))
	for _, name := range sortedKeys(t.Parameters) {
		p := t.Parameters[name]
		v, ok := given[name]
		if !ok {
			if !p.HasDefault {
				missing = append(missing, name)
				continue
			}
			v = p.Default
		}
		if len(p.AllowedValues) > 0 && !slices.Contains(p.AllowedValues, v) {
			return nil, errorf("Parameter '%s' must be one of AllowedValues", name)
		}
		if err := p.Constraints.check(name, p.Type, v); err != nil {
			return nil, err
		}
		val, err := parameterValue(name, p.Type, v)
		if err != nil {
			return nil, err
		}
		out[name] = val
	}
	if len(missing) > 0 {
		return nil, errorf("Parameters: %s must have values", bracketList(missing))
	}
	return out, nil
}

// parameterValue converts a parameter's string to its Ref value by type.
func parameterValue(name, typ, v string) (any, error) {
	isList := typ == "CommaDelimitedList" || strings.HasPrefix(typ, "List<")
	numeric := typ == "Number" || typ == "List<Number>"
	if !isList {
		if numeric && !isNumber(v) {
			return nil, errorf("Parameter '%s' must be a number.", name)
		}
		return v, nil
	}
	out := []any{}
	if v == "" {
		return out, nil
	}
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if numeric && !isNumber(part) {
			return nil, errorf("Parameter '%s' must be a number.", name)
		}
		out = append(out, part)
	}
	return out, nil
}

// isNumber tells whether s is a decimal number.
func isNumber(s string) bool {
	_, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return err == nil
}
