// Package wafv2 serves the sandbox's WAFv2 (awsJson 1.1, X-Amz-Target
// AWSWAF_20190729.*): regional web ACLs with their rules, and their
// association with load balancers. The rules are kept as the client sent
// them; the Limiter (limiter.go) holds their rate-based statements, which
// the load balancers' data plane asks about every request.
package wafv2

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

const wafTargetPrefix = "AWSWAF_20190729"

// State is WAFv2's part of the state.
type State struct {
	// WebACLs by ARN.
	WebACLs map[string]*WebACL `json:"webACLs"`
	// Associations maps a load balancer's ARN to its web ACL's ARN.
	Associations map[string]string `json:"associations"`
}

// Fill gives a state read from an older file its empty maps.
func (w *State) Fill() {
	if w.WebACLs == nil {
		w.WebACLs = map[string]*WebACL{}
	}
	if w.Associations == nil {
		w.Associations = map[string]string{}
	}
}

// WebACL is one web ACL.
type WebACL struct {
	ARN              string            `json:"arn"`
	ID               string            `json:"id"`
	Name             string            `json:"name"`
	Region           string            `json:"region"`
	Scope            string            `json:"scope"`
	Description      string            `json:"description,omitempty"`
	DefaultAction    json.RawMessage   `json:"defaultAction"`
	Rules            []json.RawMessage `json:"rules"`
	VisibilityConfig json.RawMessage   `json:"visibilityConfig"`
	LockToken        string            `json:"lockToken"`
	Tags             []awsproto.Tag    `json:"tags,omitempty"`
}

// Service serves WAFv2's API over its part of the state.
type Service struct {
	state   func() *State
	limiter *Limiter
	// hasLoadBalancer reports whether ELBv2 has the load balancer arn.
	hasLoadBalancer func(arn string) bool
}

// New is WAFv2's service over its part of the state, publishing the
// web ACLs' rate-based rules to limiter, which the load balancers ask.
func New(state func() *State, limiter *Limiter, hasLoadBalancer func(arn string) bool) *Service {
	return &Service{state: state, limiter: limiter, hasLoadBalancer: hasLoadBalancer}
}

// Register adds WAFv2's operations to the router.
func (s *Service) Register(r *awsproto.Router) {
	r.HandleJSON(wafTargetPrefix, map[string]awsproto.JSONOp{
		"CreateWebACL":         s.CreateWebACL,
		"GetWebACL":            s.GetWebACL,
		"UpdateWebACL":         s.updateWebACL,
		"ListWebACLs":          s.listWebACLs,
		"DeleteWebACL":         s.DeleteWebACL,
		"AssociateWebACL":      s.AssociateWebACL,
		"DisassociateWebACL":   s.DisassociateWebACL,
		"GetWebACLForResource": s.getWebACLForResource,
		"ListTagsForResource":  s.listTags,
	})
}

func wafErr(code, format string, args ...any) *awsproto.Error {
	return awsproto.ClientErr(code, format, args...)
}

// wafRuleIn is the part of a rule the sandbox checks and enforces.
type wafRuleIn struct {
	Name      string `json:"Name"`
	Priority  *int   `json:"Priority"`
	Statement *struct {
		RateBasedStatement *struct {
			Limit               *int64 `json:"Limit"`
			AggregateKeyType    string `json:"AggregateKeyType"`
			EvaluationWindowSec int64  `json:"EvaluationWindowSec"`
			// ScopeDownStatement is the one statement type the sandbox
			// enforces in a rate-based rule: a size constraint on a header.
			ScopeDownStatement *wafScopeDownIn `json:"ScopeDownStatement"`
		} `json:"RateBasedStatement"`
	} `json:"Statement"`
	Action *struct {
		Block json.RawMessage `json:"Block"`
		Count json.RawMessage `json:"Count"`
		Allow json.RawMessage `json:"Allow"`
	} `json:"Action"`
	VisibilityConfig json.RawMessage `json:"VisibilityConfig"`
}

