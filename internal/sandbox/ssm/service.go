// Package ssm serves the sandbox's Systems Manager Parameter Store (awsJson
// 1.1, X-Amz-Target AmazonSSM.*): parameters with a version history count,
// read by name singly or several at a time. Tools check their settings
// there before they deploy (the CDK reads its bootstrap version from
// /cdk-bootstrap/QUALIFIER/version); the sandbox keeps what they put.
package ssm

import (
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

const targetPrefix = "AmazonSSM"

// State is Parameter Store's part of the state.
type State struct {
	// Parameters by region, then name.
	Parameters map[string]map[string]*Parameter `json:"parameters"`
}

// Fill gives a state read from an older file its empty map.
func (s *State) Fill() {
	if s.Parameters == nil {
		s.Parameters = map[string]map[string]*Parameter{}
	}
}

// Parameter is one parameter's current value.
type Parameter struct {
	Name        string         `json:"name"`
	Type        string         `json:"type"`
	Value       string         `json:"value"`
	Description string         `json:"description,omitempty"`
	DataType    string         `json:"dataType"`
	Version     int64          `json:"version"`
	Tags        []awsproto.Tag `json:"tags,omitempty"`
	ChangedAt   time.Time      `json:"changedAt"`
}

// ARN is the parameter's ARN: a name with a leading slash is its own path.
// AWS's public parameters belong to no account.
func (p *Parameter) ARN(region string) string {
	account := awsproto.Account
	if strings.HasPrefix(p.Name, "/aws/service/") {
		account = ""
	}
	return "arn:aws:ssm:" + region + ":" + account + ":parameter/" + strings.TrimPrefix(p.Name, "/")
}

// Service serves Parameter Store over its part of the state.
type Service struct{ state func() *State }

// New is Parameter Store's service; state returns its current part of the
// state.
func New(state func() *State) *Service { return &Service{state: state} }

// Register adds Parameter Store's operations to the router.
func (s *Service) Register(r *awsproto.Router) {
	r.HandleJSON(targetPrefix, map[string]awsproto.JSONOp{
		"PutParameter":    s.put,
		"GetParameter":    s.get,
		"GetParameters":   s.getMany,
		"DeleteParameter": s.delete,
	})
}

// inRegion is the region's parameters, made on first use when create.
func (s *Service) inRegion(region string, create bool) map[string]*Parameter {
	m := s.state().Parameters[region]
	if m == nil && create {
		m = map[string]*Parameter{}
		s.state().Parameters[region] = m
	}
	return m
}

// notFound is AWS's ParameterNotFound, whose message is empty.
func notFound() *awsproto.Error { return awsproto.ClientErr("ParameterNotFound", "") }

// ValueFrom is the value an ECS container definition's secret reads from
// Parameter Store: valueFrom is the parameter's ARN, or its name in region.
func (s *State) ValueFrom(region, valueFrom string) (string, bool) {
	name := valueFrom
	if rest, ok := strings.CutPrefix(valueFrom, "arn:aws:ssm:"); ok {
		parts := strings.SplitN(rest, ":", 3)
		if len(parts) != 3 || !strings.HasPrefix(parts[2], "parameter/") {
			return "", false
		}
		region, name = parts[0], strings.TrimPrefix(parts[2], "parameter")
		if p := s.Parameters[region][name]; p != nil {
			return p.Value, true
		}
		name = strings.TrimPrefix(name, "/")
	}
	if p := s.Parameters[region][name]; p != nil {
		return p.Value, true
	}
	return "", false
}
