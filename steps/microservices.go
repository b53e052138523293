package steps

import (
	"fmt"
	"strings"

	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/templates"
)

func module4() Module {
	m4 := "module-4/"
	return module(workshop.TargetModule4,
		"Run users, threads and posts as their own services behind path rules, then switch the traffic away from the monolith.",
		step(m4+"register-task-definitions", "Register the task definitions users, threads and posts", KindAPI,
			conditionsFor(m4+"task-definition-", workshop.Microservices()),
			func(s *script) { registerTaskDefinitions(s, workshop.Microservices()...) }).runs(ensureTaskDefinitions(workshop.Microservices()...)),
		step(m4+"create-target-groups", "Create the target groups users, threads, posts and drop-traffic", KindAPI,
			append([]string{m4 + "module-2-ready"}, conditionsFor(m4+"target-group-", append(workshop.Microservices(), workshop.DropTargetGroup))...),
			func(s *script) { createTargetGroups(s, append(workshop.Microservices(), workshop.DropTargetGroup)...) }).
			runs(ensureTargetGroups(append(workshop.Microservices(), workshop.DropTargetGroup)...)),
		step(m4+"create-rules", "Route /api/users*, /api/threads* and /api/posts* to their services", KindAPI,
			conditionsFor(m4+"rule-", workshop.Microservices()), createRules).runs(ensureRules),
		step(m4+"create-services", "Run the services users, threads and posts", KindAPI,
			append(conditionsFor(m4+"service-", workshop.Microservices()), runningConditions(m4)...),
			func(s *script) { createServices(s, workshop.Microservices()...) }).runs(ensureServices(workshop.Microservices()...)),
		step(m4+"switch-traffic", "Stop sending traffic to the monolith", KindAPI,
			[]string{m4 + "traffic-switched"}, switchTraffic).runs(switchTrafficAway),
		step(m4+"scale-down-api", "Scale the monolith down to 0 tasks", KindAPI,
			[]string{m4 + "api-scaled-down"}, scaleDownMonolith).runs(scaleDown),
		step(m4+"validate", "Check each path is answered by its own service", KindProbe,
			conditionsFor(m4+"probe-", workshop.Microservices()),
			func(s *script) { probe(s, workshop.Microservices(), "/api/users", "/api/threads", "/api/posts") }).
			runs(probeAnswers(map[string]string{"/api/users": "users", "/api/threads": "threads", "/api/posts": "posts"})),
	)
}

func runningConditions(prefix string) []string {
	var out []string
	for _, svc := range workshop.Microservices() {
		out = append(out, prefix+"service-"+svc+"-running", prefix+"targets-"+svc+"-healthy")
	}
	return out
}

func createRules(s *script) {
	listener := s.listener()
	specs, err := templates.Rules()
	if err != nil {
		s.comment("the rule templates cannot be read: %v", err)
		return
	}
	for _, r := range specs {
		s.line(s.aws("elbv2 create-rule --listener-arn", listener, "--priority", fmt.Sprint(r.Priority),
			"--conditions", "Field=path-pattern,Values='"+r.PathPattern+"'",
			"--actions", "Type=forward,TargetGroupArn="+s.targetGroup(r.Service), "--tags", tagsKV))
	}
}

func switchTraffic(s *script) {
	listener := s.listener()
	if len(s.v.MonolithRuleArns) > 0 {
		s.comment("Delete the rules that still send traffic to api:")
		for _, arn := range s.v.MonolithRuleArns {
			s.line(s.aws("elbv2 delete-rule --rule-arn", shellQuote(arn)))
		}
	}
	s.comment("Requests no rule matches now go to drop-traffic, a target group with no targets (503).")
	s.line(s.aws("elbv2 modify-listener --listener-arn", listener,
		"--default-actions Type=forward,TargetGroupArn="+s.targetGroup(workshop.DropTargetGroup)))
}

