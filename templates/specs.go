package templates

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// RuleSpec is what a module 4 listener rule does: send requests whose path
// matches PathPattern to the target group of Service, at Priority.
type RuleSpec struct {
	Service     string
	Priority    int
	PathPattern string
}

// ruleFile is the part of a rule template that a RuleSpec is read from.
type ruleFile struct {
	Priority   int
	Conditions []struct {
		Field             string
		PathPatternConfig struct{ Values []string }
	}
	Actions []struct {
		Type           string
		TargetGroupArn string
	}
}

// Rules reads the module 4 listener rules, in priority order.
func Rules() ([]RuleSpec, error) {
	paths, err := fs.Glob(files, "rules/*.json")
	if err != nil {
		return nil, err
	}
	specs := make([]RuleSpec, 0, len(paths))
	for _, p := range paths {
		raw, err := files.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var rf ruleFile
		if err := json.Unmarshal(raw, &rf); err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		if len(rf.Conditions) != 1 || rf.Conditions[0].Field != "path-pattern" ||
			len(rf.Conditions[0].PathPatternConfig.Values) != 1 {
			return nil, fmt.Errorf("read %s: expected exactly one path-pattern condition with one value", p)
		}
		if len(rf.Actions) != 1 || rf.Actions[0].Type != "forward" {
			return nil, fmt.Errorf("read %s: expected exactly one forward action", p)
		}
		specs = append(specs, RuleSpec{
			Service:     strings.TrimSuffix(strings.TrimPrefix(p, "rules/"), ".json"),
			Priority:    rf.Priority,
			PathPattern: rf.Conditions[0].PathPatternConfig.Values[0],
		})
	}
	sort.Slice(specs, func(i, j int) bool { return specs[i].Priority < specs[j].Priority })
	return specs, nil
}

// TaskDefinitionValues are the account-specific values of a task definition.
type TaskDefinitionValues struct {
	// Image is the repository URI and tag (or digest) to run.
	Image string
	// ExecutionRoleArn is the stack's TaskExecutionRoleArn output.
	ExecutionRoleArn string
	// LogGroup is the stack's LogGroup output.
	LogGroup string
	// Region is the AWS region, for the awslogs driver.
	Region string
}

// TaskDefinition renders service's task definition as the JSON that
// `aws ecs register-task-definition --cli-input-json` takes.
func TaskDefinition(service string, v TaskDefinitionValues) ([]byte, error) {
	return Render(TaskDefinitionPath(service), map[string]string{
		"IMAGE":              v.Image,
		"EXECUTION_ROLE_ARN": v.ExecutionRoleArn,
		"LOG_GROUP":          v.LogGroup,
		"REGION":             v.Region,
	})
}

// TargetGroup renders the target group called name in vpcID as the JSON that
// `aws elbv2 create-target-group --cli-input-json` takes.
func TargetGroup(name, vpcID string) ([]byte, error) {
	return Render(TargetGroupPath, map[string]string{"NAME": name, "VPC_ID": vpcID})
}

// Rule renders service's module 4 listener rule as the JSON that
// `aws elbv2 create-rule --cli-input-json` takes.
func Rule(service, listenerArn, targetGroupArn string) ([]byte, error) {
	return Render(RulePath(service), map[string]string{
		"LISTENER_ARN":     listenerArn,
		"TARGET_GROUP_ARN": targetGroupArn,
	})
}
