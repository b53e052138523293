package checks

// The fake AWS world the checks run against in the unit tests: in-memory
// state behind the narrow interfaces of clients.go, a fake HTTP client that
// plays the load balancer (and ECR's presigned layer URLs), and a fake local
// machine. Every AWS call is recorded as an IAM action with its input, so
// tests can prove which calls the checks make and that none is made twice.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"
	"github.com/aws/smithy-go"

	"github.com/breakthemonolith/workshop/sample-app/forum"
)

const (
	fakeAccountID = "123456789012"
	fakeRegion    = "us-east-1"
	fakeStack     = "BreakTheMonolith-Demo"
	fakeCallerArn = "arn:aws:iam::123456789012:user/learner"
	// fakeLayerHost serves ECR's presigned layer (configuration blob) URLs.
	fakeLayerHost = "prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com"
)

// fakeNow is the fixed clock of every run.
var fakeNow = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// fakeCall is one AWS API call the fake received.
type fakeCall struct {
	Action string // IAM action, as in Actions()
	Input  string // the input, as JSON
}

// fakeAWS is an AWS account in one region, in memory.
type fakeAWS struct {
	mu sync.Mutex

	region string
	// calls are the AWS API calls received; gets are the HTTP GETs.
	calls []fakeCall
	gets  []string
	// failures makes an action fail with an API error.
	failures map[string]error
	// latency delays every AWS call; inFlight/maxInFlight measure overlap.
	latency     time.Duration
	inFlight    int
	maxInFlight int
	// pageSize > 0 splits list answers into pages of that many items.
	pageSize int
	// startDelay, when set, delays a call before it reaches AWS (and is
	// recorded), as when its goroutine is scheduled late.
	startDelay func(action, input string) time.Duration

	repos        map[string]*fakeRepo
	blobs        map[string][]byte // configuration blobs by digest
	stack        *cfntypes.Stack
	stackEvents  []cfntypes.StackEvent // newest first
	cluster      *ecstypes.Cluster
	taskDefs     map[string][]*ecstypes.TaskDefinition // revisions by family, oldest first
	targetGroups map[string]*fakeTargetGroup
	albArn       string // "" when there is no load balancer
	albHost      string
	listeners    []*fakeListener
	services     map[string]*ecstypes.Service
	stopped      map[string][]ecstypes.Task // stopped tasks by service name
	roles        map[string]bool
	groups       map[string]*ec2types.SecurityGroup // by id
	webACLs      map[string]*waftypes.WebACL        // by the ARN of the resource they guard
	secrets      []smtypes.SecretListEntry
	// foreign names what the learner made (untagged): ARNs, repository
	// names, the stack's name.
	foreign map[string]bool

	// probes overrides what the load balancer answers for a path.
	probes map[string]fakeResponse
	// albDNSPending makes the load balancer's name not resolve yet.
	albDNSPending bool
	// layerStatus, when set, is the status ECR's layer URLs answer with.
	layerStatus int

	local *fakeLocal
	clock time.Time // push and event times
}

type fakeRepo struct {
	repo   ecrtypes.Repository
	images []fakeImage // oldest push first
}

type fakeImage struct {
	detail   ecrtypes.ImageDetail
	manifest string
}

type fakeTargetGroup struct {
	tg     elbtypes.TargetGroup
	health []elbtypes.TargetHealthDescription
	// backend is the sample-app service whose tasks register here.
	backend forum.Service
}

type fakeListener struct {
	l     elbtypes.Listener
	rules []elbtypes.Rule // not the default rule: that one follows l.DefaultActions
}

// fakeResponse is an answer of the load balancer set by a test.
type fakeResponse struct {
	status  int
	service string
	body    string
	err     error
}

// fakeLocal is the learner's machine.
type fakeLocal struct {
	docker    DockerInfo
	dockerErr error
	awsCLI    string
	awsCLIErr error
}

