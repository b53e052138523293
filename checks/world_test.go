package checks

// Builders of the fake world: the accounts of design §4 at the end of a
// module, and small helpers to put them in the states the tests need.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/sample-app/forum"
)

const (
	fakeStackID     = "arn:aws:cloudformation:us-east-1:123456789012:stack/BreakTheMonolith-Demo/5b3f4e90-0c1d-11f0-9a5e-0affd3c1b2c3"
	fakeClusterName = "BreakTheMonolith-Demo-ECSCluster-7QXzVf3Bk2Lm"
	fakeClusterArn  = "arn:aws:ecs:us-east-1:123456789012:cluster/" + fakeClusterName
	fakeVPC         = "vpc-0a1b2c3d4e5f60718"
	fakeDefaultVPC  = "vpc-0default00000000"
	fakeALBArn      = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/BreakT-LoadB-1GX0Z5E2KXB3D/50dc6c495c0c9188"
	fakeALBHost     = "BreakT-LoadB-1GX0Z5E2KXB3D-1234567890.us-east-1.elb.amazonaws.com"
	fakeListenerArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/BreakT-LoadB-1GX0Z5E2KXB3D/50dc6c495c0c9188/f2f7dc8efc522ab2"
	fakeExecRole    = "arn:aws:iam::123456789012:role/BreakTheMonolith-Demo-ECSTaskExecutionRole-1A2B3C"
	fakeLogGroup    = "BreakTheMonolith-Demo-logs"
)

// fakeStackOutputs are the outputs of the workshop's stack (design §4).
func fakeStackOutputs() map[string]string {
	return map[string]string{
		"ClusterName":               fakeClusterName,
		"Url":                       "http://" + fakeALBHost,
		"ALBArn":                    fakeALBArn,
		"VPCId":                     fakeVPC,
		"PublicSubnets":             "subnet-0aaa1111,subnet-0bbb2222",
		"ServiceSecurityGroup":      fakeTaskGroup,
		"LoadBalancerSecurityGroup": fakeLBGroup,
		"TaskExecutionRoleArn":      fakeExecRole,
		"LogGroup":                  fakeLogGroup,
	}
}

func fakeRepoURI(name string) string {
	return fakeAccountID + ".dkr.ecr." + fakeRegion + ".amazonaws.com/" + name
}

// monolithDeployed is an account at the end of module 2: the monolith's
// image, the stack, task definition, target group, listener and service
// api with 2 healthy tasks.
func monolithDeployed() *fakeAWS {
	w := newFakeAWS()
	w.addRepository(workshop.Monolith)
	w.pushImage(workshop.Monolith, "v1", "linux/amd64")
	w.deployStack()
	w.registerTaskDefinition(workshop.Monolith, fakeRepoURI(workshop.Monolith)+":v1")
	w.createTargetGroup(workshop.Monolith, forum.Monolith)
	w.createListener(workshop.Monolith)
	w.createService(workshop.Monolith, 2, 2)
	return w
}

// finishedAccount is an account where modules 1 to 4 are done: the
// microservices take all the traffic and the monolith is scaled to 0.
func finishedAccount() *fakeAWS {
	w := monolithDeployed()
	// Module 3: one repository per microservice; some images are OCI
	// indexes with an attestation, as docker buildx pushes them.
	for _, svc := range workshop.Microservices() {
		w.addRepository(svc)
	}
	w.pushIndex("users", "v1", "linux/amd64", "unknown/unknown")
	w.pushImage("threads", "v1", "linux/amd64")
	w.pushIndex("posts", "v1", "linux/amd64", "unknown/unknown")
	// Module 4.
	for _, svc := range workshop.Microservices() {
		w.registerTaskDefinition(svc, fakeRepoURI(svc)+":v1")
		w.createTargetGroup(svc, forum.Service(svc))
	}
	w.createTargetGroup(workshop.DropTargetGroup, "")
	for i, svc := range workshop.Microservices() {
		w.addRule(i+1, "/api/"+svc+"*", svc)
	}
	for _, svc := range workshop.Microservices() {
		w.createService(svc, 1, 1)
	}
	w.setDefault(workshop.DropTargetGroup)
	w.scale(workshop.Monolith, 0, 0)
	return w
}

