package cloud

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// FirstStackFailure names the real cause of a stack's failed operation, as
// "LogicalId (Type) create failed: reason", or "" when the events hold none.
//
// Events come newest first. Only the last operation counts: it starts at the
// newest stack-level CREATE/UPDATE/DELETE/IMPORT_IN_PROGRESS event. Within it
// the real cause is the oldest resource failure; the cancellations it causes
// are noise.
func FirstStackFailure(events []cfntypes.StackEvent) string {
	last := len(events)
	for i, e := range events {
		if isOperationStart(e) {
			last = i
			break
		}
	}
	for i := last - 1; i >= 0; i-- {
		e := events[i]
		if !strings.HasSuffix(string(e.ResourceStatus), "_FAILED") {
			continue
		}
		reason := aws.ToString(e.ResourceStatusReason)
		if strings.Contains(reason, "Resource creation cancelled") || aws.ToString(e.ResourceType) == "AWS::CloudFormation::Stack" {
			continue
		}
		return fmt.Sprintf("%s (%s) %s: %s", aws.ToString(e.LogicalResourceId), aws.ToString(e.ResourceType),
			strings.ToLower(strings.ReplaceAll(string(e.ResourceStatus), "_", " ")), reason)
	}
	return ""
}

// isOperationStart reports whether e is the stack-level event that starts a
// create, update, delete or import (rollbacks are part of the operation).
func isOperationStart(e cfntypes.StackEvent) bool {
	if aws.ToString(e.ResourceType) != "AWS::CloudFormation::Stack" {
		return false
	}
	switch e.ResourceStatus {
	case cfntypes.ResourceStatusCreateInProgress, cfntypes.ResourceStatusUpdateInProgress,
		cfntypes.ResourceStatusDeleteInProgress, cfntypes.ResourceStatusImportInProgress:
		return true
	}
	return false
}
