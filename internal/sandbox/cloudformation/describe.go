package cloudformation

import (
	"net/url"
	"sort"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// paramXML is CloudFormation's Parameter shape.
type paramXML struct {
	ParameterKey   string `xml:"ParameterKey"`
	ParameterValue string `xml:"ParameterValue"`
	// ResolvedValue is an SSM parameter type's value in Parameter Store.
	ResolvedValue string `xml:"ResolvedValue,omitempty"`
}

// outputXML is CloudFormation's Output shape.
type outputXML struct {
	OutputKey   string `xml:"OutputKey"`
	OutputValue string `xml:"OutputValue"`
	Description string `xml:"Description,omitempty"`
	ExportName  string `xml:"ExportName,omitempty"`
}

// stackXML is CloudFormation's Stack shape.
type stackXML struct {
	StackID           string            `xml:"StackId"`
	StackName         string            `xml:"StackName"`
	Description       string            `xml:"Description,omitempty"`
	Parameters        []paramXML        `xml:"Parameters>member"`
	CreationTime      awsproto.ISOTime  `xml:"CreationTime"`
	DeletionTime      *awsproto.ISOTime `xml:"DeletionTime,omitempty"`
	LastUpdatedTime   *awsproto.ISOTime `xml:"LastUpdatedTime,omitempty"`
	StackStatus       string            `xml:"StackStatus"`
	StackStatusReason string            `xml:"StackStatusReason,omitempty"`
	DisableRollback   bool              `xml:"DisableRollback"`
	NotificationARNs  struct{}          `xml:"NotificationARNs"`
	Capabilities      []string          `xml:"Capabilities>member"`
	Outputs           []outputXML       `xml:"Outputs>member"`
	Tags              []awsproto.Tag    `xml:"Tags>member"`
	EnableTermination bool              `xml:"EnableTerminationProtection"`
	Drift             struct {
		Status string `xml:"StackDriftStatus"`
	} `xml:"DriftInformation"`
}

// paramsXML lists a stack's parameters, NoEcho ones masked.
func (f *Service) paramsXML(st *cfnStack) []paramXML {
	noEcho, fromSSM := map[string]bool{}, map[string]bool{}
	if t, err := f.parse(st.TemplateBody); err == nil {
		for k, p := range t.Parameters {
			noEcho[k], fromSSM[k] = p.NoEcho, strings.HasPrefix(p.Type, ssmTypePrefix)
		}
	}
	var out []paramXML
	for k, v := range st.Params {
		x := paramXML{ParameterKey: k, ParameterValue: v}
		if noEcho[k] {
			x.ParameterValue = "****"
		}
		if fromSSM[k] {
			if p := f.res.SSM().Lookup(st.Region, v); p != nil {
				x.ResolvedValue = p.Value
			}
		}
		out = append(out, x)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ParameterKey < out[j].ParameterKey })
	return out
}

// stackXML renders a stack.
func (f *Service) stackXML(st *cfnStack) stackXML {
	x := stackXML{StackID: st.ID, StackName: st.Name, Description: st.Description, Parameters: f.paramsXML(st),
		CreationTime: awsproto.ISOTime(st.CreatedAt), DeletionTime: awsproto.ISOPtr(st.DeletedAt), LastUpdatedTime: awsproto.ISOPtr(st.UpdatedAt),
		StackStatus: st.Status, StackStatusReason: st.StatusReason, DisableRollback: st.DisableRollback,
		Capabilities: st.Capabilities, Tags: st.Tags}
	x.Drift.Status = "NOT_CHECKED"
	for _, o := range st.Outputs {
		x.Outputs = append(x.Outputs, outputXML{OutputKey: o.Key, OutputValue: o.Value, Description: o.Description, ExportName: o.ExportName})
	}
	return x
}

func (f *Service) describeStacks(c *awsproto.Call, form url.Values) (any, error) {
	type result struct {
		Stacks []stackXML `xml:"Stacks>member"`
	}
	name := form.Get("StackName")
	if name == "" {
		var out result
		for _, st := range f.liveStacks(c.Region) {
			out.Stacks = append(out.Stacks, f.stackXML(st))
		}
		return out, nil
	}
	st := f.findStack(c.Region, name)
	if st == nil {
		return nil, validationErr("Stack with id %s does not exist", name)
	}
	return result{Stacks: []stackXML{f.stackXML(st)}}, nil
}

// namedStack finds the stack a StackName names, or "Stack [X] does not exist".
func (f *Service) namedStack(c *awsproto.Call, form url.Values) (*cfnStack, error) {
	name := form.Get("StackName")
	st := f.findStack(c.Region, name)
	if st == nil {
		return nil, validationErr("Stack [%s] does not exist", name)
	}
	return st, nil
}

