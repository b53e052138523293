package cfn

import "testing"

func TestOutputsErrors(t *testing.T) {
	tests := []struct {
		name string
		body string
		ctx  *Context
		want string
	}{
		{"list value", "Resources: {A: {Type: T}}\nOutputs: {O: {Value: [a, b]}}\n", nil,
			"Template format error: The Value field of every Outputs member must evaluate to a String and not a List. Output O is malformed."},
		{"map export", "Resources: {A: {Type: T}}\nOutputs: {O: {Value: a, Export: {Name: {x: y}}}}\n", nil,
			"Template format error: The Value field of every Outputs member must evaluate to a String and not a Map. Output O is malformed."},
		{"novalue", "Resources: {A: {Type: T}}\nOutputs: {O: {Value: !Ref AWS::NoValue}}\n", nil,
			"Template format error: The Value field of every Outputs member must evaluate to a String and not a null. Output O is malformed."},
		{"condition not evaluated", "Conditions: {C: !Equals [a, a]}\nResources: {A: {Type: T}}\nOutputs: {O: {Value: a, Condition: C}}\n", &Context{},
			"Template format error: Unresolved condition dependencies [C] in the Outputs block of the template"},
		{"resolver error", "Resources: {A: {Type: T}}\nOutputs: {O: {Value: !GetAtt A.Nope}}\n", &Context{GetAtt: func(string, string) (any, error) {
			return nil, errorf("Template error: resource A does not support attribute type Nope in Fn::GetAtt")
		}}, "Template error: resource A does not support attribute type Nope in Fn::GetAtt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := Parse([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tmpl.Outputs(tt.ctx); err == nil || err.Error() != tt.want {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func TestOutputsNumbersAndMappings(t *testing.T) {
	tmpl, err := Parse([]byte("Mappings: {M: {K: {V: 42}}}\nResources: {A: {Type: T}}\nOutputs:\n  N: {Value: !FindInMap [M, K, V], Description: the answer}\n  B: {Value: true}\n"))
	if err != nil {
		t.Fatal(err)
	}
	outs, err := tmpl.Outputs(nil)
	if err != nil {
		t.Fatal(err)
	}
	if outs["N"] != (Output{Value: "42", Description: "the answer"}) || outs["B"].Value != "true" {
		t.Fatalf("outputs = %#v", outs)
	}
}
