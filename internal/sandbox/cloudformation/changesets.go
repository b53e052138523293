package cloudformation

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// noChangesReason is the StatusReason of a change set that changes
// nothing, which `aws cloudformation deploy` reads as "No changes to deploy".
const noChangesReason = "The submitted information didn't contain changes. Submit different information to create a change set."

// changeSet is a change set of a stack, kept until it is executed or
// deleted.
type changeSet struct {
	ID              string            `json:"id"`
	Name            string            `json:"name"`
	Type            string            `json:"type"`
	Status          string            `json:"status"`
	StatusReason    string            `json:"statusReason,omitempty"`
	ExecutionStatus string            `json:"executionStatus"`
	Description     string            `json:"description,omitempty"`
	CreatedAt       time.Time         `json:"createdAt"`
	TemplateBody    string            `json:"templateBody"`
	Params          map[string]string `json:"params,omitempty"`
	Capabilities    []string          `json:"capabilities,omitempty"`
	Tags            []awsproto.Tag    `json:"tags,omitempty"`
	Changes         []csChange        `json:"changes,omitempty"`
}

// csChange is one resource change of a change set.
type csChange struct {
	Action      string `json:"action"`
	LogicalID   string `json:"logicalId"`
	PhysicalID  string `json:"physicalId,omitempty"`
	Type        string `json:"type"`
	Replacement string `json:"replacement,omitempty"`
}

// changeSetNotFound is CloudFormation's 404 for a missing change set.
func changeSetNotFound(name string) *awsproto.Error {
	return &awsproto.Error{Status: http.StatusNotFound, Code: "ChangeSetNotFound", Message: "ChangeSet [" + name + "] does not exist"}
}

// findChangeSet finds a change set of st by name or ARN.
func findChangeSet(st *cfnStack, nameOrID string) *changeSet {
	for _, cs := range st.ChangeSets {
		if cs.Name == nameOrID || cs.ID == nameOrID {
			return cs
		}
	}
	return nil
}

// lookupChangeSet finds a change set by ARN, or by name in StackName's stack.
func (f *Service) lookupChangeSet(c *awsproto.Call, form url.Values) (*cfnStack, *changeSet, error) {
	name := form.Get("ChangeSetName")
	if strings.HasPrefix(name, "arn:") {
		for _, st := range f.liveStacks(c.Region) {
			if cs := findChangeSet(st, name); cs != nil {
				return st, cs, nil
			}
		}
		return nil, nil, changeSetNotFound(name)
	}
	stackName := form.Get("StackName")
	if stackName == "" {
		return nil, nil, validationErr("StackName must be specified if ChangeSetName is not specified as an ARN.")
	}
	st := f.findStack(c.Region, stackName)
	if st == nil {
		return nil, nil, changeSetNotFound(name)
	}
	cs := findChangeSet(st, name)
	if cs == nil {
		return nil, nil, changeSetNotFound(name)
	}
	return st, cs, nil
}

