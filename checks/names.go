package checks

import "github.com/breakthemonolith/workshop/internal/workshop"

// The workshop's resource names are the naming contract in
// internal/workshop; these are the settings only the checks need.
const (
	// ecsServiceLinkedRole is the role ECS needs to manage load balancer targets.
	ecsServiceLinkedRole = "AWSServiceRoleForECS"
)

// xService is the X-Service header value each image's service sends.
func xService(service string) string {
	if service == workshop.Monolith {
		return "monolith"
	}
	return service
}
