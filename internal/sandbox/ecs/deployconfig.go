package ecs

import (
	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// DeploymentConfig is a service's deploymentConfiguration: how many
// tasks a deployment keeps and may add, and its circuit breaker.
type DeploymentConfig struct {
	MinimumHealthyPercent *int            `json:"minimumHealthyPercent,omitempty"`
	MaximumPercent        *int            `json:"maximumPercent,omitempty"`
	CircuitBreaker        *CircuitBreaker `json:"deploymentCircuitBreaker,omitempty"`
}

// CircuitBreaker stops a failing deployment, and rolls it back.
type CircuitBreaker struct {
	Enable   bool `json:"enable"`
	Rollback bool `json:"rollback"`
}

// setDeploymentConfig merges the fields given in a CreateService or
// UpdateService call into the service's configuration, as ECS does (a
// field left out keeps its value), after checking them.
func (s *ServiceItem) setDeploymentConfig(in *DeploymentConfig) error {
	if in == nil {
		return nil
	}
	if p := in.MinimumHealthyPercent; p != nil && (*p < 0 || *p > 100) {
		return awsproto.ClientErr("InvalidParameterException", "deploymentConfiguration.minimumHealthyPercent must be between 0 and 100.")
	}
	if p := in.MaximumPercent; p != nil && (*p < 100 || *p > 200) {
		return awsproto.ClientErr("InvalidParameterException", "deploymentConfiguration.maximumPercent must be between 100 and 200.")
	}
	cur := s.DeploymentConfig
	if cur == nil {
		cur = &DeploymentConfig{}
	}
	next := *cur
	if in.MinimumHealthyPercent != nil {
		next.MinimumHealthyPercent = in.MinimumHealthyPercent
	}
	if in.MaximumPercent != nil {
		next.MaximumPercent = in.MaximumPercent
	}
	if in.CircuitBreaker != nil {
		cb := *in.CircuitBreaker
		next.CircuitBreaker = &cb
	}
	min, max := next.Percents()
	if min >= max {
		return awsproto.ClientErr("InvalidParameterException",
			"deploymentConfiguration: maximumPercent (%d) must be greater than minimumHealthyPercent (%d), or no deployment can progress.", max, min)
	}
	s.DeploymentConfig = &next
	return nil
}

// Percents are the minimum healthy and maximum percents, with ECS's
// defaults (100, 200) where unset.
func (c *DeploymentConfig) Percents() (min, max int) {
	min, max = 100, 200
	if c == nil {
		return min, max
	}
	if c.MinimumHealthyPercent != nil {
		min = *c.MinimumHealthyPercent
	}
	if c.MaximumPercent != nil {
		max = *c.MaximumPercent
	}
	return min, max
}

// deploymentConfigOut is ECS's DeploymentConfiguration shape, as the
// sandbox answers it: every member, with the defaults where unset.
type deploymentConfigOut struct {
	DeploymentCircuitBreaker CircuitBreaker `json:"deploymentCircuitBreaker"`
	MaximumPercent           int            `json:"maximumPercent"`
	MinimumHealthyPercent    int            `json:"minimumHealthyPercent"`
}

// out is the configuration as ECS describes it.
func (c *DeploymentConfig) out() deploymentConfigOut {
	min, max := c.Percents()
	cb := CircuitBreaker{}
	if c != nil && c.CircuitBreaker != nil {
		cb = *c.CircuitBreaker
	}
	return deploymentConfigOut{DeploymentCircuitBreaker: cb, MaximumPercent: max, MinimumHealthyPercent: min}
}