// tick advances the fake's clock for the next push or event.
func (w *fakeAWS) tick() time.Time {
	w.clock = w.clock.Add(time.Minute)
	return w.clock
}

// ECR

func (w *fakeAWS) addRepository(name string) *fakeRepo {
	created := w.tick()
	r := &fakeRepo{repo: ecrtypes.Repository{
		RepositoryName: aws.String(name),
		RepositoryArn:  aws.String("arn:aws:ecr:" + fakeRegion + ":" + fakeAccountID + ":repository/" + name),
		RepositoryUri:  aws.String(fakeRepoURI(name)),
		RegistryId:     aws.String(fakeAccountID),
		CreatedAt:      &created,
		// ECR's defaults.
		ImageTagMutability:         ecrtypes.ImageTagMutabilityMutable,
		ImageScanningConfiguration: &ecrtypes.ImageScanningConfiguration{ScanOnPush: false},
		EncryptionConfiguration:    &ecrtypes.EncryptionConfiguration{EncryptionType: ecrtypes.EncryptionTypeAes256},
	}}
	w.repos[name] = r
	return r
}

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// platformJSON splits "os/arch[/variant]" as an image configuration or an
// index entry writes it.
func platformJSON(p string) map[string]string {
	parts := strings.Split(p, "/")
	m := map[string]string{"os": parts[0], "architecture": parts[1]}
	if len(parts) > 2 {
		m["variant"] = parts[2]
	}
	return m
}

// pushImage pushes a single-platform image: a Docker v2 manifest whose
// configuration blob names the platform. It returns the image's digest.
func (w *fakeAWS) pushImage(repo, tag, platform string) string {
	config := map[string]any{"config": map[string]any{"Cmd": []string{"/app"}, "ExposedPorts": map[string]any{"3000/tcp": map[string]any{}}},
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{digestOf([]byte(repo + "layer"))}}}
	for k, v := range platformJSON(platform) {
		config[k] = v
	}
	blob := mustJSON(config)
	w.blobs[digestOf(blob)] = blob
	manifest := mustJSON(map[string]any{
		"schemaVersion": 2, "mediaType": mediaDockerManifest,
		"config": map[string]any{"mediaType": "application/vnd.docker.container.image.v1+json", "size": len(blob), "digest": digestOf(blob)},
		"layers": []map[string]any{{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 2811478,
			"digest": digestOf([]byte(repo + tag + platform))}},
	})
	return w.storeImage(repo, tag, mediaDockerManifest, manifest)
}

// pushIndex pushes an OCI image index with one entry per platform; an
// "unknown/unknown" entry is a build attestation, as buildx adds one.
func (w *fakeAWS) pushIndex(repo, tag string, platforms ...string) string {
	var entries []map[string]any
	for _, p := range platforms {
		e := map[string]any{"mediaType": mediaOCIManifest, "size": 1094,
			"digest": digestOf([]byte(repo + tag + p)), "platform": platformJSON(p)}
		if p == unknownPlatformLabel {
			e["annotations"] = map[string]string{"vnd.docker.reference.type": "attestation-manifest"}
		}
		entries = append(entries, e)
	}
	manifest := mustJSON(map[string]any{"schemaVersion": 2, "mediaType": mediaOCIIndex, "manifests": entries})
	return w.storeImage(repo, tag, mediaOCIIndex, manifest)
}

// storeImage adds a manifest to a repository; the tag moves to it.
func (w *fakeAWS) storeImage(repo, tag, mediaType string, manifest []byte) string {
	r := w.repos[repo]
	if r == nil {
		panic("push to missing repository " + repo)
	}
	var tags []string
	if tag != "" {
		tags = []string{tag}
		for i := range r.images {
			r.images[i].detail.ImageTags = remove(r.images[i].detail.ImageTags, tag)
		}
	}
	digest := digestOf(manifest)
	pushed := w.tick()
	r.images = append(r.images, fakeImage{manifest: string(manifest), detail: ecrtypes.ImageDetail{
		ImageDigest: aws.String(digest), ImageTags: tags, ImagePushedAt: &pushed,
		ImageManifestMediaType: aws.String(mediaType), RepositoryName: aws.String(repo),
		RegistryId: aws.String(fakeAccountID), ImageSizeInBytes: aws.Int64(2811478),
	}})
	return digest
}

