package checks

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// securityScenarios drive each security condition to pass and to fail.
func securityScenarios() []scenario {
	p := sec
	s := func(name string, world func() *fakeAWS, mutate func(*fakeAWS), passes bool, wants ...want) scenario {
		return scenario{name: name, world: world, mutate: mutate, target: workshop.TargetSecurity, passes: passes, wants: wants}
	}
	secured := func(name string, mutate func(*fakeAWS), wants ...want) scenario {
		return s(name, securedAccount, mutate, false, wants...)
	}
	securedOK := func(name string, mutate func(*fakeAWS), wants ...want) scenario {
		return s(name, securedAccount, mutate, true, wants...)
	}
	pass, fail := workshop.StatusPass, workshop.StatusFail
	return []scenario{
		s("secured account", securedAccount, nil, true,
			want{id: p + "system-deployed", status: pass},
			want{id: p + "task-group-private", status: pass, observed: "sg-0task3000 admits only tcp 3000 from the load balancer's group sg-0alb80"},
			want{id: p + "lb-group-web-only", status: pass, observed: "sg-0alb80 admits tcp 80 from 0.0.0.0/0"},
			want{id: p + "no-open-admin-ports", status: pass, observed: "none of the 3 security group(s)"},
			want{id: p + "public-ips", status: workshop.StatusWarn, observed: "api, posts, threads, users", hint: "without a NAT gateway"},
			want{id: p + "rate-limit", status: pass, observed: "web ACL workshop-rate-limit, rule rate-limit-per-ip: over 100 requests per 300 s from one IP address → blocked (403)", resource: fakeWebACLArn},
			want{id: p + "safe-deployments", status: pass, observed: "posts: circuit breaker with rollback, 100%/200%"},
			want{id: p + "no-plaintext-secrets", status: pass, observed: "no secret-like plain environment variables in 4 task definition(s)"},
			want{id: p + "immutable-tags", status: pass, observed: "api: IMMUTABLE"},
			want{id: p + "scan-on-push", status: pass, observed: "users: scan on push"},
			want{id: p + "encrypted-repositories", status: pass, observed: "posts: AES256"},
			want{id: p + "pinned-images", status: pass, observed: "users:1 " + fakeRepoURI("users") + ":v1"},
			want{id: p + "input-validation", status: pass, observed: "an id that is not a number → 204 (empty); "}),
		s("finished account, before module 5", finishedAccount, nil, false,
			want{id: p + "task-group-private", status: pass},
			want{id: p + "rate-limit", status: fail, observed: "no WAF web ACL is associated with the load balancer", fix: "workshop run security/add-rate-limit", resource: fakeALBArn},
			want{id: p + "safe-deployments", status: fail, observed: "posts: no circuit breaker",
				fix: "aws ecs update-service --cluster " + fakeClusterName + " --service posts --deployment-configuration 'deploymentCircuitBreaker={enable=true,rollback=true},minimumHealthyPercent=100,maximumPercent=200' --region us-east-1"},
			want{id: p + "immutable-tags", status: fail, observed: "api: MUTABLE",
				fix: "aws ecr put-image-tag-mutability --repository-name api --image-tag-mutability IMMUTABLE --region us-east-1"},
			want{id: p + "scan-on-push", status: fail, observed: "threads: no scan on push",
				fix: "aws ecr put-image-scanning-configuration --repository-name threads --image-scanning-configuration scanOnPush=true"},
			want{id: p + "input-validation", status: pass}),
		s("empty account", newFakeAWS, nil, false,
			want{id: p + "system-deployed", status: fail, observed: "stack BreakTheMonolith-Demo does not exist", hint: "Module 5 secures what modules 2 and 4 deploy"},
			skipBecause(p+"task-group-private", "The workshop's system is deployed", "failed"),
			skipBecause(p+"input-validation", "The workshop's system is deployed", "failed"),
			want{id: p + "immutable-tags", status: workshop.StatusSkip, observed: "no repository of the workshop exists"}),
		secured("SSH open to the world on the task group", func(w *fakeAWS) { w.allow(fakeTaskGroup, tcpFromCIDR(22, "0.0.0.0/0")) },
			want{id: p + "task-group-private", status: fail, observed: "sg-0task3000 also admits tcp 22 from 0.0.0.0/0",
				fix: "aws ec2 revoke-security-group-ingress --group-id sg-0task3000 --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]' --region us-east-1"},
			want{id: p + "no-open-admin-ports", status: fail, observed: "sg-0task3000 admits tcp 22 from 0.0.0.0/0", resource: fakeTaskGroup}),
		secured("port 3000 open to the world", func(w *fakeAWS) { w.allow(fakeTaskGroup, tcpFromCIDR(3000, "0.0.0.0/0")) },
			want{id: p + "task-group-private", status: fail, observed: "also admits tcp 3000 from 0.0.0.0/0", hint: "bypasses"},
			want{id: p + "no-open-admin-ports", status: pass}),
		secured("the task group lost its rule from the load balancer", func(w *fakeAWS) { w.groups[fakeTaskGroup].IpPermissions = nil },
			want{id: p + "task-group-private", status: fail, observed: "does not admit tcp 3000 from the load balancer's group sg-0alb80",
				fix: "aws ec2 authorize-security-group-ingress --group-id sg-0task3000 --protocol tcp --port 3000 --source-group sg-0alb80"}),
		secured("all traffic open on the load balancer's group", func(w *fakeAWS) {
			w.allow(fakeLBGroup, ec2types.IpPermission{IpProtocol: aws.String("-1"), Ipv6Ranges: []ec2types.Ipv6Range{{CidrIpv6: aws.String("::/0")}}})
		},
			want{id: p + "lb-group-web-only", status: fail, observed: "sg-0alb80 admits all traffic from ::/0",
				fix: "--ip-permissions 'IpProtocol=-1,Ipv6Ranges=[{CidrIpv6=::/0}]'"},
			want{id: p + "no-open-admin-ports", status: fail, observed: "sg-0alb80 admits all traffic from ::/0"}),
		securedOK("HTTPS on the load balancer is fine", func(w *fakeAWS) { w.allow(fakeLBGroup, tcpFromCIDR(443, "0.0.0.0/0")) },
			want{id: p + "lb-group-web-only", status: pass, observed: "tcp 80 from 0.0.0.0/0, tcp 443 from 0.0.0.0/0"}),
		secured("RDP range open on another group of the VPC", func(w *fakeAWS) {
			w.allow(fakeDefaultGroup, ec2types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(3000), ToPort: aws.Int32(4000),
				IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}})
		},
			want{id: p + "no-open-admin-ports", status: fail, observed: "sg-0default admits tcp 3000-4000 from 0.0.0.0/0"}),
		secured("the load balancer group's output is missing", func(w *fakeAWS) { w.removeOutputs("LoadBalancerSecurityGroup") },
			want{id: p + "lb-group-web-only", status: fail, observed: "the stack has no LoadBalancerSecurityGroup output", fix: "cloudformation deploy"}),
		securedOK("tasks without public IPs", func(w *fakeAWS) {
			for _, s := range w.services {
				s.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp = ecstypes.AssignPublicIpDisabled
			}
		},
			want{id: p + "public-ips", status: pass, observed: "no service gives its tasks a public IP address"}),
		secured("the rate-based rule only counts", func(w *fakeAWS) { w.attachWebACL(2000, false) },
			want{id: p + "rate-limit", status: fail, observed: "over 2000 requests per 300 s from one IP address → only counted, not blocked"}),
		secured("the web ACL has no rate-based rule", func(w *fakeAWS) {
			w.webACLs[fakeALBArn].Rules = []waftypes.Rule{{Name: aws.String("managed"), Statement: &waftypes.Statement{
				ManagedRuleGroupStatement: &waftypes.ManagedRuleGroupStatement{Name: aws.String("AWSManagedRulesCommonRuleSet"), VendorName: aws.String("AWS")}}}}
		},
			want{id: p + "rate-limit", status: fail, observed: "web ACL workshop-rate-limit is associated but has no rate-based rule"}),
		securedOK("a rule for module 5's burst beside the per-address rule", func(w *fakeAWS) {
			w.webACLs[fakeALBArn].Rules = append(w.webACLs[fakeALBArn].Rules, burstRule())
		},
			want{id: p + "rate-limit", status: pass, observed: "rule rate-limit-burst: over 100 requests per 300 s from one IP address, only requests with header x-workshop-burst (module 5's burst) → blocked (403)"}),
		secured("only the burst's rule: other clients are not limited", func(w *fakeAWS) {
			w.webACLs[fakeALBArn].Rules = []waftypes.Rule{burstRule()}
		},
			want{id: p + "rate-limit", status: fail, observed: "only requests with header x-workshop-burst (module 5's burst): no rule limits every client",
				hint: "A scope-down statement limits only the requests it matches"}),
		securedOK("a one-minute window", func(w *fakeAWS) {
			w.webACLs[fakeALBArn].Rules[0].Statement.RateBasedStatement.EvaluationWindowSec = 60
		},
			want{id: p + "rate-limit", status: pass, observed: "over 100 requests per 60 s"}),
		secured("a circuit breaker without rollback", func(w *fakeAWS) {
			w.services["users"].DeploymentConfiguration.DeploymentCircuitBreaker.Rollback = false
		},
			want{id: p + "safe-deployments", status: fail, observed: "users: circuit breaker without rollback", notObserved: "posts:"}),
		secured("minimum healthy 50% of 2 tasks", func(w *fakeAWS) {
			w.scale("threads", 2, 2)
			w.services["threads"].DeploymentConfiguration.MinimumHealthyPercent = aws.Int32(50)
			w.services["threads"].DeploymentConfiguration.MaximumPercent = aws.Int32(100)
		},
			want{id: p + "safe-deployments", status: fail,
				observed: "threads: minimum healthy 50% keeps 1 of 2 task(s) during a deploy, maximum 100% leaves no room to start a new task first"}),
		secured("a service without a load balancer", func(w *fakeAWS) { w.services["posts"].LoadBalancers = nil },
			want{id: p + "safe-deployments", status: fail, observed: "posts: no load balancer"}),
		secured("a target group with its health check off", func(w *fakeAWS) { w.tg("users").tg.HealthCheckEnabled = aws.Bool(false) },
			want{id: p + "safe-deployments", status: fail, observed: "users: target group users has its health check disabled"}),
		secured("a password in plain sight", func(w *fakeAWS) { w.setEnv("users", "DB_PASSWORD", "hunter2-correct-horse") },
			want{id: p + "no-plaintext-secrets", status: fail, observed: "users:1 container users: DB_PASSWORD=hunt********",
				notObserved: "hunter2", fix: "workshop run security/move-secrets", resource: "task-definition/users:1"}),
		secured("an access key in an innocent name", func(w *fakeAWS) { w.setEnv("posts", "UPLOADER", "AKIAIOSFODNN7EXAMPLE") },
			want{id: p + "no-plaintext-secrets", status: fail, observed: "posts:1 container posts: UPLOADER=AKIA********", notObserved: "IOSFODNN7"}),
		securedOK("a secret from Secrets Manager", func(w *fakeAWS) {
			c := &w.taskDef("users").ContainerDefinitions[0]
			c.Secrets = []ecstypes.Secret{{Name: aws.String("DB_PASSWORD"),
				ValueFrom: aws.String("arn:aws:secretsmanager:us-east-1:123456789012:secret:workshop/users/DB_PASSWORD-AbCdEf")}}
			w.setEnv("users", "PORT", "3000")
		},
			want{id: p + "no-plaintext-secrets", status: pass, observed: "users:1 DB_PASSWORD from Secrets Manager"}),
		secured("images by latest", func(w *fakeAWS) { w.registerTaskDefinition("threads", fakeRepoURI("threads")) },
			want{id: p + "pinned-images", status: fail, observed: "images by the moving tag latest: threads:2 " + fakeRepoURI("threads"),
				fix: "workshop run security/harden-repositories"}),
		securedOK("images by digest", func(w *fakeAWS) {
			w.registerTaskDefinition("threads", fakeRepoURI("threads")+"@sha256:"+"ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12")
		},
			want{id: p + "pinned-images", status: pass, observed: "threads:2 " + fakeRepoURI("threads") + "@sha256:"}),
		secured("a repository without encryption settings", func(w *fakeAWS) { w.repos["posts"].repo.EncryptionConfiguration = nil },
			want{id: p + "encrypted-repositories", status: fail, observed: "posts: no encryption configuration"}),
		secured("a service answers 500", func(w *fakeAWS) { w.answer("/api/users/abc", 500, "users", "internal error") },
			want{id: p + "input-validation", status: fail, observed: "an id that is not a number → 500 Internal Server Error"}),
		secured("a stack trace leaks", func(w *fakeAWS) {
			w.answer("/api/users/-1", 400, "users", "panic: runtime error: index out of range\n\ngoroutine 7 [running]:\nmain.handler()\n\t/src/main.go:42")
		},
			want{id: p + "input-validation", status: fail, observed: "a negative id → 400 with a stack trace in the body"}),
		secured("the input comes back", func(w *fakeAWS) {
			w.answer("/api/posts/in-thread/<script>alert(1)</script>", 404, "posts", "no thread <script>alert(1)</script>")
		},
			want{id: p + "input-validation", status: fail, observed: "a script in an id → 404 echoing the input back"}),
		secured("a traversal is served", func(w *fakeAWS) {
			w.answer("/api/users/../../../../etc/passwd", 200, "", "root:x:0:0:root:/root:/bin/sh")
		},
			want{id: p + "input-validation", status: fail, observed: "a path traversal → 200 echoing the input back"}),
		secured("the WAF blocks this address", func(w *fakeAWS) {
			for _, p := range hostileProbes() {
				w.answer(p.path, 403, "", "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n</body>\r\n</html>\r\n")
			}
		},
			want{id: p + "input-validation", status: workshop.StatusWaiting, observed: "an id that is not a number: GET", hint: "403 from the WAF rate-based rule"}),
		secured("the load balancer's name does not resolve yet", func(w *fakeAWS) { w.albDNSPending = true },
			want{id: p + "input-validation", status: workshop.StatusWaiting, observed: "does not resolve yet"}),
		secured("DescribeSecurityGroups denied", func(w *fakeAWS) {
			w.fail("ec2:DescribeSecurityGroups", accessDenied("ec2:DescribeSecurityGroups"))
		},
			want{id: p + "task-group-private", status: workshop.StatusError, observed: "not allowed to call ec2:DescribeSecurityGroups"},
			want{id: p + "no-open-admin-ports", status: workshop.StatusError, observed: "not allowed to call ec2:DescribeSecurityGroups"}),
		secured("GetWebACLForResource denied", func(w *fakeAWS) {
			w.fail("wafv2:GetWebACLForResource", accessDenied("wafv2:GetWebACLForResource"))
		},
			want{id: p + "rate-limit", status: workshop.StatusError, observed: "not allowed to call wafv2:GetWebACLForResource"}),
	}
}

