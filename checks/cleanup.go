package checks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/breakthemonolith/workshop/internal/inventory"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

const cl = "cleanup/"

// cleanupChecks report what the workshop created that still exists, in the
// order clean-up deletes it.
func cleanupChecks(x fixer) []check {
	return []check{
		{id: cl + "services", title: "The workshop's ECS services are deleted",
			expected: "no service api, users, threads or posts", run: func(f *facts) outcome {
				st, err := f.getStack()
				if err != nil {
					return failed(err)
				}
				svcs, err := f.getServices()
				if err != nil {
					return failed(err)
				}
				cluster := output(st, "ClusterName")
				var l leftovers
				var draining []string
				for _, name := range workshop.Services() {
					s, ok := svcs[name]
					if ok {
						mine, err := f.owned(inventory.KindService, aws.ToString(s.ServiceArn))
						if err != nil {
							return failed(err)
						}
						if !mine {
							l.foreign, ok = append(l.foreign, name), false
						}
					}
					switch {
					case !ok:
					case aws.ToString(s.Status) == "DRAINING":
						draining = append(draining, fmt.Sprintf("%s (DRAINING, %d running)", name, s.RunningCount))
						l.arns = append(l.arns, aws.ToString(s.ServiceArn))
					default:
						l.keep(fmt.Sprintf("%s (%s, %d running)", name, aws.ToString(s.Status), s.RunningCount),
							x.aws("ecs delete-service --cluster", cluster, "--service", name, "--force"), aws.ToString(s.ServiceArn))
					}
				}
				if len(l.left) == 0 && len(draining) > 0 {
					return waiting("deleted, still stopping their tasks: "+strings.Join(draining, ", "),
						"ECS stops a deleted service's tasks, then the service disappears.", l.arns...)
				}
				return l.outcome("service", "Delete the services first: their tasks keep running (and billing) until you do.")
			}},
		{id: cl + "web-acl", title: "Module 5's web ACL is deleted",
			expected: "no web ACL " + webACLName, run: webACLGone},
		{id: cl + "secrets", title: "Module 5's secrets are deleted",
			expected: "no secret under " + secretPrefix, run: secretsGone},
		{id: cl + "target-groups", title: "The workshop's target groups are deleted",
			expected: "no target group api, users, threads, posts or drop-traffic", run: func(f *facts) outcome {
				tgs, err := f.getTargetGroups()
				if err != nil {
					return failed(err)
				}
				var l leftovers
				for _, name := range append(workshop.Services(), workshop.DropTargetGroup) {
					if tg, ok := tgs[name]; ok {
						arn := aws.ToString(tg.TargetGroupArn)
						if err := l.add(f, inventory.KindTargetGroup, arn, name, arn, func() string {
							return x.aws("elbv2 delete-target-group --target-group-arn", arn)
						}); err != nil {
							return failed(err)
						}
					}
				}
				return l.outcome("target group",
					"Target groups are not part of the stack; delete them after the listener (a target group in use cannot be deleted).")
			}},
		{id: cl + "stack", title: "Stack " + x.stack + " is deleted",
			expected: "no stack " + x.stack, run: func(f *facts) outcome {
				st, err := f.getStack()
				if err != nil {
					return failed(err)
				}
				if st == nil {
					return pass("stack " + f.stackID + " does not exist")
				}
				status := string(st.StackStatus)
				arn := aws.ToString(st.StackId)
				mine, err := f.owned(inventory.KindStack, arn)
				if err != nil {
					return failed(err)
				}
				if !mine {
					return pass("no stack of the workshop's; stack " + f.stackID + " is the learner's own (not tagged " + workshop.ManagedTagKey + "=true, not the workshop's template), left alone")
				}
				if status == "DELETE_IN_PROGRESS" {
					return waiting(status, "Deleting the stack takes a few minutes.", arn)
				}
				observed := "stack " + f.stackID + " is " + status
				if status == "DELETE_FAILED" {
					if r := firstFailure(f); r != "" {
						observed += ": " + r
					}
				}
				return fail(observed,
					"Deleting the stack removes the load balancer (and its listener and rules), the cluster, the network and the role. It fails while services still run in the cluster.",
					x.aws("cloudformation delete-stack --stack-name", f.stackID)+" && "+x.aws("cloudformation wait stack-delete-complete --stack-name", f.stackID), arn)
			}},
		{id: cl + "task-definitions", title: "The workshop's task definitions are deregistered",
			expected: "no ACTIVE revision in families api, users, threads, posts", run: func(f *facts) outcome {
				fams, err := f.getFamilies()
				if err != nil {
					return failed(err)
				}
				var l leftovers
				for _, name := range workshop.Services() {
					if !contains(fams, name) {
						continue
					}
					// The family list is cheap but some emulators ignore its
					// status filter: confirm with the family's revisions.
					revs, err := f.getActiveRevisions(name)
					if err != nil {
						return failed(err)
					}
					var mine []string
					for _, rev := range revs {
						ok, err := f.owned(inventory.KindTaskDefinition, rev)
						if err != nil {
							return failed(err)
						}
						if ok {
							mine = append(mine, rev)
						}
					}
					if len(mine) < len(revs) {
						l.foreign = append(l.foreign, name)
					}
					if len(mine) > 0 {
						l.keep(name, "for td in $("+x.aws("ecs list-task-definitions --family-prefix", name,
							"--status ACTIVE --query 'taskDefinitionArns[]' --output text")+"); do "+
							x.aws("ecs deregister-task-definition --task-definition", "\"$td\"")+" >/dev/null; done", mine...)
					}
				}
				return l.outcome("task definition family", "Deregistered revisions cost nothing, but leave the account tidy.")
			}},
		{id: cl + "repositories", title: "The workshop's ECR repositories are deleted",
			expected: "no repository api, users, threads or posts", run: func(f *facts) outcome {
				repos, err := f.getRepositories()
				if err != nil {
					return failed(err)
				}
				var l leftovers
				for _, name := range workshop.Services() {
					if r, ok := repos[name]; ok {
						if err := l.add(f, inventory.KindRepository, name, name, aws.ToString(r.RepositoryArn), func() string {
							return x.aws("ecr delete-repository --repository-name", name, "--force")
						}); err != nil {
							return failed(err)
						}
					}
				}
				return l.outcome("repository", "Stored images are billed per GB-month; --force deletes the images with the repository.")
			}},
	}
}