func remove(list []string, s string) []string {
	var out []string
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

// CloudFormation

// deployStack creates the module 2 stack and what it makes: the cluster
// and the load balancer.
func (w *fakeAWS) deployStack() {
	// Deployed a few hours before the checks run, so that the warning of a
	// deployment left running for over a day (cost.go) stays quiet.
	w.tick()
	created := fakeNow.Add(-3 * time.Hour)
	w.stack = &cfntypes.Stack{
		StackName: aws.String(fakeStack), StackId: aws.String(fakeStackID),
		StackStatus: cfntypes.StackStatusCreateComplete, CreationTime: &created,
		Tags: []cfntypes.Tag{{Key: aws.String(workshop.ManagedTagKey), Value: aws.String("true")}},
	}
	outputs := fakeStackOutputs()
	for _, k := range append(workshop.RequiredOutputs(), "LoadBalancerSecurityGroup") {
		w.stack.Outputs = append(w.stack.Outputs, cfntypes.Output{OutputKey: aws.String(k), OutputValue: aws.String(outputs[k])})
	}
	w.createStackGroups()
	w.stackEvents = nil
	w.event(fakeStack, "AWS::CloudFormation::Stack", cfntypes.ResourceStatusCreateInProgress, "User Initiated")
	w.event("ECSCluster", "AWS::ECS::Cluster", cfntypes.ResourceStatusCreateComplete, "")
	w.event("PublicLoadBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer", cfntypes.ResourceStatusCreateComplete, "")
	w.event(fakeStack, "AWS::CloudFormation::Stack", cfntypes.ResourceStatusCreateComplete, "")
	w.cluster = &ecstypes.Cluster{ClusterName: aws.String(fakeClusterName), ClusterArn: aws.String(fakeClusterArn),
		Status: aws.String("ACTIVE")}
	w.albArn, w.albHost = fakeALBArn, fakeALBHost
}

// event records a stack event, the newest first as CloudFormation lists them.
func (w *fakeAWS) event(logicalID, resourceType string, status cfntypes.ResourceStatus, reason string) {
	at := w.tick()
	e := cfntypes.StackEvent{
		EventId: aws.String(logicalID + "-" + strconv.Itoa(len(w.stackEvents))), StackId: aws.String(fakeStackID),
		StackName: aws.String(fakeStack), LogicalResourceId: aws.String(logicalID), ResourceType: aws.String(resourceType),
		ResourceStatus: status, Timestamp: &at,
	}
	if reason != "" {
		e.ResourceStatusReason = aws.String(reason)
	}
	w.stackEvents = append([]cfntypes.StackEvent{e}, w.stackEvents...)
}

// setStackStatus puts the stack in status, as after an operation.
func (w *fakeAWS) setStackStatus(status cfntypes.StackStatus) {
	w.stack.StackStatus = status
}

// deleteStack deletes the stack and what it made.
func (w *fakeAWS) deleteStack() {
	w.stack, w.stackEvents, w.cluster = nil, nil, nil
	w.groups = map[string]*ec2types.SecurityGroup{}
	w.albArn, w.albHost, w.listeners = "", "", nil
}

func (w *fakeAWS) removeOutputs(keys ...string) {
	var kept []cfntypes.Output
	for _, o := range w.stack.Outputs {
		if !contains(keys, aws.ToString(o.OutputKey)) {
			kept = append(kept, o)
		}
	}
	w.stack.Outputs = kept
}

// ECS

// registerTaskDefinition registers a revision of the workshop's task
// definition: FARGATE, awsvpc, a container named after the family on port
// 3000.
func (w *fakeAWS) registerTaskDefinition(family, image string) *ecstypes.TaskDefinition {
	rev := int32(len(w.taskDefs[family]) + 1)
	td := &ecstypes.TaskDefinition{
		Family: aws.String(family), Revision: rev, Status: ecstypes.TaskDefinitionStatusActive,
		TaskDefinitionArn:       aws.String("arn:aws:ecs:" + fakeRegion + ":" + fakeAccountID + ":task-definition/" + family + ":" + strconv.Itoa(int(rev))),
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		Compatibilities:         []ecstypes.Compatibility{ecstypes.CompatibilityEc2, ecstypes.CompatibilityFargate},
		NetworkMode:             ecstypes.NetworkModeAwsvpc, Cpu: aws.String("256"), Memory: aws.String("512"),
		ExecutionRoleArn: aws.String(fakeExecRole),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{
			Name: aws.String(family), Image: aws.String(image), Essential: aws.Bool(true),
			PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(workshop.AppPort), HostPort: aws.Int32(workshop.AppPort), Protocol: ecstypes.TransportProtocolTcp}},
			LogConfiguration: &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriverAwslogs, Options: map[string]string{
				"awslogs-group": fakeLogGroup, "awslogs-region": fakeRegion, "awslogs-stream-prefix": family}},
		}},
	}
	w.taskDefs[family] = append(w.taskDefs[family], td)
	return td
}

