package sandbox_test

import (
	"os"
	"strings"
	"testing"
)

// The judge itself: each kind of difference from the model is found, and
// a response as AWS sends it passes.
func TestModelJudge(t *testing.T) {
	data := botocoreData()
	if data == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("botocore's models are not on this machine (python3 -c 'import botocore')")
		}
		t.Skip("botocore's models are not on this machine")
	}
	load := func(svc string) *awsModel {
		m, err := loadModel(data, svc)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	sm, ssm, elb := load("secretsmanager"), load("ssm"), load("elbv2")
	for _, tt := range []struct {
		name string
		got  []string
		want string // "" for no difference
	}{
		{"as AWS sends it", sm.judgeJSON("ListSecrets", []byte(`{"SecretList":[{"ARN":"a","Name":"n","SecretVersionsToStages":{"v":["AWSCURRENT"]}}]}`)), ""},
		{"a member of another shape", sm.judgeJSON("ListSecrets", []byte(`{"SecretList":[{"ARN":"a","VersionIdsToStages":{}}]}`)),
			"ListSecrets.SecretList[0]: has VersionIdsToStages, which SecretListEntry does not have"},
		{"a wrong type", ssm.judgeJSON("GetParameter", []byte(`{"Parameter":{"Name":"n","Version":"2"}}`)),
			"GetParameter.Parameter.Version: want an integer"},
		{"outside the enum", ssm.judgeJSON("GetParameter", []byte(`{"Parameter":{"Name":"n","Type":"Text"}}`)),
			`"Text" is not one of ParameterType's values`},
		{"xml as AWS sends it", elb.judgeXML("DescribeLoadBalancerAttributes", []byte(`<DescribeLoadBalancerAttributesResponse><DescribeLoadBalancerAttributesResult><Attributes><member><Key>k</Key><Value>v</Value></member></Attributes></DescribeLoadBalancerAttributesResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeLoadBalancerAttributesResponse>`)), ""},
		{"xml without the result wrapper", elb.judgeXML("DescribeLoadBalancerAttributes", []byte(`<DescribeLoadBalancerAttributesResponse><Attributes/></DescribeLoadBalancerAttributesResponse>`)),
			"want one <DescribeLoadBalancerAttributesResult>"},
		{"xml with an unknown element", elb.judgeXML("DescribeTargetGroups", []byte(`<R><DescribeTargetGroupsResult><TargetGroups><member><TargetGroupArn>a</TargetGroupArn><Port>x</Port><Bogus/></member></TargetGroups></DescribeTargetGroupsResult></R>`)),
			"has <Bogus>, which TargetGroup does not have"},
		{"xml, a wrong type", elb.judgeXML("DescribeTargetGroups", []byte(`<R><DescribeTargetGroupsResult><TargetGroups><member><Port>x</Port></member></TargetGroups></DescribeTargetGroupsResult></R>`)),
			`DescribeTargetGroups.TargetGroups[0].Port: want an integer, got "x"`},
		{"xml, a required member missing", load("sts").judgeXML("AssumeRole", []byte(`<R><AssumeRoleResult><Credentials><AccessKeyId>a</AccessKeyId></Credentials></AssumeRoleResult></R>`)),
			"lacks SecretAccessKey, which Credentials requires"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			all := strings.Join(tt.got, "\n")
			if tt.want == "" && len(tt.got) > 0 || tt.want != "" && !strings.Contains(all, tt.want) {
				t.Errorf("differences:\n%s\nwant %q", all, tt.want)
			}
		})
	}
}
