// Package awsproto is the sandbox's wire layer: the AWS protocols its
// services speak, so that a service only decodes its input and returns a
// value or an *Error.
//
//	X-Amz-Target: Prefix.Operation  awsJson 1.1 (ECR, ECS, Logs, WAFv2, …)  json.go
//	Action=...&Version=...          awsQuery (STS, CFN, ELBv2, IAM)         query.go
//	Action=...&Version=2016-11-15   ec2Query (EC2)                          query.go
//
// Services register their operations on a Router by protocol marker; the
// Router's ServeJSON and ServeQuery decode the envelope, run the operation
// through the server's Invoker (latency, state lock, save) and write the
// response or the protocol's error shape. The package also holds what
// every service shares on the wire: the Call being served, form lists,
// epoch and ISO 8601 times, pagination tokens, AWS-shaped ids, Tag, and the
// sandbox's one Account.
package awsproto
