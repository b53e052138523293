package checks

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/sample-app/forum"
	"github.com/breakthemonolith/workshop/templates"
)

const m4 = "module-4/"

// ready is module 4's first condition: module 2's stack and listener. The
// conditions that build on them require it, so an account without them
// fails here instead of skipping everything.
const ready = m4 + "module-2-ready"

func module4Checks(x fixer) []check {
	checks := []check{{id: ready, title: "Module 2's stack and listener are in place",
		expected: "stack " + x.stack + " deployed with its outputs, and an HTTP:80 listener on its load balancer",
		run:      module2Ready}}
	for _, svc := range workshop.Microservices() {
		svc := svc
		checks = append(checks, check{
			id: m4 + "task-definition-" + svc, title: "Task definition " + svc + " runs the " + svc + " image",
			expected: "latest revision: FARGATE, awsvpc, container " + svc + " on port 3000, an existing image of repository " + svc,
			run:      func(f *facts) outcome { return taskDefinitionOK(f, svc) },
		})
	}
	for _, name := range append(workshop.Microservices(), workshop.DropTargetGroup) {
		name := name
		checks = append(checks, check{
			id: m4 + "target-group-" + name, title: "Target group " + name + " is in the stack's VPC",
			expected: "HTTP, target type ip, port 3000, health check /, in the VPCId output's VPC",
			requires: []string{ready},
			run:      func(f *facts) outcome { return targetGroupOK(f, name) },
		})
	}
	specs, err := templates.Rules()
	if err != nil {
		checks = append(checks, check{id: m4 + "rule-templates", title: "The rule templates can be read",
			run: func(*facts) outcome { return failed(err) }})
	}
	for _, spec := range specs {
		spec := spec
		checks = append(checks, check{
			id: m4 + "rule-" + spec.Service, title: "Requests for " + spec.PathPattern + " go to " + spec.Service,
			expected: "a rule on the HTTP:80 listener: path " + spec.PathPattern + " → forward to " + spec.Service,
			requires: []string{m4 + "target-group-" + spec.Service},
			run:      func(f *facts) outcome { return ruleOK(f, spec) },
		})
	}
	for _, svc := range workshop.Microservices() {
		svc := svc
		checks = append(checks,
			check{id: m4 + "service-" + svc, title: "Service " + svc + " sits behind target group " + svc,
				expected: "service " + svc + " in the cluster, task definition family " + svc + ", target group " + svc + " with container " + svc + ":3000",
				requires: []string{m4 + "task-definition-" + svc, m4 + "target-group-" + svc},
				run:      func(f *facts) outcome { return serviceAttached(f, svc) }},
			check{id: m4 + "service-" + svc + "-running", title: "Service " + svc + " runs its tasks",
				expected: "desired ≥ 1, running = desired, one completed deployment",
				requires: []string{m4 + "service-" + svc},
				run:      func(f *facts) outcome { return serviceRunning(f, svc, 1) }},
			check{id: m4 + "targets-" + svc + "-healthy", title: "Target group " + svc + " has healthy targets",
				expected: "at least 1 healthy target", requires: []string{m4 + "service-" + svc + "-running"},
				run: func(f *facts) outcome { return targetsHealthy(f, svc, 1) }},
		)
	}
	checks = append(checks,
		check{id: m4 + "traffic-switched", title: "No traffic goes to the monolith",
			expected: "no rule and no default action forwards to api; the default action forwards to drop-traffic",
			requires: []string{m4 + "target-group-" + workshop.DropTargetGroup}, run: trafficSwitched},
		check{id: m4 + "api-scaled-down", title: "Service api is scaled down",
			expected: "service api at 0 tasks, or deleted", requires: []string{ready}, run: apiScaledDown},
	)
	for _, svc := range workshop.Microservices() {
		svc := svc
		checks = append(checks, check{
			id: m4 + "probe-" + svc, title: "/api/" + svc + " is answered by the " + svc + " service",
			expected: "GET /api/" + svc + " → 200, X-Service: " + svc + ", the same data the monolith served",
			requires: []string{m4 + "rule-" + svc, m4 + "targets-" + svc + "-healthy"},
			run:      func(f *facts) outcome { return probeService(f, svc) },
		})
	}
	return checks
}