func (f *Service) createChangeSet(c *awsproto.Call, form url.Values) (any, error) {
	name, csName := form.Get("StackName"), form.Get("ChangeSetName")
	if err := validStackName(name); err != nil {
		return nil, err
	}
	if csName == "" {
		return nil, validationErr("1 validation error detected: Value null at 'changeSetName' failed to satisfy constraint: Member must not be null")
	}
	typ := form.Get("ChangeSetType")
	if typ == "" {
		typ = "UPDATE"
	}
	st := f.findStack(c.Region, name)
	var prev *cfnStack
	switch typ {
	case "CREATE":
		if st != nil && st.Status != "REVIEW_IN_PROGRESS" {
			return nil, awsproto.ClientErr("AlreadyExistsException", "Stack [%s] already exists", name)
		}
	case "UPDATE":
		if st == nil || st.Status == "REVIEW_IN_PROGRESS" {
			return nil, validationErr("Stack [%s] does not exist", name)
		}
		if err := updatable(st); err != nil {
			return nil, err
		}
		prev = st
	default:
		return nil, validationErr("1 validation error detected: Value '%s' at 'changeSetType' failed to satisfy constraint: "+
			"Member must satisfy enum value set: [IMPORT, UPDATE, CREATE]", typ)
	}
	in, err := f.readStackInput(form, prev)
	if err != nil {
		return nil, err
	}
	if st != nil && findChangeSet(st, csName) != nil {
		return nil, awsproto.ClientErr("AlreadyExistsException", "ChangeSet %s already exists", csName)
	}
	if st == nil {
		st = &cfnStack{ID: stackARN(c.Region, name), Name: name, Region: c.Region, CreatedAt: c.Now,
			Resources: map[string]*cfnResource{}}
	}
	run, err := f.newRun(c, st, in.tmpl, in.resolved)
	if err != nil {
		return nil, err
	}
	if st.Status == "" {
		f.state().Stacks = append(f.state().Stacks, st)
		st.stackEvent(c.Now, "REVIEW_IN_PROGRESS", "User Initiated")
	}
	cs := &changeSet{ID: "arn:aws:cloudformation:" + c.Region + ":" + awsproto.Account + ":changeSet/" + csName + "/" + awsproto.NewRequestID(),
		Name: csName, Type: typ, Status: "CREATE_COMPLETE", ExecutionStatus: "AVAILABLE", Description: form.Get("Description"),
		CreatedAt: c.Now, TemplateBody: in.body, Params: in.params, Capabilities: in.caps, Tags: in.tags, Changes: run.changes()}
	if typ == "UPDATE" && in.body == st.TemplateBody && sameParams(in.params, st.Params) {
		cs.Status, cs.StatusReason, cs.ExecutionStatus, cs.Changes = "FAILED", noChangesReason, "UNAVAILABLE", nil
	}
	st.ChangeSets = append(st.ChangeSets, cs)
	c.Changed()
	return struct {
		ID      string `xml:"Id"`
		StackID string `xml:"StackId"`
	}{cs.ID, st.ID}, nil
}

// changes lists what applying the run's template would do to the stack.
// A resource whose properties cannot be evaluated yet (they name a
// resource still to be made) counts as modified.
func (r *stackRun) changes() []csChange {
	var out []csChange
	order, _ := r.tmpl.Order()
	for _, id := range order {
		if !r.wanted(id) {
			continue
		}
		def := r.tmpl.Resources[id]
		old := r.st.Resources[id]
		if !live(old) {
			out = append(out, csChange{Action: "Add", LogicalID: id, Type: def.Type})
			continue
		}
		props, err := r.props(def)
		if err != nil || old.Type != def.Type || !sameProps(props, old.Props) {
			out = append(out, csChange{Action: "Modify", LogicalID: id, PhysicalID: old.PhysicalID, Type: def.Type, Replacement: "True"})
		}
	}
	for _, res := range stackResources(r.st) {
		if live(res) && !r.wanted(res.LogicalID) {
			out = append(out, csChange{Action: "Remove", LogicalID: res.LogicalID, PhysicalID: res.PhysicalID, Type: res.Type})
		}
	}
	return out
}

func (f *Service) describeChangeSet(c *awsproto.Call, form url.Values) (any, error) {
	st, cs, err := f.lookupChangeSet(c, form)
	if err != nil {
		return nil, err
	}
	type resourceChange struct {
		Action             string   `xml:"Action"`
		LogicalResourceID  string   `xml:"LogicalResourceId"`
		PhysicalResourceID string   `xml:"PhysicalResourceId,omitempty"`
		ResourceType       string   `xml:"ResourceType"`
		Replacement        string   `xml:"Replacement,omitempty"`
		Scope              []string `xml:"Scope>member"`
		Details            struct{} `xml:"Details"`
	}
	type change struct {
		Type           string         `xml:"Type"`
		ResourceChange resourceChange `xml:"ResourceChange"`
	}
	type result struct {
		ChangeSetName   string           `xml:"ChangeSetName"`
		ChangeSetID     string           `xml:"ChangeSetId"`
		StackID         string           `xml:"StackId"`
		StackName       string           `xml:"StackName"`
		Description     string           `xml:"Description,omitempty"`
		Parameters      []paramXML       `xml:"Parameters>member"`
		CreationTime    awsproto.ISOTime `xml:"CreationTime"`
		ExecutionStatus string           `xml:"ExecutionStatus"`
		Status          string           `xml:"Status"`
		StatusReason    string           `xml:"StatusReason,omitempty"`
		Capabilities    []string         `xml:"Capabilities>member"`
		Tags            []awsproto.Tag   `xml:"Tags>member"`
		Changes         []change         `xml:"Changes>member"`
		IncludeNested   bool             `xml:"IncludeNestedStacks"`
	}
	out := result{ChangeSetName: cs.Name, ChangeSetID: cs.ID, StackID: st.ID, StackName: st.Name, Description: cs.Description,
		CreationTime: awsproto.ISOTime(cs.CreatedAt), ExecutionStatus: cs.ExecutionStatus, Status: cs.Status, StatusReason: cs.StatusReason,
		Capabilities: cs.Capabilities, Tags: cs.Tags}
	out.Parameters = f.paramsXML(&cfnStack{TemplateBody: cs.TemplateBody, Params: cs.Params})
	for _, ch := range cs.Changes {
		rc := resourceChange{Action: ch.Action, LogicalResourceID: ch.LogicalID, PhysicalResourceID: ch.PhysicalID,
			ResourceType: ch.Type, Replacement: ch.Replacement}
		if ch.Action == "Modify" {
			rc.Scope = []string{"Properties"}
		}
		out.Changes = append(out.Changes, change{Type: "Resource", ResourceChange: rc})
	}
	return out, nil
}

