package steps

import (
	"fmt"
	"strings"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// The names module 5 gives what it creates.
const (
	// webACLName is the web ACL with the rate-based rule.
	webACLName = workshop.WebACLName
	// rateRuleName is its rate-based rule, which guards the load balancer
	// from any one IP address.
	rateRuleName = "rate-limit-per-ip"
	// rateLimit is the requests one IP address may send in 5 minutes: high
	// enough that a learner re-checking never meets it.
	rateLimit = 2000
	// burstRuleName is the rate-based rule the demonstration's burst meets:
	// scoped down to requests carrying workshop.BurstHeader, so it blocks the
	// burst and never the learner's own requests from the same address.
	burstRuleName = "rate-limit-burst"
	// burstLimit is the requests the burst may send in 5 minutes.
	burstLimit = 100
	// secretPrefix starts the name of every secret module 5 creates; the
	// stack's task execution role may read secrets under it.
	secretPrefix = workshop.SecretPrefix
)

func module5() Module {
	sec := "security/"
	return module(workshop.TargetSecurity,
		"Secure the deployed microservices against the source material's concerns: exposure, rate limits, safe deployments, secrets, image hygiene and input validation.",
		step(sec+"tighten-groups", "Admit only the load balancer to the tasks, and only HTTP(S) to the load balancer", KindAPI,
			[]string{sec + "system-deployed", sec + "task-group-private", sec + "lb-group-web-only", sec + "no-open-admin-ports", sec + "public-ips"},
			tightenGroups).runs(ensureTightGroups),
		step(sec+"add-rate-limit", "Guard the load balancer with a WAF rate-based rule", KindAPI,
			[]string{sec + "rate-limit"}, addRateLimit).runs(ensureRateLimit),
		step(sec+"enable-circuit-breaker", "Make deployments roll back by themselves and keep capacity", KindAPI,
			[]string{sec + "safe-deployments"}, enableCircuitBreaker).runs(ensureCircuitBreakers),
		step(sec+"move-secrets", "Move secrets from environment variables to Secrets Manager", KindAPI,
			[]string{sec + "no-plaintext-secrets"}, moveSecrets).runs(ensureSecretsMoved),
		step(sec+"harden-repositories", "Make image tags immutable, scan on push, and pin the images", KindAPI,
			[]string{sec + "immutable-tags", sec + "scan-on-push", sec + "encrypted-repositories", sec + "pinned-images"},
			hardenRepositories).runs(ensureHardRepositories),
		step(sec+"probe-input", "Send hostile requests, then a burst, through the load balancer", KindProbe,
			[]string{sec + "input-validation"}, probeInput).runs(probeHostile),
	)
}

// jmesString puts a shell word (a literal or "$VAR") into a single-quoted
// JMESPath query as the JSON string literal `"…"`.
func jmesString(word string) string {
	return "`\"'" + word + "'\"`"
}

func tightenGroups(s *script) {
	tasks, lb := s.output("ServiceSecurityGroup"), s.output("LoadBalancerSecurityGroup")
	s.comment("The tasks' group: port 3000 from the load balancer's group, and nothing else.")
	s.line("for rule in $(" + s.aws("ec2 describe-security-group-rules --filters Name=group-id,Values="+inline(tasks),
		"--query", "'SecurityGroupRules[?!IsEgress && !(ReferencedGroupInfo.GroupId=="+jmesString(lb)+
			" && IpProtocol==`\"tcp\"` && FromPort==`3000` && ToPort==`3000`)].SecurityGroupRuleId'", "--output text") + "); do")
	s.line("  " + s.aws("ec2 revoke-security-group-ingress --group-id", tasks, `--security-group-rule-ids "$rule"`))
	s.line("done")
	s.comment("Put the rule from the load balancer back if it went (InvalidPermission.Duplicate means it is there):")
	s.line(s.aws("ec2 authorize-security-group-ingress --group-id", tasks, "--protocol tcp --port 3000 --source-group", lb) + " || true")
	s.comment("The load balancer's group: HTTP and HTTPS only.")
	s.line("for rule in $(" + s.aws("ec2 describe-security-group-rules --filters Name=group-id,Values="+inline(lb),
		"--query", "'SecurityGroupRules[?!IsEgress && !(IpProtocol==`\"tcp\"` && FromPort==ToPort && (FromPort==`80` || FromPort==`443`))].SecurityGroupRuleId'",
		"--output text") + "); do")
	s.line("  " + s.aws("ec2 revoke-security-group-ingress --group-id", lb, `--security-group-rule-ids "$rule"`))
	s.line("done")
	s.comment("Any group of the VPC that admits SSH (22), RDP (3389) or all ports from the internet:")
	s.line(s.aws("ec2 describe-security-group-rules --query",
		"'SecurityGroupRules[?!IsEgress && (CidrIpv4==`\"0.0.0.0/0\"` || CidrIpv6==`\"::/0\"`) && (IpProtocol==`\"-1\"` || (FromPort<=`22` && ToPort>=`22`) || (FromPort<=`3389` && ToPort>=`3389`))].[GroupId,SecurityGroupRuleId]'",
		"--output text"))
	s.comment("…and remove each with: aws ec2 revoke-security-group-ingress --group-id GROUP --security-group-rule-ids RULE")
	s.comment("The tasks keep their public IPs: they pull images without a NAT gateway (about 32 USD a month),")
	s.comment("and the tasks' group admits nothing but the load balancer, so nothing else reaches them.")
}

// webACLRules is the web ACL's rule list, as the AWS CLI takes it.
func webACLRules() string {
	vis := `"VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"%s"}`
	perIP := fmt.Sprintf(`{"Name":"%s","Priority":0,"Action":{"Block":{}},"Statement":{"RateBasedStatement":{"Limit":%d,"AggregateKeyType":"IP"}},`+vis+`}`,
		rateRuleName, rateLimit, rateRuleName)
	burst := fmt.Sprintf(`{"Name":"%s","Priority":1,"Action":{"Block":{}},"Statement":{"RateBasedStatement":{"Limit":%d,"AggregateKeyType":"IP",`+
		`"ScopeDownStatement":{"SizeConstraintStatement":{"FieldToMatch":{"SingleHeader":{"Name":"%s"}},"ComparisonOperator":"GT","Size":0,`+
		`"TextTransformations":[{"Priority":0,"Type":"NONE"}]}}}},`+vis+`}`, burstRuleName, burstLimit, workshop.BurstHeader, burstRuleName)
	return "[" + perIP + "," + burst + "]"
}

func addRateLimit(s *script) {
	alb := s.output("ALBArn")
	s.comment("A web ACL whose rules block an IP address that sends more than %d requests in 5 minutes,", rateLimit)
	s.comment("and more than %d that carry the header %s (the demonstration's burst, so it never blocks you).", burstLimit, workshop.BurstHeader)
	s.comment("(A web ACL %s made by an earlier version of the workshop is brought to these rules by the run step, not by these commands.)", webACLName)
	s.line("WEB_ACL_ARN=$(" + s.aws("wafv2 list-web-acls --scope REGIONAL --query", `"WebACLs[?Name=='`+webACLName+`'].ARN"`, "--output text") + ")")
	s.line(`if [ -z "$WEB_ACL_ARN" ]; then`)
	s.line("  WEB_ACL_ARN=$(" + s.aws("wafv2 create-web-acl --name", webACLName, "--scope REGIONAL --default-action Allow={}",
		"--visibility-config SampledRequestsEnabled=true,CloudWatchMetricsEnabled=true,MetricName="+webACLName,
		"--rules", shellQuote(webACLRules()), "--tags", tagsKV, "--query Summary.ARN --output text") + ")")
	s.line("fi")
	s.line(s.aws("wafv2 associate-web-acl --web-acl-arn \"$WEB_ACL_ARN\" --resource-arn", alb))
	s.comment("WAF takes up to a minute to apply it. See it with:")
	s.comment("%s", s.aws("wafv2 get-web-acl-for-resource --resource-arn", unquoteForComment(alb)))
}

// deploymentConfiguration is the safe setting, in the AWS CLI's shorthand.
const deploymentConfiguration = "deploymentCircuitBreaker={enable=true,rollback=true},minimumHealthyPercent=100,maximumPercent=200"

func enableCircuitBreaker(s *script) {
	cluster := s.output("ClusterName")
	s.comment("A deployment whose tasks keep failing stops and rolls back to the last one that worked;")
	s.comment("100%%/200%%: new tasks start and pass the load balancer's health check before old ones stop.")
	s.line("for svc in " + strings.Join(workshop.Services(), " ") + "; do")
	s.line("  " + s.aws("ecs update-service --cluster", cluster, `--service "$svc"`,
		"--deployment-configuration", "'"+deploymentConfiguration+"'", "--query service.deploymentConfiguration"))
	s.line("done")
}

func moveSecrets(s *script) {
	cluster := s.output("ClusterName")
	s.comment("Each plain environment variable named like a secret (PASSWORD, SECRET, TOKEN, KEY) or valued")
	s.comment("like an AWS access key goes to Secrets Manager as %sFAMILY/NAME (the stack's task execution", secretPrefix)
	s.comment("role may read those), and a new revision takes it from `secrets`. (The workshop's task")
	s.comment("definitions have one container, containerDefinitions[0].)")
	env := "taskDefinition.containerDefinitions[].environment[] | "
	s.line("for family in " + strings.Join(workshop.Services(), " ") + "; do")
	s.line("  names=$(" + s.aws(`ecs describe-task-definition --task-definition "$family" --query`,
		`"`+env+`[?contains(name, 'PASSWORD') || contains(name, 'SECRET') || contains(name, 'TOKEN') || contains(name, 'KEY') || starts_with(value, 'AKIA') || starts_with(value, 'ASIA')].name"`,
		"--output text") + " 2>/dev/null || true)")
	s.line(`  for name in $names; do`)
	s.line("    value=$(" + s.aws(`ecs describe-task-definition --task-definition "$family" --query`,
		`"`+env+`[?name=='$name'].value | [0]"`, "--output text") + ")")
	s.line("    arn=$(" + s.aws(`secretsmanager create-secret --name "`+secretPrefix+`$family/$name" --secret-string "$value"`,
		"--tags", tagsKV, "--query ARN --output text") + " 2>/dev/null || " +
		s.aws(`secretsmanager describe-secret --secret-id "`+secretPrefix+`$family/$name" --query ARN --output text`) + ")")
	s.line("    " + s.aws(`ecs describe-task-definition --task-definition "$family" --query`,
		`"taskDefinition.{family: family, networkMode: networkMode, requiresCompatibilities: requiresCompatibilities, cpu: cpu, memory: memory, executionRoleArn: executionRoleArn, `+
			`containerDefinitions: [containerDefinitions[0] | merge(@, {environment: environment[?name!='$name'], secrets: [secrets, [{name: '$name', valueFrom: '$arn'}]][]})]}"`,
		"--output json") + ` > "$family-task.json"`)
	s.line("    " + s.aws(`ecs register-task-definition --cli-input-json "file://$family-task.json" --tags`, tagsLower,
		"--query taskDefinition.taskDefinitionArn --output text"))
	s.line("    " + s.aws("ecs update-service --cluster", cluster, `--service "$family" --task-definition "$family"`,
		"--query service.serviceName --output text"))
	s.line("  done")
	s.line("done")
	s.comment("The old revisions still hold the values: deregister them, and change (rotate) each secret, which was exposed.")
}

func hardenRepositories(s *script) {
	cluster := s.output("ClusterName")
	s.line("for repo in " + strings.Join(workshop.Services(), " ") + "; do")
	s.line("  " + s.aws("ecr put-image-tag-mutability --repository-name \"$repo\" --image-tag-mutability IMMUTABLE") + " >/dev/null")
	s.line("  " + s.aws("ecr put-image-scanning-configuration --repository-name \"$repo\" --image-scanning-configuration scanOnPush=true") + " >/dev/null")
	s.line("done")
	s.comment("ECR encrypts every repository at rest (AES256) already; a KMS key is chosen at creation only.")
	s.comment("A task definition that names its image by latest (or by no tag) gets a revision with the digest:")
	s.line("for family in " + strings.Join(workshop.Services(), " ") + "; do")
	s.line("  image=$(" + s.aws(`ecs describe-task-definition --task-definition "$family" --query 'taskDefinition.containerDefinitions[0].image' --output text`) + " 2>/dev/null || true)")
	s.line(`  case "$image" in "" | *@*) continue ;; esac`)
	s.line(`  case "${image##*/}" in`)
	s.line(`    *:latest) repo=${image%:latest} ;;`)
	s.line(`    *:*) continue ;;`)
	s.line(`    *) repo=$image ;;`)
	s.line(`  esac`)
	s.line("  digest=$(" + s.aws(`ecr describe-images --repository-name "${repo##*/}" --image-ids imageTag=latest --query 'imageDetails[0].imageDigest' --output text`) + ")")
	s.line("  " + s.aws(`ecs describe-task-definition --task-definition "$family" --query`,
		`"taskDefinition.{family: family, networkMode: networkMode, requiresCompatibilities: requiresCompatibilities, cpu: cpu, memory: memory, executionRoleArn: executionRoleArn, `+
			`containerDefinitions: [containerDefinitions[0] | merge(@, {image: '$repo@$digest'})]}"`, "--output json") + ` > "$family-task.json"`)
	s.line("  " + s.aws(`ecs register-task-definition --cli-input-json "file://$family-task.json" --tags`, tagsLower,
		"--query taskDefinition.taskDefinitionArn --output text"))
	s.line("  " + s.aws("ecs update-service --cluster", cluster, `--service "$family" --task-definition "$family"`,
		"--query service.serviceName --output text"))
	s.line("done")
	s.comment("See what a scan found: aws ecr describe-image-scan-findings --repository-name users --image-id imageTag=v1")
}

func probeInput(s *script) {
	url := inline(s.output("Url"))
	s.comment("Malformed ids and hostile paths: expect 204 or 4xx, never 5xx or a stack trace.")
	for _, p := range []string{"/api/users/abc", "/api/threads/1%27%20OR%20%271%27=%271", "/api/users/../../../../etc/passwd"} {
		s.line(`curl -s -o /dev/null -w '%{http_code} ` + p + `\n' --path-as-is "` + url + p + `"`)
	}
	s.line(`curl -s -o /dev/null -w '%{http_code} (8 KiB path)\n' "` + url + `/api/users/$(head -c 8192 /dev/zero | tr '\0' A)"`)
	s.comment("A burst of %d requests carrying %s: once the rate-based rule holds, the rest get 403; your own requests still pass.", burstLimit+50, workshop.BurstHeader)
	s.line(fmt.Sprintf(`for i in $(seq %d); do curl -s -o /dev/null -H '%s: 1' -w '%%{http_code}\n' "%s/api/users"; done | sort | uniq -c`, burstLimit+50, workshop.BurstHeader, url))
}
