package checks

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

const (
	readyText = "Ready to receive requests"
	m2        = "module-2/"
)

// supersededBySwitch is the outcome of a module 2 condition that module 4
// deliberately undid: it passes, saying so, once the switch holds. When the
// listener cannot be read, the outcome is that error.
func supersededBySwitch(f *facts, what string) (outcome, bool) {
	st, err := f.getSwitch()
	if err != nil {
		return failed(err), true // cannot tell: say so rather than blame the learner
	}
	if !st.switched {
		return outcome{}, false
	}
	return pass("superseded by module 4: " + what), true
}

// supersededPath is supersededBySwitch for a probe of path, which module
// 4 also takes from the monolith before the switch, once a rule routes it
// to a microservice.
func supersededPath(f *facts, path, what string) (outcome, bool) {
	if o, ok := supersededBySwitch(f, what); ok {
		return o, true
	}
	st, err := f.getSwitch()
	if err != nil {
		return failed(err), true
	}
	if why := st.routing.Superseded(path); why != "" {
		return pass("superseded by module 4: " + why), true
	}
	return outcome{}, false
}

func module2Checks(x fixer) []check {
	return []check{
		{id: m2 + "stack-settled", title: "Stack " + x.stack + " is deployed",
			expected: "CREATE_COMPLETE or UPDATE_COMPLETE", run: stackSettled},
		{id: m2 + "not-left-running", title: "The deployment has not been left running for over a day",
			expected: "the stack is less than a day old, or cleaned up when you are done", requires: []string{m2 + "stack-settled"},
			run: deploymentAge(x), reminder: true},
		{id: m2 + "stack-outputs", title: "The stack has the outputs the later steps read",
			expected: "outputs " + strings.Join(workshop.RequiredOutputs(), ", "), requires: []string{m2 + "stack-settled"},
			run: func(f *facts) outcome {
				st, _ := f.getStack()
				var missing []string
				for _, k := range workshop.RequiredOutputs() {
					if output(st, k) == "" {
						missing = append(missing, k)
					}
				}
				if len(missing) > 0 {
					return fail("missing outputs: "+strings.Join(missing, ", "),
						"The stack was made from another template. Update it with the workshop's template.", x.deployStack())
				}
				return pass(fmt.Sprintf("all %d outputs; Url %s", len(workshop.RequiredOutputs()), output(st, "Url")))
			}},
		{id: m2 + "cluster-active", title: "The ECS cluster is active",
			expected: "the cluster named by the ClusterName output, ACTIVE", requires: []string{m2 + "stack-outputs"},
			run: func(f *facts) outcome {
				c, err := f.getCluster()
				if err != nil {
					return failed(err)
				}
				st, _ := f.getStack()
				if c == nil || aws.ToString(c.Status) != "ACTIVE" {
					status := "not found"
					if c != nil {
						status = aws.ToString(c.Status)
					}
					return fail("cluster "+output(st, "ClusterName")+" is "+status,
						"The cluster belongs to the stack; deploy the stack again to restore it.", x.deployStack())
				}
				return pass(aws.ToString(c.ClusterName)+" ACTIVE", aws.ToString(c.ClusterArn))
			}},
		{id: m2 + "task-definition-api", title: "Task definition api runs the monolith's image",
			expected: "latest revision: FARGATE, awsvpc, container api on port 3000, an existing image of repository api",
			run:      func(f *facts) outcome { return taskDefinitionOK(f, workshop.Monolith) }},
		{id: m2 + "target-group-api", title: "Target group api is in the stack's VPC",
			expected: "HTTP, target type ip, port 3000, health check /, in the VPCId output's VPC",
			requires: []string{m2 + "stack-outputs"},
			run:      func(f *facts) outcome { return targetGroupOK(f, workshop.Monolith) }},
		{id: m2 + "listener-forwards-to-api", title: "The load balancer's HTTP:80 listener forwards to api",
			expected: "an HTTP:80 listener on the stack's load balancer whose default action forwards to api",
			requires: []string{m2 + "target-group-api"}, run: listenerForwardsToAPI},
		{id: m2 + "service-api", title: "Service api sits behind target group api",
			expected: "service api in the cluster, task definition family api, target group api with container api:3000",
			requires: []string{m2 + "cluster-active", m2 + "target-group-api"},
			run: func(f *facts) outcome {
				svcs, err := f.getServices()
				if err == nil {
					if _, ok := svcs[workshop.Monolith]; !ok {
						if o, ok := supersededBySwitch(f, "service api was deleted after the traffic switch"); ok {
							return o
						}
					}
				}
				return serviceAttached(f, workshop.Monolith)
			}},
		{id: m2 + "service-api-running", title: "Service api runs 2 tasks",
			expected: "desired ≥ 2, running = desired, one completed deployment",
			requires: []string{m2 + "service-api", m2 + "task-definition-api"},
			run: func(f *facts) outcome {
				if o, ok := supersededBySwitch(f, "service api is scaled down after the traffic switch"); ok {
					return o
				}
				return serviceRunning(f, workshop.Monolith, 2)
			}},
		{id: m2 + "targets-healthy", title: "Target group api has 2 healthy targets",
			expected: "at least 2 healthy targets", requires: []string{m2 + "service-api-running"},
			run: func(f *facts) outcome {
				if o, ok := supersededBySwitch(f, "the monolith no longer receives traffic"); ok {
					return o
				}
				return targetsHealthy(f, workshop.Monolith, 2)
			}},
		{id: m2 + "alb-root", title: "The load balancer answers /",
			expected: "GET / → 200 \"" + readyText + "\"",
			requires: []string{m2 + "listener-forwards-to-api", m2 + "targets-healthy"},
			run: func(f *facts) outcome {
				if o, ok := supersededBySwitch(f, "/ now reaches drop-traffic, so 503 is expected"); ok {
					return o
				}
				f.prefetchProbes("/", "/api/users")
				return probeText(f, "/", readyText)
			}},
		{id: m2 + "alb-api-users", title: "The monolith answers /api/users through the load balancer",
			expected: "GET /api/users → 200, a JSON array, X-Service: monolith",
			requires: []string{m2 + "listener-forwards-to-api", m2 + "targets-healthy"},
			run: func(f *facts) outcome {
				if o, ok := supersededPath(f, "/api/users", "/api/users is now answered by the users service"); ok {
					return o
				}
				p, err := f.getProbe("/api/users")
				if err != nil {
					return failed(err)
				}
				var arr []json.RawMessage
				switch {
				case p.err != nil || p.status != http.StatusOK:
					return probeFailure(p)
				case json.Unmarshal(p.body, &arr) != nil:
					return fail(p.summary()+", but the body is not a JSON array", "The image does not serve the forum API: is it the sample app's monolith?", "")
				case p.service != xService(workshop.Monolith):
					return fail(p.summary(), "Another service answered /api/users: the listener's rules send it elsewhere.", "")
				}
				return pass(fmt.Sprintf("%s, %d users", p.summary(), len(arr)))
			}},
	}
}

