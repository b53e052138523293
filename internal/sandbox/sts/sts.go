// Package sts serves the sandbox's STS: GetCallerIdentity, answering with
// the one identity every sandbox caller has.
package sts

import (
	"net/url"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// STS's awsQuery version and response namespace.
const (
	stsVersion   = "2011-06-15"
	stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"
)

// SandboxUserARN is the identity every sandbox caller has.
const SandboxUserARN = "arn:aws:iam::" + awsproto.Account + ":user/workshop-sandbox"

// sandboxUserID is the unique id of SandboxUserARN's user.
const sandboxUserID = "AIDAWORKSHOPSANDBOX01"

// registerSTS adds STS's operations to the router.
func Register(r *awsproto.Router) {
	r.HandleQuery(stsVersion, stsNamespace, map[string]awsproto.QueryOp{
		"GetCallerIdentity": getCallerIdentity,
	})
}

type callerIdentity struct {
	Arn     string `xml:"Arn"`
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
}

func getCallerIdentity(*awsproto.Call, url.Values) (any, error) {
	return callerIdentity{Arn: SandboxUserARN, UserID: sandboxUserID, Account: awsproto.Account}, nil
}
