package cloudformation

import (
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// cfnEvent is one stack event, stored oldest first.
type cfnEvent struct {
	ID           string    `json:"id"`
	Time         time.Time `json:"time"`
	LogicalID    string    `json:"logicalId"`
	PhysicalID   string    `json:"physicalId"`
	Type         string    `json:"type"`
	Status       string    `json:"status"`
	StatusReason string    `json:"statusReason,omitempty"`
}

// eventTime returns a time for the next event of st: now, but always at
// least a millisecond after the previous event, so that events sort and
// clients tailing them (SAM, the CLI) see each one.
func (st *cfnStack) eventTime(now time.Time) time.Time {
	t := now.Truncate(time.Millisecond)
	if n := len(st.Events); n > 0 && !t.After(st.Events[n-1].Time) {
		t = st.Events[n-1].Time.Add(time.Millisecond)
	}
	return t
}

// stackEvent records a stack-level event and sets the stack's status.
func (st *cfnStack) stackEvent(now time.Time, status, reason string) {
	st.Status, st.StatusReason = status, reason
	st.Events = append(st.Events, cfnEvent{ID: awsproto.NewRequestID(), Time: st.eventTime(now), LogicalID: st.Name,
		PhysicalID: st.ID, Type: "AWS::CloudFormation::Stack", Status: status, StatusReason: reason})
}

// resourceEvent records an event of a resource and sets its status.
func (st *cfnStack) resourceEvent(now time.Time, r *cfnResource, physicalID, status, reason string) {
	r.Status, r.StatusReason = status, reason
	t := st.eventTime(now)
	r.Updated = t
	st.Events = append(st.Events, cfnEvent{ID: r.LogicalID + "-" + status + "-" + t.Format(awsproto.ISOLayout), Time: t,
		LogicalID: r.LogicalID, PhysicalID: physicalID, Type: r.Type, Status: status, StatusReason: reason})
}

// eventXML is CloudFormation's StackEvent shape.
type eventXML struct {
	StackID              string           `xml:"StackId"`
	EventID              string           `xml:"EventId"`
	StackName            string           `xml:"StackName"`
	LogicalResourceID    string           `xml:"LogicalResourceId"`
	PhysicalResourceID   string           `xml:"PhysicalResourceId"`
	ResourceType         string           `xml:"ResourceType"`
	Timestamp            awsproto.ISOTime `xml:"Timestamp"`
	ResourceStatus       string           `xml:"ResourceStatus"`
	ResourceStatusReason string           `xml:"ResourceStatusReason,omitempty"`
}

// eventsNewestFirst renders a stack's events, newest first.
func (st *cfnStack) eventsNewestFirst() []eventXML {
	out := make([]eventXML, 0, len(st.Events))
	for i := len(st.Events) - 1; i >= 0; i-- {
		e := st.Events[i]
		out = append(out, eventXML{StackID: st.ID, EventID: e.ID, StackName: st.Name, LogicalResourceID: e.LogicalID,
			PhysicalResourceID: e.PhysicalID, ResourceType: e.Type, Timestamp: awsproto.ISOTime(e.Time),
			ResourceStatus: e.Status, ResourceStatusReason: e.StatusReason})
	}
	return out
}
