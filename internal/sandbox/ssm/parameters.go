package ssm

import (
	"regexp"
	"slices"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// validName is the characters and shape AWS allows in a parameter name.
var validName = regexp.MustCompile(`^[a-zA-Z0-9_.\-/]+$`)

// parameterOut is the Parameter shape of GetParameter and GetParameters.
type parameterOut struct {
	ARN              string         `json:"ARN"`
	DataType         string         `json:"DataType"`
	LastModifiedDate awsproto.Epoch `json:"LastModifiedDate"`
	Name             string         `json:"Name"`
	Type             string         `json:"Type"`
	Value            string         `json:"Value"`
	Version          int64          `json:"Version"`
}

func (p *Parameter) out(region string) parameterOut {
	return parameterOut{ARN: p.ARN(region), DataType: p.DataType, LastModifiedDate: awsproto.Epoch(p.ChangedAt),
		Name: p.Name, Type: p.Type, Value: p.Value, Version: p.Version}
}

func (s *Service) put(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		Name        string         `json:"Name"`
		Value       *string        `json:"Value"`
		Type        string         `json:"Type"`
		Description string         `json:"Description"`
		Overwrite   bool           `json:"Overwrite"`
		DataType    string         `json:"DataType"`
		Tags        []awsproto.Tag `json:"Tags"`
		Tier        string         `json:"Tier"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if !validName.MatchString(in.Name) || len(in.Name) > 1011 || hasReservedPrefix(in.Name) {
		return nil, awsproto.ClientErr("ValidationException",
			"Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol \"/\". Valid example: /get/parameters2-/by1./path0_.")
	}
	if in.Value == nil || *in.Value == "" {
		return nil, awsproto.ClientErr("ValidationException", "1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	if len(*in.Value) > 4096 {
		return nil, awsproto.ClientErr("ValidationException", "Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.")
	}
	params := s.inRegion(c.Region, true)
	p := params[in.Name]
	switch {
	case p != nil && !in.Overwrite:
		return nil, awsproto.ClientErr("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")
	case p != nil && len(in.Tags) > 0:
		return nil, awsproto.ClientErr("ValidationException", "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.")
	case p == nil:
		if in.Type == "" {
			in.Type = "String"
		}
		if !slices.Contains([]string{"String", "StringList", "SecureString"}, in.Type) {
			return nil, awsproto.ClientErr("ValidationException", "1 validation error detected: Value '%s' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]", in.Type)
		}
		if in.DataType == "" {
			in.DataType = "text"
		}
		p = &Parameter{Name: in.Name, Type: in.Type, DataType: in.DataType, Tags: in.Tags}
		params[in.Name] = p
	}
	if in.Type != "" {
		p.Type = in.Type
	}
	p.Value, p.Description, p.ChangedAt = *in.Value, in.Description, c.Now
	p.Version++
	c.Changed()
	return struct {
		Tier    string `json:"Tier"`
		Version int64  `json:"Version"`
	}{"Standard", p.Version}, nil
}

func (s *Service) get(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		Name           string `json:"Name"`
		WithDecryption bool   `json:"WithDecryption"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	p := s.state().Lookup(c.Region, in.Name)
	if p == nil {
		return nil, notFound()
	}
	return struct {
		Parameter parameterOut `json:"Parameter"`
	}{p.out(c.Region)}, nil
}

func (s *Service) getMany(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		Names          []string `json:"Names"`
		WithDecryption bool     `json:"WithDecryption"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if len(in.Names) < 1 || len(in.Names) > 10 {
		return nil, awsproto.ClientErr("ValidationException", "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1")
	}
	out := struct {
		InvalidParameters []string       `json:"InvalidParameters"`
		Parameters        []parameterOut `json:"Parameters"`
	}{InvalidParameters: []string{}, Parameters: []parameterOut{}}
	for _, n := range in.Names {
		if p := s.state().Lookup(c.Region, n); p != nil {
			out.Parameters = append(out.Parameters, p.out(c.Region))
		} else {
			out.InvalidParameters = append(out.InvalidParameters, n)
		}
	}
	return out, nil
}

func (s *Service) delete(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		Name string `json:"Name"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	params := s.inRegion(c.Region, false)
	if params[in.Name] == nil {
		return nil, notFound()
	}
	delete(params, in.Name)
	c.Changed()
	return struct{}{}, nil
}

// hasReservedPrefix says whether a name starts with aws or ssm (any case),
// which AWS keeps for itself.
func hasReservedPrefix(name string) bool {
	n := strings.ToLower(strings.TrimPrefix(name, "/"))
	return strings.HasPrefix(n, "aws") || strings.HasPrefix(n, "ssm")
}
