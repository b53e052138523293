package checks

import (
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// systemDeployed is module 4's first condition, worded for module 5.
func systemDeployed(f *facts) outcome {
	o := module2Ready(f)
	if o.status == workshop.StatusFail {
		o.hint = "Module 5 secures what modules 2 and 4 deploy: see 'workshop check module-2' and 'workshop check module-4'."
	}
	return o
}

const sec = "security/"

// secReady is the security target's first condition: the system modules 2
// and 4 deployed. The findings require it, so an account without it fails
// here once instead of skipping everything.
const secReady = sec + "system-deployed"

// The security concerns of microservices (the workshop's source material),
// which the security target's findings answer.
const (
	concernExposure = "Minimum exposure: keep services private"
	concernRate     = "Rate limits protect from DDoS"
	concernDeploy   = "Updates must not break or interrupt the application"
	concernSecrets  = "Keep your keys out of the servers"
	concernImages   = "Repeatable deployments, encrypt everything"
	concernInput    = "Input validation"
)

// securityChecks are module 5's findings: each answers one concern, with a
// severity, the evidence and a fix.
func securityChecks(x fixer) []check {
	ready := []string{secReady}
	high, medium, low := workshop.SeverityHigh, workshop.SeverityMedium, workshop.SeverityLow
	return []check{
		{id: secReady, title: "The workshop's system is deployed",
			expected: "stack " + x.stack + " deployed with its outputs, and an HTTP:80 listener on its load balancer",
			run:      systemDeployed},
		{id: sec + "task-group-private", title: "Tasks admit port 3000 from the load balancer only",
			expected: "the ServiceSecurityGroup output's group admits tcp 3000 from the load balancer's group, and nothing else",
			requires: ready, severity: high, concern: concernExposure, run: taskGroupPrivate},
		{id: sec + "lb-group-web-only", title: "The load balancer admits HTTP and HTTPS only",
			expected: "the LoadBalancerSecurityGroup output's group admits tcp 80 and 443 only",
			requires: ready, severity: medium, concern: concernExposure, run: lbGroupWebOnly},
		{id: sec + "no-open-admin-ports", title: "Nothing admits SSH or all ports from the internet",
			expected: "no security group of the stack's VPC admits port 22, 3389 or all ports from 0.0.0.0/0 or ::/0",
			requires: ready, severity: high, concern: concernExposure, run: noOpenAdminPorts},
		{id: sec + "public-ips", title: "Tasks have no public IP addresses",
			expected: "services run their tasks with assignPublicIp DISABLED (a warning otherwise: the trade-off is explained)",
			requires: ready, severity: low, concern: concernExposure, run: publicIPs},
		{id: sec + "rate-limit", title: "A WAF rate-based rule guards the load balancer",
			expected: "a WAF web ACL with a rate-based rule that blocks is associated with the load balancer",
			requires: ready, severity: high, concern: concernRate, run: rateLimited},
		{id: sec + "safe-deployments", title: "Deployments roll back and keep capacity",
			expected: "every running service: circuit breaker with rollback, minimum healthy percent keeping all tasks, room to start new ones, a load-balancer health check",
			requires: ready, severity: high, concern: concernDeploy, run: safeDeployments},
		{id: sec + "no-plaintext-secrets", title: "No secret sits in a plain environment variable",
			expected: "no task definition has an environment variable named like a password, secret, token or key, or valued like an AWS access key; secrets come through `secrets` from Secrets Manager or SSM Parameter Store",
			requires: ready, severity: high, concern: concernSecrets, run: noPlaintextSecrets},
		{id: sec + "immutable-tags", title: "Image tags cannot be overwritten",
			expected: "the workshop's ECR repositories have imageTagMutability IMMUTABLE",
			severity: medium, concern: concernImages, run: immutableTags},
		{id: sec + "scan-on-push", title: "Images are scanned when pushed",
			expected: "the workshop's ECR repositories scan on push",
			severity: medium, concern: concernImages, run: scanOnPush},
		{id: sec + "encrypted-repositories", title: "Images are encrypted at rest",
			expected: "the workshop's ECR repositories encrypt with AES256 or KMS",
			severity: low, concern: concernImages, run: encryptedRepositories},
		{id: sec + "pinned-images", title: "Task definitions pin their images",
			expected: "every container image is referenced by a tag other than latest, or by digest",
			requires: ready, severity: medium, concern: concernImages, run: pinnedImages},
		{id: sec + "input-validation", title: "Hostile requests get 4xx or an empty answer, never 5xx or a stack trace",
			expected: "malformed ids, oversized and hostile paths through the load balancer: 4xx (or the documented empty answer), never 5xx, a stack trace or the input echoed back",
			requires: ready, severity: high, concern: concernInput, run: inputValidated},
	}
}
