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
				var left, arns, fixes, draining, foreign []string
				for _, name := range workshop.Services() {
					s, ok := svcs[name]
					if ok {
						mine, err := f.owned(inventory.KindService, aws.ToString(s.ServiceArn))
						if err != nil {
							return failed(err)
						}
						if !mine {
							foreign, ok = append(foreign, name), false
						}
					}
					switch {
					case !ok:
					case aws.ToString(s.Status) == "DRAINING":
						draining = append(draining, fmt.Sprintf("%s (DRAINING, %d running)", name, s.RunningCount))
						arns = append(arns, aws.ToString(s.ServiceArn))
					default:
						left = append(left, fmt.Sprintf("%s (%s, %d running)", name, aws.ToString(s.Status), s.RunningCount))
						arns = append(arns, aws.ToString(s.ServiceArn))
						fixes = append(fixes, x.aws("ecs delete-service --cluster", cluster, "--service", name, "--force"))
					}
				}
				if len(left) == 0 && len(draining) > 0 {
					return waiting("deleted, still stopping their tasks: "+strings.Join(draining, ", "),
						"ECS stops a deleted service's tasks, then the service disappears.", arns...)
				}
				return survivors("service", left, foreign, arns, fixes, "Delete the services first: their tasks keep running (and billing) until you do.")
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
				var left, arns, fixes, foreign []string
				for _, name := range append(workshop.Services(), workshop.DropTargetGroup) {
					if tg, ok := tgs[name]; ok {
						mine, err := f.owned(inventory.KindTargetGroup, aws.ToString(tg.TargetGroupArn))
						if err != nil {
							return failed(err)
						}
						if !mine {
							foreign = append(foreign, name)
							continue
						}
						left = append(left, name)
						arns = append(arns, aws.ToString(tg.TargetGroupArn))
						fixes = append(fixes, x.aws("elbv2 delete-target-group --target-group-arn", aws.ToString(tg.TargetGroupArn)))
					}
				}
				return survivors("target group", left, foreign, arns, fixes,
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
				var left, arns, fixes, foreign []string
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
						foreign = append(foreign, name)
					}
					if len(mine) > 0 {
						left = append(left, name)
						arns = append(arns, mine...)
						fixes = append(fixes, "for td in $("+x.aws("ecs list-task-definitions --family-prefix", name,
							"--status ACTIVE --query 'taskDefinitionArns[]' --output text")+"); do "+
							x.aws("ecs deregister-task-definition --task-definition", "\"$td\"")+" >/dev/null; done")
					}
				}
				return survivors("task definition family", left, foreign, arns, fixes, "Deregistered revisions cost nothing, but leave the account tidy.")
			}},
		{id: cl + "repositories", title: "The workshop's ECR repositories are deleted",
			expected: "no repository api, users, threads or posts", run: func(f *facts) outcome {
				repos, err := f.getRepositories()
				if err != nil {
					return failed(err)
				}
				var left, arns, fixes, foreign []string
				for _, name := range workshop.Services() {
					if r, ok := repos[name]; ok {
						mine, err := f.owned(inventory.KindRepository, name)
						if err != nil {
							return failed(err)
						}
						if !mine {
							foreign = append(foreign, name)
							continue
						}
						left = append(left, name)
						arns = append(arns, aws.ToString(r.RepositoryArn))
						fixes = append(fixes, x.aws("ecr delete-repository --repository-name", name, "--force"))
					}
				}
				return survivors("repository", left, foreign, arns, fixes, "Stored images are billed per GB-month; --force deletes the images with the repository.")
			}},
	}
}

// survivors turns a list of the workshop's resources that still exist into
// an outcome; foreign look-alikes (the learner's own) are only mentioned.
func survivors(kind string, left, foreign, arns, fixes []string, hint string) outcome {
	alone := ""
	if len(foreign) > 0 {
		sort.Strings(foreign)
		alone = fmt.Sprintf("; left alone, not tagged %s=true (the learner's own): %s", workshop.ManagedTagKey, strings.Join(foreign, ", "))
	}
	if len(left) == 0 {
		return pass("none left" + alone)
	}
	sort.Strings(left)
	return fail(fmt.Sprintf("%d %s(s) left: %s%s", len(left), kind, strings.Join(left, ", "), alone), hint, strings.Join(fixes, " && "), arns...)
}