// leftovers gathers, for one kind of resource, the workshop's that still
// exist (with their ARNs and the commands that delete them) and the
// learner's look-alikes, which are only named.
type leftovers struct {
	left, arns, fixes, foreign []string
}

// add sorts one resource that exists: the workshop's (its tag says so,
// asked of ownerID) is kept with its ARN and fix (called only then);
// another's is named as left alone.
func (l *leftovers) add(f *facts, kind, ownerID, name, arn string, fix func() string) error {
	mine, err := f.owned(kind, ownerID)
	if err != nil {
		return err
	}
	if !mine {
		l.foreign = append(l.foreign, name)
		return nil
	}
	l.keep(name, fix(), arn)
	return nil
}

// keep records one of the workshop's resources that is still there.
func (l *leftovers) keep(name, fix string, arns ...string) {
	l.left = append(l.left, name)
	l.arns = append(l.arns, arns...)
	l.fixes = append(l.fixes, fix)
}

// outcome passes when none of the workshop's is left, and fails naming
// them with the fixes otherwise; look-alikes are only mentioned.
func (l *leftovers) outcome(kind, hint string) outcome {
	alone := ""
	if len(l.foreign) > 0 {
		sort.Strings(l.foreign)
		alone = fmt.Sprintf("; left alone, not tagged %s=true (the learner's own): %s", workshop.ManagedTagKey, strings.Join(l.foreign, ", "))
	}
	if len(l.left) == 0 {
		return pass("none left" + alone)
	}
	sort.Strings(l.left)
	return fail(fmt.Sprintf("%d %s(s) left: %s%s", len(l.left), kind, strings.Join(l.left, ", "), alone), hint, strings.Join(l.fixes, " && "), l.arns...)
}
