package sandbox_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// TestWorkshopStackLifecycle creates the workshop's stack, reads it back
// with every read call, updates it, and deletes it.
func TestWorkshopStackLifecycle(t *testing.T) {
	s := start(t, "")
	c, ctx := cfnClient(s), context.Background()
	body := workshopTemplate(t)
	id := createStack(t, c, "BreakTheMonolith-Demo", body)
	if err := cloudformation.NewStackCreateCompleteWaiter(c).Wait(ctx,
		&cloudformation.DescribeStacksInput{StackName: aws.String("BreakTheMonolith-Demo")}, 5*time.Second); err != nil {
		t.Fatalf("waiter: %v", err)
	}
	st := describeStack(t, c, "BreakTheMonolith-Demo")
	if st.StackStatus != cfntypes.StackStatusCreateComplete || aws.ToString(st.StackId) != id {
		t.Fatalf("stack %s %s %s", aws.ToString(st.StackId), st.StackStatus, aws.ToString(st.StackStatusReason))
	}
	outs := outputs(st)
	if len(outs) != 9 {
		t.Errorf("outputs %v, want 9", outs)
	}
	subnets := strings.Split(outs["PublicSubnets"], ",")
	if !strings.HasPrefix(outs["Url"], "http://") || len(subnets) != 2 || !strings.HasPrefix(subnets[0], "subnet-") ||
		!strings.HasPrefix(subnets[1], "subnet-") ||
		!strings.HasPrefix(outs["TaskExecutionRoleArn"], "arn:aws:iam::123456789012:role/") ||
		outs["LogGroup"] != "/ecs/BreakTheMonolith-Demo" {
		t.Errorf("outputs %v", outs)
	}

	evs := events(t, c, "BreakTheMonolith-Demo")
	first, last := evs[0], evs[len(evs)-1]
	if aws.ToString(first.ResourceType) != "AWS::CloudFormation::Stack" || first.ResourceStatus != cfntypes.ResourceStatusCreateComplete ||
		last.ResourceStatus != cfntypes.ResourceStatusCreateInProgress || aws.ToString(last.ResourceStatusReason) != "User Initiated" {
		t.Errorf("events start %v %s, end %v %s", first.ResourceStatus, aws.ToString(first.ResourceType), last.ResourceStatus, aws.ToString(last.ResourceStatusReason))
	}
	for i := 1; i < len(evs); i++ {
		if !evs[i].Timestamp.Before(*evs[i-1].Timestamp) {
			t.Fatalf("events not newest first at %d", i)
		}
	}
	if len(evs) != 2+3*15 {
		t.Errorf("%d events, want %d", len(evs), 2+3*15)
	}

	res, err := c.ListStackResources(ctx, &cloudformation.ListStackResourcesInput{StackName: aws.String(id)})
	if err != nil || len(res.StackResourceSummaries) != 15 {
		t.Fatalf("ListStackResources: %v %d", err, len(res.StackResourceSummaries))
	}
	dr, err := c.DescribeStackResources(ctx, &cloudformation.DescribeStackResourcesInput{StackName: aws.String("BreakTheMonolith-Demo"),
		LogicalResourceId: aws.String("VPC")})
	if err != nil || len(dr.StackResources) != 1 || aws.ToString(dr.StackResources[0].PhysicalResourceId) != outs["VPCId"] {
		t.Fatalf("DescribeStackResources: %v %+v", err, dr)
	}
	tpl, err := c.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String("BreakTheMonolith-Demo")})
	if err != nil || aws.ToString(tpl.TemplateBody) != body {
		t.Fatalf("GetTemplate: %v", err)
	}
	if code, vpcs := describeVpcs(t, s, outs["VPCId"]); code != 200 || !strings.Contains(vpcs, "<cidrBlock>10.0.0.0/16</cidrBlock>") {
		t.Fatalf("DescribeVpcs: %d %s", code, vpcs)
	}

	_, err = c.UpdateStack(ctx, &cloudformation.UpdateStackInput{StackName: aws.String("BreakTheMonolith-Demo"),
		TemplateBody: aws.String(body), Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam}})
	wantAPIError(t, err, "ValidationError", "No updates are to be performed.")

	changed := strings.Replace(body, "RetentionInDays: 14", "RetentionInDays: 7", 1)
	if _, err := c.UpdateStack(ctx, &cloudformation.UpdateStackInput{StackName: aws.String("BreakTheMonolith-Demo"),
		TemplateBody: aws.String(changed), Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam}}); err != nil {
		t.Fatalf("UpdateStack: %v", err)
	}
	st = describeStack(t, c, "BreakTheMonolith-Demo")
	if st.StackStatus != cfntypes.StackStatusUpdateComplete || outputs(st)["VPCId"] != outs["VPCId"] || st.LastUpdatedTime == nil {
		t.Fatalf("after update: %s %s %v", st.StackStatus, aws.ToString(st.StackStatusReason), outputs(st))
	}
	if err := cloudformation.NewStackUpdateCompleteWaiter(c).Wait(ctx,
		&cloudformation.DescribeStacksInput{StackName: aws.String(id)}, 5*time.Second); err != nil {
		t.Fatalf("update waiter: %v", err)
	}

	if _, err := c.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String("BreakTheMonolith-Demo")}); err != nil {
		t.Fatal(err)
	}
	if err := cloudformation.NewStackDeleteCompleteWaiter(c).Wait(ctx,
		&cloudformation.DescribeStacksInput{StackName: aws.String(id)}, 5*time.Second); err != nil {
		t.Fatalf("delete waiter: %v", err)
	}
	_, err = c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("BreakTheMonolith-Demo")})
	wantAPIError(t, err, "ValidationError", "Stack with id BreakTheMonolith-Demo does not exist")
	st = describeStack(t, c, id)
	if st.StackStatus != cfntypes.StackStatusDeleteComplete || st.DeletionTime == nil {
		t.Fatalf("by ARN after delete: %s %v", st.StackStatus, st.DeletionTime)
	}
	if code, vpcs := describeVpcs(t, s, outs["VPCId"]); code != 400 || !strings.Contains(vpcs, "InvalidVpcID.NotFound") {
		t.Errorf("DescribeVpcs after delete: %d %s", code, vpcs)
	}
	if _, err := c.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String("never-made")}); err != nil {
		t.Errorf("DeleteStack of an unknown stack: %v", err)
	}
	// The name is free again.
	createStack(t, c, "BreakTheMonolith-Demo", body)
}

