// Package iam serves the sandbox's IAM: GetRole, over the roles that
// CloudFormation stacks create (and the ECS service-linked role, which
// every account that uses ECS has).
package iam

import (
	"net/url"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// IAM's awsQuery version and response namespace.
const (
	iamVersion   = "2010-05-08"
	iamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"
)

// ecsServiceLinkedRoleName is the role ECS creates in every account that
// uses it; the sandbox always has it.
const ECSServiceLinkedRole = "AWSServiceRoleForECS"

// iamState is IAM's part of the state (global, like IAM): roles by name.
type State struct {
	Roles map[string]*Role `json:"roles"`
}

// iamRole is a role a stack created.
type Role struct {
	Name               string         `json:"name"`
	Path               string         `json:"path"`
	ID                 string         `json:"id"`
	AssumeRolePolicy   string         `json:"assumeRolePolicy"`
	Description        string         `json:"description,omitempty"`
	ManagedPolicies    []string       `json:"managedPolicies,omitempty"`
	MaxSessionDuration int            `json:"maxSessionDuration"`
	Tags               []awsproto.Tag `json:"tags,omitempty"`
	CreatedAt          time.Time      `json:"createdAt"`
}

// arn is the role's ARN.
func (r *Role) ARN() string { return "arn:aws:iam::" + awsproto.Account + ":role" + r.Path + r.Name }

// iamService serves IAM's read API.
type Service struct{ state func() *State }

// New is IAM's service over its part of the state (state returns the
// current one: the server replaces the whole state when a save fails).
func New(state func() *State) *Service { return &Service{state: state} }

// register adds IAM's operations to the router.
func (i *Service) Register(r *awsproto.Router) {
	r.HandleQuery(iamVersion, iamNamespace, map[string]awsproto.QueryOp{"GetRole": i.getRole})
}

// roleXML is IAM's Role shape.
type roleXML struct {
	Path                     string           `xml:"Path"`
	RoleName                 string           `xml:"RoleName"`
	RoleID                   string           `xml:"RoleId"`
	Arn                      string           `xml:"Arn"`
	CreateDate               awsproto.ISOTime `xml:"CreateDate"`
	AssumeRolePolicyDocument string           `xml:"AssumeRolePolicyDocument"`
	Description              string           `xml:"Description,omitempty"`
	MaxSessionDuration       int              `xml:"MaxSessionDuration"`
	Tags                     []awsproto.Tag   `xml:"Tags>member"`
}

func (i *Service) getRole(_ *awsproto.Call, form url.Values) (any, error) {
	name := form.Get("RoleName")
	if name == "" {
		return nil, awsproto.ClientErr("ValidationError", "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null")
	}
	r := i.state().Roles[name]
	if name == ECSServiceLinkedRole {
		r = &Role{Name: name, Path: "/aws-service-role/ecs.amazonaws.com/", ID: "AROAECSSERVICELINKED1",
			AssumeRolePolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
			Description:      "Role to enable Amazon ECS to manage your cluster.", MaxSessionDuration: 3600}
	}
	if r == nil {
		return nil, &awsproto.Error{Status: 404, Code: "NoSuchEntity", Message: "The role with name " + name + " cannot be found."}
	}
	return struct {
		Role roleXML `xml:"Role"`
	}{roleXML{Path: r.Path, RoleName: r.Name, RoleID: r.ID, Arn: r.ARN(), CreateDate: awsproto.ISOTime(r.CreatedAt),
		AssumeRolePolicyDocument: url.QueryEscape(r.AssumeRolePolicy), Description: r.Description,
		MaxSessionDuration: r.MaxSessionDuration, Tags: r.Tags}}, nil
}