func ruleOK(f *facts, spec templates.RuleSpec) outcome {
	l, o := needListener(f)
	if o != nil {
		return *o
	}
	rules, err := f.getRules()
	if err != nil {
		return failed(err)
	}
	tgs, err := f.getTargetGroups()
	if err != nil {
		return failed(err)
	}
	want := aws.ToString(tgs[spec.Service].TargetGroupArn)
	var seen, wrong []string
	for _, r := range rules {
		if aws.ToBool(r.IsDefault) || !contains(pathPatterns(r), spec.PathPattern) {
			continue
		}
		targets := forwardTargets(r.Actions)
		if len(targets) == 1 && targets[0] == want {
			return pass(fmt.Sprintf("priority %s: %s → %s", aws.ToString(r.Priority), spec.PathPattern, spec.Service), aws.ToString(r.RuleArn))
		}
		var names []string
		for _, t := range targets {
			names = append(names, findTargetGroupByArn(tgs, t))
		}
		seen = append(seen, fmt.Sprintf("priority %s forwards %s to %s", aws.ToString(r.Priority), spec.PathPattern, strings.Join(names, ", ")))
		wrong = append(wrong, aws.ToString(r.RuleArn))
	}
	fix := f.fix.aws("elbv2 create-rule --listener-arn", aws.ToString(l.ListenerArn), "--priority", fmt.Sprint(spec.Priority),
		"--conditions Field=path-pattern,Values='"+spec.PathPattern+"'", "--actions Type=forward,TargetGroupArn="+want,
		"--tags Key="+workshop.ManagedTagKey+",Value="+workshop.ManagedTagValue)
	if len(seen) > 0 {
		var fixes []string
		for _, arn := range wrong {
			fixes = append(fixes, f.fix.aws("elbv2 modify-rule --rule-arn", arn, "--actions Type=forward,TargetGroupArn="+want))
		}
		return fail(strings.Join(seen, "; "), "The rule exists but forwards to the wrong target group.",
			strings.Join(fixes, " && "), wrong...)
	}
	return fail("no rule for "+spec.PathPattern, "Add the rule from templates/rules/"+spec.Service+".json.", fix, aws.ToString(l.ListenerArn))
}

func trafficSwitched(f *facts) outcome {
	l, o := needListener(f)
	if o != nil {
		return *o
	}
	st, err := f.getSwitch()
	if err != nil {
		return failed(err)
	}
	if st.switched {
		return pass("default action → drop-traffic; nothing forwards to api", aws.ToString(l.ListenerArn))
	}
	tgs, _ := f.getTargetGroups()
	var fixes []string
	for _, arn := range st.monolithRules {
		fixes = append(fixes, f.fix.aws("elbv2 delete-rule --rule-arn", arn))
	}
	if st.defaultTo != workshop.DropTargetGroup {
		fixes = append(fixes, f.fix.aws("elbv2 modify-listener --listener-arn", aws.ToString(l.ListenerArn),
			"--default-actions Type=forward,TargetGroupArn="+aws.ToString(tgs[workshop.DropTargetGroup].TargetGroupArn)))
	}
	fix := strings.Join(fixes, " && ")
	var observed []string
	if len(st.toMonolith) > 0 {
		observed = append(observed, "still forwarding to api: "+strings.Join(st.toMonolith, ", "))
	}
	if st.defaultTo != workshop.DropTargetGroup {
		observed = append(observed, "default action → "+st.defaultTo)
	}
	return fail(strings.Join(observed, "; "),
		"Delete every rule that forwards to api and make the default action forward to drop-traffic, so only the microservices get traffic.",
		fix, aws.ToString(l.ListenerArn))
}