func (f *Service) executeChangeSet(c *awsproto.Call, form url.Values) (any, error) {
	st, cs, err := f.lookupChangeSet(c, form)
	if err != nil {
		return nil, err
	}
	if cs.ExecutionStatus != "AVAILABLE" {
		return nil, awsproto.ClientErr("InvalidChangeSetStatus", "ChangeSet [%s] cannot be executed in its current status of [%s]", cs.ID, cs.Status)
	}
	t, err := f.parse(cs.TemplateBody)
	if err != nil {
		return nil, err
	}
	resolved, err := t.ResolveParameters(cs.Params)
	if err != nil {
		return nil, validationErr("%s", err.Error())
	}
	in := &stackInput{body: cs.TemplateBody, tmpl: t, resolved: resolved, params: cs.Params, caps: cs.Capabilities, tags: cs.Tags}
	c.Changed()
	st.ChangeSets = nil
	if cs.Type == "CREATE" {
		run, err := f.newRun(c, st, t, resolved)
		if err != nil {
			return nil, err
		}
		failure := "ROLLBACK"
		if form.Get("DisableRollback") == "true" {
			failure = "DO_NOTHING"
		}
		run.runCreate(in, failure)
		return struct{}{}, nil
	}
	if err := updatable(st); err != nil {
		return nil, err
	}
	if err := f.update(c, st, in); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func (f *Service) deleteChangeSet(c *awsproto.Call, form url.Values) (any, error) {
	st, cs, err := f.lookupChangeSet(c, form)
	if err != nil {
		return nil, err
	}
	for i, x := range st.ChangeSets {
		if x == cs {
			st.ChangeSets = append(st.ChangeSets[:i], st.ChangeSets[i+1:]...)
			break
		}
	}
	c.Changed()
	return struct{}{}, nil
}

func (f *Service) listChangeSets(c *awsproto.Call, form url.Values) (any, error) {
	st, err := f.namedStack(c, form)
	if err != nil {
		return nil, err
	}
	type summary struct {
		StackID         string           `xml:"StackId"`
		StackName       string           `xml:"StackName"`
		ChangeSetID     string           `xml:"ChangeSetId"`
		ChangeSetName   string           `xml:"ChangeSetName"`
		ExecutionStatus string           `xml:"ExecutionStatus"`
		Status          string           `xml:"Status"`
		StatusReason    string           `xml:"StatusReason,omitempty"`
		CreationTime    awsproto.ISOTime `xml:"CreationTime"`
		Description     string           `xml:"Description,omitempty"`
	}
	var out []summary
	for _, cs := range st.ChangeSets {
		out = append(out, summary{StackID: st.ID, StackName: st.Name, ChangeSetID: cs.ID, ChangeSetName: cs.Name,
			ExecutionStatus: cs.ExecutionStatus, Status: cs.Status, StatusReason: cs.StatusReason,
			CreationTime: awsproto.ISOTime(cs.CreatedAt), Description: cs.Description})
	}
	return struct {
		Summaries []summary `xml:"Summaries>member"`
	}{out}, nil
}
