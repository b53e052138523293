package dashdeploy

import (
	_ "embed"
	"sort"
)

//go:embed dashboard.yml
var template []byte

// Template returns the dashboard's CloudFormation template.
func Template() []byte { return append([]byte(nil), template...) }

// Params are the template's parameters; an empty one keeps its default.
type Params struct {
	Image          string
	ClassName      string
	DesiredCount   string
	CertificateArn string
	StuckAfter     string
}

// Values lists the parameters that are set, by name, in name order.
func (p Params) Values() [][2]string {
	m := map[string]string{"Image": p.Image, "ClassName": p.ClassName, "DesiredCount": p.DesiredCount,
		"CertificateArn": p.CertificateArn, "StuckAfter": p.StuckAfter}
	var out [][2]string
	for k, v := range m {
		if v != "" {
			out = append(out, [2]string{k, v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}