func apiScaledDown(f *facts) outcome {
	cluster, svcs, o := needServices(f)
	if o != nil {
		return *o
	}
	s, ok := svcs[workshop.Monolith]
	if !ok {
		return pass("service api is deleted")
	}
	arn := aws.ToString(s.ServiceArn)
	if s.DesiredCount == 0 && s.RunningCount == 0 {
		return pass("service api: desired 0, running 0 (kept for a rollback)", arn)
	}
	if s.DesiredCount == 0 {
		return waiting(fmt.Sprintf("desired 0, running %d: tasks are draining", s.RunningCount), "ECS stops the tasks once their connections drain.", arn)
	}
	return fail(fmt.Sprintf("service api: desired %d, running %d", s.DesiredCount, s.RunningCount),
		"Scale the monolith down once the microservices take the traffic.",
		f.fix.aws("ecs update-service --cluster", cluster, "--service api --desired-count 0"), arn)
}

// probeService judges that /api/SVC is answered by the microservice with the
// data the monolith served.
func probeService(f *facts, svc string) outcome {
	f.prefetchProbes("/api/users", "/api/threads", "/api/posts")
	p, err := f.getProbe("/api/" + svc)
	if err != nil {
		return failed(err)
	}
	if p.err != nil || p.status != http.StatusOK {
		return probeFailure(p)
	}
	if p.service != xService(svc) {
		return fail(p.summary(), "Another service answered: a rule with a higher priority (or the default action) still catches /api/"+svc+".", "")
	}
	want, err := monolithData(svc)
	if err != nil {
		return failed(err)
	}
	var got any
	if err := json.Unmarshal(p.body, &got); err != nil {
		return fail(p.summary()+", but the body is not JSON", "The image does not serve the forum API.", "")
	}
	if !reflect.DeepEqual(got, want) {
		return fail(p.summary()+", but the data differs from the monolith's",
			"The microservice must serve exactly what the monolith did; was the image built from a changed folder?", "")
	}
	return pass(p.summary() + ", same data as the monolith")
}

// monolithData returns the collection the monolith serves at /api/NAME, as
// decoded JSON.
func monolithData(name string) (any, error) {
	d, err := forum.LoadData()
	if err != nil {
		return nil, err
	}
	var v any
	switch name {
	case "users":
		v = d.Users
	case "threads":
		v = d.Threads
	case "posts":
		v = d.Posts
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(raw, &out)
	return out, err
}

// module2Ready judges what module 4 builds on: the settled stack with its
// outputs, and the HTTP:80 listener of module 2.
func module2Ready(f *facts) outcome {
	st, err := f.getStack()
	if err != nil {
		return failed(err)
	}
	if st == nil {
		return fail(fmt.Sprintf("stack %s does not exist", f.stackID), "Module 4 builds on module 2: deploy its stack first.", f.fix.deployStack())
	}
	switch s := stackSettled(f); s.status {
	case workshop.StatusPass, workshop.StatusWarn:
	case workshop.StatusWaiting:
		return s
	default:
		return fail(s.observed, "Module 4 builds on module 2's stack; see 'workshop check module-2'.", s.fix, s.resources...)
	}
	var missing []string
	for _, k := range workshop.RequiredOutputs() {
		if output(st, k) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return fail("the stack lacks outputs "+strings.Join(missing, ", "), "Update the stack with the workshop's template.", f.fix.deployStack())
	}
	l, err := f.httpListener()
	if err != nil {
		return failed(err)
	}
	if l == nil {
		return fail("the load balancer has no HTTP:80 listener", "Module 2 adds the listener; module 4 adds its rules to it. See 'workshop check module-2'.", "")
	}
	return pass(fmt.Sprintf("stack %s %s; HTTP:80 listener", f.stackID, st.StackStatus), aws.ToString(l.ListenerArn))
}