// securityCleanupScenarios: clean-up reports what module 5 made.
func securityCleanupScenarios() []scenario {
	s := func(name string, mutate func(*fakeAWS), passes bool, wants ...want) scenario {
		return scenario{name: name, world: newFakeAWS, mutate: mutate, target: workshop.TargetCleanup, passes: passes, wants: wants}
	}
	return []scenario{
		s("module 5's web ACL and secret are left", func(w *fakeAWS) {
			w.deployStack()
			w.attachWebACL(100, true)
			w.storeSecret("workshop/users/DB_PASSWORD")
			w.secrets = append(w.secrets, w.secrets[0])
			w.secrets[1].Name = aws.String("other/thing") // not the workshop's
		}, false,
			want{id: cl + "web-acl", status: workshop.StatusFail, observed: "1 web ACL(s) left: workshop-rate-limit", resource: fakeWebACLArn,
				fix: "{ aws wafv2 disassociate-web-acl --resource-arn " + fakeALBArn + " --region us-east-1 || true; } && aws wafv2 delete-web-acl --name workshop-rate-limit --scope REGIONAL --id 8f2c1c9e-0d6b-4a8e-9f57-2f3b1c1d2e3f --lock-token $(aws wafv2 get-web-acl"},
			want{id: cl + "secrets", status: workshop.StatusFail, observed: "1 secret(s) left: workshop/users/DB_PASSWORD",
				fix: "aws secretsmanager delete-secret --secret-id workshop/users/DB_PASSWORD --force-delete-without-recovery --region us-east-1"}),
		{name: "module 4's probe blocked by the WAF", world: securedAccount, target: workshop.TargetModule4, mutate: func(w *fakeAWS) {
			w.answer("/api/users", 403, "", "<html><head><title>403 Forbidden</title></head><body><center><h1>403 Forbidden</h1></center></body></html>")
		}, wants: []want{{id: "module-4/probe-users", status: workshop.StatusWaiting, observed: "GET http://" + fakeALBHost + "/api/users → 403 Forbidden",
			hint: "The block lifts once its rate falls under the limit"}}},
		s("ListWebACLs denied", func(w *fakeAWS) { w.fail("wafv2:ListWebACLs", accessDenied("wafv2:ListWebACLs")) }, false,
			want{id: cl + "web-acl", status: workshop.StatusError, observed: "not allowed to call wafv2:ListWebACLs"}),
		s("ListSecrets denied", func(w *fakeAWS) { w.fail("secretsmanager:ListSecrets", accessDenied("secretsmanager:ListSecrets")) }, false,
			want{id: cl + "secrets", status: workshop.StatusError, observed: "not allowed to call secretsmanager:ListSecrets"},
			want{id: cl + "web-acl", status: workshop.StatusPass, observed: "none left"}),
	}
}

