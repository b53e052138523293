package cfn

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"
)

// Evaluate resolves every intrinsic function in node (a template value such
// as Resource.Properties) against ctx and returns plain Go values:
// map[string]any, []any, string, bool, int, float64 or nil. A map entry or
// list item that evaluates to Ref AWS::NoValue is dropped; a whole node that
// does is nil. A nil ctx is an empty Context.
func Evaluate(node any, ctx *Context) (any, error) {
	if ctx == nil {
		ctx = &Context{}
	}
	v, err := eval(node, ctx)
	if err != nil {
		return nil, err
	}
	if _, ok := v.(noValue); ok {
		return nil, nil
	}
	return v, nil
}

// eval evaluates a value; it may return noValue.
func eval(v any, c *Context) (any, error) {
	if fn, arg, ok := intrinsic(v, false); ok {
		return call(fn, arg, c)
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for _, k := range sortedKeys(x) {
			r, err := eval(x[k], c)
			if err != nil {
				return nil, err
			}
			if _, skip := r.(noValue); !skip {
				out[k] = r
			}
		}
		return out, nil
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			r, err := eval(e, c)
			if err != nil {
				return nil, err
			}
			if _, skip := r.(noValue); !skip {
				out = append(out, r)
			}
		}
		return out, nil
	}
	return v, nil
}

// call evaluates one intrinsic function.
func call(fn string, arg any, c *Context) (any, error) {
	switch fn {
	case "Ref":
		return evalRef(arg, c)
	case "Fn::GetAtt":
		return evalGetAtt(arg, c)
	case "Fn::Sub":
		return evalSub(arg, c)
	case "Fn::Join":
		return evalJoin(arg, c)
	case "Fn::Select":
		return evalSelect(arg, c)
	case "Fn::Split":
		return evalSplit(arg, c)
	case "Fn::GetAZs":
		region, err := evalString(arg, c, msgGetAZsArgs)
		if err != nil {
			return nil, err
		}
		return c.azs(region), nil
	case "Fn::FindInMap":
		return evalFindInMap(arg, c)
	case "Fn::ImportValue":
		return evalImportValue(arg, c)
	case "Fn::Base64":
		s, err := evalString(arg, c, msgBase64Args)
		if err != nil {
			return nil, err
		}
		return base64.StdEncoding.EncodeToString([]byte(s)), nil
	case "Fn::Cidr":
		return evalCidr(arg, c)
	case "Fn::If":
		return evalIf(arg, c)
	case "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not":
		return evalBoolFunction(fn, arg, c)
	}
	return nil, templateErr("encountered unsupported function: %s", fn)
}

// evalString evaluates v and requires a scalar, rendered as a string; any
// other value is the Template error msg.
func evalString(v any, c *Context, msg string) (string, error) {
	r, err := eval(v, c)
	if err != nil {
		return "", err
	}
	s, ok := scalarString(r)
	if !ok {
		return "", templateErr("%s", msg)
	}
	return s, nil
}

// evalArgs evaluates v, which must be a list of exactly n items; ok is
// false when it is not.
func evalArgs(v any, c *Context, n int) ([]any, bool, error) {
	list, ok := v.([]any)
	if !ok || len(list) != n {
		return nil, false, nil
	}
	out := make([]any, n)
	for i, e := range list {
		r, err := eval(e, c)
		if err != nil {
			return nil, true, err
		}
		out[i] = r
	}
	return out, true, nil
}

// evalRef resolves Ref: a pseudo parameter, a parameter, or a resource.
func evalRef(arg any, c *Context) (any, error) {
	name, ok := arg.(string)
	if !ok || name == "" {
		return nil, templateErr(msgRefArgs)
	}
	if v, ok := c.pseudo(name); ok {
		return v, nil
	}
	if v, ok := c.Parameters[name]; ok {
		return v, nil
	}
	if c.Ref == nil {
		return nil, formatErr("Unresolved resource dependencies [%s] in the Resources block of the template", name)
	}
	return c.Ref(name)
}

// evalGetAtt resolves Fn::GetAtt through the caller's GetAtt.
func evalGetAtt(arg any, c *Context) (any, error) {
	id, attrArg, ok := getAttArgs(arg)
	if !ok {
		return nil, templateErr(msgGetAttArgs)
	}
	attr, err := evalString(attrArg, c, msgGetAttArgs)
	if err != nil {
		return nil, err
	}
	if attr == "" {
		return nil, templateErr(msgGetAttArgs)
	}
	if c.GetAtt == nil {
		return nil, templateErr("instance of Fn::GetAtt references undefined resource %s", id)
	}
	return c.GetAtt(id, attr)
}

