package cfn

import "reflect"

// EvaluateConditions evaluates every condition of t once, in dependency
// order, against ctx's parameters, pseudo parameters and t's mappings. The
// result is meant for Context.Conditions. ctx is not modified.
func EvaluateConditions(t *Template, ctx *Context) (map[string]bool, error) {
	if ctx == nil {
		ctx = &Context{}
	}
	graph := map[string][]string{}
	names := sortedKeys(t.Conditions)
	for _, name := range names {
		var r refs
		if err := r.collect(t.Conditions[name], true); err != nil {
			return nil, err
		}
		graph[name] = append(r.conds, r.ifConds...)
	}
	order, cyclic := topoSort(names, graph)
	if len(cyclic) > 0 {
		return nil, templateErr("Found circular condition dependency: %s", bracketList(cyclic))
	}
	results := map[string]bool{}
	c := *ctx
	c.Conditions = results
	if c.Mappings == nil {
		c.Mappings = t.Mappings
	}
	for _, name := range order {
		b, err := evalCondition(t.Conditions[name], &c)
		if err != nil {
			return nil, err
		}
		results[name] = b
	}
	return results, nil
}

// evalCondition evaluates a condition expression to a boolean.
func evalCondition(v any, c *Context) (bool, error) {
	if fn, arg, ok := intrinsic(v, true); ok && fn == "Condition" {
		name, ok := arg.(string)
		if !ok {
			return false, templateErr("every Condition object must have a single String value.")
		}
		b, ok := c.Conditions[name]
		if !ok {
			return false, formatErr("Unresolved condition dependencies [%s] in the Conditions block of the template", name)
		}
		return b, nil
	}
	r, err := eval(v, c)
	if err != nil {
		return false, err
	}
	switch x := r.(type) {
	case bool:
		return x, nil
	case string:
		if x == "true" || x == "false" {
			return x == "true", nil
		}
	}
	return false, templateErr("every Conditions member must evaluate to a boolean value.")
}

// evalIf resolves Fn::If with the stack's condition results.
func evalIf(arg any, c *Context) (any, error) {
	list, ok := arg.([]any)
	if !ok || len(list) != 3 {
		return nil, templateErr(msgIfArgs)
	}
	name, ok := list[0].(string)
	if !ok {
		return nil, templateErr(msgIfCond)
	}
	b, ok := c.Conditions[name]
	if !ok {
		return nil, templateErr("unresolved condition dependency %s in Fn::If", name)
	}
	if b {
		return eval(list[1], c)
	}
	return eval(list[2], c)
}

// evalBoolFunction resolves Fn::Equals, Fn::And, Fn::Or and Fn::Not.
func evalBoolFunction(fn string, arg any, c *Context) (any, error) {
	list, _ := arg.([]any)
	switch fn {
	case "Fn::Equals":
		args, ok, err := evalArgs(arg, c, 2)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, templateErr(msgEqualsArgs)
		}
		return equalValues(args[0], args[1]), nil
	case "Fn::Not":
		if len(list) != 1 {
			return nil, templateErr("Fn::Not requires a list argument with one function token")
		}
		b, err := evalCondition(list[0], c)
		return !b, err
	}
	if len(list) < 2 || len(list) > 10 {
		return nil, templateErr("every %s object requires a list of at least 2 and at most 10 boolean parameters.", fn)
	}
	and := fn == "Fn::And"
	result := and
	for _, e := range list {
		b, err := evalCondition(e, c)
		if err != nil {
			return nil, err
		}
		if and {
			result = result && b
		} else {
			result = result || b
		}
	}
	return result, nil
}

// equalValues compares two evaluated values; scalars compare as strings, so
// a Number parameter "2" equals the literal 2.
func equalValues(a, b any) bool {
	sa, okA := scalarString(a)
	sb, okB := scalarString(b)
	if okA && okB {
		return sa == sb
	}
	return reflect.DeepEqual(a, b)
}
