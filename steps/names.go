package steps

import "github.com/breakthemonolith/workshop/internal/workshop"

// The names and settings the workshop uses (design §4).
const (
	monolith   = "api"
	drop       = "drop-traffic"
	imageTag   = "v1"
	appPort    = "3000"
	managedTag = workshop.ManagedTagKey
	// tagsKV is the tag list in the Key=,Value= form most services take.
	tagsKV = "Key=" + managedTag + ",Value=" + workshop.ManagedTagValue
	// tagsLower is the form ECS takes.
	tagsLower = "key=" + managedTag + ",value=" + workshop.ManagedTagValue
)

func microservices() []string { return []string{"users", "threads", "posts"} }

func allServices() []string { return []string{monolith, "users", "threads", "posts"} }

// desiredCount is the number of tasks the workshop runs for a service.
func desiredCount(service string) string {
	if service == monolith {
		return "2"
	}
	return "1"
}