// wafScopeDownIn is a rate-based rule's scope-down statement, as far as
// the sandbox understands it: a SizeConstraintStatement on a SingleHeader.
// Any other statement is kept in the set of keys, so checkRules can refuse
// what the sandbox could not enforce.
type wafScopeDownIn struct {
	SizeConstraintStatement *struct {
		FieldToMatch struct {
			SingleHeader *struct {
				Name string `json:"Name"`
			} `json:"SingleHeader"`
		} `json:"FieldToMatch"`
		ComparisonOperator  string            `json:"ComparisonOperator"`
		Size                int64             `json:"Size"`
		TextTransformations []json.RawMessage `json:"TextTransformations"`
	} `json:"SizeConstraintStatement"`
	others map[string]json.RawMessage
}

// UnmarshalJSON implements json.Unmarshaler, keeping the statement types
// besides SizeConstraintStatement in others.
func (s *wafScopeDownIn) UnmarshalJSON(data []byte) error {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
	type plain wafScopeDownIn
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	delete(all, "SizeConstraintStatement")
	*s = wafScopeDownIn(p)
	s.others = all
	return nil
}

// check validates the scope-down statement as WAF does, and refuses what
// the sandbox cannot enforce.
func (s *wafScopeDownIn) check() error {
	for k := range s.others {
		return wafErr("WAFInvalidParameterException", "Error reason: the sandbox enforces only a SizeConstraintStatement on a SingleHeader as a scope-down statement, not %s., field: RATE_BASED_STATEMENT", k)
	}
	sc := s.SizeConstraintStatement
	if sc == nil {
		return wafErr("WAFInvalidParameterException", "Error reason: The scope-down statement is empty., field: RATE_BASED_STATEMENT")
	}
	if sc.FieldToMatch.SingleHeader == nil || sc.FieldToMatch.SingleHeader.Name == "" {
		return wafErr("WAFInvalidParameterException", "Error reason: the sandbox enforces a SizeConstraintStatement on a SingleHeader only., field: FIELD_TO_MATCH")
	}
	switch sc.ComparisonOperator {
	case "EQ", "NE", "LE", "LT", "GE", "GT":
	default:
		return wafErr("WAFInvalidParameterException", "Error reason: unknown ComparisonOperator %q., field: SIZE_CONSTRAINT_COMPARISON_OPERATOR", sc.ComparisonOperator)
	}
	if sc.Size < 0 || sc.Size > 21474836480 {
		return wafErr("WAFInvalidParameterException", "Error reason: Size must be between 0 and 21474836480., field: SIZE_CONSTRAINT_SIZE")
	}
	if len(sc.TextTransformations) == 0 {
		return wafErr("WAFInvalidParameterException", "Error reason: a statement needs at least one TextTransformation., field: TEXT_TRANSFORMATION")
	}
	return nil
}

var wafName = regexp.MustCompile(`^[\w-]{1,128}$`)

