package checks

// The names the workshop gives its resources (design §4).
const (
	monolith = "api"
	// drop is the target group the listener's default action forwards to
	// once the traffic is switched in module 4.
	drop = "drop-traffic"
	// appPort is the port every service's container listens on.
	appPort = 3000
	// managedTag marks what the workshop created.
	managedTag = "workshop:managed"
	// ecsServiceLinkedRole is the role ECS needs to manage load balancer targets.
	ecsServiceLinkedRole = "AWSServiceRoleForECS"
)

// microservices are the services split out of the monolith in module 3,
// in the order of their listener rule priorities.
func microservices() []string { return []string{"users", "threads", "posts"} }

// allServices are the monolith and the microservices.
func allServices() []string { return []string{monolith, "users", "threads", "posts"} }

// requiredOutputs are the stack outputs the later steps read.
func requiredOutputs() []string {
	return []string{"ClusterName", "Url", "ALBArn", "VPCId", "PublicSubnets",
		"ServiceSecurityGroup", "TaskExecutionRoleArn", "LogGroup"}
}

// xService is the X-Service header value each image's service sends.
func xService(service string) string {
	if service == monolith {
		return "monolith"
	}
	return service
}
