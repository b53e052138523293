// Package sandbox is the workshop's local AWS: one HTTP endpoint that speaks
// the real AWS wire protocols well enough for the AWS SDK, the AWS CLI and
// the Docker engine, with its state kept in a data directory.
//
// Requests are routed by protocol marker, never by user agent:
//
//	/v2/...                         Docker Registry v2 (ECR's registry)       registry.go
//	/_sandbox/...                   the sandbox's own endpoints (layer URLs)  server.go
//	X-Amz-Target: Prefix.Operation  awsJson services (ECR, ECS, Logs)         awsproto/json.go
//	Action=...&Version=...          awsQuery services (STS, CFN, ELBv2, IAM)  awsproto/query.go
//
// Each AWS service lives in its own file (sts.go, ecr*.go, cfn_*.go) and registers its
// operations with the router by its protocol marker: a JSON target prefix
// (Router.HandleJSON) or a query API version (Router.HandleQuery). An
// operation is a function from a decoded request to a response value or an
// *awsproto.Error; package awsproto does the envelopes, error shapes, request ids and the
// --latency delay. A service keeps its part of the persisted state in a
// field of state (state.go); operations run under the server's lock and
// mark the call as mutating, after which the whole state is written
// atomically.
//
// CloudFormation makes resources through providers (providers*.go), one
// per resource type. The ECS and ELBv2 providers (providers_ecs.go,
// providers_elbv2.go) turn a resource's properties into the API's request
// (providers_api.go) and call the operation itself, so a stack's task
// definitions, services, target groups, listeners and rules get the same
// validation and state as the API's.
//
// A started sandbox holds sandbox.lock (its process id) in the data
// directory, so that a second one on the same directory fails to start;
// Close releases it (datalock.go).
//
// The sandbox is one account (Account, like moto's default) and answers for
// any region named in the request's SigV4 credential scope (us-east-1 when
// there is none). Signatures are not verified.
package sandbox