func (l *fakeLocal) Docker(context.Context) (DockerInfo, error) { return l.docker, l.dockerErr }
func (l *fakeLocal) AWSCLIVersion(context.Context) (string, error) {
	return l.awsCLI, l.awsCLIErr
}

// newFakeAWS returns an account with nothing of the workshop's in it, the
// ECS service-linked role, and a machine with Docker on x86_64 and AWS CLI v2.
func newFakeAWS() *fakeAWS {
	return &fakeAWS{
		region:       fakeRegion,
		failures:     map[string]error{},
		repos:        map[string]*fakeRepo{},
		blobs:        map[string][]byte{},
		taskDefs:     map[string][]*ecstypes.TaskDefinition{},
		targetGroups: map[string]*fakeTargetGroup{},
		services:     map[string]*ecstypes.Service{},
		stopped:      map[string][]ecstypes.Task{},
		roles:        map[string]bool{ecsServiceLinkedRole: true},
		groups:       map[string]*ec2types.SecurityGroup{},
		webACLs:      map[string]*waftypes.WebACL{},
		probes:       map[string]fakeResponse{},
		local: &fakeLocal{
			docker: DockerInfo{Version: "28.2.2", APIVersion: "1.50", Arch: "x86_64"},
			awsCLI: "aws-cli/2.27.50 Python/3.13.4 Linux/6.8.0 exe/x86_64.ubuntu.24\n",
		},
		clock: fakeNow.Add(-48 * time.Hour),
	}
}

// clients are the checks' clients, all backed by w.
func (w *fakeAWS) clients() Clients {
	return Clients{STS: w, ECR: w, CFN: w, ECS: w, ELB: w, IAM: w, EC2: w, WAF: w, Secrets: w, HTTP: fakeHTTP{w}, Local: w.local, Owned: w.ownership()}
}

// fail makes every call of action fail with err.
func (w *fakeAWS) fail(action string, err error) { w.failures[action] = err }

// callCount is the number of AWS API calls so far (Options.APICalls).
func (w *fakeAWS) callCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.calls)
}

// recorded returns the AWS API calls so far.
func (w *fakeAWS) recorded() []fakeCall {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]fakeCall(nil), w.calls...)
}

// httpGets returns the URLs fetched so far.
func (w *fakeAWS) httpGets() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.gets...)
}

// enter records a call, waits the latency and returns the error injected
// for the action. It returns holding w.mu: callers defer w.mu.Unlock().
func (w *fakeAWS) enter(action string, input any) error {
	raw, err := json.Marshal(input)
	if err != nil {
		raw = []byte(fmt.Sprintf("%#v", input))
	}
	if w.startDelay != nil {
		time.Sleep(w.startDelay(action, string(raw)))
	}
	w.mu.Lock()
	w.calls = append(w.calls, fakeCall{Action: action, Input: string(raw)})
	w.inFlight++
	w.maxInFlight = max(w.maxInFlight, w.inFlight)
	latency := w.latency
	w.mu.Unlock()
	time.Sleep(latency)
	w.mu.Lock()
	w.inFlight--
	if err := w.failures[action]; err != nil {
		return operationError(action, err)
	}
	return nil
}

// apiErr is what AWS answers with an error code, as the SDK returns it:
// a smithy API error inside an operation error.
func apiErr(code, message string) error {
	return &smithy.GenericAPIError{Code: code, Message: message, Fault: smithy.FaultClient}
}

func operationError(action string, err error) error {
	service, op, _ := strings.Cut(action, ":")
	return &smithy.OperationError{ServiceID: service, OperationName: op, Err: err}
}

func accessDenied(action string) error {
	return apiErr("AccessDeniedException", "User: "+fakeCallerArn+" is not authorized to perform: "+action+" on resource: *")
}

func throttled() error { return apiErr("ThrottlingException", "Rate exceeded") }

// page returns one page of items after token, and the next token.
func page[T any](w *fakeAWS, items []T, token *string) ([]T, *string) {
	start, _ := strconv.Atoi(aws.ToString(token))
	if start > len(items) {
		start = len(items)
	}
	if w.pageSize <= 0 || start+w.pageSize >= len(items) {
		return items[start:], nil
	}
	return items[start : start+w.pageSize], aws.String(strconv.Itoa(start + w.pageSize))
}