func TestSecurityFindingsCarrySeverityAndConcern(t *testing.T) {
	res := run(t, finishedAccount(), workshop.TargetSecurity)
	for _, c := range res.Conditions {
		if c.ID == secReady {
			if c.Severity != "" || c.Concern != "" {
				t.Errorf("%s is a prerequisite, not a finding: %q %q", c.ID, c.Severity, c.Concern)
			}
			continue
		}
		if c.Severity == "" || c.Concern == "" {
			t.Errorf("%s: severity %q, concern %q", c.ID, c.Severity, c.Concern)
		}
		if c.Status == workshop.StatusFail && c.Fix == "" {
			t.Errorf("%s fails without a fix", c.ID)
		}
	}
}

func TestSecurityFixesCarryTheSandboxFlag(t *testing.T) {
	res := run(t, finishedAccount(), workshop.TargetSecurity, func(o *Options) { o.Sandbox, o.Endpoint = true, "http://127.0.0.1:4566" })
	if c := condition(t, res, sec+"rate-limit"); c.Fix != "workshop --sandbox run security/add-rate-limit" {
		t.Errorf("fix %q", c.Fix)
	}
	if c := condition(t, res, sec+"immutable-tags"); !strings.Contains(c.Fix, "--endpoint-url http://127.0.0.1:4566") {
		t.Errorf("fix %q", c.Fix)
	}
}

func TestCheckAllLeavesSecurityOut(t *testing.T) {
	res := run(t, finishedAccount(), workshop.TargetAll)
	for _, c := range res.Conditions {
		if t0, _, _ := workshop.SplitID(c.ID); t0 == workshop.TargetSecurity {
			t.Fatalf("check all ran %s: security is its own target (design §2)", c.ID)
		}
	}
	if !res.Passed {
		t.Errorf("check all fails on a finished account:\n%s", describe(res))
	}
}
