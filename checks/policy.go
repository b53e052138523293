package checks

import (
	"encoding/json"
	"sort"

	"github.com/breakthemonolith/workshop/internal/inventory"
	"github.com/breakthemonolith/workshop/internal/pricing"
)

// Actions lists every AWS API action the checks may call, as IAM actions.
// A test runs every check against fakes that record their calls and keeps
// this list and the code in step.
func Actions() []string {
	return []string{
		"sts:GetCallerIdentity",
		"ecr:DescribeRepositories",
		"ecr:DescribeImages",
		"ecr:BatchGetImage",
		"ecr:GetDownloadUrlForLayer",
		"cloudformation:DescribeStacks",
		"cloudformation:DescribeStackEvents",
		"ecs:DescribeClusters",
		"ecs:DescribeTaskDefinition",
		"ecs:ListTaskDefinitionFamilies",
		"ecs:ListTaskDefinitions",
		"ecs:DescribeServices",
		"ecs:ListTasks",
		"ecs:DescribeTasks",
		"elasticloadbalancing:DescribeTargetGroups",
		"elasticloadbalancing:DescribeListeners",
		"elasticloadbalancing:DescribeRules",
		"elasticloadbalancing:DescribeTargetHealth",
		"iam:GetRole",
		"ec2:DescribeSecurityGroups",
		"wafv2:GetWebACLForResource",
		"wafv2:ListWebACLs",
		"secretsmanager:ListSecrets",
		// Ownership, for the clean-up checks (ownership.go).
		"cloudformation:GetTemplate",
		"ecr:ListTagsForResource",
		"elasticloadbalancing:DescribeTags",
		"wafv2:ListTagsForResource",
		"secretsmanager:DescribeSecret",
	}
}

// noPermissionNeeded are actions every authenticated caller may call.
func noPermissionNeeded(action string) bool {
	return action == "sts:GetCallerIdentity"
}

// Policy returns the minimal read-only IAM policy the checks and 'workshop
// cost' need (Actions, inventory.CostActions, and the Price List API's
// read that 'cost --refresh-prices' makes), as indented JSON.
func Policy() ([]byte, error) {
	var actions []string
	seen := map[string]bool{}
	for _, a := range append(append(Actions(), inventory.CostActions()...), pricing.RefreshAction) {
		if !noPermissionNeeded(a) && !seen[a] {
			seen[a] = true
			actions = append(actions, a)
		}
	}
	sort.Strings(actions)
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Sid":      "WorkshopChecksReadOnly",
			"Effect":   "Allow",
			"Action":   actions,
			"Resource": "*",
		}},
	}
	return json.MarshalIndent(doc, "", "  ")
}