func (f *Service) describeStackEvents(c *awsproto.Call, form url.Values) (any, error) {
	st, err := f.namedStack(c, form)
	if err != nil {
		return nil, err
	}
	return struct {
		Events []eventXML `xml:"StackEvents>member"`
	}{st.eventsNewestFirst()}, nil
}

// stackResources lists a stack's resources by logical id.
func stackResources(st *cfnStack) []*cfnResource {
	out := make([]*cfnResource, 0, len(st.Resources))
	for _, r := range st.Resources {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LogicalID < out[j].LogicalID })
	return out
}

// resourceDrift is the DriftInformation of a stack resource.
type resourceDrift struct {
	Status string `xml:"StackResourceDriftStatus"`
}

func (f *Service) describeStackResources(c *awsproto.Call, form url.Values) (any, error) {
	type resourceXML struct {
		StackName            string           `xml:"StackName"`
		StackID              string           `xml:"StackId"`
		LogicalResourceID    string           `xml:"LogicalResourceId"`
		PhysicalResourceID   string           `xml:"PhysicalResourceId,omitempty"`
		ResourceType         string           `xml:"ResourceType"`
		Timestamp            awsproto.ISOTime `xml:"Timestamp"`
		ResourceStatus       string           `xml:"ResourceStatus"`
		ResourceStatusReason string           `xml:"ResourceStatusReason,omitempty"`
		Drift                resourceDrift    `xml:"DriftInformation"`
	}
	var st *cfnStack
	if phys := form.Get("PhysicalResourceId"); phys != "" && form.Get("StackName") == "" {
		for _, s := range f.liveStacks(c.Region) {
			for _, r := range s.Resources {
				if r.PhysicalID == phys {
					st = s
				}
			}
		}
		if st == nil {
			return nil, validationErr("Stack for %s does not exist", phys)
		}
	} else {
		var err error
		if st, err = f.namedStack(c, form); err != nil {
			return nil, err
		}
	}
	logical := form.Get("LogicalResourceId")
	var out []resourceXML
	for _, r := range stackResources(st) {
		if logical != "" && r.LogicalID != logical {
			continue
		}
		out = append(out, resourceXML{StackName: st.Name, StackID: st.ID, LogicalResourceID: r.LogicalID,
			PhysicalResourceID: r.PhysicalID, ResourceType: r.Type, Timestamp: awsproto.ISOTime(r.Updated),
			ResourceStatus: r.Status, ResourceStatusReason: r.StatusReason, Drift: resourceDrift{"NOT_CHECKED"}})
	}
	return struct {
		Resources []resourceXML `xml:"StackResources>member"`
	}{out}, nil
}

func (f *Service) listStackResources(c *awsproto.Call, form url.Values) (any, error) {
	type summaryXML struct {
		LogicalResourceID    string           `xml:"LogicalResourceId"`
		PhysicalResourceID   string           `xml:"PhysicalResourceId,omitempty"`
		ResourceType         string           `xml:"ResourceType"`
		LastUpdated          awsproto.ISOTime `xml:"LastUpdatedTimestamp"`
		ResourceStatus       string           `xml:"ResourceStatus"`
		ResourceStatusReason string           `xml:"ResourceStatusReason,omitempty"`
		Drift                resourceDrift    `xml:"DriftInformation"`
	}
	st, err := f.namedStack(c, form)
	if err != nil {
		return nil, err
	}
	var out []summaryXML
	for _, r := range stackResources(st) {
		out = append(out, summaryXML{LogicalResourceID: r.LogicalID, PhysicalResourceID: r.PhysicalID, ResourceType: r.Type,
			LastUpdated: awsproto.ISOTime(r.Updated), ResourceStatus: r.Status, ResourceStatusReason: r.StatusReason,
			Drift: resourceDrift{"NOT_CHECKED"}})
	}
	return struct {
		Summaries []summaryXML `xml:"StackResourceSummaries>member"`
	}{out}, nil
}

func (f *Service) getTemplate(c *awsproto.Call, form url.Values) (any, error) {
	name := form.Get("StackName")
	if name == "" {
		return nil, validationErr("1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null")
	}
	st := f.findStack(c.Region, name)
	if st == nil {
		return nil, validationErr("Stack with id %s does not exist", name)
	}
	body := st.TemplateBody
	if name := form.Get("ChangeSetName"); name != "" {
		cs := findChangeSet(st, name)
		if cs == nil {
			return nil, changeSetNotFound(name)
		}
		body = cs.TemplateBody
	}
	return struct {
		TemplateBody string   `xml:"TemplateBody"`
		Stages       []string `xml:"StagesAvailable>member"`
	}{body, []string{"Original", "Processed"}}, nil
}
