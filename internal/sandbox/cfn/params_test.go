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

const constraintsTemplate = `
Parameters:
  Image: {Type: String, MinLength: 1, MaxLength: 20}
  Name: {Type: String, Default: web, AllowedPattern: "[a-z]+"}
  Key: {Type: String, Default: k, AllowedPattern: "[a-z]+", ConstraintDescription: must be the name of an existing key pair}
  Count: {Type: Number, Default: 2, MinValue: 1, MaxValue: 10}
  Ports: {Type: "List<Number>", Default: "80", MaxValue: 65535}
  Zones: {Type: CommaDelimitedList, Default: "a", AllowedPattern: "[a-z]"}
Resources: {A: {Type: T}}
`

func TestResolveParametersChecksConstraints(t *testing.T) {
	tmpl, err := Parse([]byte(constraintsTemplate))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		given map[string]string
		want  string
	}{
		{map[string]string{"Image": "img:1"}, ""},
		{map[string]string{"Image": "img:1", "Count": "10", "Ports": "80, 443", "Zones": "a,b"}, ""},
		{map[string]string{"Image": ""}, "Parameter 'Image' must contain at least 1 characters"},
		{map[string]string{"Image": "a-very-long-image-name:v1"}, "Parameter 'Image' must contain at most 20 characters"},
		{map[string]string{"Image": "i", "Name": "Web"}, "Parameter 'Name' must match pattern [a-z]+"},
		{map[string]string{"Image": "i", "Name": "web1"}, "Parameter 'Name' must match pattern [a-z]+"},
		{map[string]string{"Image": "i", "Key": "K"}, "Parameter Key failed to satisfy constraint: must be the name of an existing key pair"},
		{map[string]string{"Image": "i", "Count": "0"}, "Parameter 'Count' must be a number not less than 1"},
		{map[string]string{"Image": "i", "Count": "11"}, "Parameter 'Count' must be a number not greater than 10"},
		{map[string]string{"Image": "i", "Ports": "80,70000"}, "Parameter 'Ports' must be a number not greater than 65535"},
		{map[string]string{"Image": "i", "Zones": "a,bc"}, "Parameter 'Zones' must match pattern [a-z]"},
	}
	for _, tt := range tests {
		_, err := tmpl.ResolveParameters(tt.given)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || err.Error() != tt.want) {
			t.Errorf("%v: got %v, want %q", tt.given, err, tt.want)
		}
	}
	for _, bad := range []string{"MinLength: -1", "MinLength: x", "MaxValue: ten", "AllowedPattern: '[a-'"} {
		if _, err := Parse([]byte("Parameters:\n  P: {Type: String, " + bad + "}\nResources: {A: {Type: T}}\n")); err == nil {
			t.Errorf("%s: parsed", bad)
		}
	}
}
