package steps

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/inventory"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// The calls clean-up makes for what module 5 creates: the web ACL and the
// secrets.

type cleanupWAF interface {
	ListWebACLs(context.Context, *wafv2.ListWebACLsInput, ...func(*wafv2.Options)) (*wafv2.ListWebACLsOutput, error)
	ListTagsForResource(context.Context, *wafv2.ListTagsForResourceInput, ...func(*wafv2.Options)) (*wafv2.ListTagsForResourceOutput, error)
	GetWebACLForResource(context.Context, *wafv2.GetWebACLForResourceInput, ...func(*wafv2.Options)) (*wafv2.GetWebACLForResourceOutput, error)
	GetWebACL(context.Context, *wafv2.GetWebACLInput, ...func(*wafv2.Options)) (*wafv2.GetWebACLOutput, error)
	DisassociateWebACL(context.Context, *wafv2.DisassociateWebACLInput, ...func(*wafv2.Options)) (*wafv2.DisassociateWebACLOutput, error)
	DeleteWebACL(context.Context, *wafv2.DeleteWebACLInput, ...func(*wafv2.Options)) (*wafv2.DeleteWebACLOutput, error)
}

type cleanupSecrets interface {
	ListSecrets(context.Context, *secretsmanager.ListSecretsInput, ...func(*secretsmanager.Options)) (*secretsmanager.ListSecretsOutput, error)
	DeleteSecret(context.Context, *secretsmanager.DeleteSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DeleteSecretOutput, error)
}

// findWebACLs finds module 5's web ACL: one tagged workshop:managed=true is
// the workshop's; one with its name but not the tag is the learner's. A nil
// client is not looked at.
func findWebACLs(ctx context.Context, c CleanupClients, in planInput) ([]found, error) {
	if c.WAF == nil {
		return nil, nil
	}
	alb, guarding := in.outputs["ALBArn"], ""
	if alb != "" {
		if acl, err := in.inv.WebACL(); err == nil && acl != nil {
			guarding = aws.ToString(acl.ARN)
		}
	}
	acls, err := in.inv.WebACLs()
	if err != nil {
		return nil, fmt.Errorf("list the web ACLs: %s", cloud.Message(inventory.Cause(err)))
	}
	var fs []found
	for _, acl := range acls {
		arn, name := aws.ToString(acl.ARN), aws.ToString(acl.Name)
		tags, err := in.own.Tags(ctx, inventory.KindWebACL, arn)
		if err != nil {
			return nil, fmt.Errorf("read the tags of web ACL %s: %s", name, cloud.Message(err))
		}
		managed := workshop.IsManaged(tags)
		if !managed && name != webACLName {
			continue
		}
		f := found{Deletion: Deletion{Kind: "web ACL", Name: name, ID: arn}, managed: managed}
		if arn == guarding {
			f.Resource = alb
		}
		fs = append(fs, f)
	}
	return fs, nil
}

// findSecrets finds module 5's secrets by their prefix; only those tagged
// workshop:managed=true are the workshop's. A nil client is not looked at.
func findSecrets(_ context.Context, c CleanupClients, in planInput) ([]found, error) {
	if c.Secrets == nil {
		return nil, nil
	}
	secrets, err := in.inv.Secrets(secretPrefix)
	if err != nil {
		return nil, fmt.Errorf("list the secrets: %s", cloud.Message(inventory.Cause(err)))
	}
	var fs []found
	for _, s := range secrets {
		name := aws.ToString(s.Name)
		fs = append(fs, found{Deletion: Deletion{Kind: "secret", Name: name, ID: aws.ToString(s.ARN)},
			managed: inventory.ManagedSecret(s)})
	}
	return fs, nil
}

