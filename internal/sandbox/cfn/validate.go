package cfn

// isPseudoParameter tells whether name is a pseudo parameter.
func isPseudoParameter(name string) bool {
	switch name {
	case "AWS::Region", "AWS::AccountId", "AWS::StackName", "AWS::StackId", "AWS::Partition",
		"AWS::URLSuffix", "AWS::NoValue", "AWS::NotificationARNs":
		return true
	}
	return false
}

// checkReferences verifies that every Ref, GetAtt, Sub variable, DependsOn
// and condition name in the template points at something that exists.
func (t *Template) checkReferences() error {
	var common []string
	for name := range t.Parameters {
		if _, ok := t.Resources[name]; ok {
			common = append(common, name)
		}
	}
	if len(common) > 0 {
		return templateErr("all resources and parameters must have unique names. Common name(s):%s", bracketList(common))
	}
	if err := t.checkConditionsBlock(); err != nil {
		return err
	}
	var res refs
	var deps []string
	var conds []string
	for _, id := range t.ResourceIDs() {
		r := t.Resources[id]
		if err := res.collect(r.Properties, false); err != nil {
			return err
		}
		deps = append(deps, r.DependsOn...)
		if r.Condition != "" {
			conds = append(conds, r.Condition)
		}
	}
	var missing []string
	for _, d := range deps {
		if _, ok := t.Resources[d]; !ok {
			missing = append(missing, d)
		}
	}
	if err := t.checkBlock(&res, missing, conds, "Resources"); err != nil {
		return err
	}
	var out refs
	conds = nil
	for _, name := range sortedKeys(t.OutputDefs) {
		o := t.OutputDefs[name]
		if err := out.collect(o.Value, false); err != nil {
			return err
		}
		if err := out.collect(o.ExportName, false); err != nil {
			return err
		}
		if o.Condition != "" {
			conds = append(conds, o.Condition)
		}
	}
	return t.checkBlock(&out, nil, conds, "Outputs")
}

// checkBlock reports unresolved names in the Resources or Outputs block.
func (t *Template) checkBlock(r *refs, missing, conds []string, block string) error {
	for _, name := range r.refs {
		if !t.refTarget(name) {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return formatErr("Unresolved resource dependencies %s in the %s block of the template", bracketList(missing), block)
	}
	for _, id := range sortedUnique(r.getAtts) {
		if _, ok := t.Resources[id]; !ok {
			return templateErr("instance of Fn::GetAtt references undefined resource %s", id)
		}
	}
	for _, c := range sortedUnique(r.ifConds) {
		if _, ok := t.Conditions[c]; !ok {
			return templateErr("unresolved condition dependency %s in Fn::If", c)
		}
	}
	var undefined []string
	for _, c := range append(conds, r.conds...) {
		if _, ok := t.Conditions[c]; !ok {
			undefined = append(undefined, c)
		}
	}
	if len(undefined) > 0 {
		return formatErr("Unresolved condition dependencies %s in the %s block of the template", bracketList(undefined), block)
	}
	return nil
}

// refTarget tells whether Ref name resolves to a parameter, a pseudo
// parameter or a resource.
func (t *Template) refTarget(name string) bool {
	if isPseudoParameter(name) {
		return true
	}
	if _, ok := t.Parameters[name]; ok {
		return true
	}
	_, ok := t.Resources[name]
	return ok
}

// checkConditionsBlock verifies that conditions refer only to parameters,
// pseudo parameters, mappings and defined conditions, without cycles.
func (t *Template) checkConditionsBlock() error {
	graph := map[string][]string{}
	for _, name := range sortedKeys(t.Conditions) {
		var r refs
		if err := r.collect(t.Conditions[name], true); err != nil {
			return err
		}
		var bad []string
		for _, ref := range r.refs {
			if !isPseudoParameter(ref) {
				if _, ok := t.Parameters[ref]; !ok {
					bad = append(bad, ref)
				}
			}
		}
		bad = append(bad, r.getAtts...)
		if len(bad) > 0 {
			return formatErr("Unresolved dependencies %s. Cannot reference resources in the Conditions block of the template", bracketList(bad))
		}
		if err := t.checkBlock(&refs{ifConds: r.ifConds}, nil, r.conds, "Conditions"); err != nil {
			return err
		}
		graph[name] = append(r.conds, r.ifConds...)
	}
	if _, cyclic := topoSort(sortedKeys(t.Conditions), graph); len(cyclic) > 0 {
		return templateErr("Found circular condition dependency: %s", bracketList(cyclic))
	}
	return nil
}
