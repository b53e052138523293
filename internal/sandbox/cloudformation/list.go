package cloudformation

import (
	"net/url"
	"slices"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// stackSummaryXML is CloudFormation's StackSummary shape.
type stackSummaryXML struct {
	StackID             string            `xml:"StackId"`
	StackName           string            `xml:"StackName"`
	TemplateDescription string            `xml:"TemplateDescription,omitempty"`
	CreationTime        awsproto.ISOTime  `xml:"CreationTime"`
	LastUpdatedTime     *awsproto.ISOTime `xml:"LastUpdatedTime,omitempty"`
	DeletionTime        *awsproto.ISOTime `xml:"DeletionTime,omitempty"`
	StackStatus         string            `xml:"StackStatus"`
	StackStatusReason   string            `xml:"StackStatusReason,omitempty"`
	Drift               struct {
		Status string `xml:"StackDriftStatus"`
	} `xml:"DriftInformation"`
}

// listStacks is CloudFormation's ListStacks: the region's stacks, deleted
// ones too (AWS keeps them 90 days), newest first, filtered by status.
func (f *Service) listStacks(c *awsproto.Call, form url.Values) (any, error) {
	filter := awsproto.QueryList(form, "StackStatusFilter", "member")
	out := struct {
		Summaries []stackSummaryXML `xml:"StackSummaries>member"`
	}{Summaries: []stackSummaryXML{}}
	stacks := f.state().Stacks
	for i := len(stacks) - 1; i >= 0; i-- {
		st := stacks[i]
		if st.Region != c.Region || len(filter) > 0 && !slices.Contains(filter, st.Status) {
			continue
		}
		s := stackSummaryXML{StackID: st.ID, StackName: st.Name, TemplateDescription: st.Description,
			CreationTime: awsproto.ISOTime(st.CreatedAt), LastUpdatedTime: awsproto.ISOPtr(st.UpdatedAt),
			DeletionTime: awsproto.ISOPtr(st.DeletedAt), StackStatus: st.Status, StackStatusReason: st.StatusReason}
		s.Drift.Status = "NOT_CHECKED"
		out.Summaries = append(out.Summaries, s)
	}
	return out, nil
}

// describeStackResource is CloudFormation's DescribeStackResource: one
// resource of a stack, with its metadata.
func (f *Service) describeStackResource(c *awsproto.Call, form url.Values) (any, error) {
	name, logical := form.Get("StackName"), form.Get("LogicalResourceId")
	if name == "" {
		return nil, validationErr("1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null")
	}
	if logical == "" {
		return nil, validationErr("1 validation error detected: Value null at 'logicalResourceId' failed to satisfy constraint: Member must not be null")
	}
	st := f.findStack(c.Region, name)
	if st == nil {
		return nil, validationErr("Stack '%s' does not exist", name)
	}
	r := st.Resources[logical]
	if r == nil {
		return nil, validationErr("Resource %s does not exist for stack %s", logical, st.Name)
	}
	type detailXML struct {
		StackName            string           `xml:"StackName"`
		StackID              string           `xml:"StackId"`
		LogicalResourceID    string           `xml:"LogicalResourceId"`
		PhysicalResourceID   string           `xml:"PhysicalResourceId,omitempty"`
		ResourceType         string           `xml:"ResourceType"`
		LastUpdated          awsproto.ISOTime `xml:"LastUpdatedTimestamp"`
		ResourceStatus       string           `xml:"ResourceStatus"`
		ResourceStatusReason string           `xml:"ResourceStatusReason,omitempty"`
		Metadata             string           `xml:"Metadata"`
		Drift                resourceDrift    `xml:"DriftInformation"`
	}
	return struct {
		Detail detailXML `xml:"StackResourceDetail"`
	}{detailXML{StackName: st.Name, StackID: st.ID, LogicalResourceID: r.LogicalID, PhysicalResourceID: r.PhysicalID,
		ResourceType: r.Type, LastUpdated: awsproto.ISOTime(r.Updated), ResourceStatus: r.Status,
		ResourceStatusReason: r.StatusReason, Metadata: "{}", Drift: resourceDrift{"NOT_CHECKED"}}}, nil
}
