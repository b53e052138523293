package awsproto

import (
	"net/url"
	"strconv"
)

// QueryList reads an awsQuery list, Name.member.1, Name.member.2, … (or,
// with member "", the ec2Query form Name.1, Name.2, …), stopping at the
// first gap as AWS does.
func QueryList(form url.Values, name, member string) []string {
	var out []string
	for i := 1; ; i++ {
		key := name + "." + strconv.Itoa(i)
		if member != "" {
			key = name + "." + member + "." + strconv.Itoa(i)
		}
		v, ok := form[key]
		if !ok || len(v) == 0 {
			return out
		}
		out = append(out, v[0])
	}
}

// QueryStructs reads an awsQuery list of structures, Name.member.N.Field,
// as one map of field to value per member.
func QueryStructs(form url.Values, name, member string) []map[string]string {
	var out []map[string]string
	for i := 1; ; i++ {
		prefix := name + "." + strconv.Itoa(i) + "."
		if member != "" {
			prefix = name + "." + member + "." + strconv.Itoa(i) + "."
		}
		m := map[string]string{}
		for k, v := range form {
			if len(k) > len(prefix) && k[:len(prefix)] == prefix && len(v) > 0 {
				m[k[len(prefix):]] = v[0]
			}
		}
		if len(m) == 0 {
			return out
		}
		out = append(out, m)
	}
}

// EC2Filter is one Filter.N of an ec2Query Describe call.
type EC2Filter struct {
	Name   string
	Values []string
}

// EC2Filters reads Filter.N.Name and Filter.N.Value.M.
func EC2Filters(form url.Values) []EC2Filter {
	var out []EC2Filter
	for i := 1; ; i++ {
		p := "Filter." + strconv.Itoa(i)
		name := form.Get(p + ".Name")
		if name == "" {
			return out
		}
		out = append(out, EC2Filter{Name: name, Values: QueryList(form, p+".Value", "")})
	}
}
