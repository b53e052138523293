package sandbox

import "net/url"

// jsonOp serves one awsJson operation: it decodes body (the request's JSON
// object) and returns the response value or an *apiError.
type jsonOp func(c *call, body []byte) (any, error)

// queryOp serves one awsQuery operation from the request's form values; its
// response value is encoded as the <OperationResult> element.
type queryOp func(c *call, form url.Values) (any, error)

// queryService is an awsQuery service: its operations and the XML namespace
// of its responses.
type queryService struct {
	namespace string
	ops       map[string]queryOp
	// ec2 selects the ec2Query envelopes: no Result wrapper, a lower-case
	// requestId, and <Response><Errors> errors.
	ec2 bool
}

// router maps protocol markers to services. Services register here; the
// protocol handlers look operations up.
type router struct {
	// json maps an X-Amz-Target prefix (before the dot) to operations.
	json map[string]map[string]jsonOp
	// query maps an API Version to its service.
	query map[string]queryService
}

func newRouter() *router {
	return &router{json: map[string]map[string]jsonOp{}, query: map[string]queryService{}}
}

// handleJSON registers the operations of an awsJson service under its
// target prefix, e.g. AmazonEC2ContainerRegistry_V20150921.
func (r *router) handleJSON(targetPrefix string, ops map[string]jsonOp) {
	r.json[targetPrefix] = ops
}

// handleQuery registers the operations of an awsQuery service under its API
// version, e.g. 2011-06-15 for STS, with its response namespace.
func (r *router) handleQuery(version, namespace string, ops map[string]queryOp) {
	r.query[version] = queryService{namespace: namespace, ops: ops}
}

// handleEC2 registers the operations of an ec2Query service (EC2) under
// its API version. Their response values are the children of
// <OperationResponse> and must implement ec2Reply.
func (r *router) handleEC2(version, namespace string, ops map[string]queryOp) {
	r.query[version] = queryService{namespace: namespace, ops: ops, ec2: true}
}
