package cfn

// Rule is one entry of the Rules section: assertions on the parameter
// values, checked when RuleCondition is absent or true.
type Rule struct {
	// Condition is the RuleCondition expression, or nil.
	Condition any
	// Assertions are checked in order; the first false one fails the rule.
	Assertions []Assertion
}

// Assertion is one of a rule's Assertions.
type Assertion struct {
	// Assert is the expression that must be true.
	Assert any
	// Description is the AssertDescription, the error text when Assert is
	// false.
	Description string
}

// parseRules reads the Rules section and checks its shape.
func (t *Template) parseRules(top map[string]any) error {
	sec, err := section(top, "Rules")
	if err != nil {
		return err
	}
	t.Rules = map[string]*Rule{}
	for _, name := range sortedKeys(sec) {
		m, ok := sec[name].(map[string]any)
		if !ok {
			return formatErr("Every Rules member must be an object")
		}
		r := &Rule{Condition: m["RuleCondition"]}
		for k := range m {
			if k != "RuleCondition" && k != "Assertions" {
				return formatErr("Invalid rule property or properties [%s] in rule %s", k, name)
			}
		}
		list, ok := m["Assertions"].([]any)
		if !ok {
			return formatErr("Every Rules member must contain an Assertions list (rule %s)", name)
		}
		for _, e := range list {
			a, ok := e.(map[string]any)
			if !ok || a["Assert"] == nil {
				return formatErr("Every Assertions member of rule %s must be an object with an Assert", name)
			}
			desc, _ := scalarString(a["AssertDescription"])
			r.Assertions = append(r.Assertions, Assertion{Assert: a["Assert"], Description: desc})
		}
		t.Rules[name] = r
	}
	var bad []string
	for _, ref := range ruleRefs(sec, nil) {
		if _, ok := t.Parameters[ref]; !ok && !isPseudoParameter(ref) {
			bad = append(bad, ref)
		}
	}
	if len(bad) > 0 {
		return formatErr("Unresolved dependencies %s. Cannot reference resources in the Rules block of the template", bracketList(bad))
	}
	return nil
}

// ruleRefs appends the targets of the Refs in v to out: rules may name
// parameters only.
func ruleRefs(v any, out []string) []string {
	switch x := v.(type) {
	case map[string]any:
		if ref, ok := x["Ref"].(string); ok && len(x) == 1 {
			return append(out, ref)
		}
		for _, k := range sortedKeys(x) {
			out = ruleRefs(x[k], out)
		}
	case []any:
		for _, e := range x {
			out = ruleRefs(e, out)
		}
	}
	return out
}

// CheckRules checks the template's rules, in name order, against ctx's
// parameter values, as CloudFormation does before it creates or updates
// anything. A false assertion is an *Error carrying its AssertDescription
// (meant to be returned as a ValidationError).
func CheckRules(t *Template, ctx *Context) error {
	if ctx == nil {
		ctx = &Context{}
	}
	// Rules see parameters and pseudo parameters, never resources.
	c := *ctx
	c.Ref, c.GetAtt, c.ImportValue = nil, nil, nil
	for _, name := range sortedKeys(t.Rules) {
		r := t.Rules[name]
		if r.Condition != nil {
			ok, err := evalRule(r.Condition, &c)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
		}
		for _, a := range r.Assertions {
			ok, err := evalRule(a.Assert, &c)
			if err != nil {
				return err
			}
			if !ok {
				if a.Description == "" {
					return errorf("Template validation error: rule %s failed", name)
				}
				return errorf("%s", a.Description)
			}
		}
	}
	return nil
}

// evalRule evaluates a rule condition or assertion to a boolean, with the
// rule-specific functions Fn::Contains, Fn::EachMemberEquals and
// Fn::EachMemberIn besides Fn::Equals, Fn::Not, Fn::And and Fn::Or.
func evalRule(v any, c *Context) (bool, error) {
	fn, arg, ok := intrinsic(v, false)
	if !ok {
		if s, ok := scalarString(v); ok && (s == "true" || s == "false") {
			return s == "true", nil
		}
		return false, templateErr("every Rules assertion and RuleCondition must evaluate to a boolean value.")
	}
	list, _ := arg.([]any)
	switch fn {
	case "Fn::Not":
		if len(list) != 1 {
			return false, templateErr("Fn::Not requires a list argument with one function token")
		}
		b, err := evalRule(list[0], c)
		return !b, err
	case "Fn::And", "Fn::Or":
		if len(list) < 2 || len(list) > 10 {
			return false, templateErr("every %s object requires a list of at least 2 and at most 10 boolean parameters.", fn)
		}
		and := fn == "Fn::And"
		for _, e := range list {
			b, err := evalRule(e, c)
			if err != nil || b != and {
				return b, err
			}
		}
		return and, nil
	case "Fn::Equals":
		args, err := ruleArgs(fn, list, c)
		if err != nil {
			return false, err
		}
		return equalValues(args[0], args[1]), nil
	case "Fn::Contains", "Fn::EachMemberEquals", "Fn::EachMemberIn":
		args, err := ruleArgs(fn, list, c)
		if err != nil {
			return false, err
		}
		members, ok := args[0].([]any)
		if !ok {
			return false, templateErr("the first argument of %s must be a list of strings", fn)
		}
		return memberTest(fn, members, args[1])
	case "Fn::ValueOf", "Fn::ValueOfAll", "Fn::RefAll":
		return false, templateErr("%s is not supported by the workshop's sandbox (it reads attributes of AWS-specific parameter types)", fn)
	}
	b, err := eval(v, c)
	if err != nil {
		return false, err
	}
	if s, ok := scalarString(b); ok && (s == "true" || s == "false") {
		return s == "true", nil
	}
	return false, templateErr("every Rules assertion and RuleCondition must evaluate to a boolean value.")
}

// ruleArgs evaluates the two arguments of a rule function.
func ruleArgs(fn string, list []any, c *Context) ([2]any, error) {
	var out [2]any
	if len(list) != 2 {
		return out, templateErr("every %s object requires two parameters", fn)
	}
	for i, e := range list {
		r, err := eval(e, c)
		if err != nil {
			return out, err
		}
		out[i] = r
	}
	return out, nil
}

// memberTest is Fn::Contains (value is one of members), Fn::EachMemberEquals
// (every member equals value) or Fn::EachMemberIn (every member is one of
// the list value).
func memberTest(fn string, members []any, value any) (bool, error) {
	in := func(x any, list []any) bool {
		for _, m := range list {
			if equalValues(m, x) {
				return true
			}
		}
		return false
	}
	switch fn {
	case "Fn::Contains":
		return in(value, members), nil
	case "Fn::EachMemberEquals":
		for _, m := range members {
			if !equalValues(m, value) {
				return false, nil
			}
		}
		return true, nil
	}
	allowed, ok := value.([]any)
	if !ok {
		return false, templateErr("the second argument of Fn::EachMemberIn must be a list of strings")
	}
	for _, m := range members {
		if !in(m, allowed) {
			return false, nil
		}
	}
	return true, nil
}
