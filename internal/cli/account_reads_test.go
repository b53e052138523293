package cli

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/breakthemonolith/workshop/internal/cloud"
)

// repositoryNames returns the names of the account's ECR repositories, in
// the order the registry lists them, read through the SDK.
func repositoryNames(t *testing.T, c *cloud.Clients) []string {
	t.Helper()
	var names []string
	for p := ecr.NewDescribeRepositoriesPaginator(c.ECR, &ecr.DescribeRepositoriesInput{}); p.HasMorePages(); {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("describe the repositories: %v", err)
		}
		for _, r := range page.Repositories {
			names = append(names, aws.ToString(r.RepositoryName))
		}
	}
	return names
}

// targetGroupNames returns the names of the account's target groups, read
// through the SDK.
func targetGroupNames(t *testing.T, c *cloud.Clients) []string {
	t.Helper()
	var names []string
	for p := elb.NewDescribeTargetGroupsPaginator(c.ELB, &elb.DescribeTargetGroupsInput{}); p.HasMorePages(); {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("describe the target groups: %v", err)
		}
		for _, tg := range page.TargetGroups {
			names = append(names, aws.ToString(tg.TargetGroupName))
		}
	}
	return names
}
