package cfn

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"yaml not well formed", "Resources:\n  A:\n    Type: X\n  B: [\n", "Template format error: YAML not well-formed. (line 4, column 3)"},
		{"yaml mapping in scalar", "Resources:\n  A: b: c\n", "Template format error: YAML not well-formed. (line 2, column 3)"},
		{"yaml unclosed quote", "Resources:\n  A: 'abc\n", "Template format error: YAML not well-formed. (line 3, column 1)"},
		{"yaml tab", "Resources:\n\tA: {Type: T}\n", "Template format error: YAML not well-formed. (line 2, column 2)"},
		{"yaml bad indentation", "Resources:\n  A:\n    Type: X\n   B: y\n", "Template format error: YAML not well-formed. (line 4, column 4)"},
		{"yaml duplicate key", "Resources:\n  A:\n    Type: X\n  A:\n    Type: Y\n", "Template format error: YAML not well-formed. (line 4, column 3)"},
		{"yaml alias", "Resources:\n  A: &a\n    Type: X\n  B: *a\n", "Template format error: YAML aliases are not allowed in CloudFormation templates"},
		{"json not well formed", "{\n  \"Resources\": {\n    \"A\": {\"Type\": \"X\",}\n  }\n}", "Template format error: JSON not well-formed. (line 3, column 24)"},
		{"json trailing data", `{"Resources": {"A": {"Type": "X"}}} {`, "Template format error: JSON not well-formed. (line 1, column 38)"},
		{"empty", "", "Template format error: " + msgNoResources},
		{"comments only", "# nothing\n", "Template format error: " + msgNoResources},
		{"no resources", "Description: x\n", "Template format error: " + msgNoResources},
		{"empty resources", "Resources: {}\n", "Template format error: " + msgNoResources},
		{"not a map", "- a\n- b\n", "Template format error: unsupported structure."},
		{"scalar", "hello", "Template format error: unsupported structure."},
		{"unknown section", "Resources: {A: {Type: X}}\nBogus: 1\nAlso: 2\n", "Template format error: Invalid template property or properties [Also, Bogus]"},
		{"transform", "Transform: AWS::Serverless-2016-10-31\nResources: {A: {Type: X}}\n", "Template format error: Transform is not supported by this CloudFormation engine"},
		{"missing type", "Resources:\n  B:\n    Properties: {}\n", "Template format error: [/Resources/B] Every Resources object must contain a Type member."},
		{"resource not a map", "Resources:\n  B: x\n", "Template format error: [/Resources/B] Every Resources object must contain a Type member."},
		{"misspelled properties", "Resources:\n  B:\n    Type: X\n    Propertes: {}\n", "Template format error: Invalid template resource property 'Propertes'"},
		{"unresolved ref", "Resources:\n  A:\n    Type: T\n    Properties: {P: !Ref X}\n", "Template format error: Unresolved resource dependencies [X] in the Resources block of the template"},
		{"unresolved long ref", `{"Resources": {"A": {"Type": "T", "Properties": {"P": {"Ref": "X"}}}}}`, "Template format error: Unresolved resource dependencies [X] in the Resources block of the template"},
		{"unresolved several", "Resources:\n  A:\n    Type: T\n    DependsOn: [Z]\n    Properties: {P: !Ref Y, Q: !Sub '${X}'}\n", "Template format error: Unresolved resource dependencies [X, Y, Z] in the Resources block of the template"},
		{"unresolved depends on", "Resources:\n  A:\n    Type: T\n    DependsOn: X\n", "Template format error: Unresolved resource dependencies [X] in the Resources block of the template"},
		{"unresolved pseudo", "Resources:\n  A:\n    Type: T\n    Properties: {P: !Ref AWS::Nope}\n", "Template format error: Unresolved resource dependencies [AWS::Nope] in the Resources block of the template"},
		{"unresolved in outputs", "Resources: {A: {Type: T}}\nOutputs:\n  O: {Value: !Ref X}\n", "Template format error: Unresolved resource dependencies [X] in the Outputs block of the template"},
		{"getatt undefined short", "Resources:\n  A:\n    Type: T\n    Properties: {P: !GetAtt X.Arn}\n", "Template error: instance of Fn::GetAtt references undefined resource X"},
		{"getatt undefined long", "Resources:\n  A:\n    Type: T\n    Properties: {P: {'Fn::GetAtt': [X, Arn]}}\n", "Template error: instance of Fn::GetAtt references undefined resource X"},
		{"getatt undefined in sub", "Resources:\n  A:\n    Type: T\n    Properties: {P: !Sub '${X.Arn}'}\n", "Template error: instance of Fn::GetAtt references undefined resource X"},
		{"getatt of parameter", "Parameters: {X: {Type: String}}\nResources:\n  A:\n    Type: T\n    Properties: {P: !GetAtt X.Arn}\n", "Template error: instance of Fn::GetAtt references undefined resource X"},
		{"getatt undefined in outputs", "Resources: {A: {Type: T}}\nOutputs:\n  O: {Value: !GetAtt X.Arn}\n", "Template error: instance of Fn::GetAtt references undefined resource X"},
		{"circular", "Resources:\n  A: {Type: T, Properties: {P: !Ref B}}\n  B: {Type: T, Properties: {P: !GetAtt A.Arn}}\n", "Circular dependency between resources: [A, B]"},
		{"circular self", "Resources:\n  A: {Type: T, DependsOn: A}\n", "Circular dependency between resources: [A]"},
		{"circular via sub", "Resources:\n  A: {Type: T, Properties: {P: !Sub '${C}'}}\n  B: {Type: T, DependsOn: A}\n  C: {Type: T, DependsOn: B}\n  D: {Type: T, DependsOn: C}\n", "Circular dependency between resources: [A, B, C]"},
		{"if undefined condition", "Resources:\n  A: {Type: T, Properties: {P: !If [Nope, a, b]}}\n", "Template error: unresolved condition dependency Nope in Fn::If"},
		{"resource condition undefined", "Resources:\n  A: {Type: T, Condition: Nope}\n", "Template format error: Unresolved condition dependencies [Nope] in the Resources block of the template"},
		{"output condition undefined", "Resources: {A: {Type: T}}\nOutputs:\n  O: {Value: x, Condition: Nope}\n", "Template format error: Unresolved condition dependencies [Nope] in the Outputs block of the template"},
		{"condition references resource", "Conditions:\n  C: !Equals [!Ref A, x]\nResources: {A: {Type: T}}\n", "Template format error: Unresolved dependencies [A]. Cannot reference resources in the Conditions block of the template"},
		{"condition references undefined condition", "Conditions:\n  C: !Not [!Condition D]\nResources: {A: {Type: T}}\n", "Template format error: Unresolved condition dependencies [D] in the Conditions block of the template"},
		{"circular conditions", "Conditions:\n  C: !Not [!Condition D]\n  D: !Not [!Condition C]\nResources: {A: {Type: T}}\n", "Template error: Found circular condition dependency: [C, D]"},
		{"unsupported function", "Resources:\n  A: {Type: T, Properties: {P: {'Fn::Nope': x}}}\n", "Template error: encountered unsupported function: Fn::Nope"},
		{"bad ref", "Resources:\n  A: {Type: T, Properties: {P: {Ref: [x]}}}\n", "Template error: " + msgRefArgs},
		{"bad getatt", "Resources:\n  A: {Type: T, Properties: {P: !GetAtt A}}\n", "Template error: " + msgGetAttArgs},
		{"bad sub", "Resources:\n  A: {Type: T, Properties: {P: !Sub [a, b, c]}}\n", "Template error: " + msgSubArgs},
		{"bad sub variable", "Resources:\n  A: {Type: T, Properties: {P: !Sub '${a b}'}}\n", "Template error: " + msgSubVarName},
		{"bad if", "Resources:\n  A: {Type: T, Properties: {P: !If [a, b]}}\n", "Template error: " + msgIfArgs},
		{"parameter without type", "Parameters: {P: {Default: x}}\nResources: {A: {Type: T}}\n", "Template format error: " + msgParamNoType},
		{"parameter bad type", "Parameters: {P: {Type: Strin}}\nResources: {A: {Type: T}}\n", "Template format error: Unrecognized parameter type: Strin"},
		{"parameter and resource share a name", "Parameters: {A: {Type: String}}\nResources: {A: {Type: T}}\n", "Template error: all resources and parameters must have unique names. Common name(s):[A]"},
		{"output without value", "Resources: {A: {Type: T}}\nOutputs: {O: {Description: x}}\n", "Template format error: " + msgOutputNoValue},
		{"export without name", "Resources: {A: {Type: T}}\nOutputs: {O: {Value: x, Export: {}}}\n", "Template format error: Output O is malformed. The Export field must contain a Name object."},
		{"mapping value", "Mappings: {M: {K: {V: {X: 1}}}}\nResources: {A: {Type: T}}\n", "Template format error: " + msgMappingValue},
		{"mapping member", "Mappings: {M: x}\nResources: {A: {Type: T}}\n", "Template format error: Every Mappings member M must be a map"},
		{"depends on value", "Resources: {A: {Type: T, DependsOn: [[x]]}}\n", "Template format error: Every DependsOn value must be a string."},
		{"depends on map", "Resources: {A: {Type: T, DependsOn: {x: y}}}\n", "Template format error: DependsOn must be a string or list of strings."},
		{"properties not a map", "Resources: {A: {Type: T, Properties: [x]}}\n", "Template format error: [/Resources/A/Properties] Properties must be an object"},
		{"description not a string", "Description: [a]\nResources: {A: {Type: T}}\n", "Template format error: Description must be a String"},
		{"parameters not a map", "Parameters: [a]\nResources: {A: {Type: T}}\n", "Template format error: Parameters must be an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.body))
			if err == nil || err.Error() != tt.want {
				t.Fatalf("got error %v, want %q", err, tt.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *cfn.Error", err)
			}
		})
	}
}