// taskDef returns the latest revision of a family.
func (w *fakeAWS) taskDef(family string) *ecstypes.TaskDefinition {
	tds := w.taskDefs[family]
	return tds[len(tds)-1]
}

// createService creates a service behind its target group, running its
// family's latest revision, with one completed deployment; its running tasks
// are healthy targets.
func (w *fakeAWS) createService(name string, desired, running int32) *ecstypes.Service {
	created := w.tick()
	td := aws.ToString(w.taskDef(name).TaskDefinitionArn)
	s := &ecstypes.Service{
		ServiceName: aws.String(name), ServiceArn: aws.String(w.serviceArn(name)), ClusterArn: aws.String(fakeClusterArn),
		Status: aws.String("ACTIVE"), LaunchType: ecstypes.LaunchTypeFargate, TaskDefinition: aws.String(td), CreatedAt: &created,
		LoadBalancers: []ecstypes.LoadBalancer{{TargetGroupArn: aws.String(w.tgArn(name)), ContainerName: aws.String(name),
			ContainerPort: aws.Int32(workshop.AppPort)}},
		DeploymentConfiguration: &ecstypes.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(100), MaximumPercent: aws.Int32(200),
			DeploymentCircuitBreaker: &ecstypes.DeploymentCircuitBreaker{}},
		NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
			Subnets: []string{"subnet-0aaa1111", "subnet-0bbb2222"}, SecurityGroups: []string{fakeTaskGroup},
			AssignPublicIp: ecstypes.AssignPublicIpEnabled}},
		Deployments: []ecstypes.Deployment{{Id: aws.String("ecs-svc/" + name + "1"), Status: aws.String("PRIMARY"),
			TaskDefinition: aws.String(td), RolloutState: ecstypes.DeploymentRolloutStateCompleted, CreatedAt: &created}},
	}
	w.services[name] = s
	w.scale(name, desired, running)
	return s
}

func (w *fakeAWS) serviceArn(name string) string {
	return "arn:aws:ecs:" + fakeRegion + ":" + fakeAccountID + ":service/" + fakeClusterName + "/" + name
}

// scale sets a service's counts, those of its primary deployment, and its
// healthy targets, as a settled service has them.
func (w *fakeAWS) scale(name string, desired, running int32) {
	s := w.services[name]
	s.DesiredCount, s.RunningCount, s.PendingCount = desired, running, 0
	for i := range s.Deployments {
		if aws.ToString(s.Deployments[i].Status) == "PRIMARY" {
			s.Deployments[i].DesiredCount, s.Deployments[i].RunningCount = desired, running
		}
	}
	at := w.tick()
	s.Events = append([]ecstypes.ServiceEvent{{Id: aws.String(strconv.Itoa(len(s.Events))), CreatedAt: &at,
		Message: aws.String("(service " + name + ") has reached a steady state.")}}, s.Events...)
	states := make([]elbtypes.TargetHealthStateEnum, running)
	for i := range states {
		states[i] = elbtypes.TargetHealthStateEnumHealthy
	}
	w.setTargets(name, states...)
}

