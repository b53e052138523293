package cfn

import (
	"reflect"
	"testing"
)

const paramsTemplate = `
Parameters:
  Env: {Type: String, AllowedValues: [dev, prod]}
  Port: {Type: Number, Default: 80}
  Subnets: {Type: "List<AWS::EC2::Subnet::Id>", Default: "a, b"}
  Cidrs: {Type: CommaDelimitedList, Default: ""}
  Sizes: {Type: "List<Number>", Default: "1,2"}
  Empty: {Type: String, Default: ""}
Resources: {A: {Type: T}}
`

func TestResolveParameters(t *testing.T) {
	tmpl, err := Parse([]byte(paramsTemplate))
	if err != nil {
		t.Fatal(err)
	}
	got, err := tmpl.ResolveParameters(map[string]string{"Env": "prod"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"Env": "prod", "Port": "80", "Subnets": []any{"a", "b"}, "Cidrs": []any{}, "Sizes": []any{"1", "2"}, "Empty": "",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v", got)
	}
	errs := []struct {
		given map[string]string
		want  string
	}{
		{nil, "Parameters: [Env] must have values"},
		{map[string]string{"Env": "test"}, "Parameter 'Env' must be one of AllowedValues"},
		{map[string]string{"Env": "dev", "Nope": "x", "Also": "y"}, "Parameters: [Also, Nope] do not exist in the template"},
		{map[string]string{"Env": "dev", "Port": "eighty"}, "Parameter 'Port' must be a number."},
		{map[string]string{"Env": "dev", "Sizes": "1,x"}, "Parameter 'Sizes' must be a number."},
	}
	for _, e := range errs {
		if _, err := tmpl.ResolveParameters(e.given); err == nil || err.Error() != e.want {
			t.Errorf("%v: got %v, want %q", e.given, err, e.want)
		}
	}
}