func scaleDownMonolith(s *script) {
	s.comment("The service stays, at 0 tasks, so rolling back is one command.")
	cluster := s.output("ClusterName")
	s.line(s.aws("ecs update-service --cluster", cluster, "--service", workshop.Monolith, "--desired-count 0"))
	s.comment("Its tasks stop once their connections drain; wait until none runs:")
	s.line(s.aws("ecs wait services-stable --cluster", cluster, "--services", workshop.Monolith))
}

func cleanup() Module {
	c := "cleanup/"
	return module(workshop.TargetCleanup,
		"Delete everything the workshop created, in dependency order, so nothing keeps billing.",
		step(c+"delete-services", "Delete the services", KindAPI, []string{c + "services"}, deleteServices),
		step(c+"delete-security", "Delete module 5's web ACL and secrets", KindAPI,
			[]string{c + "web-acl", c + "secrets"}, deleteSecurity),
		step(c+"delete-listener-and-target-groups", "Delete the listener and the target groups", KindAPI,
			[]string{c + "target-groups"}, deleteTargetGroups),
		step(c+"delete-stack", "Delete the stack", KindAPI, []string{c + "stack"}, deleteStack),
		step(c+"deregister-task-definitions", "Deregister the task definitions", KindAPI,
			[]string{c + "task-definitions"}, deregisterTaskDefinitions),
		step(c+"delete-repositories", "Delete the repositories and their images", KindAPI,
			[]string{c + "repositories"}, deleteRepositories),
	)
}

func deleteServices(s *script) {
	cluster := s.output("ClusterName")
	for _, svc := range workshop.Services() {
		s.line(s.aws("ecs delete-service --cluster", cluster, "--service", svc, "--force"))
	}
	s.line(s.aws("ecs wait services-inactive --cluster", cluster, "--services", "api users threads posts"))
}

func deleteTargetGroups(s *script) {
	s.comment("A target group in use by a listener cannot be deleted: the listener (and its rules) go first.")
	s.line(s.aws("elbv2 delete-listener --listener-arn", s.listener()))
	for _, n := range append(workshop.Services(), workshop.DropTargetGroup) {
		s.line(s.aws("elbv2 delete-target-group --target-group-arn", s.targetGroup(n)))
	}
}

func deleteStack(s *script) {
	s.line(s.aws("cloudformation delete-stack --stack-name", s.v.Stack))
	s.line(s.aws("cloudformation wait stack-delete-complete --stack-name", s.v.Stack))
}

func deregisterTaskDefinitions(s *script) {
	s.comment("Only the revisions tagged %s=true are the workshop's; the others are left alone.", workshop.ManagedTagKey)
	for _, svc := range workshop.Services() {
		s.line("for td in $(" + s.aws("ecs list-task-definitions --family-prefix", svc,
			"--status ACTIVE --query 'taskDefinitionArns[]' --output text") + "); do")
		s.ifManaged("  ", s.aws(`ecs describe-task-definition --task-definition "$td" --include TAGS --query`, `"tags[?key=='`+workshop.ManagedTagKey+`'].value"`, "--output text"),
			`task definition ${td##*/}`, func(indent string) {
				s.line(indent + s.aws("ecs deregister-task-definition --task-definition", `"$td"`) + " >/dev/null")
			})
		s.line("done")
	}
}

func deleteRepositories(s *script) {
	s.comment("Only the repositories tagged %s=true are the workshop's; one that merely has its name is left alone.", workshop.ManagedTagKey)
	s.line("for repo in " + strings.Join(workshop.Services(), " ") + "; do")
	s.line("  REPO_ARN=$(" + s.aws(`ecr describe-repositories --repository-names "$repo" --query 'repositories[0].repositoryArn' --output text`) + " 2>/dev/null) || continue")
	s.ifManaged("  ", s.aws(`ecr list-tags-for-resource --resource-arn "$REPO_ARN" --query`, `"tags[?Key=='`+workshop.ManagedTagKey+`'].Value"`, "--output text"),
		"repository $repo", func(indent string) {
			s.line(indent + s.aws(`ecr delete-repository --repository-name "$repo" --force`) + " >/dev/null")
		})
	s.line("done")
}
