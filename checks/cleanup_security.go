package checks

import (
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/breakthemonolith/workshop/internal/inventory"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// The names module 5 gives what it creates (steps/security.go).
const (
	webACLName   = workshop.WebACLName
	secretPrefix = workshop.SecretPrefix
)

// webACLGone reports module 5's web ACL if it is still there.
func webACLGone(f *facts) outcome {
	acls, err := f.getWebACLs()
	if err != nil {
		return failed(err)
	}
	var l leftovers
	for _, a := range acls {
		if aws.ToString(a.Name) != webACLName {
			continue
		}
		arn := aws.ToString(a.ARN)
		if err := l.add(f, inventory.KindWebACL, arn, webACLName, arn, func() string {
			fix := f.fix.aws("wafv2 delete-web-acl --name", webACLName, "--scope REGIONAL --id", aws.ToString(a.Id),
				"--lock-token", "$("+f.fix.aws("wafv2 get-web-acl --name", webACLName, "--scope REGIONAL --id", aws.ToString(a.Id),
					"--query LockToken --output text")+")")
			if st, _ := f.getStack(); output(st, "ALBArn") != "" {
				fix = "{ " + f.fix.aws("wafv2 disassociate-web-acl --resource-arn", output(st, "ALBArn")) + " || true; } && " + fix
			}
			return fix
		}); err != nil {
			return failed(err)
		}
	}
	return l.outcome("web ACL",
		"A web ACL costs about 5 USD a month plus 1 USD per rule. It must be detached from the load balancer before it can be deleted.")
}

// secretsGone reports the secrets module 5 stored that are still there.
func secretsGone(f *facts) outcome {
	secrets, err := f.getSecrets()
	if err != nil {
		return failed(err)
	}
	var l leftovers
	for _, s := range secrets {
		name, arn := aws.ToString(s.Name), aws.ToString(s.ARN)
		if err := l.add(f, inventory.KindSecret, arn, name, arn, func() string {
			return f.fix.aws("secretsmanager delete-secret --secret-id", name, "--force-delete-without-recovery")
		}); err != nil {
			return failed(err)
		}
	}
	return l.outcome("secret", "Each secret costs 0.40 USD a month.")
}
