package cloudformation

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// WAFAPI is the WAFv2 operations the providers call, so that a stack's web
// ACLs and associations get the API's checks and reach the rate limiter.
type WAFAPI interface {
	CreateWebACL(c *awsproto.Call, body []byte) (any, error)
	GetWebACL(c *awsproto.Call, body []byte) (any, error)
	DeleteWebACL(c *awsproto.Call, body []byte) (any, error)
	AssociateWebACL(c *awsproto.Call, body []byte) (any, error)
	DisassociateWebACL(c *awsproto.Call, body []byte) (any, error)
}

// callJSON calls a JSON operation with in as its body and decodes its
// answer into out (when not nil).
func callJSON(p *provCall, service string, op func(*awsproto.Call, []byte) (any, error), in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	res, err := op(p.apiCall(), body)
	if err != nil {
		return p.apiErr(service, err)
	}
	if out == nil {
		return nil
	}
	raw, err := json.Marshal(res)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, out)
}

// createWebACL makes a web ACL through WAFv2's API: the template's
// properties are the API's members. Ref is NAME|ID|SCOPE, as on AWS.
func createWebACL(p *provCall, props map[string]any) (created, error) {
	in := map[string]any{}
	for _, k := range []string{"Name", "Scope", "DefaultAction", "Rules", "VisibilityConfig", "Description"} {
		if v, ok := props[k]; ok {
			in[k] = v
		}
	}
	if _, ok := in["Name"]; !ok {
		in["Name"] = p.name(128)
	}
	in["Tags"] = tagsProp(props)
	var out struct {
		Summary struct{ ARN, Id, Name string }
	}
	if err := callJSON(p, "WAFV2", p.res.WAFAPI.CreateWebACL, in, &out); err != nil {
		return created{}, err
	}
	s := out.Summary
	scope := str(props, "Scope")
	return created{id: s.Name + "|" + s.Id + "|" + scope,
		attrs: map[string]string{"Arn": s.ARN, "Id": s.Id, "LabelNamespace": "awswaf:" + awsproto.Account + ":webacl:" + s.Name + ":"}}, nil
}

func deleteWebACL(p *provCall, id string, _ map[string]string) error {
	parts := strings.Split(id, "|")
	if len(parts) != 3 {
		return nil
	}
	ref := map[string]any{"Name": parts[0], "Id": parts[1], "Scope": parts[2]}
	body, err := json.Marshal(ref)
	if err != nil {
		return err
	}
	out, err := p.res.WAFAPI.GetWebACL(p.apiCall(), body)
	if apiCode(err) == "WAFNonexistentItemException" {
		return nil // already gone
	}
	if err != nil {
		return p.apiErr("WAFV2", err)
	}
	var got struct{ LockToken string }
	if raw, err := json.Marshal(out); err != nil || json.Unmarshal(raw, &got) != nil {
		return fmt.Errorf("read web ACL %s's lock token: %v", parts[0], err)
	}
	ref["LockToken"] = got.LockToken
	return callJSON(p, "WAFV2", p.res.WAFAPI.DeleteWebACL, ref, nil)
}

// createWebACLAssociation associates a web ACL with a load balancer.
func createWebACLAssociation(p *provCall, props map[string]any) (created, error) {
	acl, err := p.required(props, "WebACLArn")
	if err != nil {
		return created{}, err
	}
	lb, err := p.required(props, "ResourceArn")
	if err != nil {
		return created{}, err
	}
	if err := callJSON(p, "WAFV2", p.res.WAFAPI.AssociateWebACL, map[string]any{"WebACLArn": acl, "ResourceArn": lb}, nil); err != nil {
		return created{}, err
	}
	return created{id: lb + "|" + acl, attrs: map[string]string{"lb": lb}}, nil
}

func deleteWebACLAssociation(p *provCall, _ string, attrs map[string]string) error {
	return callJSON(p, "WAFV2", p.res.WAFAPI.DisassociateWebACL, map[string]any{"ResourceArn": attrs["lb"]}, nil)
}
