package sandbox

import (
	"net/url"
	"time"
)

// IAM's awsQuery version and response namespace.
const (
	iamVersion   = "2010-05-08"
	iamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"
)

// ecsServiceLinkedRoleName is the role ECS creates in every account that
// uses it; the sandbox always has it.
const ecsServiceLinkedRoleName = "AWSServiceRoleForECS"

// iamState is IAM's part of the state (global, like IAM): roles by name.
type iamState struct {
	Roles map[string]*iamRole `json:"roles"`
}

// iamRole is a role a stack created.
type iamRole struct {
	Name               string        `json:"name"`
	Path               string        `json:"path"`
	ID                 string        `json:"id"`
	AssumeRolePolicy   string        `json:"assumeRolePolicy"`
	Description        string        `json:"description,omitempty"`
	ManagedPolicies    []string      `json:"managedPolicies,omitempty"`
	MaxSessionDuration int           `json:"maxSessionDuration"`
	Tags               []resourceTag `json:"tags,omitempty"`
	CreatedAt          time.Time     `json:"createdAt"`
}

// arn is the role's ARN.
func (r *iamRole) arn() string { return "arn:aws:iam::" + Account + ":role" + r.Path + r.Name }

// iamService serves IAM's read API.
type iamService struct{ srv *Server }

// register adds IAM's operations to the router.
func (i *iamService) register(r *router) {
	r.handleQuery(iamVersion, iamNamespace, map[string]queryOp{"GetRole": i.getRole})
}

// roleXML is IAM's Role shape.
type roleXML struct {
	Path                     string        `xml:"Path"`
	RoleName                 string        `xml:"RoleName"`
	RoleID                   string        `xml:"RoleId"`
	Arn                      string        `xml:"Arn"`
	CreateDate               isoTime       `xml:"CreateDate"`
	AssumeRolePolicyDocument string        `xml:"AssumeRolePolicyDocument"`
	Description              string        `xml:"Description,omitempty"`
	MaxSessionDuration       int           `xml:"MaxSessionDuration"`
	Tags                     []resourceTag `xml:"Tags>member"`
}

func (i *iamService) getRole(_ *call, form url.Values) (any, error) {
	name := form.Get("RoleName")
	if name == "" {
		return nil, clientErr("ValidationError", "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null")
	}
	r := i.srv.state.IAM.Roles[name]
	if name == ecsServiceLinkedRoleName {
		r = &iamRole{Name: name, Path: "/aws-service-role/ecs.amazonaws.com/", ID: "AROAECSSERVICELINKED1",
			AssumeRolePolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
			Description:      "Role to enable Amazon ECS to manage your cluster.", MaxSessionDuration: 3600}
	}
	if r == nil {
		return nil, &apiError{Status: 404, Code: "NoSuchEntity", Message: "The role with name " + name + " cannot be found."}
	}
	return struct {
		Role roleXML `xml:"Role"`
	}{roleXML{Path: r.Path, RoleName: r.Name, RoleID: r.ID, Arn: r.arn(), CreateDate: isoTime(r.CreatedAt),
		AssumeRolePolicyDocument: url.QueryEscape(r.AssumeRolePolicy), Description: r.Description,
		MaxSessionDuration: r.MaxSessionDuration, Tags: r.Tags}}, nil
}
