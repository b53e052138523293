package workshop

// The names and settings the workshop gives its resources (design §4): the
// one naming contract that the checks, the steps, the commands and the
// sample app share. The target groups are in routing.go, the managed tag in
// managed.go.
const (
	// DefaultStack is the module 2 CloudFormation stack's name, as in the
	// original tutorial.
	DefaultStack = "BreakTheMonolith-Demo"
	// Monolith is the monolith's service, repository, task definition
	// family, container and target group name.
	Monolith = "api"
	// ImageTag is the tag every image is pushed with.
	ImageTag = "v1"
	// AppPort is the port every service's container listens on.
	AppPort = 3000
	// WebACLName is module 5's web ACL, with its rate-based rules.
	WebACLName = "workshop-rate-limit"
	// SecretPrefix starts the name of every secret module 5 moves out of a
	// task definition (SecretPrefix + family + "/" + variable).
	SecretPrefix = "workshop/"
	// DashboardStack is the stack of the class dashboard on ECS
	// ('workshop dashboard deploy').
	DashboardStack = "workshop-dashboard"
	// DashboardRepository is the ECR repository of the dashboard's image
	// ('workshop dashboard image').
	DashboardRepository = "workshop-dashboard"
)

// Microservices lists the services split out of the monolith in module 3,
// in the order of their listener rule priorities. Each name is also the
// service's repository, task definition family, container and target group.
func Microservices() []string { return []string{"users", "threads", "posts"} }

// Services lists the monolith and the microservices, monolith first.
func Services() []string { return append([]string{Monolith}, Microservices()...) }

// RequiredOutputs are the module 2 stack outputs the later steps read.
func RequiredOutputs() []string {
	return []string{"ClusterName", "Url", "ALBArn", "VPCId", "PublicSubnets",
		"ServiceSecurityGroup", "TaskExecutionRoleArn", "LogGroup"}
}
