// Package sandbox is the workshop's local AWS: one HTTP endpoint that speaks
// the real AWS wire protocols well enough for the AWS SDK, the AWS CLI and
// the Docker engine, with its state kept in a data directory.
//
// Requests are routed by protocol marker, never by user agent:
//
//	/v2/...                         Docker Registry v2 (ECR's registry)       ecr/registry.go
//	/_sandbox/...                   the sandbox's own endpoints (layer URLs)  server.go, ecr/auth.go
//	X-Amz-Target: Prefix.Operation  awsJson services (ECR, ECS, Logs, …)      awsproto/json.go
//	Action=...&Version=...          awsQuery services (STS, CFN, ELBv2, IAM)  awsproto/query.go
//
// The package is split in layers, as moto and LocalStack split theirs:
//
//	awsproto/        the wire: Error, Call, Router, the awsJson 1.1, awsQuery
//	                 and ec2Query envelopes, form lists, times, pagination, ids
//	store/           persistence: state.json written atomically, the data lock
//	sts/ iam/ logs/ secretsmanager/ wafv2/ ec2/ ecr/ elbv2/ ecs/
//	                 one package per service: its operations, its part of the
//	                 state, its typed responses
//	tasks/           ECS's data plane: the task runner and the engine it
//	                 runs containers on (Containers)
//	alb/             the load balancers' data plane: their local ports,
//	                 routing, health checks and proxying, synced from
//	                 ELBv2's state
//	cfn/             CloudFormation's template language (parse, intrinsics)
//	cloudformation/  CloudFormation's API, and its resource providers
//	sandbox          the composition root: Server, Options, New, Start,
//	                 Close (server.go), the aggregate state and its file
//	                 (state.go), and what the services and data planes ask
//	                 of each other (peers.go)
//
// A service registers its operations on the Router from New (server.go), by
// its protocol marker: a JSON target prefix (Router.HandleJSON) or a query
// API version (Router.HandleQuery); nothing registers itself in init. An
// operation is a function from a decoded request to a response value or an
// *awsproto.Error; awsproto does the envelopes, error shapes and request
// ids, and the Server's invoke the --latency delay, the lock and the save.
// A service keeps its part of the persisted state in a field of state
// (state.go) and is handed it as a func (a failed save swaps the whole
// state), with narrow interfaces or funcs for what it needs of another
// service (wafv2's hasLoadBalancer, elbv2's DataPlane, ecr's StateHost,
// ecs's Network, LoadBalancing and Scheduler, tasks' Host, cloudformation's
// Resources; peers.go gives those that need the server).
// Operations run under the server's lock and mark the call as mutating,
// after which the whole state is written atomically.
//
// CloudFormation makes resources through providers
// (cloudformation/providers*.go), one per resource type. The ECS and ELBv2
// providers turn a resource's properties into the API's request
// (providers_api.go) and call the operation itself (cloudformation.ECSAPI,
// ELBAPI), so a stack's task definitions, services, target groups,
// listeners and rules get the same validation and state as the API's.
//
// A started sandbox holds sandbox.lock (its process id) in the data
// directory, so that a second one on the same directory fails to start;
// Close releases it (store/lock.go).
//
// The sandbox is one account (Account, like moto's default) and answers for
// any region named in the request's SigV4 credential scope (us-east-1 when
// there is none). Signatures are not verified.
package sandbox
