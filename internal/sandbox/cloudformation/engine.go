package cloudformation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/cfn"
)

// stackRun applies one template to one stack within an API call: it
// evaluates resource properties against the stack's resources and drives
// the providers, recording events.
type stackRun struct {
	f     *Service
	c     *awsproto.Call
	st    *cfnStack
	tmpl  *cfn.Template
	ctx   *cfn.Context
	provs map[string]provider
}

// newRun prepares a run of tmpl with resolved parameters on st; it
// evaluates the template's conditions, whose errors are ValidationErrors.
func (f *Service) newRun(c *awsproto.Call, st *cfnStack, tmpl *cfn.Template, resolved map[string]any) (*stackRun, error) {
	resolved, err := f.resolveTyped(st.Region, tmpl, resolved)
	if err != nil {
		return nil, err
	}
	r := &stackRun{f: f, c: c, st: st, tmpl: tmpl, provs: providers()}
	r.ctx = &cfn.Context{Region: st.Region, AccountID: awsproto.Account, StackName: st.Name, StackID: st.ID,
		Parameters: resolved, Mappings: tmpl.Mappings, Ref: r.ref, GetAtt: r.getAtt, ImportValue: r.importValue}
	if err := cfn.CheckRules(tmpl, r.ctx); err != nil {
		return nil, validationErr("%s", err.Error())
	}
	conds, err := cfn.EvaluateConditions(tmpl, r.ctx)
	if err != nil {
		return nil, validationErr("%s", err.Error())
	}
	r.ctx.Conditions = conds
	if st.Resources == nil {
		st.Resources = map[string]*cfnResource{}
	}
	return r, nil
}

// live tells whether a resource exists (was made and not deleted).
func live(res *cfnResource) bool {
	return res != nil && res.PhysicalID != "" && res.Status != "DELETE_COMPLETE" && res.Status != "DELETE_SKIPPED"
}

// wanted tells whether the template declares id with a true condition.
func (r *stackRun) wanted(id string) bool {
	def := r.tmpl.Resources[id]
	return def != nil && (def.Condition == "" || r.ctx == nil || r.ctx.Conditions[def.Condition])
}

func (r *stackRun) ref(id string) (string, error) {
	if res := r.st.Resources[id]; live(res) {
		return res.PhysicalID, nil
	}
	return "", fmt.Errorf("Template format error: Unresolved resource dependencies [%s] in the Resources block of the template", id)
}

func (r *stackRun) getAtt(id, attr string) (any, error) {
	res := r.st.Resources[id]
	if !live(res) {
		return nil, fmt.Errorf("Template format error: Unresolved resource dependencies [%s] in the Resources block of the template", id)
	}
	v, ok := res.Attrs[attr]
	if !ok || attr == "" || !unicode.IsUpper(rune(attr[0])) {
		return nil, fmt.Errorf("Template error: resource %s does not support attribute type %s in Fn::GetAtt", id, attr)
	}
	if attr == "SecurityGroups" || attr == "LoadBalancerArns" {
		list := []any{}
		for _, s := range strings.Split(v, ",") {
			if s != "" {
				list = append(list, s)
			}
		}
		return list, nil
	}
	return v, nil
}

func (r *stackRun) importValue(name string) (string, error) {
	for _, st := range r.f.liveStacks(r.st.Region) {
		if st == r.st || st.Status == "REVIEW_IN_PROGRESS" {
			continue
		}
		for _, o := range st.Outputs {
			if o.ExportName == name {
				return o.Value, nil
			}
		}
	}
	return "", fmt.Errorf("No export named %s found.", name)
}

// event records a resource event at the call's time.
func (r *stackRun) event(res *cfnResource, physicalID, status, reason string) {
	r.st.resourceEvent(r.c.Now, res, physicalID, status, reason)
}

// stackEvent records a stack event at the call's time.
func (r *stackRun) stackEvent(status, reason string) { r.st.stackEvent(r.c.Now, status, reason) }

// provCall is the provider invocation for a logical id.
func (r *stackRun) provCall(logical string) *provCall {
	return &provCall{res: r.f.res, region: r.st.Region, now: r.c.Now, stack: r.st.Name, logical: logical}
}

