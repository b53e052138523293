package steps

import (
	"strconv"
	"strings"

	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/templates"
)

func module2() Module {
	m2 := "module-2/"
	return module(workshop.TargetModule2,
		"Run the monolith on ECS Fargate behind an Application Load Balancer, in a network made by CloudFormation.",
		step(m2+"create-stack", "Create the network, cluster and load balancer with CloudFormation", KindAPI,
			[]string{m2 + "stack-settled", m2 + "stack-outputs", m2 + "cluster-active"}, createStack).runs(ensureStack),
		step(m2+"register-task-definition", "Register the task definition api", KindAPI,
			[]string{m2 + "task-definition-api"}, func(s *script) { registerTaskDefinitions(s, workshop.Monolith) }).
			runs(ensureTaskDefinitions(workshop.Monolith)),
		step(m2+"create-target-group", "Create the target group api", KindAPI,
			[]string{m2 + "target-group-api"}, func(s *script) { createTargetGroups(s, workshop.Monolith) }).
			runs(ensureTargetGroups(workshop.Monolith)),
		step(m2+"create-listener", "Add the HTTP:80 listener, forwarding to api", KindAPI,
			[]string{m2 + "listener-forwards-to-api"}, createListener).runs(ensureListener),
		step(m2+"create-service", "Run the service api with 2 tasks behind the load balancer", KindAPI,
			[]string{m2 + "service-api", m2 + "service-api-running", m2 + "targets-healthy"},
			func(s *script) { createServices(s, workshop.Monolith) }).runs(ensureServices(workshop.Monolith)),
		step(m2+"validate", "Open the monolith through the load balancer", KindProbe,
			[]string{m2 + "alb-root", m2 + "alb-api-users"},
			func(s *script) {
				probe(s, []string{workshop.Monolith}, "/", "/api/users", "/api/threads", "/api/posts")
			}).
			runs(probeMonolith(map[string]string{"/": "", "/api/users": "monolith", "/api/threads": "monolith", "/api/posts": "monolith"})),
	)
}

func createStack(s *script) {
	s.line(s.aws("cloudformation create-stack --stack-name", s.v.Stack,
		"--template-body file://templates/cloudformation/ecs.yml --capabilities CAPABILITY_IAM --tags", tagsKV))
	s.comment("About 3 minutes. Watch the events in the CloudFormation console, or wait here:")
	s.line(s.aws("cloudformation wait stack-create-complete --stack-name", s.v.Stack))
	s.comment("Later changes to the template: aws cloudformation deploy --stack-name %s --template-file templates/cloudformation/ecs.yml --capabilities CAPABILITY_IAM", s.v.Stack)
}

// registerTaskDefinitions fills each service's task definition template
// into a file and registers it.
func registerTaskDefinitions(s *script, services ...string) {
	role, logs := s.output("TaskExecutionRoleArn"), s.output("LogGroup")
	for _, svc := range services {
		image := suffix(s.repoURI(svc), ":"+workshop.ImageTag)
		raw, err := templates.Raw(templates.TaskDefinitionPath(svc))
		if err != nil {
			s.comment("the task definition template of %s is missing: %v", svc, err)
			continue
		}
		body, err := templates.Expand(string(raw), map[string]string{
			"IMAGE": unquote(image), "EXECUTION_ROLE_ARN": unquote(role), "LOG_GROUP": unquote(logs), "REGION": s.v.Region})
		if err != nil {
			s.comment("cannot fill the task definition of %s: %v", svc, err)
			continue
		}
		file := svc + "-task-definition.json"
		s.line("cat >", file, "<<JSON")
		s.lines = append(s.lines, strings.TrimRight(body, "\n"), "JSON")
		s.line(s.aws("ecs register-task-definition --cli-input-json", "file://"+file))
	}
}

// unquote turns a shell word back into what goes inside a JSON string in an
// unquoted heredoc: a literal stays, "$VAR" becomes ${VAR}.
func unquote(word string) string {
	if v, ok := braced(word); ok {
		return v
	}
	if len(word) > 1 && word[0] == '\'' {
		return strings.ReplaceAll(word[1:len(word)-1], `'\''`, "'")
	}
	return word
}

