package cfn

import "strings"

// isFunction tells whether key names an intrinsic function this package
// evaluates ("Condition" counts only inside condition expressions).
func isFunction(key string) bool {
	switch key {
	case "Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::GetAZs",
		"Fn::FindInMap", "Fn::If", "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not",
		"Fn::ImportValue", "Fn::Base64", "Fn::Cidr":
		return true
	}
	return false
}

// intrinsic returns the function name and argument when v is a one-key map
// naming an intrinsic function (or any "Fn::" key, so unknown ones can be
// reported). inCond admits {"Condition": name}.
func intrinsic(v any, inCond bool) (string, any, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return "", nil, false
	}
	for k, arg := range m {
		if isFunction(k) || strings.HasPrefix(k, "Fn::") || (inCond && k == "Condition") {
			return k, arg, true
		}
	}
	return "", nil, false
}

// refs are the names a value refers to.
type refs struct {
	refs    []string // Ref targets and Fn::Sub ${X}
	getAtts []string // Fn::GetAtt targets and Fn::Sub ${X.Attr}
	ifConds []string // conditions named by Fn::If
	conds   []string // conditions named by {"Condition": X}
}

// collect walks v and records what it refers to. It returns an *Error for
// unknown functions and for arguments malformed in ways visible before
// evaluation.
func (r *refs) collect(v any, inCond bool) error {
	if fn, arg, ok := intrinsic(v, inCond); ok {
		return r.collectFunction(fn, arg, inCond)
	}
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if err := r.collect(x[k], inCond); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range x {
			if err := r.collect(e, inCond); err != nil {
				return err
			}
		}
	}
	return nil
}

// collectFunction records the references of one intrinsic function call.
func (r *refs) collectFunction(fn string, arg any, inCond bool) error {
	switch fn {
	case "Ref":
		s, ok := arg.(string)
		if !ok || s == "" {
			return templateErr(msgRefArgs)
		}
		r.refs = append(r.refs, s)
		return nil
	case "Condition":
		s, ok := arg.(string)
		if !ok {
			return templateErr("every Condition object must have a single String value.")
		}
		r.conds = append(r.conds, s)
		return nil
	case "Fn::GetAtt":
		target, attr, ok := getAttArgs(arg)
		if !ok {
			return templateErr(msgGetAttArgs)
		}
		r.getAtts = append(r.getAtts, target)
		return r.collect(attr, inCond)
	case "Fn::Sub":
		return r.collectSub(arg, inCond)
	case "Fn::If":
		list, ok := arg.([]any)
		if !ok || len(list) != 3 {
			return templateErr(msgIfArgs)
		}
		name, ok := list[0].(string)
		if !ok {
			return templateErr(msgIfCond)
		}
		r.ifConds = append(r.ifConds, name)
		return r.collect(list[1:], inCond)
	case "Fn::And", "Fn::Or", "Fn::Not":
		return r.collect(arg, true)
	}
	if !isFunction(fn) {
		return templateErr("encountered unsupported function: %s", fn)
	}
	return r.collect(arg, inCond)
}

// collectSub records the variables of an Fn::Sub string not given in its map.
func (r *refs) collectSub(arg any, inCond bool) error {
	s, vars, ok := subArgs(arg)
	if !ok {
		return templateErr(msgSubArgs)
	}
	for _, p := range parseSub(s) {
		if !p.isVar {
			continue
		}
		if !validSubVar(p.text) {
			return templateErr(msgSubVarName)
		}
		if _, given := vars[p.text]; given {
			continue
		}
		if i := strings.IndexByte(p.text, '.'); i >= 0 {
			r.getAtts = append(r.getAtts, p.text[:i])
		} else {
			r.refs = append(r.refs, p.text)
		}
	}
	for _, k := range sortedKeys(vars) {
		if err := r.collect(vars[k], inCond); err != nil {
			return err
		}
	}
	return nil
}

// getAttArgs splits the argument of Fn::GetAtt ("A.B" or [A, B]) into the
// logical id and the attribute (a string or an intrinsic function).
func getAttArgs(arg any) (string, any, bool) {
	switch x := arg.(type) {
	case string:
		list := splitGetAtt(x)
		if len(list) != 2 {
			return "", nil, false
		}
		return getAttArgs(list)
	case []any:
		if len(x) != 2 {
			return "", nil, false
		}
		id, ok := x[0].(string)
		if !ok || id == "" {
			return "", nil, false
		}
		switch a := x[1].(type) {
		case string:
			if a == "" {
				return "", nil, false
			}
		case map[string]any:
		default:
			return "", nil, false
		}
		return id, x[1], true
	}
	return "", nil, false
}
