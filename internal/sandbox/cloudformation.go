package sandbox

import "time"

// CloudFormation's awsQuery version and response namespace. Its operations
// are not served yet: this increment stores the stack model, events and
// resource providers they build on (see providers.go).
const (
	cfnVersion   = "2010-05-15"
	cfnNamespace = "http://cloudformation.amazonaws.com/doc/2010-05-15/"
)

// cfnState is CloudFormation's part of the state: every stack, including
// deleted ones (which DescribeStacks still shows by ARN), oldest first.
type cfnState struct {
	Stacks []*cfnStack `json:"stacks,omitempty"`
}

// cfnStack is one stack.
type cfnStack struct {
	ID           string                  `json:"id"`
	Name         string                  `json:"name"`
	Region       string                  `json:"region"`
	Status       string                  `json:"status"`
	StatusReason string                  `json:"statusReason,omitempty"`
	CreatedAt    time.Time               `json:"createdAt"`
	UpdatedAt    *time.Time              `json:"updatedAt,omitempty"`
	DeletedAt    *time.Time              `json:"deletedAt,omitempty"`
	TemplateBody string                  `json:"templateBody"`
	Resources    map[string]*cfnResource `json:"resources,omitempty"`
	Events       []cfnEvent              `json:"events,omitempty"`
}

// cfnResource is one resource of a stack.
type cfnResource struct {
	LogicalID    string            `json:"logicalId"`
	Type         string            `json:"type"`
	PhysicalID   string            `json:"physicalId,omitempty"`
	Status       string            `json:"status"`
	StatusReason string            `json:"statusReason,omitempty"`
	Updated      time.Time         `json:"updated"`
	Attrs        map[string]string `json:"attrs,omitempty"`
	// Props are the evaluated properties, to tell whether an update
	// changes the resource.
	Props map[string]any `json:"props,omitempty"`
}