func createTargetGroups(s *script, names ...string) {
	vpc := s.output("VPCId")
	for _, n := range names {
		s.line(s.aws("elbv2 create-target-group --name", n, "--protocol HTTP --port", strconv.Itoa(workshop.AppPort), "--target-type ip --vpc-id", vpc,
			"--health-check-path / --health-check-interval-seconds 6 --health-check-timeout-seconds 5",
			"--healthy-threshold-count 2 --unhealthy-threshold-count 2 --tags", tagsKV))
	}
}

func createListener(s *script) {
	alb, tg := s.output("ALBArn"), s.targetGroup(workshop.Monolith)
	s.line(s.aws("elbv2 create-listener --load-balancer-arn", alb, "--protocol HTTP --port 80",
		"--default-actions Type=forward,TargetGroupArn="+tg, "--tags", tagsKV))
}

func createServices(s *script, services ...string) {
	cluster, subnets, sg := s.output("ClusterName"), s.output("PublicSubnets"), s.output("ServiceSecurityGroup")
	for _, svc := range services {
		tg := s.targetGroup(svc)
		s.line(s.aws("ecs create-service --cluster", cluster, "--service-name", svc, "--task-definition", svc,
			"--desired-count", desiredCount(svc), "--launch-type FARGATE",
			`--network-configuration "awsvpcConfiguration={subnets=[`+inline(subnets)+`],securityGroups=[`+inline(sg)+`],assignPublicIp=ENABLED}"`,
			"--load-balancers", `"targetGroupArn=`+inline(tg)+`,containerName=`+svc+`,containerPort=`+strconv.Itoa(workshop.AppPort)+`"`,
			"--tags", tagsLower))
	}
	s.comment("Tasks take about a minute to start and pass two health checks. To wait for them:")
	s.comment("%s", s.aws("ecs wait services-stable --cluster", unquoteForComment(cluster), "--services", strings.Join(services, " ")))
}

// waitServed is a bounded shell loop that polls url every 2 s, 90 times at
// most, until the load balancer answers something other than 503 (or
// nothing): the services' targets take a minute to pass their health checks.
func waitServed(url string) string {
	return `for i in $(seq 90); do case "$(curl -s -o /dev/null -w '%{http_code}' ` + url +
		`)" in 503|000) sleep 2 ;; *) break ;; esac; done`
}

// waitDeployed is a bounded shell loop that runs describe (which prints a
// service's newest deployment's rollout state) every 2 s, 90 times at
// most, until the deployment is COMPLETED (or FAILED: the check says why).
func waitDeployed(describe string) string {
	return `for i in $(seq 90); do case "$(` + describe + `)" in COMPLETED|FAILED) break ;; *) sleep 2 ;; esac; done`
}

// inline puts a shell word inside a double-quoted string: "$VAR" becomes
// ${VAR}, a literal stays.
func inline(word string) string {
	if v, ok := braced(word); ok {
		return v
	}
	return strings.Trim(word, "'")
}

// braced turns a double-quoted word that starts with a variable, such as
// "$API_REPO:v1", into the braced form ${API_REPO}:v1 that can sit inside
// another string.
func braced(word string) (string, bool) {
	if len(word) < 3 || word[0] != '"' || word[1] != '$' || word[len(word)-1] != '"' {
		return "", false
	}
	inner := word[2 : len(word)-1]
	end := 0
	for end < len(inner) && (inner[end] == '_' || inner[end] >= 'A' && inner[end] <= 'Z' || inner[end] >= '0' && inner[end] <= '9') {
		end++
	}
	return "${" + inner[:end] + "}" + inner[end:], true
}

func unquoteForComment(word string) string { return strings.Trim(word, `"`) }

func probe(s *script, services []string, paths ...string) {
	url := s.output("Url")
	s.comment("Wait (up to 3 minutes) until each path is served: 503 means no healthy task behind it yet.")
	for _, p := range paths {
		s.line(waitServed(suffix(url, p)))
	}
	cluster := s.output("ClusterName")
	s.comment("ECS marks a deployment COMPLETED shortly after its tasks pass their health checks; wait for that too:")
	for _, svc := range services {
		s.line(waitDeployed(s.aws("ecs describe-services --cluster", cluster, "--services", svc,
			"--query 'services[0].deployments[0].rolloutState' --output text")))
	}
	for _, p := range paths {
		s.line("curl -si", suffix(url, p))
	}
	s.comment("Expect \"Ready to receive requests\" on /, and JSON with the header X-Service on the /api paths.")
}
