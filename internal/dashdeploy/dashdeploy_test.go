package dashdeploy

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"
	"go.yaml.in/yaml/v3"

	"github.com/breakthemonolith/workshop/internal/testpeers"
)

func TestTemplatePassesCfnLint(t *testing.T) {
	lint := testpeers.Command(t, "cfn-lint")
	path := filepath.Join(t.TempDir(), "dashboard.yml")
	if err := os.WriteFile(path, Template(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(lint, path).CombinedOutput(); err != nil {
		t.Fatalf("cfn-lint reports problems: %v\n%s", err, out)
	}
}

// The template runs the dashboard as the design says: Fargate behind the
// load balancer, HTTPS only with a certificate, Postgres on RDS with its
// password from Secrets Manager, nothing reachable but the load balancer.
func TestTemplateShape(t *testing.T) {
	var tmpl struct {
		Parameters map[string]any `yaml:"Parameters"`
		Resources  map[string]struct {
			Type       string         `yaml:"Type"`
			Condition  string         `yaml:"Condition"`
			Properties map[string]any `yaml:"Properties"`
		} `yaml:"Resources"`
		Outputs map[string]any `yaml:"Outputs"`
	}
	if err := yaml.Unmarshal(Template(), &tmpl); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"Image", "ClassName", "DesiredCount", "CertificateArn", "StuckAfter"} {
		if _, ok := tmpl.Parameters[p]; !ok {
			t.Errorf("no parameter %s", p)
		}
	}
	want := map[string]string{"Database": "AWS::RDS::DBInstance", "Service": "AWS::ECS::Service",
		"LoadBalancer": "AWS::ElasticLoadBalancingV2::LoadBalancer", "HTTPSListener": "AWS::ElasticLoadBalancingV2::Listener"}
	for name, typ := range want {
		if tmpl.Resources[name].Type != typ {
			t.Errorf("%s is %q, want %s", name, tmpl.Resources[name].Type, typ)
		}
	}
	if tmpl.Resources["HTTPSListener"].Condition != "HasCertificate" || tmpl.Resources["HTTPListener"].Condition != "NoCertificate" {
		t.Error("HTTPS must need a certificate and plain HTTP must serve only without one")
	}
	db := tmpl.Resources["Database"].Properties
	if db["Engine"] != "postgres" || db["ManageMasterUserPassword"] != true || db["PubliclyAccessible"] != false || db["StorageEncrypted"] != true {
		t.Errorf("database: %v", db)
	}
	if _, ok := db["MasterUserPassword"]; ok {
		t.Error("the template must not carry the database password")
	}
	td, _ := yaml.Marshal(tmpl.Resources["TaskDefinition"].Properties)
	for _, w := range []string{"- --db", "- postgres://", "PGPASSWORD", "MasterUserSecret.SecretArn", "FARGATE"} {
		if !strings.Contains(string(td), w) {
			t.Errorf("the task definition lacks %q:\n%s", w, td)
		}
	}
	if _, ok := tmpl.Outputs["URL"]; !ok {
		t.Error("no URL output")
	}
}

// fakeStacks is a CloudFormation that creates and updates at once.
type fakeStacks struct {
	stacks  map[string]types.Stack
	created []*cloudformation.CreateStackInput
	updated []*cloudformation.UpdateStackInput
	noop    bool
}

func (f *fakeStacks) DescribeStacks(_ context.Context, in *cloudformation.DescribeStacksInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	st, ok := f.stacks[aws.ToString(in.StackName)]
	if !ok {
		return nil, &smithy.GenericAPIError{Code: "ValidationError", Message: "Stack with id " + aws.ToString(in.StackName) + " does not exist"}
	}
	return &cloudformation.DescribeStacksOutput{Stacks: []types.Stack{st}}, nil
}

func (f *fakeStacks) CreateStack(_ context.Context, in *cloudformation.CreateStackInput, _ ...func(*cloudformation.Options)) (*cloudformation.CreateStackOutput, error) {
	f.created = append(f.created, in)
	f.stacks[aws.ToString(in.StackName)] = types.Stack{StackName: in.StackName, StackStatus: types.StackStatusCreateComplete, Tags: in.Tags,
		Outputs: []types.Output{{OutputKey: aws.String("URL"), OutputValue: aws.String("https://dash.example")}}}
	return &cloudformation.CreateStackOutput{}, nil
}

func (f *fakeStacks) UpdateStack(_ context.Context, in *cloudformation.UpdateStackInput, _ ...func(*cloudformation.Options)) (*cloudformation.UpdateStackOutput, error) {
	if f.noop {
		return nil, &smithy.GenericAPIError{Code: "ValidationError", Message: "No updates are to be performed."}
	}
	f.updated = append(f.updated, in)
	st := f.stacks[aws.ToString(in.StackName)]
	st.StackStatus = types.StackStatusUpdateComplete
	f.stacks[aws.ToString(in.StackName)] = st
	return &cloudformation.UpdateStackOutput{}, nil
}

func TestApplyCreatesThenUpdates(t *testing.T) {
	f := &fakeStacks{stacks: map[string]types.Stack{}}
	ctx := context.Background()
	p := Params{Image: "img:1", CertificateArn: "arn:aws:acm:eu-west-1:1:certificate/x", DesiredCount: "3"}
	out, err := Apply(ctx, f, "dash", p)
	if err != nil || !out.Created || out.Outputs["URL"] != "https://dash.example" {
		t.Fatalf("create: %+v %v", out, err)
	}
	in := f.created[0]
	var got []string
	for _, p := range in.Parameters {
		got = append(got, aws.ToString(p.ParameterKey)+"="+aws.ToString(p.ParameterValue))
	}
	if strings.Join(got, ",") != "CertificateArn=arn:aws:acm:eu-west-1:1:certificate/x,DesiredCount=3,Image=img:1" ||
		len(in.Capabilities) != 1 || len(in.Tags) != 1 || aws.ToString(in.Tags[0].Key) != "workshop:managed" {
		t.Errorf("create input: %v caps %v tags %v", got, in.Capabilities, in.Tags)
	}
	out, err = Apply(ctx, f, "dash", Params{Image: "img:2"})
	if err != nil || out.Created || out.Status != "UPDATE_COMPLETE" || len(f.updated) != 1 {
		t.Errorf("update: %+v %v", out, err)
	}
	f.noop = true
	if out, err := Apply(ctx, f, "dash", Params{Image: "img:2"}); err != nil || out.Outputs["URL"] == "" || !out.Unchanged {
		t.Errorf("no change: %+v %v", out, err)
	}
}

func TestApplyLeavesAStackItDidNotCreateAlone(t *testing.T) {
	f := &fakeStacks{stacks: map[string]types.Stack{"dash": {StackName: aws.String("dash"), StackStatus: types.StackStatusCreateComplete,
		Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("workshop:managed")}}}}}
	_, err := Apply(context.Background(), f, "dash", Params{Image: "img:1"})
	if !errors.Is(err, ErrNotOurs) || !strings.Contains(err.Error(), "stack dash exists without the tag workshop:managed=true") {
		t.Fatalf("Apply() error = %v, want ErrNotOurs", err)
	}
	if len(f.updated) != 0 {
		t.Errorf("the stack was updated")
	}
}