// badSubnet is a template whose second subnet lies outside its VPC, with
// an independent sibling created before it.
const badSubnet = `Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  Gateway:
    Type: AWS::EC2::InternetGateway
  Good:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.0.0/24}
  Outside:
    Type: AWS::EC2::Subnet
    DependsOn: Good
    Properties: {VpcId: !Ref VPC, CidrBlock: 10.9.0.0/24}
  Later:
    Type: AWS::Logs::LogGroup
    DependsOn: Outside
`

// TestFailedCreateRollsBack checks the rollback of a stack whose resource
// fails, its events, and that it cannot be updated afterwards.
func TestFailedCreateRollsBack(t *testing.T) {
	s := start(t, "")
	c, ctx := cfnClient(s), context.Background()
	id := createStack(t, c, "bad", badSubnet)
	st := describeStack(t, c, "bad")
	if st.StackStatus != cfntypes.StackStatusRollbackComplete {
		t.Fatalf("status %s", st.StackStatus)
	}
	byStatus := map[string]string{}
	for _, e := range events(t, c, "bad") {
		byStatus[aws.ToString(e.LogicalResourceId)+" "+string(e.ResourceStatus)] = aws.ToString(e.ResourceStatusReason)
	}
	if r := byStatus["Outside CREATE_FAILED"]; !strings.Contains(r, "The CIDR '10.9.0.0/24' is invalid.") {
		t.Errorf("Outside CREATE_FAILED reason %q", r)
	}
	if r := byStatus["bad ROLLBACK_IN_PROGRESS"]; r != "The following resource(s) failed to create: [Outside]. Rollback requested by user." {
		t.Errorf("rollback reason %q", r)
	}
	for _, k := range []string{"VPC DELETE_COMPLETE", "Good DELETE_COMPLETE", "Gateway DELETE_COMPLETE", "bad ROLLBACK_COMPLETE"} {
		if _, ok := byStatus[k]; !ok {
			t.Errorf("no event %s in %v", k, byStatus)
		}
	}
	for k := range byStatus {
		if strings.HasPrefix(k, "Later ") {
			t.Errorf("a resource not yet created has event %s", k)
		}
	}
	if code, vpcs := describeVpcs(t, s); code != 200 || strings.Contains(vpcs, "<vpcId>") {
		t.Errorf("after rollback: %d %s", code, vpcs)
	}
	_, err := c.UpdateStack(ctx, &cloudformation.UpdateStackInput{StackName: aws.String("bad"), TemplateBody: aws.String(badSubnet + "#\n")})
	wantAPIError(t, err, "ValidationError", "Stack:"+id+" is in ROLLBACK_COMPLETE state and can not be updated.")

	_, err = c.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("gone"), TemplateBody: aws.String(badSubnet),
		OnFailure: cfntypes.OnFailureDelete})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("gone")})
	wantAPIError(t, err, "ValidationError", "Stack with id gone does not exist")
}