// startDeployment makes a service's primary deployment still roll out:
// nothing runs yet, and failed tasks so far.
func (w *fakeAWS) startDeployment(name string, failedTasks int32) *ecstypes.Service {
	s := w.services[name]
	s.RunningCount, s.PendingCount = 0, s.DesiredCount
	s.Deployments[0].RolloutState = ecstypes.DeploymentRolloutStateInProgress
	s.Deployments[0].RunningCount, s.Deployments[0].PendingCount = 0, s.DesiredCount
	s.Deployments[0].FailedTasks = failedTasks
	w.setTargets(name)
	return s
}

// serviceEvent adds the newest event of a service.
func (w *fakeAWS) serviceEvent(name, message string) {
	s := w.services[name]
	at := w.tick()
	s.Events = append([]ecstypes.ServiceEvent{{Id: aws.String("e" + strconv.Itoa(len(s.Events))), CreatedAt: &at,
		Message: aws.String(message)}}, s.Events...)
}

// stopTask records a stopped task of a service.
func (w *fakeAWS) stopTask(service, stoppedReason, containerReason string, exitCode *int32) {
	at := w.tick()
	arn := "arn:aws:ecs:" + fakeRegion + ":" + fakeAccountID + ":task/" + fakeClusterName + "/" + hex.EncodeToString([]byte(service+strconv.Itoa(len(w.stopped[service]))))
	c := ecstypes.Container{Name: aws.String(service), LastStatus: aws.String("STOPPED"), ExitCode: exitCode}
	if containerReason != "" {
		c.Reason = aws.String(containerReason)
	}
	w.stopped[service] = append(w.stopped[service], ecstypes.Task{
		TaskArn: aws.String(arn), ClusterArn: aws.String(fakeClusterArn), Group: aws.String("service:" + service),
		LastStatus: aws.String("STOPPED"), DesiredStatus: aws.String("STOPPED"), StoppedAt: &at,
		StoppedReason: aws.String(stoppedReason), StopCode: ecstypes.TaskStopCodeTaskFailedToStart,
		Containers: []ecstypes.Container{c},
	})
}

// Elastic Load Balancing v2

// createTargetGroup creates a target group with the workshop's settings in
// the stack's VPC; backend is the service whose tasks register in it.
func (w *fakeAWS) createTargetGroup(name string, backend forum.Service) *fakeTargetGroup {
	tg := &fakeTargetGroup{backend: backend, tg: elbtypes.TargetGroup{
		TargetGroupName: aws.String(name), TargetGroupArn: aws.String(fakeTGArn(name)),
		Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(workshop.AppPort), VpcId: aws.String(fakeVPC),
		TargetType: elbtypes.TargetTypeEnumIp, HealthCheckPath: aws.String("/"), HealthCheckProtocol: elbtypes.ProtocolEnumHttp,
		HealthCheckIntervalSeconds: aws.Int32(6), HealthCheckTimeoutSeconds: aws.Int32(5),
		HealthyThresholdCount: aws.Int32(2), UnhealthyThresholdCount: aws.Int32(2),
		Matcher: &elbtypes.Matcher{HttpCode: aws.String("200")},
	}}
	w.targetGroups[name] = tg
	return tg
}

// fakeTGArn is the ARN createTargetGroup gives target group name.
func fakeTGArn(name string) string {
	sum := sha256.Sum256([]byte(name))
	return "arn:aws:elasticloadbalancing:" + fakeRegion + ":" + fakeAccountID + ":targetgroup/" + name + "/" + hex.EncodeToString(sum[:8])
}

func (w *fakeAWS) tg(name string) *fakeTargetGroup { return w.targetGroups[name] }

func (w *fakeAWS) tgArn(name string) string {
	if tg := w.targetGroups[name]; tg != nil {
		return aws.ToString(tg.tg.TargetGroupArn)
	}
	return ""
}

