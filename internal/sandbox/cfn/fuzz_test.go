package cfn

import (
	"errors"
	"os"
	"testing"
)

// fuzzSeeds are the starting corpus of the fuzz targets.
func fuzzSeeds(f *testing.F) {
	if body, err := os.ReadFile("../../../templates/cloudformation/ecs.yml"); err == nil {
		f.Add(body)
	}
	for _, s := range []string{
		conditionsTemplate,
		paramsTemplate,
		"Resources:\n  A: {Type: T, Properties: {P: !Sub ['${X}-${AWS::Region}', {X: !Select [0, !GetAZs '']}]}}\n",
		"Resources:\n  A: {Type: T, Properties: {P: !Cidr ['10.0.0.0/16', 4, 8], Q: !Base64 {'Fn::Join': ['', [a, b]]}}}\n",
		`{"Resources": {"A": {"Type": "T", "Properties": {"P": {"Fn::If": ["C", {"Ref": "AWS::NoValue"}, [1, 2]]}}}}, "Conditions": {"C": {"Fn::Equals": ["a", "b"]}}}`,
		"Resources:\n  A: {Type: T, DependsOn: B}\n  B: {Type: T, DependsOn: A}\n",
		"Outputs: {O: {Value: !ImportValue x, Export: {Name: !Split [',', 'a,b']}}}\nResources: {A: {Type: T}}\n",
		"Resources: [\n",
	} {
		f.Add([]byte(s))
	}
}

// checkError fails unless err is nil or a *cfn.Error.
func checkError(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if err != nil && !errors.As(err, &e) {
		t.Fatalf("error %T %v is not a *cfn.Error", err, err)
	}
	if err != nil && err.Error() == "" {
		t.Fatalf("empty error message")
	}
}

func FuzzParse(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		tmpl, err := Parse(body)
		checkError(t, err)
		if err != nil {
			if tmpl != nil {
				t.Fatalf("template and error both returned")
			}
			return
		}
		if _, err := tmpl.Order(); err != nil {
			t.Fatalf("Parse accepted a template Order rejects: %v", err)
		}
		_ = tmpl.Dependencies()
		checkError(t, tmpl.Validate(map[string]bool{"AWS::EC2::VPC": true}))
	})
}

func FuzzEvaluate(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		tmpl, err := Parse(body)
		if err != nil {
			return
		}
		c := testContext()
		c.Mappings = tmpl.Mappings
		params := map[string]any{}
		for name := range tmpl.Parameters {
			params[name] = "1"
		}
		c.Parameters = params
		conds, err := EvaluateConditions(tmpl, c)
		checkError(t, err)
		if err != nil {
			conds = map[string]bool{}
		}
		c.Conditions = conds
		for _, id := range tmpl.ResourceIDs() {
			_, err := Evaluate(tmpl.Resources[id].Properties, c)
			checkError(t, err)
		}
		_, err = tmpl.Outputs(c)
		checkError(t, err)
		_, err = tmpl.ResolveParameters(nil)
		checkError(t, err)
	})
}
