package sandbox_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/breakthemonolith/workshop/internal/sandbox"
)

// cdkFixture is the template `cdk synth` made of testdata/cdk/app.js, a
// default CDK app with one ApplicationLoadBalancedFargateService.
const cdkFixture = "testdata/cdk/FargateServiceStack.template.json"

// cdkDeploy does what `cdk deploy` does with a synthesised template: a
// change set of the template body with CAPABILITY_IAM, executed.
func cdkDeploy(t *testing.T, c *cloudformation.Client, stack, body string) error {
	t.Helper()
	ctx := context.Background()
	cs, err := c.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String(stack), ChangeSetName: aws.String("cdk-deploy-change-set"),
		ChangeSetType: cfntypes.ChangeSetTypeCreate, TemplateBody: aws.String(body), Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam}})
	if err != nil {
		return err
	}
	until(t, "the change set is created", func() bool {
		d, err := c.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{StackName: aws.String(stack), ChangeSetName: cs.Id})
		if err != nil {
			t.Fatal(err)
		}
		if d.Status == cfntypes.ChangeSetStatusFailed {
			t.Fatalf("the change set failed: %s", aws.ToString(d.StatusReason))
		}
		return d.Status == cfntypes.ChangeSetStatusCreateComplete
	})
	_, err = c.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{StackName: aws.String(stack), ChangeSetName: cs.Id})
	return err
}

// bootstrap puts what `cdk bootstrap` leaves that a synthesised template
// reads: the bootstrap version in SSM.
func bootstrap(t *testing.T, s *sandbox.Server, version string) {
	t.Helper()
	_, err := ssm.NewFromConfig(sdkConfig(s, "us-east-1")).PutParameter(context.Background(), &ssm.PutParameterInput{
		Name: aws.String("/cdk-bootstrap/hnb659fds/version"), Value: aws.String(version), Type: ssmtypes.ParameterTypeString, Overwrite: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
}

// A template `cdk synth` made of a default Fargate service app deploys
// unmodified as `cdk deploy` deploys it (issue 18): the service reaches its
// desired count, its target is healthy, the load balancer answers, and
// deleting the stack stops its task.
func TestCDKSynthesisedFargateServiceDeploys(t *testing.T) {
	body, err := os.ReadFile(cdkFixture)
	if err != nil {
		t.Fatal(err)
	}
	fake := newFakeEngine()
	s := startWith(t, sandbox.Options{DataDir: t.TempDir(), Containers: fake})
	c, ctx := cfnClient(s), context.Background()
	// An environment bootstrapped by an old CDK fails the template's
	// CheckBootstrapVersion rule: no stack, no change set.
	bootstrap(t, s, "5")
	err = cdkDeploy(t, c, "FargateServiceStack", string(body))
	wantAPIError(t, err, "ValidationError", "CDK bootstrap stack version 6 required. Please run 'cdk bootstrap' with a recent version of the CDK CLI.")
	if _, err := c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("FargateServiceStack")}); err == nil {
		t.Fatal("a stack whose rules failed exists")
	}
	bootstrap(t, s, "30")
	if err := cdkDeploy(t, c, "FargateServiceStack", string(body)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 60*time.Second, "the stack is created", func() bool {
		st := describeStack(t, c, "FargateServiceStack")
		if strings.HasPrefix(string(st.StackStatus), "ROLLBACK") {
			ev, _ := c.DescribeStackEvents(context.Background(), &cloudformation.DescribeStackEventsInput{StackName: st.StackId})
			for _, e := range ev.StackEvents {
				if e.ResourceStatus == cfntypes.ResourceStatusCreateFailed {
					t.Errorf("%s %s: %s", aws.ToString(e.LogicalResourceId), aws.ToString(e.ResourceType), aws.ToString(e.ResourceStatusReason))
				}
			}
			t.Fatalf("the stack rolled back: %s", aws.ToString(st.StackStatusReason))
		}
		return st.StackStatus == cfntypes.StackStatusCreateComplete
	})
	out := outputs(describeStack(t, c, "FargateServiceStack"))
	clients := sdkClients(s, "us-east-1")
	res, err := c.DescribeStackResource(ctx, &cloudformation.DescribeStackResourceInput{StackName: aws.String("FargateServiceStack"), LogicalResourceId: aws.String("Service9571FDD8")})
	if err != nil {
		t.Fatal(err)
	}
	cluster, err := c.DescribeStackResource(ctx, &cloudformation.DescribeStackResourceInput{StackName: aws.String("FargateServiceStack"), LogicalResourceId: aws.String("EcsDefaultClusterMnL3mNNYN926A5246")})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 60*time.Second, "the service runs its desired count", func() bool {
		svc, err := clients.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: cluster.StackResourceDetail.PhysicalResourceId,
			Services: []string{aws.ToString(res.StackResourceDetail.PhysicalResourceId)}})
		if err != nil || len(svc.Services) != 1 {
			t.Fatalf("DescribeServices: %v %+v", err, svc)
		}
		return svc.Services[0].DesiredCount == 1 && svc.Services[0].RunningCount == 1
	})
	if pulled := fake.pulled(); len(pulled) == 0 || !strings.Contains(pulled[0], "amazon/amazon-ecs-sample") {
		t.Errorf("the engine pulled %v, want the app's image", pulled)
	}
	tg, err := c.DescribeStackResource(ctx, &cloudformation.DescribeStackResourceInput{StackName: aws.String("FargateServiceStack"), LogicalResourceId: aws.String("ServiceLBPublicListenerECSGroup0CC8688C")})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 60*time.Second, "the task's target is healthy", func() bool {
		th, err := clients.ELB.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: tg.StackResourceDetail.PhysicalResourceId})
		if err != nil {
			t.Fatal(err)
		}
		return len(th.TargetHealthDescriptions) == 1 && th.TargetHealthDescriptions[0].TargetHealth.State == elbtypes.TargetHealthStateEnumHealthy
	})
	url := out["ServiceServiceURL250C0FB6"]
	get, err := http.Get(url + "/")
	if err != nil {
		t.Fatalf("GET %s/: %v", url, err)
	}
	answer, _ := io.ReadAll(get.Body)
	get.Body.Close()
	if get.StatusCode != http.StatusOK || !strings.Contains(string(answer), "web /") {
		t.Fatalf("GET %s/: %d %q", url, get.StatusCode, answer)
	}

	logs, err := c.DescribeStackResource(ctx, &cloudformation.DescribeStackResourceInput{StackName: aws.String("FargateServiceStack"), LogicalResourceId: aws.String("ServiceTaskDefwebLogGroup2A898F61")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String("FargateServiceStack")}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 60*time.Second, "the stack is deleted", func() bool {
		st := describeStack(t, c, aws.ToString(res.StackResourceDetail.StackId))
		if st.StackStatus == cfntypes.StackStatusDeleteFailed {
			t.Fatalf("the stack's deletion failed: %s", aws.ToString(st.StackStatusReason))
		}
		return st.StackStatus == cfntypes.StackStatusDeleteComplete
	})
	until(t, "the stack's task's container is stopped", func() bool { return fake.running() == 0 })
	// The log group's DeletionPolicy is Retain: it outlives the stack.
	groups, err := clients.Logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: logs.StackResourceDetail.PhysicalResourceId})
	if err != nil || len(groups.LogGroups) != 1 {
		t.Errorf("the retained log group %s after the stack's deletion: %v %+v", aws.ToString(logs.StackResourceDetail.PhysicalResourceId), err, groups)
	}
}