// deleteWebACL detaches a web ACL from the load balancer it guards and
// deletes it.
func deleteWebACL(ctx context.Context, r *runner, c CleanupClients, d Deletion) error {
	if c.WAF == nil {
		return fmt.Errorf("no WAF client")
	}
	if d.Resource != "" {
		if _, err := c.WAF.DisassociateWebACL(ctx, &wafv2.DisassociateWebACLInput{ResourceArn: aws.String(d.Resource)}); err != nil {
			return err
		}
	}
	// arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID
	parts := strings.Split(d.ID, "/")
	if len(parts) < 3 {
		return fmt.Errorf("%q is not a web ACL ARN", d.ID)
	}
	name, id := parts[len(parts)-2], parts[len(parts)-1]
	// WAF may still see the association for a moment after it ends.
	var err error
	for range 10 {
		var got *wafv2.GetWebACLOutput
		got, err = c.WAF.GetWebACL(ctx, &wafv2.GetWebACLInput{Name: aws.String(name), Id: aws.String(id), Scope: waftypes.ScopeRegional})
		if err != nil {
			return err
		}
		_, err = c.WAF.DeleteWebACL(ctx, &wafv2.DeleteWebACLInput{Name: aws.String(name), Id: aws.String(id),
			Scope: waftypes.ScopeRegional, LockToken: got.LockToken})
		if code := cloud.Code(err); code != "WAFAssociatedItemException" && code != "WAFOptimisticLockException" {
			return err
		}
		if err := r.sleep(ctx); err != nil {
			return err
		}
	}
	return err
}

// deleteSecret deletes a secret at once: the workshop's copy of a value
// that sat in a task definition, so no recovery window is kept (one would
// also block module 5 from creating it again for a week).
func deleteSecret(ctx context.Context, c CleanupClients, d Deletion) error {
	if c.Secrets == nil {
		return fmt.Errorf("no Secrets Manager client")
	}
	_, err := c.Secrets.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String(d.ID), ForceDeleteWithoutRecovery: aws.Bool(true)})
	return err
}

// deleteSecurity prints the commands that delete module 5's web ACL (after
// detaching it from the load balancer) and its secrets: only those tagged
// workshop:managed=true, as 'workshop cleanup' does. Look-alikes are named
// and left alone.
func deleteSecurity(s *script) {
	alb := s.output("ALBArn")
	s.comment("Module 5's web ACL, if it is the workshop's (tagged %s=true): detach it from the load balancer,\nthen delete it with its current lock token.", workshop.ManagedTagKey)
	s.line("WEB_ACL_ARN=$(" + s.aws("wafv2 list-web-acls --scope REGIONAL --query", `"WebACLs[?Name=='`+webACLName+`'].ARN"`, "--output text") + ")")
	s.line(`if [ -n "$WEB_ACL_ARN" ]; then`)
	s.ifManaged("  ", s.aws(`wafv2 list-tags-for-resource --resource-arn "$WEB_ACL_ARN" --query`, `"TagInfoForResource.TagList[?Key=='`+workshop.ManagedTagKey+`'].Value"`, "--output text"),
		"web ACL "+webACLName, func(indent string) {
			s.line(indent + `if [ "$(` + s.aws("wafv2 get-web-acl-for-resource --resource-arn", alb, "--query WebACL.ARN --output text") + `)" = "$WEB_ACL_ARN" ]; then`)
			s.line(indent + "  " + s.aws("wafv2 disassociate-web-acl --resource-arn", alb))
			s.line(indent + "fi")
			s.line(indent + s.aws("wafv2 delete-web-acl --name", webACLName, `--scope REGIONAL --id "${WEB_ACL_ARN##*/}" --lock-token`,
				`"$(`+s.aws("wafv2 get-web-acl --name", webACLName, `--scope REGIONAL --id "${WEB_ACL_ARN##*/}" --query LockToken --output text`)+`)"`))
		})
	s.line("fi")
	s.comment("Module 5's secrets that are the workshop's, at once (no recovery window, so module 5 can make them again):")
	s.line("for secret in $(" + s.aws("secretsmanager list-secrets --filters Key=name,Values="+secretPrefix, "--query 'SecretList[].Name' --output text") + "); do")
	s.ifManaged("  ", s.aws(`secretsmanager describe-secret --secret-id "$secret" --query`, `"Tags[?Key=='`+workshop.ManagedTagKey+`'].Value"`, "--output text"),
		`secret $secret`, func(indent string) {
			s.line(indent + s.aws(`secretsmanager delete-secret --secret-id "$secret" --force-delete-without-recovery`) + " >/dev/null")
		})
	s.line("done")
}
