package cfn

import (
	"errors"
	"reflect"
	"testing"
)

// testContext is a Context with fake resolvers for the intrinsic tests.
func testContext() *Context {
	return &Context{
		Region:     "us-east-1",
		AccountID:  "123456789012",
		StackName:  "demo",
		StackID:    "arn:aws:cloudformation:us-east-1:123456789012:stack/demo/1",
		Parameters: map[string]any{"Env": "prod", "Subnets": []any{"subnet-a", "subnet-b"}, "Count": "2"},
		Conditions: map[string]bool{"IsProd": true, "IsDev": false},
		Mappings: map[string]map[string]map[string]any{
			"M": {"us-east-1": {"Ami": "ami-1", "List": []any{"x", "y"}}, "K": {"V": 3}},
		},
		Ref: func(id string) (string, error) {
			if id == "Broken" {
				return "", errors.New("resolver failed")
			}
			return "phys-" + id, nil
		},
		GetAtt: func(id, attr string) (any, error) {
			if attr == "SecurityGroups" {
				return []any{"sg-1", "sg-2"}, nil
			}
			return id + "/" + attr, nil
		},
		ImportValue: func(name string) (string, error) {
			if name == "demo:ClusterName" {
				return "cluster-1", nil
			}
			return "", errorf("No export named %s found.", name)
		},
	}
}

// evalYAML decodes a YAML snippet and evaluates it.
func evalYAML(t *testing.T, src string, c *Context) (any, error) {
	t.Helper()
	v, err := decodeYAML([]byte(src))
	if err != nil {
		t.Fatalf("decode %q: %v", src, err)
	}
	return Evaluate(v, c)
}