// TestCreateStackRejects checks the errors CreateStack answers before it
// makes anything.
func TestCreateStackRejects(t *testing.T) {
	s := start(t, "")
	c, ctx := cfnClient(s), context.Background()
	create := func(name, body string, caps ...cfntypes.Capability) error {
		_, err := c.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String(name), TemplateBody: aws.String(body), Capabilities: caps})
		return err
	}
	wantAPIError(t, create("s", "Resources:\n  T:\n    Type: AWS::SNS::Topic\n"), "ValidationError",
		"Template format error: the workshop's sandbox does not emulate the resource types [AWS::SNS::Topic] (they may be valid on AWS); it emulates AWS::AutoScaling::AutoScalingGroup, AWS::AutoScaling::LaunchConfiguration, AWS::CDK::Metadata, ")
	wantAPIError(t, create("s", workshopTemplate(t)), "InsufficientCapabilitiesException", "Requires capabilities : [CAPABILITY_IAM]")
	named := "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: x\n      AssumeRolePolicyDocument: {}\n"
	wantAPIError(t, create("s", named, cfntypes.CapabilityCapabilityIam), "InsufficientCapabilitiesException", "Requires capabilities : [CAPABILITY_NAMED_IAM]")
	wantAPIError(t, create("s", "Parameters:\n  P: {Type: String}\nResources:\n  L: {Type: AWS::Logs::LogGroup}\n"), "ValidationError",
		"Parameters: [P] must have values")
	wantAPIError(t, create("bad_name", "Resources:\n  L: {Type: AWS::Logs::LogGroup}\n"), "ValidationError", "failed to satisfy constraint")
	if err := create("s", "Resources:\n  L: {Type: AWS::Logs::LogGroup}\n"); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, create("s", "Resources:\n  L: {Type: AWS::Logs::LogGroup}\n"), "AlreadyExistsException", "Stack [s] already exists")
	_, err := c.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String("nope")})
	wantAPIError(t, err, "ValidationError", "Stack [nope] does not exist")
	_, err = c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("nope")})
	wantAPIError(t, err, "ValidationError", "Stack with id nope does not exist")
	all, err := c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{})
	if err != nil || len(all.Stacks) != 1 {
		t.Errorf("DescribeStacks without a name: %v %+v", err, all)
	}

	v, err := c.ValidateTemplate(ctx, &cloudformation.ValidateTemplateInput{TemplateBody: aws.String(workshopTemplate(t))})
	if err != nil || len(v.Capabilities) != 1 || v.Capabilities[0] != cfntypes.CapabilityCapabilityIam ||
		!strings.Contains(aws.ToString(v.Description), "module 2") || !strings.Contains(aws.ToString(v.CapabilitiesReason), "AWS::IAM::Role") {
		t.Errorf("ValidateTemplate: %v %+v", err, v)
	}
	sum, err := c.GetTemplateSummary(ctx, &cloudformation.GetTemplateSummaryInput{
		TemplateBody: aws.String("AWSTemplateFormatVersion: 2010-09-09\nParameters:\n  P: {Type: String, Default: a, AllowedValues: [a, b]}\nResources:\n  L: {Type: AWS::Logs::LogGroup}\n")})
	if err != nil || aws.ToString(sum.Version) != "2010-09-09" || len(sum.Parameters) != 1 || aws.ToString(sum.Parameters[0].DefaultValue) != "a" ||
		len(sum.ResourceTypes) != 1 || sum.ResourceTypes[0] != "AWS::Logs::LogGroup" {
		t.Errorf("GetTemplateSummary: %v %+v", err, sum)
	}
	sum, err = c.GetTemplateSummary(ctx, &cloudformation.GetTemplateSummaryInput{StackName: aws.String("s")})
	if err != nil || len(sum.ResourceTypes) != 1 {
		t.Errorf("GetTemplateSummary by stack: %v %+v", err, sum)
	}
}