// STS

func (w *fakeAWS) GetCallerIdentity(_ context.Context, in *sts.GetCallerIdentityInput, _ ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	err := w.enter("sts:GetCallerIdentity", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return &sts.GetCallerIdentityOutput{Account: aws.String(fakeAccountID), Arn: aws.String(fakeCallerArn),
		UserId: aws.String("AIDAEXAMPLEUSERID")}, nil
}

// ECR

func (w *fakeAWS) DescribeRepositories(_ context.Context, in *ecr.DescribeRepositoriesInput, _ ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error) {
	err := w.enter("ecr:DescribeRepositories", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	var repos []ecrtypes.Repository
	for _, name := range sortedKeys(w.repos) {
		if len(in.RepositoryNames) == 0 || contains(in.RepositoryNames, name) {
			repos = append(repos, w.repos[name].repo)
		}
	}
	for _, name := range in.RepositoryNames {
		if w.repos[name] == nil {
			return nil, operationError("ecr:DescribeRepositories", repositoryNotFound(name))
		}
	}
	items, next := page(w, repos, in.NextToken)
	return &ecr.DescribeRepositoriesOutput{Repositories: items, NextToken: next}, nil
}

func repositoryNotFound(name string) error {
	return apiErr("RepositoryNotFoundException",
		"The repository with name '"+name+"' does not exist in the registry with id '"+fakeAccountID+"'")
}

// repository returns the named repository, or the error ECR answers.
func (w *fakeAWS) repository(action, name string) (*fakeRepo, error) {
	r := w.repos[name]
	if r == nil {
		return nil, operationError(action, repositoryNotFound(name))
	}
	return r, nil
}

func (w *fakeAWS) DescribeImages(_ context.Context, in *ecr.DescribeImagesInput, _ ...func(*ecr.Options)) (*ecr.DescribeImagesOutput, error) {
	err := w.enter("ecr:DescribeImages", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	r, err := w.repository("ecr:DescribeImages", aws.ToString(in.RepositoryName))
	if err != nil {
		return nil, err
	}
	var details []ecrtypes.ImageDetail
	for _, img := range r.images {
		details = append(details, img.detail)
	}
	items, next := page(w, details, in.NextToken)
	return &ecr.DescribeImagesOutput{ImageDetails: items, NextToken: next}, nil
}

func (w *fakeAWS) BatchGetImage(_ context.Context, in *ecr.BatchGetImageInput, _ ...func(*ecr.Options)) (*ecr.BatchGetImageOutput, error) {
	err := w.enter("ecr:BatchGetImage", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	r, err := w.repository("ecr:BatchGetImage", aws.ToString(in.RepositoryName))
	if err != nil {
		return nil, err
	}
	out := &ecr.BatchGetImageOutput{}
	for _, id := range in.ImageIds {
		img := r.find(aws.ToString(id.ImageDigest), aws.ToString(id.ImageTag))
		switch {
		case img == nil:
			out.Failures = append(out.Failures, ecrtypes.ImageFailure{ImageId: &id,
				FailureCode: ecrtypes.ImageFailureCodeImageNotFound, FailureReason: aws.String("Requested image not found")})
		case len(in.AcceptedMediaTypes) > 0 && !contains(in.AcceptedMediaTypes, aws.ToString(img.detail.ImageManifestMediaType)):
			out.Failures = append(out.Failures, ecrtypes.ImageFailure{ImageId: &id,
				FailureCode:   ecrtypes.ImageFailureCode("UnsupportedImageType"),
				FailureReason: aws.String("The manifest media type is not among the accepted media types")})
		default:
			out.Images = append(out.Images, ecrtypes.Image{
				ImageId:                &ecrtypes.ImageIdentifier{ImageDigest: img.detail.ImageDigest},
				ImageManifest:          aws.String(img.manifest),
				ImageManifestMediaType: img.detail.ImageManifestMediaType,
				RegistryId:             aws.String(fakeAccountID),
				RepositoryName:         in.RepositoryName,
			})
		}
	}
	return out, nil
}

// find returns the image with digest (or, when digest is "", tag).
func (r *fakeRepo) find(digest, tag string) *fakeImage {
	for i := range r.images {
		d := r.images[i].detail
		if (digest != "" && aws.ToString(d.ImageDigest) == digest) || (digest == "" && contains(d.ImageTags, tag)) {
			return &r.images[i]
		}
	}
	return nil
}

func (w *fakeAWS) GetDownloadUrlForLayer(_ context.Context, in *ecr.GetDownloadUrlForLayerInput, _ ...func(*ecr.Options)) (*ecr.GetDownloadUrlForLayerOutput, error) {
	err := w.enter("ecr:GetDownloadUrlForLayer", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	repo := aws.ToString(in.RepositoryName)
	if _, err := w.repository("ecr:GetDownloadUrlForLayer", repo); err != nil {
		return nil, err
	}
	digest := aws.ToString(in.LayerDigest)
	if w.blobs[digest] == nil {
		return nil, operationError("ecr:GetDownloadUrlForLayer", apiErr("LayersNotFoundException", "The image layer "+digest+" does not exist"))
	}
	u := "https://" + fakeLayerHost + "/" + fakeAccountID + "/" + repo + "/" + digest + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=fake"
	return &ecr.GetDownloadUrlForLayerOutput{DownloadUrl: aws.String(u), LayerDigest: in.LayerDigest}, nil
}

// CloudFormation

func stackMissing(name string) error {
	return apiErr("ValidationError", "Stack with id "+name+" does not exist")
}

func (w *fakeAWS) DescribeStacks(_ context.Context, in *cloudformation.DescribeStacksInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	err := w.enter("cloudformation:DescribeStacks", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if !w.isStack(aws.ToString(in.StackName)) {
		return nil, operationError("cloudformation:DescribeStacks", stackMissing(aws.ToString(in.StackName)))
	}
	return &cloudformation.DescribeStacksOutput{Stacks: []cfntypes.Stack{*w.stack}}, nil
}

func (w *fakeAWS) isStack(name string) bool {
	return w.stack != nil && (name == aws.ToString(w.stack.StackName) || name == aws.ToString(w.stack.StackId))
}

func (w *fakeAWS) DescribeStackEvents(_ context.Context, in *cloudformation.DescribeStackEventsInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeStackEventsOutput, error) {
	err := w.enter("cloudformation:DescribeStackEvents", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if !w.isStack(aws.ToString(in.StackName)) {
		return nil, operationError("cloudformation:DescribeStackEvents", stackMissing(aws.ToString(in.StackName)))
	}
	return &cloudformation.DescribeStackEventsOutput{StackEvents: append([]cfntypes.StackEvent(nil), w.stackEvents...)}, nil
}

// ECS

// isCluster reports whether ref names the cluster (by name or ARN) and it exists.
func (w *fakeAWS) isCluster(ref string) bool {
	return w.cluster != nil && ref != "" &&
		(ref == aws.ToString(w.cluster.ClusterName) || ref == aws.ToString(w.cluster.ClusterArn))
}

func (w *fakeAWS) clusterNotFound(action, ref string) error {
	if w.isCluster(ref) && aws.ToString(w.cluster.Status) == "ACTIVE" {
		return nil
	}
	return operationError(action, apiErr("ClusterNotFoundException", "Cluster not found."))
}

func (w *fakeAWS) DescribeClusters(_ context.Context, in *ecs.DescribeClustersInput, _ ...func(*ecs.Options)) (*ecs.DescribeClustersOutput, error) {
	err := w.enter("ecs:DescribeClusters", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	out := &ecs.DescribeClustersOutput{}
	for _, ref := range in.Clusters {
		if w.isCluster(ref) {
			out.Clusters = append(out.Clusters, *w.cluster)
		} else {
			out.Failures = append(out.Failures, ecstypes.Failure{Arn: aws.String(ref), Reason: aws.String("MISSING")})
		}
	}
	return out, nil
}

func (w *fakeAWS) DescribeTaskDefinition(_ context.Context, in *ecs.DescribeTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	err := w.enter("ecs:DescribeTaskDefinition", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	ref := aws.ToString(in.TaskDefinition)
	if _, after, ok := strings.Cut(ref, ":task-definition/"); ok {
		ref = after
	}
	family, rev, _ := strings.Cut(ref, ":")
	var found *ecstypes.TaskDefinition
	for _, td := range w.taskDefs[family] {
		if rev == "" && td.Status == ecstypes.TaskDefinitionStatusActive || rev == strconv.Itoa(int(td.Revision)) {
			found = td
		}
	}
	if found == nil {
		return nil, operationError("ecs:DescribeTaskDefinition", apiErr("ClientException", "Unable to describe task definition."))
	}
	td := *found
	return &ecs.DescribeTaskDefinitionOutput{TaskDefinition: &td}, nil
}

func (w *fakeAWS) ListTaskDefinitionFamilies(_ context.Context, in *ecs.ListTaskDefinitionFamiliesInput, _ ...func(*ecs.Options)) (*ecs.ListTaskDefinitionFamiliesOutput, error) {
	err := w.enter("ecs:ListTaskDefinitionFamilies", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	var fams []string
	for _, fam := range sortedKeys(w.taskDefs) {
		if !strings.HasPrefix(fam, aws.ToString(in.FamilyPrefix)) {
			continue
		}
		active := false
		for _, td := range w.taskDefs[fam] {
			active = active || td.Status == ecstypes.TaskDefinitionStatusActive
		}
		if in.Status == ecstypes.TaskDefinitionFamilyStatusAll || in.Status == "" && active ||
			in.Status == ecstypes.TaskDefinitionFamilyStatusActive && active ||
			in.Status == ecstypes.TaskDefinitionFamilyStatusInactive && !active {
			fams = append(fams, fam)
		}
	}
	items, next := page(w, fams, in.NextToken)
	return &ecs.ListTaskDefinitionFamiliesOutput{Families: items, NextToken: next}, nil
}

func (w *fakeAWS) ListTaskDefinitions(_ context.Context, in *ecs.ListTaskDefinitionsInput, _ ...func(*ecs.Options)) (*ecs.ListTaskDefinitionsOutput, error) {
	err := w.enter("ecs:ListTaskDefinitions", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	var arns []string
	for _, fam := range sortedKeys(w.taskDefs) {
		if !strings.HasPrefix(fam, aws.ToString(in.FamilyPrefix)) {
			continue
		}
		for _, td := range w.taskDefs[fam] {
			if in.Status == "" || td.Status == in.Status {
				arns = append(arns, aws.ToString(td.TaskDefinitionArn))
			}
		}
	}
	items, next := page(w, arns, in.NextToken)
	return &ecs.ListTaskDefinitionsOutput{TaskDefinitionArns: items, NextToken: next}, nil
}

func (w *fakeAWS) DescribeServices(_ context.Context, in *ecs.DescribeServicesInput, _ ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	err := w.enter("ecs:DescribeServices", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if err := w.clusterNotFound("ecs:DescribeServices", aws.ToString(in.Cluster)); err != nil {
		return nil, err
	}
	if len(in.Services) > 10 {
		return nil, operationError("ecs:DescribeServices", apiErr("InvalidParameterException", "services can have at most 10 items."))
	}
	out := &ecs.DescribeServicesOutput{}
	for _, ref := range in.Services {
		if s := w.serviceByRef(ref); s != nil {
			out.Services = append(out.Services, *s)
		} else {
			out.Failures = append(out.Failures, ecstypes.Failure{Arn: aws.String(w.serviceArn(ref)), Reason: aws.String("MISSING")})
		}
	}
	return out, nil
}

func (w *fakeAWS) serviceByRef(ref string) *ecstypes.Service {
	for name, s := range w.services {
		if ref == name || ref == aws.ToString(s.ServiceArn) {
			return s
		}
	}
	return nil
}

func (w *fakeAWS) ListTasks(_ context.Context, in *ecs.ListTasksInput, _ ...func(*ecs.Options)) (*ecs.ListTasksOutput, error) {
	err := w.enter("ecs:ListTasks", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if err := w.clusterNotFound("ecs:ListTasks", aws.ToString(in.Cluster)); err != nil {
		return nil, err
	}
	out := &ecs.ListTasksOutput{}
	if in.DesiredStatus != ecstypes.DesiredStatusStopped {
		return out, nil // the fake keeps no record of running tasks
	}
	for _, t := range w.stopped[aws.ToString(in.ServiceName)] {
		out.TaskArns = append(out.TaskArns, aws.ToString(t.TaskArn))
	}
	if n := int(aws.ToInt32(in.MaxResults)); n > 0 && len(out.TaskArns) > n {
		out.TaskArns = out.TaskArns[:n]
	}
	return out, nil
}

func (w *fakeAWS) DescribeTasks(_ context.Context, in *ecs.DescribeTasksInput, _ ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error) {
	err := w.enter("ecs:DescribeTasks", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if err := w.clusterNotFound("ecs:DescribeTasks", aws.ToString(in.Cluster)); err != nil {
		return nil, err
	}
	out := &ecs.DescribeTasksOutput{}
	for _, arn := range in.Tasks {
		found := false
		for _, tasks := range w.stopped {
			for _, t := range tasks {
				if aws.ToString(t.TaskArn) == arn {
					out.Tasks = append(out.Tasks, t)
					found = true
				}
			}
		}
		if !found {
			out.Failures = append(out.Failures, ecstypes.Failure{Arn: aws.String(arn), Reason: aws.String("MISSING")})
		}
	}
	return out, nil
}

// Elastic Load Balancing v2

func (w *fakeAWS) DescribeTargetGroups(_ context.Context, in *elb.DescribeTargetGroupsInput, _ ...func(*elb.Options)) (*elb.DescribeTargetGroupsOutput, error) {
	err := w.enter("elasticloadbalancing:DescribeTargetGroups", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	var tgs []elbtypes.TargetGroup
	for _, name := range sortedKeys(w.targetGroups) {
		if len(in.Names) == 0 || contains(in.Names, name) {
			tgs = append(tgs, w.targetGroups[name].tg)
		}
	}
	items, next := page(w, tgs, in.Marker)
	return &elb.DescribeTargetGroupsOutput{TargetGroups: items, NextMarker: next}, nil
}

func (w *fakeAWS) DescribeListeners(_ context.Context, in *elb.DescribeListenersInput, _ ...func(*elb.Options)) (*elb.DescribeListenersOutput, error) {
	err := w.enter("elasticloadbalancing:DescribeListeners", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if w.albArn == "" || aws.ToString(in.LoadBalancerArn) != w.albArn {
		return nil, operationError("elasticloadbalancing:DescribeListeners", apiErr("LoadBalancerNotFound", "One or more load balancers not found"))
	}
	out := &elb.DescribeListenersOutput{}
	for _, l := range w.listeners {
		out.Listeners = append(out.Listeners, l.l)
	}
	return out, nil
}

func (w *fakeAWS) DescribeRules(_ context.Context, in *elb.DescribeRulesInput, _ ...func(*elb.Options)) (*elb.DescribeRulesOutput, error) {
	err := w.enter("elasticloadbalancing:DescribeRules", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	for _, l := range w.listeners {
		if aws.ToString(l.l.ListenerArn) == aws.ToString(in.ListenerArn) {
			return &elb.DescribeRulesOutput{Rules: l.allRules()}, nil
		}
	}
	return nil, operationError("elasticloadbalancing:DescribeRules", apiErr("ListenerNotFound", "One or more listeners not found"))
}

// allRules returns the listener's rules by priority, the default rule last,
// as DescribeRules does.
func (l *fakeListener) allRules() []elbtypes.Rule {
	rules := append([]elbtypes.Rule(nil), l.rules...)
	sort.SliceStable(rules, func(i, j int) bool {
		a, _ := strconv.Atoi(aws.ToString(rules[i].Priority))
		b, _ := strconv.Atoi(aws.ToString(rules[j].Priority))
		return a < b
	})
	return append(rules, elbtypes.Rule{
		RuleArn:  aws.String(strings.Replace(aws.ToString(l.l.ListenerArn), ":listener/", ":listener-rule/", 1) + "/default"),
		Priority: aws.String("default"), IsDefault: aws.Bool(true), Actions: l.l.DefaultActions,
	})
}

func (w *fakeAWS) DescribeTargetHealth(_ context.Context, in *elb.DescribeTargetHealthInput, _ ...func(*elb.Options)) (*elb.DescribeTargetHealthOutput, error) {
	err := w.enter("elasticloadbalancing:DescribeTargetHealth", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	for _, tg := range w.targetGroups {
		if aws.ToString(tg.tg.TargetGroupArn) == aws.ToString(in.TargetGroupArn) {
			return &elb.DescribeTargetHealthOutput{
				TargetHealthDescriptions: append([]elbtypes.TargetHealthDescription(nil), tg.health...)}, nil
		}
	}
	return nil, operationError("elasticloadbalancing:DescribeTargetHealth",
		apiErr("TargetGroupNotFound", "Target groups '"+aws.ToString(in.TargetGroupArn)+"' not found"))
}

// IAM

func (w *fakeAWS) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	err := w.enter("iam:GetRole", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	name := aws.ToString(in.RoleName)
	if !w.roles[name] {
		return nil, operationError("iam:GetRole", apiErr("NoSuchEntity", "The role with name "+name+" cannot be found."))
	}
	created := fakeNow.Add(-400 * 24 * time.Hour)
	return &iam.GetRoleOutput{Role: &iamtypes.Role{RoleName: in.RoleName, Path: aws.String("/aws-service-role/ecs.amazonaws.com/"),
		Arn:    aws.String("arn:aws:iam::" + fakeAccountID + ":role/aws-service-role/ecs.amazonaws.com/" + name),
		RoleId: aws.String("AROAEXAMPLEROLEID"), CreateDate: &created}}, nil
}

// fakeHTTP is the network: the load balancer and ECR's layer storage.
type fakeHTTP struct{ w *fakeAWS }

func (h fakeHTTP) Do(req *http.Request) (*http.Response, error) {
	w := h.w
	w.mu.Lock()
	defer w.mu.Unlock()
	w.gets = append(w.gets, req.Method+" "+req.URL.String())
	if req.Method != http.MethodGet {
		return nil, fmt.Errorf("fake HTTP: unexpected %s", req.Method)
	}
	switch {
	case req.URL.Host == fakeLayerHost:
		return w.serveLayer(req)
	case req.URL.Host == w.albHost && w.albHost != "" && !w.albDNSPending:
		return w.serveALB(req)
	}
	return nil, &url.Error{Op: "Get", URL: req.URL.String(), Err: &net.OpError{Op: "dial", Net: "tcp",
		Err: &net.DNSError{Err: "no such host", Name: req.URL.Hostname(), IsNotFound: true}}}
}

func (w *fakeAWS) serveLayer(req *http.Request) (*http.Response, error) {
	if w.layerStatus != 0 {
		return textResponse(req, w.layerStatus, "", "<Error><Code>AccessDenied</Code></Error>"), nil
	}
	digest := req.URL.Path[strings.LastIndex(req.URL.Path, "/")+1:]
	blob, ok := w.blobs[digest]
	if !ok {
		return textResponse(req, http.StatusNotFound, "", "<Error><Code>NoSuchKey</Code></Error>"), nil
	}
	return textResponse(req, http.StatusOK, "", string(blob)), nil
}

// serveALB answers as the load balancer would: the first rule whose path
// pattern matches (by priority), else the default action, forwarded to a
// target group's healthy targets, which run the sample app's service.
func (w *fakeAWS) serveALB(req *http.Request) (*http.Response, error) {
	path := req.URL.Path
	if r, ok := w.probes[path]; ok {
		if r.err != nil {
			return nil, &url.Error{Op: "Get", URL: req.URL.String(), Err: r.err}
		}
		res := textResponse(req, r.status, r.service, r.body)
		return res, nil
	}
	l := w.listenerOn(80)
	if l == nil {
		return nil, &url.Error{Op: "Get", URL: req.URL.String(),
			Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}}
	}
	actions := l.l.DefaultActions
	for _, r := range l.allRules() {
		if !aws.ToBool(r.IsDefault) && matchesAnyPath(pathPatterns(r), path) {
			actions = r.Actions
			break
		}
	}
	arns := forwardTargets(actions)
	if len(arns) == 0 {
		return textResponse(req, http.StatusServiceUnavailable, "", "no forward action"), nil
	}
	tg := w.targetGroupByArn(arns[0])
	if tg == nil || tg.healthy() == 0 || tg.backend == "" {
		return textResponse(req, http.StatusServiceUnavailable, "",
			"<html><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>"), nil
	}
	handler, err := forum.NewHandler(tg.backend, forumData())
	if err != nil {
		return nil, err
	}
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, req.URL.RequestURI(), nil))
	res := rec.Result()
	res.Request = req
	return res, nil
}

func textResponse(req *http.Request, status int, service, body string) *http.Response {
	h := http.Header{"Content-Type": {"text/plain; charset=utf-8"}}
	if strings.HasPrefix(strings.TrimSpace(body), "[") || strings.HasPrefix(strings.TrimSpace(body), "{") {
		h.Set("Content-Type", "application/json")
	}
	if service != "" {
		h.Set("X-Service", service)
	}
	return &http.Response{StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Header: h, Body: io.NopCloser(strings.NewReader(body)), Request: req, ContentLength: int64(len(body))}
}

// matchesAnyPath applies ALB path patterns: * is any run of characters, ? one.
func matchesAnyPath(patterns []string, path string) bool {
	for _, p := range patterns {
		re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(p)) + "$"
		if regexp.MustCompile(re).MatchString(path) {
			return true
		}
	}
	return false
}

func (tg *fakeTargetGroup) healthy() int {
	n := 0
	for _, h := range tg.health {
		if h.TargetHealth != nil && h.TargetHealth.State == elbtypes.TargetHealthStateEnumHealthy {
			n++
		}
	}
	return n
}

func (w *fakeAWS) targetGroupByArn(arn string) *fakeTargetGroup {
	for _, tg := range w.targetGroups {
		if aws.ToString(tg.tg.TargetGroupArn) == arn {
			return tg
		}
	}
	return nil
}

func (w *fakeAWS) listenerOn(port int32) *fakeListener {
	for _, l := range w.listeners {
		if aws.ToInt32(l.l.Port) == port && l.l.Protocol == elbtypes.ProtocolEnumHttp {
			return l
		}
	}
	return nil
}

var (
	forumOnce sync.Once
	forumD    forum.Data
)

// forumData is the sample app's data set, which every service serves.
func forumData() forum.Data {
	forumOnce.Do(func() {
		d, err := forum.LoadData()
		if err != nil {
			panic(err)
		}
		forumD = d
	})
	return forumD
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// fakeRegions gives the checks a CloudFormation client per other region.
func fakeRegions(byRegion map[string]*fakeAWS) func(string) StackReader {
	return func(region string) StackReader {
		if w, ok := byRegion[region]; ok {
			return w
		}
		w := newFakeAWS()
		w.region = region
		byRegion[region] = w
		return w
	}
}