// props evaluates a resource's properties.
func (r *stackRun) props(def *cfn.Resource) (map[string]any, error) {
	v, err := cfn.Evaluate(def.Properties, r.ctx)
	if err != nil {
		return nil, err
	}
	m, _ := v.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// sameProps compares properties as JSON, so that values read back from the
// state file (where integers became floats) compare equal.
func sameProps(a, b map[string]any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// make creates a resource through its provider and records what it made.
func (r *stackRun) make(res *cfnResource, props map[string]any) error {
	p, ok := r.provs[res.Type]
	if !ok {
		return fmt.Errorf("Template format error: Unrecognized resource types: [%s]", res.Type)
	}
	made, err := p.create(r.provCall(res.LogicalID), props)
	if err != nil {
		return err
	}
	r.st.Seq++
	res.PhysicalID, res.Attrs, res.Props, res.Seq = made.id, made.attrs, props, r.st.Seq
	return nil
}

// remove deletes a resource through its provider.
func (r *stackRun) remove(res *cfnResource) error {
	p, ok := r.provs[res.Type]
	if !ok || res.PhysicalID == "" {
		return nil
	}
	return p.delete(r.provCall(res.LogicalID), res.PhysicalID, res.Attrs)
}

// apply brings the stack's resources to the template in dependency order:
// it creates new resources and replaces changed ones (delete, then
// create). On failure it returns the failing logical id, whether it was
// being created, and why; the resources after it are left untouched.
func (r *stackRun) apply() (string, bool, error) {
	order, err := r.tmpl.Order()
	if err != nil {
		return "", true, err
	}
	for _, id := range order {
		if !r.wanted(id) {
			continue
		}
		def := r.tmpl.Resources[id]
		old := r.st.Resources[id]
		props, perr := r.props(def)
		if live(old) {
			if old.Type == def.Type && perr == nil && sameProps(props, old.Props) {
				continue
			}
			if err := r.replace(old, def.Type, props, perr); err != nil {
				return id, false, err
			}
			continue
		}
		res := &cfnResource{LogicalID: id, Type: def.Type}
		r.st.Resources[id] = res
		r.event(res, "", "CREATE_IN_PROGRESS", "")
		if perr == nil {
			perr = r.make(res, props)
		}
		if perr != nil {
			r.event(res, "", "CREATE_FAILED", perr.Error())
			return id, true, perr
		}
		r.event(res, res.PhysicalID, "CREATE_IN_PROGRESS", "Resource creation Initiated")
		r.event(res, res.PhysicalID, "CREATE_COMPLETE", "")
	}
	return "", false, nil
}

// replace swaps a changed resource for a new one of typ with props.
func (r *stackRun) replace(res *cfnResource, typ string, props map[string]any, perr error) error {
	r.event(res, res.PhysicalID, "UPDATE_IN_PROGRESS",
		"Requested update requires the creation of a new physical resource; hence creating one.")
	if perr == nil {
		perr = r.remove(res)
	}
	if perr == nil {
		oldType := res.Type
		res.Type = typ
		if perr = r.make(res, props); perr != nil {
			// the old resource is gone and no new one was made
			res.Type, res.PhysicalID = oldType, ""
		}
	}
	if perr != nil {
		r.event(res, res.PhysicalID, "UPDATE_FAILED", perr.Error())
		return perr
	}
	r.event(res, res.PhysicalID, "UPDATE_COMPLETE", "")
	return nil
}

// deletionOrder lists the stack's resources dependants first: the
// template's DeletionOrder, then any others newest first.
func (r *stackRun) deletionOrder() []string {
	var out []string
	seen := map[string]bool{}
	if r.tmpl != nil {
		if order, err := r.tmpl.DeletionOrder(); err == nil {
			for _, id := range order {
				if r.st.Resources[id] != nil {
					out, seen[id] = append(out, id), true
				}
			}
		}
	}
	var rest []string
	for id := range r.st.Resources {
		if !seen[id] {
			rest = append(rest, id)
		}
	}
	sort.Slice(rest, func(i, j int) bool { return r.st.Resources[rest[i]].Seq > r.st.Resources[rest[j]].Seq })
	return append(out, rest...)
}

// deleteResources deletes the live resources for which pick is true, in
// deletion order, and returns the logical ids that failed to delete.
func (r *stackRun) deleteResources(pick func(id string) bool, retain map[string]bool) []string {
	var failed []string
	for _, id := range r.deletionOrder() {
		res := r.st.Resources[id]
		if !live(res) || !pick(id) {
			continue
		}
		if def := r.tmplResource(id); retain[id] || def != nil && def.DeletionPolicy == "Retain" {
			r.event(res, res.PhysicalID, "DELETE_SKIPPED", "")
			continue
		}
		r.event(res, res.PhysicalID, "DELETE_IN_PROGRESS", "")
		if err := r.remove(res); err != nil {
			r.event(res, res.PhysicalID, "DELETE_FAILED", err.Error())
			failed = append(failed, id)
			continue
		}
		r.event(res, res.PhysicalID, "DELETE_COMPLETE", "")
	}
	return failed
}

// tmplResource is the run template's resource id, or nil.
func (r *stackRun) tmplResource(id string) *cfn.Resource {
	if r.tmpl == nil {
		return nil
	}
	return r.tmpl.Resources[id]
}

// outputs evaluates the template's outputs and checks that its exports
// are not exported by another stack of the region.
func (r *stackRun) outputs() ([]cfnOutput, error) {
	outs, err := r.tmpl.Outputs(r.ctx)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(outs))
	for k := range outs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var list []cfnOutput
	for _, k := range keys {
		o := outs[k]
		if o.ExportName != "" {
			for _, other := range r.f.liveStacks(r.st.Region) {
				for _, oo := range other.Outputs {
					if other != r.st && oo.ExportName == o.ExportName {
						return nil, fmt.Errorf("Export with name %s is already exported by stack %s", o.ExportName, other.Name)
					}
				}
			}
		}
		list = append(list, cfnOutput{Key: k, Value: o.Value, Description: o.Description, ExportName: o.ExportName})
	}
	return list, nil
}

// errText is an error's client-visible text.
func errText(err error) string {
	var ae *awsproto.Error
	if errors.As(err, &ae) {
		return ae.Message
	}
	return err.Error()
}