func TestEvaluateIntrinsics(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want any
	}{
		{"ref short", "!Ref Env", "prod"},
		{"ref long", "Ref: Env", "prod"},
		{"ref json", `{"Ref": "Env"}`, "prod"},
		{"ref resource", "!Ref VPC", "phys-VPC"},
		{"ref list parameter", "!Ref Subnets", []any{"subnet-a", "subnet-b"}},
		{"ref region", "!Ref AWS::Region", "us-east-1"},
		{"ref account", "!Ref AWS::AccountId", "123456789012"},
		{"ref stack name", "!Ref AWS::StackName", "demo"},
		{"ref stack id", "!Ref AWS::StackId", "arn:aws:cloudformation:us-east-1:123456789012:stack/demo/1"},
		{"ref partition", "!Ref AWS::Partition", "aws"},
		{"ref url suffix", "!Ref AWS::URLSuffix", "amazonaws.com"},
		{"ref notification arns", "!Ref AWS::NotificationARNs", []any{}},
		{"ref novalue alone", "!Ref AWS::NoValue", nil},
		{"getatt dotted", "!GetAtt LB.DNSName", "LB/DNSName"},
		{"getatt dotted attribute with dot", "!GetAtt DB.Endpoint.Address", "DB/Endpoint.Address"},
		{"getatt short list", "!GetAtt [LB, DNSName]", "LB/DNSName"},
		{"getatt long list", "Fn::GetAtt: [LB, DNSName]", "LB/DNSName"},
		{"getatt long string", "Fn::GetAtt: LB.DNSName", "LB/DNSName"},
		{"getatt json", `{"Fn::GetAtt": ["LB", "DNSName"]}`, "LB/DNSName"},
		{"getatt attribute from ref", "Fn::GetAtt: [LB, !Ref Env]", "LB/prod"},
		{"getatt list value", "!GetAtt LB.SecurityGroups", []any{"sg-1", "sg-2"}},
		{"sub string", "!Sub 'http://${LB.DNSName}/${Env}'", "http://LB/DNSName/prod"},
		{"sub pseudo", "!Sub '${AWS::StackName}-vpc in ${AWS::Region}'", "demo-vpc in us-east-1"},
		{"sub resource ref", "!Sub 'id=${VPC}'", "id=phys-VPC"},
		{"sub escape", "!Sub '${!Literal} and ${!AWS::Region}'", "${Literal} and ${AWS::Region}"},
		{"sub unclosed is literal", "!Sub 'a ${b'", "a ${b"},
		{"sub no variables", "!Sub plain", "plain"},
		{"sub spaces in variable", "!Sub '${ Env }'", "prod"},
		{"sub list form", "!Sub ['${A}-${Env}', {A: !Ref VPC}]", "phys-VPC-prod"},
		{"sub list form overrides", "!Sub ['${Env}', {Env: dev}]", "dev"},
		{"sub list form number var", "!Sub ['n=${N}', {N: 3}]", "n=3"},
		{"sub long", "Fn::Sub: '${AWS::Partition}:${AWS::AccountId}'", "aws:123456789012"},
		{"sub list form one item", "Fn::Sub: ['${Env}']", "prod"},
		{"join", "!Join [',', [a, b, c]]", "a,b,c"},
		{"join long nested", "Fn::Join: ['-', [!Ref Env, !GetAtt LB.Name, 3, true]]", "prod-LB/Name-3-true"},
		{"join list parameter", "!Join [',', !Ref Subnets]", "subnet-a,subnet-b"},
		{"join getazs", "!Join ['', !GetAZs '']", "us-east-1aus-east-1bus-east-1cus-east-1dus-east-1eus-east-1f"},
		{"join empty", "!Join [',', []]", ""},
		{"join drops novalue", "!Join [',', [a, !Ref AWS::NoValue, b]]", "a,b"},
		{"select int", "!Select [1, [a, b, c]]", "b"},
		{"select string index", "!Select ['2', [a, b, c]]", "c"},
		{"select float index", `{"Fn::Select": [1.0, ["a", "b"]]}`, "b"},
		{"select getazs", "!Select [0, !GetAZs '']", "us-east-1a"},
		{"select from split", "!Select [1, !Split [',', 'a,b,c']]", "b"},
		{"select ref index", "!Select [!Ref Count, [a, b, c]]", "c"},
		{"split", "!Split [',', 'a,b,,c']", []any{"a", "b", "", "c"}},
		{"split long of sub", "Fn::Split: ['-', !Sub '${Env}-x']", []any{"prod", "x"}},
		{"getazs empty", "!GetAZs ''", []any{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"}},
		{"getazs bare tag", "!GetAZs", []any{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"}},
		{"getazs region ref", "Fn::GetAZs: !Ref AWS::Region", []any{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"}},
		{"getazs other region", "!Select [0, !GetAZs eu-west-1]", "eu-west-1a"},
		{"findinmap", "!FindInMap [M, us-east-1, Ami]", "ami-1"},
		{"findinmap ref key", "!FindInMap [M, !Ref AWS::Region, Ami]", "ami-1"},
		{"findinmap list", "Fn::FindInMap: [M, us-east-1, List]", []any{"x", "y"}},
		{"findinmap number", "!FindInMap [M, K, V]", 3},
		{"if true", "!If [IsProd, big, small]", "big"},
		{"if false", "Fn::If: [IsDev, big, small]", "small"},
		{"if nested", "!If [IsProd, !If [IsDev, a, !Ref Env], c]", "prod"},
		{"equals true", "!Equals [!Ref Env, prod]", true},
		{"equals false", "Fn::Equals: [!Ref Env, dev]", false},
		{"equals number and string", "!Equals [!Ref Count, 2]", true},
		{"equals lists", "!Equals [[a], [a]]", true},
		{"and", "!And [!Equals [a, a], !Condition IsProd]", true},
		{"and false", "Fn::And: [{Condition: IsProd}, {Condition: IsDev}]", false},
		{"or", "!Or [!Condition IsDev, !Equals [x, x]]", true},
		{"or false", "!Or [!Condition IsDev, !Equals [x, y]]", false},
		{"not", "!Not [!Condition IsDev]", true},
		{"not long", "Fn::Not: [!Equals [a, a]]", false},
		{"importvalue", "!ImportValue demo:ClusterName", "cluster-1"},
		{"importvalue of sub", "!ImportValue {'Fn::Sub': '${AWS::StackName}:ClusterName'}", "cluster-1"},
		{"importvalue of join", "Fn::ImportValue: !Join [':', [!Ref AWS::StackName, ClusterName]]", "cluster-1"},
		{"base64", "!Base64 hello", "aGVsbG8="},
		{"base64 of sub", "Fn::Base64: !Sub '${Env}'", "cHJvZA=="},
		{"cidr", "!Cidr ['10.0.0.0/16', 3, 8]", []any{"10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"}},
		{"cidr strings", "Fn::Cidr: ['192.168.0.0/24', '2', '6']", []any{"192.168.0.0/26", "192.168.0.64/26"}},
		{"cidr ipv6", "!Cidr ['2001:db8::/56', 2, 64]", []any{"2001:db8::/64", "2001:db8:0:1::/64"}},
		{"condition key outside conditions is a map", "{Condition: IsProd}", map[string]any{"Condition": "IsProd"}},
		{"plain scalars", "[1, 1.5, true, null, '080', 080, 2010-09-09, 0x1F]",
			[]any{1, 1.5, true, nil, "080", "080", "2010-09-09", "0x1F"}},
		{"properties with novalue", `
VpcId: !Ref VPC
Name: !If [IsDev, dev, !Ref AWS::NoValue]
Tags:
  - !If [IsProd, {Key: env, Value: !Ref Env}, !Ref AWS::NoValue]
  - !If [IsDev, {Key: dev, Value: x}, !Ref AWS::NoValue]
Nested: {A: {B: !Sub '${AWS::Region}'}}
`, map[string]any{
			"VpcId":  "phys-VPC",
			"Tags":   []any{map[string]any{"Key": "env", "Value": "prod"}},
			"Nested": map[string]any{"A": map[string]any{"B": "us-east-1"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := evalYAML(t, tt.src, testContext())
			if err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestEvaluateErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		ctx  func(*Context)
		want string
	}{
		{"select out of range", "!Select [5, [a, b]]", nil, "Template error: Fn::Select cannot select nonexistent value at index 5"},
		{"select negative", "!Select [-1, [a, b]]", nil, "Template error: Fn::Select cannot select nonexistent value at index -1"},
		{"select not a list", "!Select [0, abc]", nil, "Template error: " + msgSelectArgs},
		{"select bad index", "!Select [x, [a]]", nil, "Template error: " + msgSelectArgs},
		{"findinmap missing", "!FindInMap [M, eu-west-1, Ami]", nil, "Template error: Unable to get mapping for M::eu-west-1::Ami"},
		{"findinmap arity", "!FindInMap [M, K]", nil, "Template error: " + msgFindInMapArgs},
		{"join arity", "!Join [',']", nil, "Template error: " + msgJoinArgs},
		{"join not list", "!Join [',', abc]", nil, "Template error: " + msgJoinArgs},
		{"join nested list", "!Join [',', [[a]]]", nil, "Template error: " + msgJoinArgs},
		{"split arity", "!Split [',']", nil, "Template error: " + msgSplitArgs},
		{"split list", "!Split [',', [a]]", nil, "Template error: " + msgSplitArgs},
		{"if undefined", "!If [Nope, a, b]", nil, "Template error: unresolved condition dependency Nope in Fn::If"},
		{"if arity", "!If [IsProd, a]", nil, "Template error: " + msgIfArgs},
		{"if condition not a name", "!If [!Ref Env, a, b]", nil, "Template error: " + msgIfCond},
		{"equals arity", "!Equals [a]", nil, "Template error: " + msgEqualsArgs},
		{"and arity", "!And [!Condition IsProd]", nil, "Template error: every Fn::And object requires a list of at least 2 and at most 10 boolean parameters."},
		{"not arity", "!Not [a, b]", nil, "Template error: Fn::Not requires a list argument with one function token"},
		{"and not boolean", "!And [a, b]", nil, "Template error: every Conditions member must evaluate to a boolean value."},
		{"condition undefined", "!Not [!Condition Nope]", nil, "Template format error: Unresolved condition dependencies [Nope] in the Conditions block of the template"},
		{"ref not string", "Ref: [a]", nil, "Template error: " + msgRefArgs},
		{"ref without resolver", "!Ref VPC", func(c *Context) { c.Ref = nil }, "Template format error: Unresolved resource dependencies [VPC] in the Resources block of the template"},
		{"ref resolver error", "!Ref Broken", nil, "resolver failed"},
		{"getatt without resolver", "!GetAtt X.Y", func(c *Context) { c.GetAtt = nil }, "Template error: instance of Fn::GetAtt references undefined resource X"},
		{"getatt one part", "!GetAtt X", nil, "Template error: " + msgGetAttArgs},
		{"getatt three parts", "Fn::GetAtt: [X, Y, Z]", nil, "Template error: " + msgGetAttArgs},
		{"sub bad args", "Fn::Sub: [1, 2]", nil, "Template error: " + msgSubArgs},
		{"sub bad variable name", "!Sub '${a-b}'", nil, "Template error: " + msgSubVarName},
		{"sub list variable", "!Sub '${Subnets}'", nil, "Template error: variable Subnets in Fn::Sub expression does not resolve to a string"},
		{"importvalue missing", "!ImportValue nope", nil, "No export named nope found."},
		{"importvalue without resolver", "!ImportValue x", func(c *Context) { c.ImportValue = nil }, "No export named x found."},
		{"importvalue list", "!ImportValue [a]", nil, "Template error: " + msgImportArgs},
		{"base64 list", "!Base64 [a]", nil, "Template error: " + msgBase64Args},
		{"getazs list", "!GetAZs [a]", nil, "Template error: " + msgGetAZsArgs},
		{"cidr arity", "!Cidr [a]", nil, "Template error: " + msgCidrArgs},
		{"cidr bad block", "!Cidr [nope, 1, 8]", nil, "Template error: Fn::Cidr: invalid IP block nope"},
		{"cidr too many", "!Cidr ['10.0.0.0/24', 5, 7]", nil, "Template error: Fn::Cidr: cannot make 5 subnets of 7 bits from 10.0.0.0/24"},
		{"unknown function", "Fn::Length: [a]", nil, "Template error: encountered unsupported function: Fn::Length"},
		{"unknown short form", "!Transform {Name: x}", nil, "Template error: encountered unsupported function: Fn::Transform"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testContext()
			if tt.ctx != nil {
				tt.ctx(c)
			}
			_, err := evalYAML(t, tt.src, c)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("got error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestEvaluateNilContext(t *testing.T) {
	got, err := Evaluate(map[string]any{"Fn::Join": []any{"-", []any{"a", map[string]any{"Ref": "AWS::Partition"}}}}, nil)
	if err != nil || got != "a-aws" {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestDefaultAZsAndCustomAZs(t *testing.T) {
	c := &Context{Region: "eu-west-1", AZs: func(r string) []string { return []string{r + "-only"} }}
	got, err := evalYAML(t, "!GetAZs ''", c)
	if err != nil || !reflect.DeepEqual(got, []any{"eu-west-1-only"}) {
		t.Fatalf("got %v, %v", got, err)
	}
	if az := DefaultAZs("us-east-1"); len(az) != 6 || az[5] != "us-east-1f" {
		t.Fatalf("DefaultAZs = %v", az)
	}
}
