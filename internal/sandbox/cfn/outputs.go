package cfn

// Output is an evaluated output of a stack.
type Output struct {
	// Value is the output's value.
	Value string
	// Description is the output's description.
	Description string
	// ExportName is the name the value is exported under, or "".
	ExportName string
}

// Outputs evaluates the template's outputs against ctx, skipping those
// whose Condition is false in ctx.Conditions. ctx.Mappings defaults to the
// template's mappings.
func (t *Template) Outputs(ctx *Context) (map[string]Output, error) {
	if ctx == nil {
		ctx = &Context{}
	}
	c := *ctx
	if c.Mappings == nil {
		c.Mappings = t.Mappings
	}
	out := make(map[string]Output, len(t.OutputDefs))
	for _, name := range sortedKeys(t.OutputDefs) {
		def := t.OutputDefs[name]
		if def.Condition != "" {
			on, ok := c.Conditions[def.Condition]
			if !ok {
				return nil, formatErr("Unresolved condition dependencies [%s] in the Outputs block of the template", def.Condition)
			}
			if !on {
				continue
			}
		}
		o := Output{Description: def.Description}
		var err error
		if o.Value, err = outputString(def.Value, &c, name); err != nil {
			return nil, err
		}
		if def.ExportName != nil {
			if o.ExportName, err = outputString(def.ExportName, &c, name); err != nil {
				return nil, err
			}
		}
		out[name] = o
	}
	return out, nil
}

// outputString evaluates an output field, which must be a string.
func outputString(v any, c *Context, name string) (string, error) {
	r, err := Evaluate(v, c)
	if err != nil {
		return "", err
	}
	s, ok := scalarString(r)
	if !ok {
		return "", formatErr("The Value field of every Outputs member must evaluate to a String and not a %s. Output %s is malformed.", kind(r), name)
	}
	return s, nil
}

// kind names the type of a value the way CloudFormation messages do.
func kind(v any) string {
	switch v.(type) {
	case []any:
		return "List"
	case map[string]any:
		return "Map"
	case nil:
		return "null"
	}
	return "String"
}
