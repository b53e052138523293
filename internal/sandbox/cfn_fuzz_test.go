package sandbox_test

import (
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/breakthemonolith/workshop/internal/sandbox"
)

// FuzzCreateStack sends arbitrary templates and parameters to CreateStack
// (and reads the stack back): every answer is a success or an AWS-shaped
// 4xx error, nothing panics, and the state file still loads afterwards.
func FuzzCreateStack(f *testing.F) {
	for _, seed := range []struct{ body, key, value string }{
		{"Resources:\n  V:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n", "", ""},
		{"Parameters:\n  C: {Type: String}\nResources:\n  V:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: !Ref C}\n", "C", "10.1.0.0/16"},
		{"Resources:\n  S:\n    Type: AWS::EC2::Subnet\n    Properties: {VpcId: vpc-1, CidrBlock: [1]}\n", "", ""},
		{"Parameters:\n  N: {Type: Number}\nResources:\n  L:\n    Type: AWS::Logs::LogGroup\n    Properties: {RetentionInDays: !Ref N}\nOutputs:\n  O: {Value: !GetAtt L.Arn, Export: {Name: x}}\n", "N", "x"},
		{"Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties: {AssumeRolePolicyDocument: 1}\n", "", ""},
		{"Resources:\n  L:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties: {Subnets: !Split [',', 'a,b']}\n", "", ""},
		{"{\"Resources\":{\"G\":{\"Type\":\"AWS::EC2::SecurityGroup\",\"Properties\":{\"GroupDescription\":{\"Fn::ImportValue\":\"nope\"}}}}}", "", ""},
		{"Resources: []", "", ""},
		{"", "", ""},
	} {
		f.Add(seed.body, seed.key, seed.value)
	}
	dir := f.TempDir()
	s, err := sandbox.New(sandbox.Options{Addr: "127.0.0.1:4566", DataDir: dir})
	if err != nil {
		f.Fatal(err)
	}
	n := 0
	f.Fuzz(func(t *testing.T, body, key, value string) {
		n++
		name := "fuzz-" + strings.Repeat("a", n%5)
		for _, form := range []url.Values{
			{"Action": {"CreateStack"}, "Version": {"2010-05-15"}, "StackName": {name}, "TemplateBody": {body},
				"Parameters.member.1.ParameterKey": {key}, "Parameters.member.1.ParameterValue": {value},
				"Capabilities.member.1": {"CAPABILITY_NAMED_IAM"}},
			{"Action": {"DescribeStacks"}, "Version": {"2010-05-15"}, "StackName": {name}},
			{"Action": {"UpdateStack"}, "Version": {"2010-05-15"}, "StackName": {name}, "TemplateBody": {body + "\n"}},
			{"Action": {"GetTemplateSummary"}, "Version": {"2010-05-15"}, "TemplateBody": {body}},
			{"Action": {"DeleteStack"}, "Version": {"2010-05-15"}, "StackName": {name}},
		} {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code == http.StatusOK {
				continue
			}
			var e struct {
				Code    string `xml:"Error>Code"`
				Message string `xml:"Error>Message"`
			}
			if err := xml.Unmarshal(rec.Body.Bytes(), &e); err != nil || rec.Code >= 500 || e.Code == "" || e.Message == "" {
				t.Fatalf("%s answered %d %q, want a 4xx AWS error", form.Get("Action"), rec.Code, rec.Body.String())
			}
		}
	})
	if _, err := sandbox.New(sandbox.Options{DataDir: dir}); err != nil {
		f.Errorf("the state no longer loads after fuzzing: %v", err)
	}
}
