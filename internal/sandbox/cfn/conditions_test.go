package cfn

import (
	"reflect"
	"testing"
)

const conditionsTemplate = `
Parameters:
  Env: {Type: String, Default: dev, AllowedValues: [dev, prod]}
  Count: {Type: Number, Default: 2}
Mappings:
  Sizes: {dev: {Big: "false"}, prod: {Big: "true"}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  IsUsEast: !Equals [!Ref AWS::Region, us-east-1]
  Both: !And [!Condition IsDev, !Condition IsUsEast]
  Either: {"Fn::Or": [{"Condition": "IsProd"}, {"Fn::Equals": [{"Ref": "Count"}, 2]}]}
  BigFromMap: !Equals [!FindInMap [Sizes, !Ref Env, Big], "true"]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Condition: IsProd
    Properties:
      Name: !If [IsDev, dev-bucket, !Ref AWS::NoValue]
  Queue: {Type: AWS::SQS::Queue}
Outputs:
  BucketName: {Value: !Ref Bucket, Condition: IsProd}
  QueueName:
    Value: !If [Both, !Sub '${Queue}-dev', !Ref Queue]
    Export: {Name: !Join [':', [!Ref AWS::StackName, Queue]]}
`

func TestEvaluateConditions(t *testing.T) {
	tmpl, err := Parse([]byte(conditionsTemplate))
	if err != nil {
		t.Fatal(err)
	}
	params, err := tmpl.ResolveParameters(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &Context{Region: "us-east-1", StackName: "s", Parameters: params}
	got, err := EvaluateConditions(tmpl, c)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"IsProd": false, "IsDev": true, "IsUsEast": true, "Both": true, "Either": true, "BigFromMap": false}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("conditions = %v, want %v", got, want)
	}
	if c.Conditions != nil {
		t.Errorf("EvaluateConditions modified ctx")
	}
	c.Conditions = got
	c.Ref = func(id string) (string, error) { return "phys-" + id, nil }
	outs, err := tmpl.Outputs(c)
	if err != nil {
		t.Fatal(err)
	}
	wantOuts := map[string]Output{"QueueName": {Value: "phys-Queue-dev", ExportName: "s:Queue"}}
	if !reflect.DeepEqual(outs, wantOuts) {
		t.Errorf("outputs = %#v", outs)
	}

	params, _ = tmpl.ResolveParameters(map[string]string{"Env": "prod", "Count": "3"})
	c = &Context{Region: "eu-west-1", Parameters: params}
	got, err = EvaluateConditions(tmpl, c)
	if err != nil {
		t.Fatal(err)
	}
	want = map[string]bool{"IsProd": true, "IsDev": false, "IsUsEast": false, "Both": false, "Either": true, "BigFromMap": true}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("prod conditions = %v, want %v", got, want)
	}
}

func TestEvaluateConditionsErrors(t *testing.T) {
	cyclic := &Template{Conditions: map[string]any{
		"A": map[string]any{"Fn::Not": []any{map[string]any{"Condition": "B"}}},
		"B": map[string]any{"Fn::Not": []any{map[string]any{"Condition": "A"}}},
	}}
	if _, err := EvaluateConditions(cyclic, nil); err == nil || err.Error() != "Template error: Found circular condition dependency: [A, B]" {
		t.Errorf("cyclic: %v", err)
	}
	notBool := &Template{Conditions: map[string]any{"A": "yes"}}
	if _, err := EvaluateConditions(notBool, nil); err == nil || err.Error() != "Template error: every Conditions member must evaluate to a boolean value." {
		t.Errorf("not bool: %v", err)
	}
	badFn := &Template{Conditions: map[string]any{"A": map[string]any{"Fn::Nope": 1}}}
	if _, err := EvaluateConditions(badFn, nil); err == nil {
		t.Errorf("unsupported function accepted")
	}
	literal := &Template{Conditions: map[string]any{"T": true, "F": "false"}}
	got, err := EvaluateConditions(literal, nil)
	if err != nil || !reflect.DeepEqual(got, map[string]bool{"T": true, "F": false}) {
		t.Errorf("literal: %v %v", got, err)
	}
}
