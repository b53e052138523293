package cfn

// isResourceAttribute tells whether k is a key a resource entry may have.
func isResourceAttribute(k string) bool {
	switch k {
	case "Type", "Properties", "DependsOn", "Condition", "DeletionPolicy",
		"UpdateReplacePolicy", "Metadata", "CreationPolicy", "UpdatePolicy", "Version":
		return true
	}
	return false
}

// parseResources reads the Resources section.
func (t *Template) parseResources(top map[string]any) error {
	sec, _ := top["Resources"].(map[string]any)
	if len(sec) == 0 {
		return formatErr(msgNoResources)
	}
	t.Resources = map[string]*Resource{}
	for _, id := range sortedKeys(sec) {
		m, ok := sec[id].(map[string]any)
		if !ok {
			return formatErr("[/Resources/%s] %s", id, msgNoType)
		}
		for _, k := range sortedKeys(m) {
			if !isResourceAttribute(k) {
				return formatErr("Invalid template resource property '%s'", k)
			}
		}
		typ, ok := m["Type"].(string)
		if !ok || typ == "" {
			return formatErr("[/Resources/%s] %s", id, msgNoType)
		}
		r := &Resource{Type: typ, Metadata: m["Metadata"]}
		if p, ok := m["Properties"]; ok && p != nil {
			props, ok := p.(map[string]any)
			if !ok {
				return formatErr("[/Resources/%s/Properties] Properties must be an object", id)
			}
			r.Properties = props
		}
		deps, err := dependsOn(m["DependsOn"])
		if err != nil {
			return err
		}
		r.DependsOn = deps
		for key, dst := range map[string]*string{
			"Condition": &r.Condition, "DeletionPolicy": &r.DeletionPolicy, "UpdateReplacePolicy": &r.UpdateReplacePolicy,
		} {
			if v, ok := m[key]; ok {
				s, ok := v.(string)
				if !ok {
					return formatErr("[/Resources/%s/%s] %s must be a String", id, key, key)
				}
				*dst = s
			}
		}
		t.Resources[id] = r
	}
	return nil
}

// dependsOn reads DependsOn given as a string or a list of strings.
func dependsOn(v any) ([]string, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []string{x}, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, formatErr("Every DependsOn value must be a string.")
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, formatErr("DependsOn must be a string or list of strings.")
}

// parseOutputs reads the Outputs section.
func (t *Template) parseOutputs(top map[string]any) error {
	sec, err := section(top, "Outputs")
	if err != nil {
		return err
	}
	t.OutputDefs = map[string]*OutputDef{}
	for _, name := range sortedKeys(sec) {
		m, ok := sec[name].(map[string]any)
		if !ok {
			return formatErr(msgOutputNoValue)
		}
		val, ok := m["Value"]
		if !ok || val == nil {
			return formatErr(msgOutputNoValue)
		}
		o := &OutputDef{Value: val}
		o.Description, _ = scalarString(m["Description"])
		if c, ok := m["Condition"]; ok {
			s, ok := c.(string)
			if !ok {
				return formatErr("[/Outputs/%s/Condition] Condition must be a String", name)
			}
			o.Condition = s
		}
		if e, ok := m["Export"]; ok {
			em, ok := e.(map[string]any)
			if !ok || em["Name"] == nil {
				return formatErr("Output %s is malformed. The Export field must contain a Name object.", name)
			}
			o.ExportName = em["Name"]
		}
		t.OutputDefs[name] = o
	}
	return nil
}
