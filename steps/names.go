package steps

import "github.com/breakthemonolith/workshop/internal/workshop"

// The workshop's resource names are the naming contract in
// internal/workshop; these are the forms the printed commands take.
const (
	// tagsKV is the tag list in the Key=,Value= form most services take.
	tagsKV = "Key=" + workshop.ManagedTagKey + ",Value=" + workshop.ManagedTagValue
	// tagsLower is the form ECS takes.
	tagsLower = "key=" + workshop.ManagedTagKey + ",value=" + workshop.ManagedTagValue
)

// desiredCount is the number of tasks the workshop runs for a service.
func desiredCount(service string) string {
	if service == workshop.Monolith {
		return "2"
	}
	return "1"
}
