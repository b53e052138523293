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
	var left, arns, fixes, foreign []string
	for _, a := range acls {
		if aws.ToString(a.Name) != webACLName {
			continue
		}
		mine, err := f.owned(inventory.KindWebACL, aws.ToString(a.ARN))
		if err != nil {
			return failed(err)
		}
		if !mine {
			foreign = append(foreign, webACLName)
			continue
		}
		left = append(left, webACLName)
		arns = append(arns, aws.ToString(a.ARN))
		fix := f.fix.aws("wafv2 delete-web-acl --name", webACLName, "--scope REGIONAL --id", aws.ToString(a.Id),
			"--lock-token", "$("+f.fix.aws("wafv2 get-web-acl --name", webACLName, "--scope REGIONAL --id", aws.ToString(a.Id),
				"--query LockToken --output text")+")")
		if st, _ := f.getStack(); output(st, "ALBArn") != "" {
			fix = "{ " + f.fix.aws("wafv2 disassociate-web-acl --resource-arn", output(st, "ALBArn")) + " || true; } && " + fix
		}
		fixes = append(fixes, fix)
	}
	return survivors("web ACL", left, foreign, arns, fixes,
		"A web ACL costs about 5 USD a month plus 1 USD per rule. It must be detached from the load balancer before it can be deleted.")
}

// secretsGone reports the secrets module 5 stored that are still there.
func secretsGone(f *facts) outcome {
	secrets, err := f.getSecrets()
	if err != nil {
		return failed(err)
	}
	var left, arns, fixes, foreign []string
	for _, s := range secrets {
		name := aws.ToString(s.Name)
		mine, err := f.owned(inventory.KindSecret, aws.ToString(s.ARN))
		if err != nil {
			return failed(err)
		}
		if !mine {
			foreign = append(foreign, name)
			continue
		}
		left = append(left, name)
		arns = append(arns, aws.ToString(s.ARN))
		fixes = append(fixes, f.fix.aws("secretsmanager delete-secret --secret-id", name, "--force-delete-without-recovery"))
	}
	return survivors("secret", left, foreign, arns, fixes, "Each secret costs 0.40 USD a month.")
}
