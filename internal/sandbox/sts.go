package sandbox

import "net/url"

// STS's awsQuery version and response namespace.
const (
	stsVersion   = "2011-06-15"
	stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"
)

// SandboxUserARN is the identity every sandbox caller has.
const SandboxUserARN = "arn:aws:iam::" + Account + ":user/workshop-sandbox"

// sandboxUserID is the unique id of SandboxUserARN's user.
const sandboxUserID = "AIDAWORKSHOPSANDBOX01"

// registerSTS adds STS's operations to the router.
func registerSTS(r *router) {
	r.handleQuery(stsVersion, stsNamespace, map[string]queryOp{
		"GetCallerIdentity": getCallerIdentity,
	})
}

type callerIdentity struct {
	Arn     string `xml:"Arn"`
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
}

func getCallerIdentity(*call, url.Values) (any, error) {
	return callerIdentity{Arn: SandboxUserARN, UserID: sandboxUserID, Account: Account}, nil
}
