package cfn

import (
	"strings"
	"testing"
)

// rulesTemplate has a CDK app's bootstrap check and rules with the other
// rule functions, a RuleCondition and an assertion without a description.
const rulesTemplate = `
Parameters:
  BootstrapVersion: {Type: String}
  Env: {Type: String, Default: dev}
  Zones: {Type: CommaDelimitedList, Default: "a,b"}
Rules:
  CheckBootstrapVersion:
    Assertions:
      - Assert: {"Fn::Not": [{"Fn::Contains": [["1", "2", "3", "4", "5"], {"Ref": "BootstrapVersion"}]}]}
        AssertDescription: CDK bootstrap stack version 6 required. Please run 'cdk bootstrap' with a recent version of the CDK CLI.
  ProdZones:
    RuleCondition: {"Fn::Equals": [{"Ref": "Env"}, prod]}
    Assertions:
      - Assert: {"Fn::EachMemberIn": [{"Ref": "Zones"}, [a, b, c]]}
        AssertDescription: prod runs in zones a, b and c only
      - Assert: {"Fn::Or": [{"Fn::EachMemberEquals": [{"Ref": "Zones"}, a]}, {"Fn::Equals": [{"Ref": "AWS::Region"}, us-east-1]}]}
Resources:
  Queue: {Type: AWS::SQS::Queue}
`

func TestCheckRules(t *testing.T) {
	tmpl, err := Parse([]byte(rulesTemplate))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		region string
		params map[string]string
		want   string // "" when the rules hold
	}{
		{"a bootstrapped environment", "us-east-1", map[string]string{"BootstrapVersion": "30"}, ""},
		{"an old bootstrap", "us-east-1", map[string]string{"BootstrapVersion": "5"},
			"CDK bootstrap stack version 6 required. Please run 'cdk bootstrap' with a recent version of the CDK CLI."},
		{"a false RuleCondition skips the rule", "eu-west-1", map[string]string{"BootstrapVersion": "6", "Zones": "x,y"}, ""},
		{"EachMemberIn fails", "us-east-1", map[string]string{"BootstrapVersion": "6", "Env": "prod", "Zones": "a,d"},
			"prod runs in zones a, b and c only"},
		{"Or of EachMemberEquals holds", "eu-west-1", map[string]string{"BootstrapVersion": "6", "Env": "prod", "Zones": "a,a"}, ""},
		{"an assertion without a description", "eu-west-1", map[string]string{"BootstrapVersion": "6", "Env": "prod", "Zones": "a,b"},
			"Template validation error: rule ProdZones failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			params, err := tmpl.ResolveParameters(tc.params)
			if err != nil {
				t.Fatal(err)
			}
			err = CheckRules(tmpl, &Context{Region: tc.region, Parameters: params})
			if got := errText(err); got != tc.want {
				t.Errorf("CheckRules: %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRulesShapeAndFunctions(t *testing.T) {
	for _, tc := range []struct {
		name, rules, want string
	}{
		{"no Assertions", "R: {RuleCondition: {\"Fn::Equals\": [a, a]}}", "Template format error: Every Rules member must contain an Assertions list (rule R)"},
		{"an assertion without Assert", "R: {Assertions: [{AssertDescription: x}]}", "Template format error: Every Assertions member of rule R must be an object with an Assert"},
		{"an unknown rule property", "R: {Assertions: [], Extra: 1}", "Template format error: Invalid rule property or properties [Extra] in rule R"},
		{"a string assertion", "R: {Assertions: [{Assert: yes}]}", "Template error: every Rules assertion and RuleCondition must evaluate to a boolean value."},
		{"Contains with one argument", "R: {Assertions: [{Assert: {\"Fn::Contains\": [[a]]}}]}", "Template error: every Fn::Contains object requires two parameters"},
		{"Contains of a string", "R: {Assertions: [{Assert: {\"Fn::Contains\": [a, a]}}]}", "Template error: the first argument of Fn::Contains must be a list of strings"},
		{"ValueOf", "R: {Assertions: [{Assert: {\"Fn::ValueOf\": [P, VpcId]}}]}", "Template error: Fn::ValueOf is not supported by the workshop's sandbox (it reads attributes of AWS-specific parameter types)"},
		{"a resource in a rule", "R: {Assertions: [{Assert: {\"Fn::Equals\": [{Ref: Queue}, q]}}]}", "Template format error: Unresolved dependencies [Queue]. Cannot reference resources in the Rules block of the template"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := "Parameters: {P: {Type: String, Default: p}}\nRules:\n  " + tc.rules + "\nResources:\n  Queue: {Type: AWS::SQS::Queue}\n"
			tmpl, err := Parse([]byte(body))
			if err == nil {
				params, _ := tmpl.ResolveParameters(nil)
				err = CheckRules(tmpl, &Context{Region: "us-east-1", Parameters: params})
			}
			if got := errText(err); !strings.Contains(got, tc.want) {
				t.Errorf("error %q, want %q", got, tc.want)
			}
		})
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
