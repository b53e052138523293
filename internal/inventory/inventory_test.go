package inventory

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/smithy-go"

	"github.com/breakthemonolith/workshop/templates"
)

// fakeAWS answers the calls these tests make and counts them.
type fakeAWS struct {
	calls    map[string]int
	stackErr error
	template string
}

func (f *fakeAWS) count(op string) {
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[op]++
}

func (f *fakeAWS) DescribeStacks(_ context.Context, in *cloudformation.DescribeStacksInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	f.count("DescribeStacks")
	if f.stackErr != nil {
		return nil, f.stackErr
	}
	return &cloudformation.DescribeStacksOutput{Stacks: []cfntypes.Stack{
		{StackName: in.StackName, StackId: aws.String("arn:stack/" + aws.ToString(in.StackName)), StackStatus: cfntypes.StackStatusCreateComplete,
			Outputs: []cfntypes.Output{{OutputKey: aws.String("ALBArn"), OutputValue: aws.String("arn:alb")}}}}}, nil
}

func (f *fakeAWS) GetTemplate(context.Context, *cloudformation.GetTemplateInput, ...func(*cloudformation.Options)) (*cloudformation.GetTemplateOutput, error) {
	f.count("GetTemplate")
	return &cloudformation.GetTemplateOutput{TemplateBody: aws.String(f.template)}, nil
}

func (f *fakeAWS) DescribeRepositories(_ context.Context, in *ecr.DescribeRepositoriesInput, _ ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error) {
	f.count("DescribeRepositories")
	out := &ecr.DescribeRepositoriesOutput{}
	for _, name := range []string{"users", "api"} {
		if len(in.RepositoryNames) == 0 || in.RepositoryNames[0] == name {
			out.Repositories = append(out.Repositories, ecrtypes.Repository{RepositoryName: aws.String(name), RepositoryArn: aws.String("arn:repo/" + name)})
		}
	}
	return out, nil
}

func (f *fakeAWS) ListTagsForResource(_ context.Context, in *ecr.ListTagsForResourceInput, _ ...func(*ecr.Options)) (*ecr.ListTagsForResourceOutput, error) {
	f.count("ListTagsForResource")
	if aws.ToString(in.ResourceArn) != "arn:repo/api" {
		return &ecr.ListTagsForResourceOutput{}, nil
	}
	return &ecr.ListTagsForResourceOutput{Tags: []ecrtypes.Tag{{Key: aws.String("workshop:managed"), Value: aws.String("true")}}}, nil
}

func TestReaderReadsEachPieceOnce(t *testing.T) {
	f := &fakeAWS{}
	r := New(context.Background(), Clients{ECR: f, CFN: f}, "Demo", nil)
	for range 3 {
		st, err := r.Stack()
		if err != nil || Output(st, "ALBArn") != "arn:alb" || Outputs(st)["ALBArn"] != "arn:alb" {
			t.Fatalf("stack %v, %v", st, err)
		}
		repos, err := r.Repositories()
		if err != nil || len(repos) != 2 || aws.ToString(repos["api"].RepositoryArn) != "arn:repo/api" {
			t.Fatalf("repositories %v, %v", repos, err)
		}
	}
	if list, _ := r.RepositoryList(); aws.ToString(list[0].RepositoryName) != "users" {
		t.Error("the list keeps ECR's order")
	}
	if f.calls["DescribeStacks"] != 1 || f.calls["DescribeRepositories"] != 1 {
		t.Errorf("calls %v, want one each", f.calls)
	}
	if Output(nil, "ALBArn") != "" {
		t.Error("a missing stack has no outputs")
	}
}

func TestAMissingStackIsNilAndAFailureNamesTheCall(t *testing.T) {
	missing := &smithy.GenericAPIError{Code: "ValidationError", Message: "Stack with id Demo does not exist"}
	if st, err := New(context.Background(), Clients{CFN: &fakeAWS{stackErr: missing}}, "Demo", nil).Stack(); st != nil || err != nil {
		t.Errorf("missing stack: %v, %v", st, err)
	}
	boom := &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"}
	_, err := New(context.Background(), Clients{CFN: &fakeAWS{stackErr: boom}}, "Demo", nil).Stack()
	var e *Error
	if !errors.As(err, &e) || err.Error() != "cloudformation:DescribeStacks: Throttling: Rate exceeded" || Cause(err) != boom {
		t.Errorf("err %v, cause %v", err, Cause(err))
	}
	if Wrap("x", nil) != nil || Cause(boom) != boom {
		t.Error("Wrap(nil) or Cause of a bare error")
	}
}

func TestOwnershipByTagOrTemplate(t *testing.T) {
	ctx := context.Background()
	f := &fakeAWS{template: "Description: " + templates.StackMarker}
	o := Ownership{CFN: f, ECR: f}
	for id, want := range map[string]bool{"api": true, "arn:repo/api": true, "users": false} {
		if got, err := o.Managed(ctx, KindRepository, id); err != nil || got != want {
			t.Errorf("repository %s: %v, %v; want %v", id, got, err, want)
		}
	}
	if f.calls["DescribeRepositories"] != 2 {
		t.Errorf("a repository ARN needs no look-up: %v", f.calls)
	}
	st := &cfntypes.Stack{StackName: aws.String("Demo"), StackId: aws.String("arn:stack/Demo")}
	if ok, err := StackOwned(ctx, f, st); !ok || err != nil {
		t.Errorf("a stack from the workshop's template: %v, %v", ok, err)
	}
	f.template = "Resources: {}"
	if ok, _ := StackOwned(ctx, f, st); ok {
		t.Error("another template is not the workshop's")
	}
	if ok, _ := o.Managed(ctx, KindStack, "arn:stack/Demo"); ok {
		t.Error("an untagged stack from another template is not the workshop's")
	}
	if _, err := o.Tags(ctx, "bucket", "b"); err == nil {
		t.Error("an unknown kind")
	}
}
