package awsproto

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// JSONOp serves one awsJson operation: it decodes body (the request's JSON
// object) and returns the response value or an *Error.
type JSONOp func(c *Call, body []byte) (any, error)

// QueryOp serves one awsQuery operation from the request's form values; its
// response value is encoded as the <OperationResult> element.
type QueryOp func(c *Call, form url.Values) (any, error)

// queryService is an awsQuery service: its operations and the XML namespace
// of its responses.
type queryService struct {
	namespace string
	ops       map[string]QueryOp
	// ec2 selects the ec2Query envelopes: no Result wrapper, a lower-case
	// requestId, and <Response><Errors> errors.
	ec2 bool
}

// Router maps protocol markers to services. Services register here; the
// protocol handlers look operations up.
type Router struct {
	// json maps an X-Amz-Target prefix (before the dot) to operations.
	json map[string]map[string]JSONOp
	// query maps an API Version to its service.
	query map[string]queryService
}

// NewRouter is a router with no services yet.
func NewRouter() *Router {
	return &Router{json: map[string]map[string]JSONOp{}, query: map[string]queryService{}}
}

// HandleJSON registers the operations of an awsJson service under its
// target prefix, e.g. AmazonEC2ContainerRegistry_V20150921.
func (r *Router) HandleJSON(targetPrefix string, ops map[string]JSONOp) {
	r.json[targetPrefix] = ops
}

// HandleQuery registers the operations of an awsQuery service under its API
// version, e.g. 2011-06-15 for STS, with its response namespace.
func (r *Router) HandleQuery(version, namespace string, ops map[string]QueryOp) {
	r.query[version] = queryService{namespace: namespace, ops: ops}
}

// HandleEC2 registers the operations of an ec2Query service (EC2) under
// its API version. Their response values are the children of
// <OperationResponse> and must implement ec2Reply.
func (r *Router) HandleEC2(version, namespace string, ops map[string]QueryOp) {
	r.query[version] = queryService{namespace: namespace, ops: ops, ec2: true}
}

// notEmulated says that the sandbox does not serve an operation, which
// may well be valid AWS, and lists what it serves instead: the API's
// operations when it knows the API (known), else the APIs it knows.
func (rt *Router) notEmulated(operation string, known bool, ops []string) string {
	if known {
		return fmt.Sprintf("%s is not emulated by the workshop's sandbox (it may be valid on AWS); for this API it serves %s",
			operation, strings.Join(ops, ", "))
	}
	var apis []string
	for prefix := range rt.json {
		apis = append(apis, prefix)
	}
	for version := range rt.query {
		apis = append(apis, "query API "+version)
	}
	slices.Sort(apis)
	return fmt.Sprintf("%s is not emulated by the workshop's sandbox (it may be valid on AWS); it serves these APIs: %s",
		operation, strings.Join(apis, ", "))
}