// checkRules validates rules as WAF does for what the sandbox understands.
func checkRules(rules []json.RawMessage) error {
	names, prios := map[string]bool{}, map[int]bool{}
	for _, raw := range rules {
		var r wafRuleIn
		if err := json.Unmarshal(raw, &r); err != nil {
			return wafErr("WAFInvalidParameterException", "Error reason: a rule is not valid JSON: %v", err)
		}
		if !wafName.MatchString(r.Name) || names[r.Name] {
			return wafErr("WAFInvalidParameterException", "Error reason: The rule name %q is not valid or not unique., field: RULE, parameter: %s", r.Name, r.Name)
		}
		names[r.Name] = true
		if r.Priority == nil || prios[*r.Priority] {
			return wafErr("WAFInvalidParameterException", "Error reason: Every rule needs a unique priority., field: RULE_PRIORITY, parameter: %s", r.Name)
		}
		prios[*r.Priority] = true
		if r.Statement == nil || len(r.VisibilityConfig) == 0 {
			return wafErr("WAFInvalidParameterException", "Error reason: The rule %s needs a Statement and a VisibilityConfig., field: RULE", r.Name)
		}
		if r.Action == nil {
			return wafErr("WAFInvalidParameterException", "Error reason: The rule %s needs an Action., field: RULE_ACTION", r.Name)
		}
		if rb := r.Statement.RateBasedStatement; rb != nil {
			if rb.Limit == nil || *rb.Limit < 10 || *rb.Limit > 2000000000 {
				return wafErr("WAFInvalidParameterException", "Error reason: The rate limit must be between 10 and 2,000,000,000., field: RATE_BASED_STATEMENT, parameter: Limit")
			}
			switch rb.EvaluationWindowSec {
			case 0, 60, 120, 300, 600:
			default:
				return wafErr("WAFInvalidParameterException", "Error reason: EvaluationWindowSec must be 60, 120, 300 or 600., field: RATE_BASED_STATEMENT")
			}
			switch rb.AggregateKeyType {
			case "", "IP", "FORWARDED_IP", "CUSTOM_KEYS", "CONSTANT":
			default:
				return wafErr("WAFInvalidParameterException", "Error reason: unknown AggregateKeyType %q., field: RATE_BASED_STATEMENT", rb.AggregateKeyType)
			}
			if rb.ScopeDownStatement != nil {
				if err := rb.ScopeDownStatement.check(); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

type webACLIn struct {
	Name             string            `json:"Name"`
	Scope            string            `json:"Scope"`
	ID               string            `json:"Id"`
	LockToken        string            `json:"LockToken"`
	Description      string            `json:"Description"`
	DefaultAction    json.RawMessage   `json:"DefaultAction"`
	Rules            []json.RawMessage `json:"Rules"`
	VisibilityConfig json.RawMessage   `json:"VisibilityConfig"`
	Tags             []awsproto.Tag    `json:"Tags"`
}

func (in *webACLIn) check(create bool) error {
	if !wafName.MatchString(in.Name) {
		return wafErr("WAFInvalidParameterException", "Error reason: The name is not valid., field: NAME, parameter: %s", in.Name)
	}
	if in.Scope != "REGIONAL" && in.Scope != "CLOUDFRONT" {
		return wafErr("WAFInvalidParameterException", "Error reason: Scope must be REGIONAL or CLOUDFRONT., field: SCOPE_VALUE, parameter: %s", in.Scope)
	}
	if len(in.DefaultAction) == 0 || len(in.VisibilityConfig) == 0 {
		return wafErr("WAFInvalidParameterException", "Error reason: DefaultAction and VisibilityConfig are required., field: WEB_ACL")
	}
	if !create && (in.ID == "" || in.LockToken == "") {
		return wafErr("WAFInvalidParameterException", "Error reason: Id and LockToken are required., field: WEB_ACL")
	}
	return checkRules(in.Rules)
}

func (s *Service) find(c *awsproto.Call, name, scope, id string) (*WebACL, error) {
	for _, a := range s.state().WebACLs {
		if a.Region == c.Region && a.Name == name && a.Scope == scope && a.ID == id {
			return a, nil
		}
	}
	return nil, wafErr("WAFNonexistentItemException", "AWS WAF couldn’t perform the operation because your resource doesn’t exist.")
}

// webACLSummary is WAFv2's WebACLSummary. (Fields of the response shapes
// are in the order of their JSON names, as the maps they replace were
// encoded.)
type webACLSummary struct {
	ARN         string `json:"ARN"`
	Description string `json:"Description"`
	ID          string `json:"Id"`
	LockToken   string `json:"LockToken"`
	Name        string `json:"Name"`
}

func (a *WebACL) summary() webACLSummary {
	return webACLSummary{ARN: a.ARN, ID: a.ID, Name: a.Name, Description: a.Description, LockToken: a.LockToken}
}

// webACLOut is WAFv2's WebACL.
type webACLOut struct {
	ARN                      string            `json:"ARN"`
	Capacity                 int               `json:"Capacity"`
	DefaultAction            json.RawMessage   `json:"DefaultAction"`
	Description              string            `json:"Description"`
	ID                       string            `json:"Id"`
	LabelNamespace           string            `json:"LabelNamespace"`
	ManagedByFirewallManager bool              `json:"ManagedByFirewallManager"`
	Name                     string            `json:"Name"`
	Rules                    []json.RawMessage `json:"Rules"`
	VisibilityConfig         json.RawMessage   `json:"VisibilityConfig"`
}

func (a *WebACL) out() webACLOut {
	rules := a.Rules
	if rules == nil {
		rules = []json.RawMessage{}
	}
	return webACLOut{ARN: a.ARN, ID: a.ID, Name: a.Name, Description: a.Description,
		DefaultAction: a.DefaultAction, Rules: rules, VisibilityConfig: a.VisibilityConfig,
		Capacity: 2 * len(rules), LabelNamespace: "awswaf:" + awsproto.Account + ":webacl:" + a.Name + ":"}
}

// CreateWebACL is WAFv2's CreateWebACL (the CloudFormation provider of AWS::WAFv2::WebACL calls it too).
func (s *Service) CreateWebACL(c *awsproto.Call, body []byte) (any, error) {
	var in webACLIn
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if err := in.check(true); err != nil {
		return nil, err
	}
	for _, a := range s.state().WebACLs {
		if a.Region == c.Region && a.Scope == in.Scope && a.Name == in.Name {
			return nil, wafErr("WAFDuplicateItemException", "AWS WAF couldn’t perform the operation because some resource in your request is a duplicate of an existing one.")
		}
	}
	id := awsproto.NewRequestID()
	scope := "regional"
	if in.Scope == "CLOUDFRONT" {
		scope = "global"
	}
	a := &WebACL{ARN: "arn:aws:wafv2:" + c.Region + ":" + awsproto.Account + ":" + scope + "/webacl/" + in.Name + "/" + id,
		ID: id, Name: in.Name, Region: c.Region, Scope: in.Scope, Description: in.Description,
		DefaultAction: in.DefaultAction, Rules: in.Rules, VisibilityConfig: in.VisibilityConfig,
		LockToken: awsproto.NewRequestID(), Tags: in.Tags}
	s.state().WebACLs[a.ARN] = a
	c.Changed()
	return struct {
		Summary webACLSummary `json:"Summary"`
	}{a.summary()}, nil
}

// GetWebACL is WAFv2's GetWebACL.
func (s *Service) GetWebACL(c *awsproto.Call, body []byte) (any, error) {
	var in webACLIn
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	a, err := s.find(c, in.Name, in.Scope, in.ID)
	if err != nil {
		return nil, err
	}
	return struct {
		LockToken string    `json:"LockToken"`
		WebACL    webACLOut `json:"WebACL"`
	}{a.LockToken, a.out()}, nil
}

func (s *Service) updateWebACL(c *awsproto.Call, body []byte) (any, error) {
	var in webACLIn
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if err := in.check(false); err != nil {
		return nil, err
	}
	a, err := s.find(c, in.Name, in.Scope, in.ID)
	if err != nil {
		return nil, err
	}
	if in.LockToken != a.LockToken {
		return nil, wafErr("WAFOptimisticLockException", "AWS WAF couldn’t save your changes because someone changed the resource after you started to edit it. Reapply your changes.")
	}
	a.Description, a.DefaultAction, a.Rules, a.VisibilityConfig = in.Description, in.DefaultAction, in.Rules, in.VisibilityConfig
	a.LockToken = awsproto.NewRequestID()
	c.Changed()
	s.limiter.Publish(s.state())
	return struct {
		NextLockToken string `json:"NextLockToken"`
	}{a.LockToken}, nil
}

func (s *Service) listWebACLs(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		Scope string `json:"Scope"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if in.Scope != "REGIONAL" && in.Scope != "CLOUDFRONT" {
		return nil, wafErr("WAFInvalidParameterException", "Error reason: Scope must be REGIONAL or CLOUDFRONT., field: SCOPE_VALUE")
	}
	list := []webACLSummary{}
	for _, arn := range awsproto.SortedKeys(s.state().WebACLs) {
		if a := s.state().WebACLs[arn]; a.Region == c.Region && a.Scope == in.Scope {
			list = append(list, a.summary())
		}
	}
	return struct {
		WebACLs []webACLSummary `json:"WebACLs"`
	}{list}, nil
}

// DeleteWebACL is WAFv2's DeleteWebACL.
func (s *Service) DeleteWebACL(c *awsproto.Call, body []byte) (any, error) {
	var in webACLIn
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	a, err := s.find(c, in.Name, in.Scope, in.ID)
	if err != nil {
		return nil, err
	}
	if in.LockToken != a.LockToken {
		return nil, wafErr("WAFOptimisticLockException", "AWS WAF couldn’t save your changes because someone changed the resource after you started to edit it. Reapply your changes.")
	}
	for lb, acl := range s.state().Associations {
		if !s.hasLoadBalancer(lb) {
			// Deleting a load balancer ends its association, as in AWS.
			delete(s.state().Associations, lb)
			c.Changed()
			continue
		}
		if acl == a.ARN {
			return nil, wafErr("WAFAssociatedItemException", "AWS WAF couldn’t perform the operation because your resource is being used by another resource or it’s associated with another resource.")
		}
	}
	delete(s.state().WebACLs, a.ARN)
	c.Changed()
	s.limiter.Publish(s.state())
	return struct{}{}, nil
}

// loadBalancer checks that a resource ARN names an application load
// balancer of the sandbox.
func (s *Service) loadBalancer(arn string) error {
	if !strings.Contains(arn, ":loadbalancer/app/") || !s.hasLoadBalancer(arn) {
		return wafErr("WAFNonexistentItemException", "AWS WAF couldn’t perform the operation because your resource doesn’t exist.")
	}
	return nil
}

// AssociateWebACL is WAFv2's AssociateWebACL (and AWS::WAFv2::WebACLAssociation's).
func (s *Service) AssociateWebACL(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		WebACLArn   string `json:"WebACLArn"`
		ResourceArn string `json:"ResourceArn"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	a := s.state().WebACLs[in.WebACLArn]
	if a == nil || a.Scope != "REGIONAL" {
		return nil, wafErr("WAFNonexistentItemException", "AWS WAF couldn’t perform the operation because your resource doesn’t exist.")
	}
	if err := s.loadBalancer(in.ResourceArn); err != nil {
		return nil, err
	}
	if s.state().Associations[in.ResourceArn] != a.ARN {
		s.state().Associations[in.ResourceArn] = a.ARN
		c.Changed()
		s.limiter.Publish(s.state())
	}
	return struct{}{}, nil
}

// DisassociateWebACL is WAFv2's DisassociateWebACL.
func (s *Service) DisassociateWebACL(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		ResourceArn string `json:"ResourceArn"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if _, ok := s.state().Associations[in.ResourceArn]; ok {
		delete(s.state().Associations, in.ResourceArn)
		c.Changed()
		s.limiter.Publish(s.state())
	}
	return struct{}{}, nil
}

func (s *Service) getWebACLForResource(_ *awsproto.Call, body []byte) (any, error) {
	var in struct {
		ResourceArn string `json:"ResourceArn"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if err := s.loadBalancer(in.ResourceArn); err != nil {
		return nil, err
	}
	if a := s.state().WebACLs[s.state().Associations[in.ResourceArn]]; a != nil {
		return struct {
			WebACL webACLOut `json:"WebACL"`
		}{a.out()}, nil
	}
	return struct{}{}, nil
}

func (s *Service) listTags(_ *awsproto.Call, body []byte) (any, error) {
	var in struct {
		ResourceARN string `json:"ResourceARN"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	a := s.state().WebACLs[in.ResourceARN]
	if a == nil {
		return nil, wafErr("WAFNonexistentItemException", "AWS WAF couldn’t perform the operation because your resource doesn’t exist.")
	}
	tags := slices.Clone(a.Tags)
	if tags == nil {
		tags = []awsproto.Tag{}
	}
	type tagInfo struct {
		ResourceARN string         `json:"ResourceARN"`
		TagList     []awsproto.Tag `json:"TagList"`
	}
	return struct {
		TagInfoForResource tagInfo `json:"TagInfoForResource"`
	}{tagInfo{a.ARN, tags}}, nil
}
