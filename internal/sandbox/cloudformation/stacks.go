package cloudformation

import (
	"net/url"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// stackIDResult is the StackId result of CreateStack and UpdateStack.
type stackIDResult struct {
	StackID string `xml:"StackId"`
}

// onFailure reads OnFailure (or DisableRollback) of CreateStack.
func onFailure(form url.Values) (string, error) {
	v := form.Get("OnFailure")
	switch {
	case v == "" && form.Get("DisableRollback") == "true":
		return "DO_NOTHING", nil
	case v == "":
		return "ROLLBACK", nil
	case v == "ROLLBACK" || v == "DELETE" || v == "DO_NOTHING":
		if form.Get("DisableRollback") != "" {
			return "", validationErr("You cannot specify both DisableRollback and OnFailure.")
		}
		return v, nil
	}
	return "", validationErr("1 validation error detected: Value '%s' at 'onFailure' failed to satisfy constraint: "+
		"Member must satisfy enum value set: [DO_NOTHING, ROLLBACK, DELETE]", v)
}

func (f *Service) createStack(c *awsproto.Call, form url.Values) (any, error) {
	name := form.Get("StackName")
	if err := validStackName(name); err != nil {
		return nil, err
	}
	failure, err := onFailure(form)
	if err != nil {
		return nil, err
	}
	if f.findStack(c.Region, name) != nil {
		return nil, awsproto.ClientErr("AlreadyExistsException", "Stack [%s] already exists", name)
	}
	in, err := f.readStackInput(form, nil)
	if err != nil {
		return nil, err
	}
	st := &cfnStack{ID: stackARN(c.Region, name), Name: name, Region: c.Region, CreatedAt: c.Now}
	run, err := f.newRun(c, st, in.tmpl, in.resolved)
	if err != nil {
		return nil, err
	}
	f.state().Stacks = append(f.state().Stacks, st)
	c.Changed()
	run.runCreate(in, failure)
	f.pruneDeleted()
	return stackIDResult{StackID: st.ID}, nil
}

func (f *Service) updateStack(c *awsproto.Call, form url.Values) (any, error) {
	name := form.Get("StackName")
	st := f.findStack(c.Region, name)
	if st == nil || st.Status == "DELETE_COMPLETE" || st.Status == "REVIEW_IN_PROGRESS" {
		return nil, validationErr("Stack [%s] does not exist", name)
	}
	if err := updatable(st); err != nil {
		return nil, err
	}
	in, err := f.readStackInput(form, st)
	if err != nil {
		return nil, err
	}
	if in.body == st.TemplateBody && sameParams(in.params, st.Params) {
		return nil, validationErr("No updates are to be performed.")
	}
	if err := f.update(c, st, in); err != nil {
		return nil, err
	}
	return stackIDResult{StackID: st.ID}, nil
}

// update runs an update of st to in.
func (f *Service) update(c *awsproto.Call, st *cfnStack, in *stackInput) error {
	run, err := f.newRun(c, st, in.tmpl, in.resolved)
	if err != nil {
		return err
	}
	prev, err := f.currentRun(c, st)
	if err != nil {
		return err
	}
	c.Changed()
	run.runUpdate(in, prev)
	return nil
}

// currentRun is a run of the stack's current template and parameters.
func (f *Service) currentRun(c *awsproto.Call, st *cfnStack) (*stackRun, error) {
	t, err := f.parse(st.TemplateBody)
	if err != nil {
		return nil, err
	}
	resolved, err := t.ResolveParameters(st.Params)
	if err != nil {
		return nil, validationErr("%s", err.Error())
	}
	return f.newRun(c, st, t, resolved)
}

func (f *Service) deleteStack(c *awsproto.Call, form url.Values) (any, error) {
	name := form.Get("StackName")
	if name == "" {
		return nil, validationErr("1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null")
	}
	st := f.findStack(c.Region, name)
	if st == nil || st.Status == "DELETE_COMPLETE" {
		return nil, nil
	}
	c.Changed()
	run := &stackRun{f: f, c: c, st: st, provs: providers()}
	if prev, err := f.currentRun(c, st); err == nil {
		run = prev
	}
	if st.Resources == nil {
		st.Resources = map[string]*cfnResource{}
	}
	retain := map[string]bool{}
	for _, id := range awsproto.QueryList(form, "RetainResources", "member") {
		retain[id] = true
	}
	run.runDelete(retain)
	f.pruneDeleted()
	return nil, nil
}
