// Package cloudformation serves the sandbox's CloudFormation API
// (awsQuery): stacks, their events and resources, templates and change
// sets. It runs templates with package cfn (parse, intrinsics, conditions)
// and makes each resource through a provider (providers*.go), one per
// resource type, in the services given as Resources: the parts of the
// state of those whose resources it writes directly (VPCs, clusters, log
// groups, …) and, through narrow interfaces, the operations of those whose
// validation a stack's resources must get (ECS's task definitions and
// services, ELBv2's target groups, listeners and rules).
package cloudformation

import (
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// CloudFormation's awsQuery version and response namespace. The operations
// live in service.go, stacks.go, changesets.go, describe.go, validate.go;
// resources are made by the providers (providers.go).
const (
	cfnVersion   = "2010-05-15"
	cfnNamespace = "http://cloudformation.amazonaws.com/doc/2010-05-15/"
)

// State is CloudFormation's part of the state: every stack, including
// deleted ones (which DescribeStacks still shows by ARN), oldest first.
type State struct {
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
	// Description is the template's Description.
	Description string `json:"description,omitempty"`
	// Params are the resolved parameter values (defaults included) as
	// strings, list types comma-joined.
	Params       map[string]string `json:"params,omitempty"`
	Capabilities []string          `json:"capabilities,omitempty"`
	Tags         []awsproto.Tag    `json:"tags,omitempty"`
	// DisableRollback is OnFailure DO_NOTHING.
	DisableRollback bool         `json:"disableRollback,omitempty"`
	Outputs         []cfnOutput  `json:"outputs,omitempty"`
	ChangeSets      []*changeSet `json:"changeSets,omitempty"`
	// Seq numbers resource creations, so that leftovers delete in reverse.
	Seq int `json:"seq,omitempty"`
}

// cfnOutput is one evaluated output of a stack.
type cfnOutput struct {
	Key         string `json:"key"`
	Value       string `json:"value"`
	Description string `json:"description,omitempty"`
	ExportName  string `json:"exportName,omitempty"`
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
	// Seq is the stack's creation counter when the resource was made.
	Seq int `json:"seq,omitempty"`
}
