package workshop

// ManagedTagKey and ManagedTagValue make the tag the workshop puts on
// everything it creates. It is the only proof of ownership: nothing without
// it is changed or deleted, whatever its name.
const (
	ManagedTagKey   = "workshop:managed"
	ManagedTagValue = "true"
)

// IsManaged reports whether tags (key to value) prove the workshop created
// the resource they belong to.
func IsManaged(tags map[string]string) bool {
	return tags[ManagedTagKey] == ManagedTagValue
}
