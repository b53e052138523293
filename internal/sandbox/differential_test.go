package sandbox_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/testpeers"
)

// peer is one AWS endpoint under comparison, with the setup the probes share.
type peer struct {
	name string
	ecr  *ecr.Client
	ecs  *ecs.Client
	elb  *elb.Client
	cfn  *cloudformation.Client
	out  map[string]string // the setup stack's outputs
}

// outcome is what a probe saw: the error code and message (empty on
// success) and the response fields the workshop reads.
type outcome struct {
	Code, Msg string
	Fields    map[string]string
}

// diffSetup is the network, cluster and load balancer the probes need,
// made the same way on both peers.
const diffSetup = `Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  One:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.0.0/24, AvailabilityZone: us-east-1a}
  Two:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.1.0/24, AvailabilityZone: us-east-1b}
  Cluster:
    Type: AWS::ECS::Cluster
    Properties: {ClusterName: diff}
  ALB:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties: {Name: diff, Subnets: [!Ref One, !Ref Two]}
Outputs:
  VPC: {Value: !Ref VPC}
  ALB: {Value: !Ref ALB}
`

func newPeer(t *testing.T, name, endpoint string) *peer {
	t.Helper()
	clients := cloud.NewClients(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	p := &peer{name: name, ecr: clients.ECR, ecs: clients.ECS, elb: clients.ELB,
		cfn: clients.CFN}
	ctx := context.Background()
	if _, err := p.cfn.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("diff"),
		TemplateBody: aws.String(diffSetup)}); err != nil {
		t.Fatalf("%s: create the setup stack: %v", name, err)
	}
	st, err := p.cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("diff")})
	if err != nil || len(st.Stacks) != 1 || st.Stacks[0].StackStatus != cfntypes.StackStatusCreateComplete {
		t.Fatalf("%s: the setup stack: %v %+v", name, err, st)
	}
	p.out = outputs(st.Stacks[0])
	return p
}

// seen turns a call's error into an outcome.
func seen(err error, fields map[string]string) outcome {
	o := outcome{Fields: fields}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		o.Code, o.Msg = ae.ErrorCode(), ae.ErrorMessage()
	} else if err != nil {
		o.Code, o.Msg = "not an API error", err.Error()
	}
	return o
}

// probe is one call sequence, run on both peers. When the peers differ on
// purpose, differs checks each side's outcome instead of comparing them.
type probe struct {
	name string
	// want is the error code both must answer ("" for success).
	want    string
	run     func(ctx context.Context, p *peer) outcome
	differs func(t *testing.T, moto, sandbox outcome)
}

// TestDifferentialMoto runs the same call sequences against moto and the
// sandbox and compares the error codes and the response fields the
// workshop depends on.
func TestDifferentialMoto(t *testing.T) {
	moto := newPeer(t, "moto", testpeers.Moto(t))
	sb := newPeer(t, "sandbox", start(t, "").Endpoint())
	ctx := context.Background()
	for _, pr := range diffProbes() {
		t.Run(pr.name, func(t *testing.T) {
			m, s := pr.run(ctx, moto), pr.run(ctx, sb)
			if pr.differs != nil {
				pr.differs(t, m, s)
				return
			}
			if m.Code != pr.want || s.Code != pr.want {
				t.Errorf("error code: moto %q (%s), sandbox %q (%s), want %q", m.Code, m.Msg, s.Code, s.Msg, pr.want)
			}
			for k, mv := range m.Fields {
				if sv := s.Fields[k]; sv != mv {
					t.Errorf("%s: moto %q, sandbox %q", k, mv, sv)
				}
			}
		})
	}
}