// setTargets replaces a target group's targets by one per state.
func (w *fakeAWS) setTargets(name string, states ...elbtypes.TargetHealthStateEnum) {
	tg := w.targetGroups[name]
	if tg == nil {
		return
	}
	tg.health = nil
	for i, st := range states {
		h := &elbtypes.TargetHealth{State: st}
		switch st {
		case elbtypes.TargetHealthStateEnumInitial:
			h.Reason, h.Description = elbtypes.TargetHealthReasonEnumRegistrationInProgress, aws.String("Target registration is in progress")
		case elbtypes.TargetHealthStateEnumUnhealthy:
			h.Reason, h.Description = elbtypes.TargetHealthReasonEnumResponseCodeMismatch, aws.String("Health checks failed with these codes: [404]")
		case elbtypes.TargetHealthStateEnumDraining:
			h.Reason, h.Description = elbtypes.TargetHealthReasonEnumDeregistrationInProgress, aws.String("Target deregistration is in progress")
		}
		tg.health = append(tg.health, elbtypes.TargetHealthDescription{
			Target: &elbtypes.TargetDescription{Id: aws.String("10.0." + strconv.Itoa(i%2) + "." + strconv.Itoa(10+i)),
				Port: aws.Int32(workshop.AppPort), AvailabilityZone: aws.String("us-east-1" + string(rune('a'+i%2)))},
			HealthCheckPort: aws.String("3000"), TargetHealth: h,
		})
	}
}

// forwardTo is a forward action as DescribeListeners and DescribeRules
// return it: the target group ARN and the same as a forward config.
func forwardTo(arn string) []elbtypes.Action {
	return []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, Order: aws.Int32(1), TargetGroupArn: aws.String(arn),
		ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: []elbtypes.TargetGroupTuple{{TargetGroupArn: aws.String(arn), Weight: aws.Int32(1)}}}}}
}

// createListener adds the HTTP:80 listener forwarding to a target group.
func (w *fakeAWS) createListener(defaultTG string) *fakeListener {
	l := &fakeListener{l: elbtypes.Listener{ListenerArn: aws.String(fakeListenerArn), LoadBalancerArn: aws.String(w.albArn),
		Port: aws.Int32(80), Protocol: elbtypes.ProtocolEnumHttp, DefaultActions: forwardTo(w.tgArn(defaultTG))}}
	w.listeners = append(w.listeners, l)
	return l
}

func (w *fakeAWS) httpListener() *fakeListener { return w.listenerOn(80) }

func (w *fakeAWS) setDefault(tg string) { w.httpListener().l.DefaultActions = forwardTo(w.tgArn(tg)) }

// addRule adds a path-pattern rule forwarding to a target group.
func (w *fakeAWS) addRule(priority int, pattern, tg string) {
	l := w.httpListener()
	p := strconv.Itoa(priority)
	l.rules = append(l.rules, elbtypes.Rule{
		RuleArn:  aws.String(strings.Replace(fakeListenerArn, ":listener/", ":listener-rule/", 1) + "/r" + p),
		Priority: aws.String(p), IsDefault: aws.Bool(false), Actions: forwardTo(w.tgArn(tg)),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{pattern},
			PathPatternConfig: &elbtypes.PathPatternConditionConfig{Values: []string{pattern}}}},
	})
}

// removeRule deletes the rule with a path pattern.
func (w *fakeAWS) removeRule(pattern string) {
	l := w.httpListener()
	var kept []elbtypes.Rule
	for _, r := range l.rules {
		if !contains(pathPatterns(r), pattern) {
			kept = append(kept, r)
		}
	}
	l.rules = kept
}

// ruleFor returns the rule with a path pattern.
func (w *fakeAWS) ruleFor(pattern string) *elbtypes.Rule {
	l := w.httpListener()
	for i := range l.rules {
		if contains(pathPatterns(l.rules[i]), pattern) {
			return &l.rules[i]
		}
	}
	return nil
}

// answer makes the load balancer answer GET path with a fixed response.
func (w *fakeAWS) answer(path string, status int, service, body string) {
	w.probes[path] = fakeResponse{status: status, service: service, body: body}
}

// forumJSON is a collection of the sample app's data as JSON.
func forumJSON(collection string) string {
	d := forumData()
	switch collection {
	case "users":
		return string(mustJSON(d.Users))
	case "threads":
		return string(mustJSON(d.Threads))
	}
	return string(mustJSON(d.Posts))
}