// evalSub resolves Fn::Sub in its string and [string, {vars}] forms.
func evalSub(arg any, c *Context) (any, error) {
	s, vars, ok := subArgs(arg)
	if !ok {
		return nil, templateErr(msgSubArgs)
	}
	var b strings.Builder
	for _, p := range parseSub(s) {
		if !p.isVar {
			b.WriteString(p.text)
			continue
		}
		if !validSubVar(p.text) {
			return nil, templateErr(msgSubVarName)
		}
		v, err := subVariable(p.text, vars, c)
		if err != nil {
			return nil, err
		}
		str, ok := scalarString(v)
		if !ok {
			return nil, templateErr("variable %s in Fn::Sub expression does not resolve to a string", p.text)
		}
		b.WriteString(str)
	}
	return b.String(), nil
}

// subVariable resolves one ${name}: pseudo parameter, explicit variable,
// parameter, resource attribute (A.B) or resource Ref.
func subVariable(name string, vars map[string]any, c *Context) (any, error) {
	if v, ok := c.pseudo(name); ok {
		return v, nil
	}
	if expr, ok := vars[name]; ok {
		return eval(expr, c)
	}
	if v, ok := c.Parameters[name]; ok {
		return v, nil
	}
	if i := strings.IndexByte(name, '.'); i >= 0 {
		return evalGetAtt([]any{name[:i], name[i+1:]}, c)
	}
	return evalRef(name, c)
}

// evalJoin resolves Fn::Join.
func evalJoin(arg any, c *Context) (any, error) {
	args, ok, err := evalArgs(arg, c, 2)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, templateErr(msgJoinArgs)
	}
	delim, ok1 := args[0].(string)
	items, ok2 := args[1].([]any)
	if !ok1 || !ok2 {
		return nil, templateErr(msgJoinArgs)
	}
	parts := make([]string, 0, len(items))
	for _, e := range items {
		s, ok := scalarString(e)
		if !ok {
			return nil, templateErr(msgJoinArgs)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, delim), nil
}

// evalSelect resolves Fn::Select; the index may be a number or a string.
func evalSelect(arg any, c *Context) (any, error) {
	args, ok, err := evalArgs(arg, c, 2)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, templateErr(msgSelectArgs)
	}
	list, ok := args[1].([]any)
	if !ok {
		return nil, templateErr(msgSelectArgs)
	}
	idx, ok := index(args[0])
	if !ok {
		return nil, templateErr(msgSelectArgs)
	}
	if idx < 0 || idx >= len(list) || list[idx] == nil {
		return nil, templateErr("Fn::Select cannot select nonexistent value at index %d", idx)
	}
	return list[idx], nil
}

// index reads a list index given as an int, a whole float64 or a string.
func index(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<31 {
			return int(x), true
		}
	case string:
		i, err := strconv.Atoi(strings.TrimSpace(x))
		return i, err == nil
	}
	return 0, false
}

// evalSplit resolves Fn::Split.
func evalSplit(arg any, c *Context) (any, error) {
	args, ok, err := evalArgs(arg, c, 2)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, templateErr(msgSplitArgs)
	}
	delim, ok1 := args[0].(string)
	s, ok2 := scalarString(args[1])
	if !ok1 || !ok2 || delim == "" {
		return nil, templateErr(msgSplitArgs)
	}
	parts := strings.Split(s, delim)
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

// evalFindInMap resolves Fn::FindInMap against ctx.Mappings.
func evalFindInMap(arg any, c *Context) (any, error) {
	args, ok, err := evalArgs(arg, c, 3)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, templateErr(msgFindInMapArgs)
	}
	keys := make([]string, 3)
	for i, a := range args {
		s, ok := scalarString(a)
		if !ok {
			return nil, templateErr(msgFindInMapArgs)
		}
		keys[i] = s
	}
	if v, ok := c.Mappings[keys[0]][keys[1]][keys[2]]; ok {
		return v, nil
	}
	return nil, templateErr("Unable to get mapping for %s::%s::%s", keys[0], keys[1], keys[2])
}

// evalImportValue resolves Fn::ImportValue through the caller's ImportValue.
func evalImportValue(arg any, c *Context) (any, error) {
	name, err := evalString(arg, c, msgImportArgs)
	if err != nil {
		return nil, err
	}
	if c.ImportValue == nil {
		return nil, errorf("No export named %s found.", name)
	}
	return c.ImportValue(name)
}
