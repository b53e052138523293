package forum

import "fmt"

// Service names one of the four programs built from this package. Its value
// is what the X-Service response header carries.
type Service string

// The services of the sample application.
const (
	Monolith Service = "monolith"
	Users    Service = "users"
	Threads  Service = "threads"
	Posts    Service = "posts"
)

// ParseService returns the service named s.
func ParseService(s string) (Service, error) {
	switch Service(s) {
	case Monolith, Users, Threads, Posts:
		return Service(s), nil
	}
	return "", fmt.Errorf("unknown service %q (expected one of: monolith, users, threads, posts)", s)
}

// serves reports whether the service answers the routes of a collection
// ("users", "threads" or "posts").
func (s Service) serves(collection string) bool {
	return s == Monolith || string(s) == collection
}