func TestValidateResourceTypes(t *testing.T) {
	body := []byte("Resources:\n  A: {Type: AWS::Foo::Bar}\n  B: {Type: AWS::EC2::VPC}\n  C: {Type: AWS::Baz::Qux}\n  D: {Type: AWS::Foo::Bar}\n")
	tmpl, err := Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	// Types spelled as AWS's are are not blamed on the template: the
	// sandbox says it does not emulate them and what it does emulate.
	want := "Template format error: the workshop's sandbox does not emulate the resource types [AWS::Baz::Qux, AWS::Foo::Bar] (they may be valid on AWS); it emulates AWS::EC2::VPC"
	misspelled, err := Parse([]byte("Resources:\n  A: {Type: AWS::EC2:VPC}\n  B: {Type: AWS::Foo::Bar}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := misspelled.Validate(map[string]bool{"AWS::EC2::VPC": true}); err == nil || err.Error() != "Template format error: Unrecognized resource types: [AWS::EC2:VPC]" {
		t.Errorf("a misspelled type: %v", err)
	}
	if err := tmpl.Validate(map[string]bool{"AWS::EC2::VPC": true}); err == nil || err.Error() != want {
		t.Fatalf("Validate: got %v, want %q", err, want)
	}
	if _, err := Parse(body, WithSupportedTypes("AWS::EC2::VPC")); err == nil || err.Error() != want {
		t.Fatalf("Parse with types: got %v, want %q", err, want)
	}
	if _, err := Parse(body, WithSupportedTypes("AWS::EC2::VPC", "AWS::Foo::Bar", "AWS::Baz::Qux")); err != nil {
		t.Fatalf("Parse with all types: %v", err)
	}
}

func TestParseSections(t *testing.T) {
	body := []byte(`AWSTemplateFormatVersion: 2010-09-09
Description: demo
Parameters:
  Env:
    Type: String
    Default: dev
    AllowedValues: [dev, prod]
    NoEcho: true
  Port: {Type: Number, Default: 80}
  Subnets: {Type: List<AWS::EC2::Subnet::Id>, Default: [a, b]}
Mappings:
  M: {K: {V: x}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  A:
    Type: T
    DependsOn: B
    Condition: IsProd
    DeletionPolicy: Retain
    UpdateReplacePolicy: Delete
    Metadata: {m: 1}
    Properties: {P: !Ref Env}
  B: {Type: T, DependsOn: [C]}
  C: {Type: T}
Outputs:
  O:
    Description: out
    Value: !Ref A
    Condition: IsProd
    Export: {Name: !Sub '${AWS::StackName}:O'}
`)
	tmpl, err := Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	if tmpl.FormatVersion != "2010-09-09" || tmpl.Description != "demo" {
		t.Errorf("header = %q %q", tmpl.FormatVersion, tmpl.Description)
	}
	wantEnv := &Parameter{Type: "String", Default: "dev", HasDefault: true, AllowedValues: []string{"dev", "prod"}, NoEcho: true}
	if !reflect.DeepEqual(tmpl.Parameters["Env"], wantEnv) {
		t.Errorf("Env = %+v", tmpl.Parameters["Env"])
	}
	if p := tmpl.Parameters["Port"]; p.Default != "80" || p.Type != "Number" {
		t.Errorf("Port = %+v", p)
	}
	if p := tmpl.Parameters["Subnets"]; p.Default != "a,b" {
		t.Errorf("Subnets = %+v", p)
	}
	if tmpl.Mappings["M"]["K"]["V"] != "x" {
		t.Errorf("Mappings = %v", tmpl.Mappings)
	}
	a := tmpl.Resources["A"]
	if a.Type != "T" || a.Condition != "IsProd" || a.DeletionPolicy != "Retain" || a.UpdateReplacePolicy != "Delete" ||
		!reflect.DeepEqual(a.DependsOn, []string{"B"}) || !reflect.DeepEqual(a.Properties, map[string]any{"P": map[string]any{"Ref": "Env"}}) {
		t.Errorf("A = %+v", a)
	}
	if !reflect.DeepEqual(tmpl.Resources["B"].DependsOn, []string{"C"}) {
		t.Errorf("B = %+v", tmpl.Resources["B"])
	}
	o := tmpl.OutputDefs["O"]
	if o.Description != "out" || o.Condition != "IsProd" || o.ExportName == nil {
		t.Errorf("O = %+v", o)
	}
	if got := tmpl.ResourceIDs(); !reflect.DeepEqual(got, []string{"A", "B", "C"}) {
		t.Errorf("ResourceIDs = %v", got)
	}
}

func TestParseShortAndLongFormsAgree(t *testing.T) {
	short := "Resources:\n  A:\n    Type: T\n    Properties:\n      P: !Join [',', [!Ref B, !GetAtt B.Arn, !Sub '${B}', !Select [0, !GetAZs '']]]\n  B: {Type: T}\n"
	long := `{"Resources": {"A": {"Type": "T", "Properties": {"P": {"Fn::Join": [",", [{"Ref": "B"}, {"Fn::GetAtt": ["B", "Arn"]}, {"Fn::Sub": "${B}"}, {"Fn::Select": [0, {"Fn::GetAZs": ""}]}]]}}}, "B": {"Type": "T"}}}`
	a, err := Parse([]byte(short))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse([]byte(long))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Resources, b.Resources) {
		t.Fatalf("short %#v\nlong %#v", a.Resources["A"].Properties, b.Resources["A"].Properties)
	}
}

func TestParseJSONNumbers(t *testing.T) {
	tmpl, err := Parse([]byte(`{"Resources": {"A": {"Type": "T", "Properties": {"I": 80, "F": 1.5, "B": true, "N": null, "Big": 1e400}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"I": 80, "F": 1.5, "B": true, "N": nil, "Big": "1e400"}
	if got := tmpl.Resources["A"].Properties; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v", got)
	}
}

func TestParseDepthLimit(t *testing.T) {
	deep := "Resources:\n  A: {Type: T, Properties: {P: " + strings.Repeat("[", 300) + strings.Repeat("]", 300) + "}}\n"
	if _, err := Parse([]byte(deep)); err == nil || !strings.HasPrefix(err.Error(), "Template format error: YAML not well-formed.") {
		t.Errorf("deep YAML: %v", err)
	}
	deepJSON := `{"Resources": {"A": {"Type": "T", "Properties": {"P": ` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `}}}}`
	if _, err := Parse([]byte(deepJSON)); err == nil || !strings.HasPrefix(err.Error(), "Template format error: JSON not well-formed.") {
		t.Errorf("deep JSON: %v", err)
	}
}
