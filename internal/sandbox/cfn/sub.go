package cfn

import "strings"

// subPart is one piece of an Fn::Sub string: literal text or a ${variable}.
type subPart struct {
	text  string
	isVar bool
}

// parseSub splits an Fn::Sub string into literal text and variables.
// "${!Literal}" yields the literal "${Literal}"; an unclosed "${" is literal.
func parseSub(s string) []subPart {
	var parts []subPart
	var lit strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			lit.WriteString(s)
			break
		}
		lit.WriteString(s[:i])
		rest := s[i+2:]
		if strings.HasPrefix(rest, "!") {
			lit.WriteString("${")
			s = rest[1:]
			continue
		}
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			lit.WriteString(s[i:])
			break
		}
		if lit.Len() > 0 {
			parts = append(parts, subPart{text: lit.String()})
			lit.Reset()
		}
		parts = append(parts, subPart{text: strings.TrimSpace(rest[:j]), isVar: true})
		s = rest[j+1:]
	}
	if lit.Len() > 0 {
		parts = append(parts, subPart{text: lit.String()})
	}
	return parts
}

// validSubVar tells whether name is a legal Fn::Sub variable name.
func validSubVar(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		ok := r == '_' || r == '.' || r == ':' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// subArgs splits the argument of Fn::Sub into its string and variable map.
func subArgs(arg any) (string, map[string]any, bool) {
	switch x := arg.(type) {
	case string:
		return x, nil, true
	case []any:
		if len(x) == 0 || len(x) > 2 {
			return "", nil, false
		}
		s, ok := x[0].(string)
		if !ok {
			return "", nil, false
		}
		if len(x) == 1 {
			return s, nil, true
		}
		vars, ok := x[1].(map[string]any)
		if !ok {
			return "", nil, false
		}
		return s, vars, true
	}
	return "", nil, false
}
