package cloudformation

import (
	"net/url"
	"sort"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/cfn"
)

// templateParamXML is the TemplateParameter shape of ValidateTemplate.
type templateParamXML struct {
	ParameterKey string `xml:"ParameterKey"`
	DefaultValue string `xml:"DefaultValue,omitempty"`
	NoEcho       bool   `xml:"NoEcho"`
	Description  string `xml:"Description,omitempty"`
}

// capabilities is what a template needs, with CloudFormation's reason.
func capabilities(t *cfn.Template) ([]string, string) {
	need := requiredCapability(t)
	if need == "" {
		return nil, ""
	}
	return []string{need}, "The following resource(s) require capabilities: [" + strings.Join(iamTypes(t), ", ") + "]"
}

func (f *Service) validateTemplate(c *awsproto.Call, form url.Values) (any, error) {
	_, t, err := f.readTemplate(form, nil)
	if err != nil {
		return nil, err
	}
	type result struct {
		Parameters         []templateParamXML `xml:"Parameters>member"`
		Description        string             `xml:"Description,omitempty"`
		Capabilities       []string           `xml:"Capabilities>member"`
		CapabilitiesReason string             `xml:"CapabilitiesReason,omitempty"`
		DeclaredTransforms struct{}           `xml:"DeclaredTransforms"`
	}
	out := result{Description: t.Description}
	out.Capabilities, out.CapabilitiesReason = capabilities(t)
	for _, k := range sortedParamKeys(t) {
		p := t.Parameters[k]
		out.Parameters = append(out.Parameters, templateParamXML{ParameterKey: k, DefaultValue: p.Default, NoEcho: p.NoEcho,
			Description: p.Description})
	}
	return out, nil
}

// sortedParamKeys lists a template's parameter names.
func sortedParamKeys(t *cfn.Template) []string {
	keys := make([]string, 0, len(t.Parameters))
	for k := range t.Parameters {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (f *Service) getTemplateSummary(c *awsproto.Call, form url.Values) (any, error) {
	var t *cfn.Template
	if name := form.Get("StackName"); name != "" {
		st := f.findStack(c.Region, name)
		if st == nil {
			return nil, validationErr("Stack with id %s does not exist", name)
		}
		var err error
		if t, err = f.parse(st.TemplateBody); err != nil {
			return nil, err
		}
	} else {
		var err error
		if _, t, err = f.readTemplate(form, nil); err != nil {
			return nil, err
		}
	}
	type constraints struct {
		AllowedValues []string `xml:"AllowedValues>member"`
	}
	type paramXML struct {
		ParameterKey  string       `xml:"ParameterKey"`
		DefaultValue  string       `xml:"DefaultValue,omitempty"`
		ParameterType string       `xml:"ParameterType"`
		NoEcho        bool         `xml:"NoEcho"`
		Description   string       `xml:"Description,omitempty"`
		Constraints   *constraints `xml:"ParameterConstraints,omitempty"`
	}
	type result struct {
		Parameters         []paramXML `xml:"Parameters>member"`
		Description        string     `xml:"Description,omitempty"`
		Capabilities       []string   `xml:"Capabilities>member"`
		CapabilitiesReason string     `xml:"CapabilitiesReason,omitempty"`
		ResourceTypes      []string   `xml:"ResourceTypes>member"`
		Version            string     `xml:"Version,omitempty"`
		DeclaredTransforms struct{}   `xml:"DeclaredTransforms"`
	}
	out := result{Description: t.Description, Version: t.FormatVersion}
	out.Capabilities, out.CapabilitiesReason = capabilities(t)
	for _, k := range sortedParamKeys(t) {
		p := t.Parameters[k]
		x := paramXML{ParameterKey: k, DefaultValue: p.Default, ParameterType: p.Type, NoEcho: p.NoEcho, Description: p.Description}
		if len(p.AllowedValues) > 0 {
			x.Constraints = &constraints{AllowedValues: p.AllowedValues}
		}
		out.Parameters = append(out.Parameters, x)
	}
	seen := map[string]bool{}
	for _, id := range t.ResourceIDs() {
		if typ := t.Resources[id].Type; !seen[typ] {
			seen[typ] = true
			out.ResourceTypes = append(out.ResourceTypes, typ)
		}
	}
	return out, nil
}