// diffProbes are the sequences compared.
func diffProbes() []probe {
	return []probe{
		{name: "DescribeRepositories of a missing repository", want: "RepositoryNotFoundException", run: func(ctx context.Context, p *peer) outcome {
			_, err := p.ecr.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{"missing"}})
			return seen(err, nil)
		}},
		{name: "CreateRepository twice", want: "RepositoryAlreadyExistsException", run: func(ctx context.Context, p *peer) outcome {
			out, err := p.ecr.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("twice")})
			if err != nil {
				return seen(err, nil)
			}
			_, err = p.ecr.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("twice")})
			r := out.Repository
			uri := aws.ToString(r.RepositoryUri)
			return seen(err, map[string]string{"registryId": aws.ToString(r.RegistryId), "repositoryName": aws.ToString(r.RepositoryName),
				"repositoryArn": aws.ToString(r.RepositoryArn), "uriPath": uri[strings.Index(uri, "/")+1:],
				"tagMutability": string(r.ImageTagMutability)})
		}},
		{name: "repository URI", run: func(ctx context.Context, p *peer) outcome {
			out, err := p.ecr.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("uri")})
			if err != nil {
				return seen(err, nil)
			}
			return seen(nil, map[string]string{"uri": aws.ToString(out.Repository.RepositoryUri)})
		}, differs: func(t *testing.T, m, s outcome) {
			// Deliberate: moto names AWS's registry host, which no docker push
			// reaches; the sandbox's URI is its own address, so docker push works.
			if m.Fields["uri"] != "123456789012.dkr.ecr.us-east-1.amazonaws.com/uri" ||
				!strings.HasPrefix(s.Fields["uri"], "127.0.0.1:") || !strings.HasSuffix(s.Fields["uri"], "/uri") {
				t.Errorf("repository URIs: moto %q, sandbox %q", m.Fields["uri"], s.Fields["uri"])
			}
		}},
		{name: "DescribeImages of a missing repository", want: "RepositoryNotFoundException", run: func(ctx context.Context, p *peer) outcome {
			_, err := p.ecr.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("missing")})
			return seen(err, nil)
		}},
		{name: "DescribeStacks of a missing stack", want: "ValidationError", run: func(ctx context.Context, p *peer) outcome {
			_, err := p.cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("missing")})
			o := seen(err, nil)
			// aws cloudformation deploy parses this text.
			if !strings.Contains(o.Msg, "Stack with id missing does not exist") {
				o.Code += " without the text 'Stack with id missing does not exist'"
			}
			return o
		}},
		{name: "DescribeTaskDefinition of a missing family", want: "ClientException", run: func(ctx context.Context, p *peer) outcome {
			_, err := p.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("missing")})
			return seen(err, nil)
		}},
		{name: "DescribeServices of a missing service", run: func(ctx context.Context, p *peer) outcome {
			out, err := p.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("diff"), Services: []string{"missing"}})
			if err != nil {
				return seen(err, nil)
			}
			f := map[string]string{"services": itoa(len(out.Services)), "failures": itoa(len(out.Failures))}
			if len(out.Failures) == 1 {
				f["reason"], f["arn"] = aws.ToString(out.Failures[0].Reason), aws.ToString(out.Failures[0].Arn)
			}
			return seen(nil, f)
		}, differs: func(t *testing.T, m, s outcome) {
			// Deliberate: moto names the missing service in the old short ARN
			// form (service/NAME); the sandbox uses the long form with the
			// cluster (service/CLUSTER/NAME), the form of every serviceArn
			// both of them return and of AWS since 2021.
			for k, v := range map[string]string{"services": "0", "failures": "1", "reason": "MISSING"} {
				if m.Fields[k] != v || s.Fields[k] != v || m.Code != "" || s.Code != "" {
					t.Errorf("%s: moto %q, sandbox %q, want %q (errors %q %q)", k, m.Fields[k], s.Fields[k], v, m.Code, s.Code)
				}
			}
			if m.Fields["arn"] != "arn:aws:ecs:us-east-1:123456789012:service/missing" ||
				s.Fields["arn"] != "arn:aws:ecs:us-east-1:123456789012:service/diff/missing" {
				t.Errorf("failure ARNs: moto %q, sandbox %q", m.Fields["arn"], s.Fields["arn"])
			}
		}},
		{name: "DescribeTargetGroups by a missing name", want: "TargetGroupNotFound", run: func(ctx context.Context, p *peer) outcome {
			_, err := p.elb.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{Names: []string{"missing"}})
			return seen(err, nil)
		}},
		{name: "DeleteService scaled above 0 without force", want: "InvalidParameterException", run: deleteScaledService},
		{name: "CreateRule with a used priority", want: "PriorityInUse", run: createRuleTwice},
	}
}

// deleteScaledService registers a task definition, creates a service of
// one task and deletes it without force.
func deleteScaledService(ctx context.Context, p *peer) outcome {
	td, err := p.ecs.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("diff"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("app:v1"), Memory: aws.Int32(128)}}})
	if err != nil {
		return seen(err, nil)
	}
	f := map[string]string{"family": aws.ToString(td.TaskDefinition.Family), "revision": itoa(int(td.TaskDefinition.Revision)),
		"taskDefinitionArn": aws.ToString(td.TaskDefinition.TaskDefinitionArn)}
	svc, err := p.ecs.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String("diff"), ServiceName: aws.String("scaled"),
		TaskDefinition: aws.String("diff"), DesiredCount: aws.Int32(1)})
	if err != nil {
		return seen(err, f)
	}
	f["serviceArn"], f["status"] = aws.ToString(svc.Service.ServiceArn), aws.ToString(svc.Service.Status)
	f["desiredCount"], f["serviceTaskDefinition"] = itoa(int(svc.Service.DesiredCount)), aws.ToString(svc.Service.TaskDefinition)
	_, err = p.ecs.DeleteService(ctx, &ecs.DeleteServiceInput{Cluster: aws.String("diff"), Service: aws.String("scaled")})
	return seen(err, f)
}

// createRuleTwice creates a target group, a listener that forwards to it
// and two rules with the same priority.
func createRuleTwice(ctx context.Context, p *peer) outcome {
	tg, err := p.elb.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String("diff"), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(3000), VpcId: aws.String(p.out["VPC"]), TargetType: elbtypes.TargetTypeEnumIp})
	if err != nil {
		return seen(err, nil)
	}
	tgArn := tg.TargetGroups[0].TargetGroupArn
	forward := []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: tgArn}}
	ls, err := p.elb.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: aws.String(p.out["ALB"]),
		Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), DefaultActions: forward})
	if err != nil {
		return seen(err, nil)
	}
	rule := &elb.CreateRuleInput{ListenerArn: ls.Listeners[0].ListenerArn, Priority: aws.Int32(10), Actions: forward,
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/api*"}}}}
	r, err := p.elb.CreateRule(ctx, rule)
	if err != nil {
		return seen(err, nil)
	}
	f := map[string]string{"priority": aws.ToString(r.Rules[0].Priority), "tgName": aws.ToString(tg.TargetGroups[0].TargetGroupName),
		"listenerPort": itoa(int(aws.ToInt32(ls.Listeners[0].Port)))}
	_, err = p.elb.CreateRule(ctx, rule)
	return seen(err, f)
}

func itoa(n int) string { return strconv.Itoa(n) }