// TestExportsAndImports checks that exports are unique in a region and
// that Fn::ImportValue reads them.
func TestExportsAndImports(t *testing.T) {
	s := start(t, "")
	c := cfnClient(s)
	createStack(t, c, "Demo", workshopTemplate(t))
	vpc := outputs(describeStack(t, c, "Demo"))["VPCId"]
	importer := "Resources:\n  Sub:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !ImportValue Demo:VPCId\n      CidrBlock: 10.0.5.0/24\n" +
		"Outputs:\n  V:\n    Value: !GetAtt Sub.VpcId\n"
	createStack(t, c, "Importer", importer)
	if got := outputs(describeStack(t, c, "Importer"))["V"]; got != vpc {
		t.Errorf("imported VPC %q, want %q", got, vpc)
	}
	// Another stack of the same template exports the same names.
	createStack(t, c, "Other", strings.ReplaceAll(workshopTemplate(t), "${AWS::StackName}:", "Demo:"))
	st := describeStack(t, c, "Other")
	if st.StackStatus != cfntypes.StackStatusRollbackComplete || !strings.Contains(aws.ToString(st.StackStatusReason), "") {
		t.Errorf("duplicate exports: %s", st.StackStatus)
	}
	found := false
	for _, e := range events(t, c, "Other") {
		found = found || strings.Contains(aws.ToString(e.ResourceStatusReason), "is already exported by stack Demo")
	}
	if !found {
		t.Error("no event says the export is taken")
	}
}

// TestStacksSurviveRestart checks that a stack is in the state file.
func TestStacksSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	s := start(t, dir)
	id := createStack(t, cfnClient(s), "BreakTheMonolith-Demo", workshopTemplate(t))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := start(t, dir)
	c := cfnClient(s2)
	st := describeStack(t, c, "BreakTheMonolith-Demo")
	if aws.ToString(st.StackId) != id || st.StackStatus != cfntypes.StackStatusCreateComplete || len(st.Outputs) != 9 {
		t.Fatalf("after restart: %s %s", aws.ToString(st.StackId), st.StackStatus)
	}
	_, err := c.UpdateStack(context.Background(), &cloudformation.UpdateStackInput{StackName: aws.String(id),
		TemplateBody: aws.String(workshopTemplate(t)), Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam}})
	wantAPIError(t, err, "ValidationError", "No updates are to be performed.")
}