// listenerForwardsToAPI judges module 2's listener.
func listenerForwardsToAPI(f *facts) outcome {
	alb, o := needOutput(f, "ALBArn")
	if o != nil {
		return *o
	}
	l, err := f.httpListener()
	if err != nil {
		return failed(err)
	}
	tgs, err := f.getTargetGroups()
	if err != nil {
		return failed(err)
	}
	api := aws.ToString(tgs[workshop.Monolith].TargetGroupArn)
	if l == nil {
		return fail("the load balancer has no HTTP:80 listener", "Add the listener with a default action forwarding to api.",
			f.fix.aws("elbv2 create-listener --load-balancer-arn", alb, "--protocol HTTP --port 80",
				"--default-actions Type=forward,TargetGroupArn="+api, "--tags Key="+workshop.ManagedTagKey+",Value="+workshop.ManagedTagValue))
	}
	larn := aws.ToString(l.ListenerArn)
	if contains(forwardTargets(l.DefaultActions), api) {
		return pass("HTTP:80 default action → api", larn)
	}
	if o, ok := supersededBySwitch(f, "the default action now forwards to drop-traffic"); ok {
		o.resources = []string{larn}
		return o
	}
	st, err := f.getSwitch()
	if err != nil {
		return failed(err)
	}
	return fail("HTTP:80 default action → "+st.defaultTo, "The default action must forward to target group api.",
		f.fix.aws("elbv2 modify-listener --listener-arn", larn, "--default-actions Type=forward,TargetGroupArn="+api), larn)
}

// probeText judges a GET answered with exactly a text.
func probeText(f *facts, path, want string) outcome {
	p, err := f.getProbe(path)
	if err != nil {
		return failed(err)
	}
	if p.err != nil || p.status != http.StatusOK {
		return probeFailure(p)
	}
	if strings.TrimSpace(string(p.body)) != want {
		return fail(fmt.Sprintf("%s, body %q", p.summary(), truncate(string(p.body), 80)),
			"Something other than the sample app answered.", "")
	}
	return pass(p.summary())
}

// probeFailure explains a probe that got no 200.
func probeFailure(p probeResult) outcome {
	switch {
	case p.notResolving():
		return waiting(p.summary(), "A new load balancer's DNS name takes a few minutes to resolve.")
	case p.wafBlocked():
		return waiting(p.summary(), wafBlockedHint)
	case p.err != nil:
		return fail(p.summary(), "The load balancer did not answer: check that its security group admits port 80 from your address.", "")
	case p.status == http.StatusServiceUnavailable:
		return fail(p.summary(), "503 from the load balancer: the rule or default action forwards to a target group with no healthy targets.", "")
	case p.status == http.StatusBadGateway || p.status == http.StatusGatewayTimeout:
		return fail(p.summary(), "The load balancer could not get an answer from a target: the task security group must admit port 3000 from the load balancer's group.", "")
	}
	return fail(p.summary(), "The path is not routed to the service that serves it.", "")
}

func truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
