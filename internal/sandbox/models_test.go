package sandbox_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// awsModel is the part of a botocore service model (service-2.json) that
// judges a response: each operation's output shape and the shapes.
type awsModel struct {
	Metadata struct {
		Protocol     string `json:"protocol"`
		TargetPrefix string `json:"targetPrefix"`
		APIVersion   string `json:"apiVersion"`
		EndpointName string `json:"endpointPrefix"`
	} `json:"metadata"`
	Operations map[string]struct {
		Output *struct {
			Shape         string `json:"shape"`
			ResultWrapper string `json:"resultWrapper"`
		} `json:"output"`
	} `json:"operations"`
	Shapes map[string]modelShape `json:"shapes"`
}

type modelShape struct {
	Type      string                 `json:"type"`
	Required  []string               `json:"required"`
	Members   map[string]modelMember `json:"members"`
	Member    *modelMember           `json:"member"`
	Key       *modelMember           `json:"key"`
	Value     *modelMember           `json:"value"`
	Enum      []string               `json:"enum"`
	Flattened bool                   `json:"flattened"`
}

type modelMember struct {
	Shape        string `json:"shape"`
	LocationName string `json:"locationName"`
	Location     string `json:"location"` // header, statusCode: not in the body
	Flattened    bool   `json:"flattened"`
}

// botocoreData is the folder of botocore's models (BOTOCORE_DATA, else the
// one the machine's python3 imports), or "" when there is none.
func botocoreData() string {
	if d := os.Getenv("BOTOCORE_DATA"); d != "" {
		return d
	}
	out, err := exec.Command("python3", "-c", "import botocore,os;print(os.path.dirname(botocore.__file__))").Output()
	if err != nil {
		return ""
	}
	return filepath.Join(strings.TrimSpace(string(out)), "data")
}

// loadModel reads the newest model of a service (ecs, elbv2, …).
func loadModel(data, service string) (*awsModel, error) {
	dirs, _ := filepath.Glob(filepath.Join(data, service, "*"))
	slices.Sort(dirs)
	if len(dirs) == 0 {
		return nil, fmt.Errorf("no botocore model for %s under %s", service, data)
	}
	dir := dirs[len(dirs)-1]
	raw, err := os.ReadFile(filepath.Join(dir, "service-2.json"))
	if err != nil {
		gz, gerr := os.ReadFile(filepath.Join(dir, "service-2.json.gz"))
		if gerr != nil {
			return nil, err
		}
		zr, zerr := gzip.NewReader(bytes.NewReader(gz))
		if zerr != nil {
			return nil, zerr
		}
		if raw, err = io.ReadAll(zr); err != nil {
			return nil, err
		}
	}
	var m awsModel
	return &m, json.Unmarshal(raw, &m)
}

// judge checks a JSON-protocol response body against the operation's
// output shape and returns what differs from the model.
func (m *awsModel) judgeJSON(op string, body []byte) []string {
	o, ok := m.Operations[op]
	if !ok {
		return []string{op + " is not an operation of the model"}
	}
	if o.Output == nil {
		return nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return []string{"the body is not JSON: " + err.Error()}
	}
	var problems []string
	m.walkJSON(o.Output.Shape, op, v, &problems)
	return problems
}

func (m *awsModel) walkJSON(shapeName, path string, v any, problems *[]string) {
	s := m.Shapes[shapeName]
	bad := func(format string, args ...any) {
		*problems = append(*problems, path+": "+fmt.Sprintf(format, args...))
	}
	switch s.Type {
	case "structure":
		obj, ok := v.(map[string]any)
		if !ok {
			bad("want an object (%s), got %T", shapeName, v)
			return
		}
		for _, r := range s.Required {
			if obj[r] == nil && s.Members[r].Location == "" {
				bad("lacks %s, which %s requires", r, shapeName)
			}
		}
		for _, r := range alwaysReturned()[m.Metadata.EndpointName+"."+shapeName] {
			if _, ok := obj[r]; !ok && s.Members[r].Shape != "" {
				bad("lacks %s, which AWS always returns in %s", r, shapeName)
			}
		}
		for k, val := range obj {
			mem, ok := s.Members[k]
			if !ok {
				bad("has %s, which %s does not have", k, shapeName)
				continue
			}
			if val != nil {
				m.walkJSON(mem.Shape, path+"."+k, val, problems)
			}
		}
	case "list":
		list, ok := v.([]any)
		if !ok {
			bad("want a list, got %T", v)
			return
		}
		for i, e := range list {
			m.walkJSON(s.Member.Shape, fmt.Sprintf("%s[%d]", path, i), e, problems)
		}
	case "map":
		obj, ok := v.(map[string]any)
		if !ok {
			bad("want a map, got %T", v)
			return
		}
		for k, e := range obj {
			m.walkJSON(s.Value.Shape, path+"."+k, e, problems)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			bad("want a string, got %T", v)
		} else if len(s.Enum) > 0 && !slices.Contains(s.Enum, str) && !slices.Contains(beyondEnum()[m.Metadata.EndpointName+"."+shapeName], str) {
			bad("%q is not one of %s's values", str, shapeName)
		}
	case "blob":
		if _, ok := v.(string); !ok {
			bad("want base64 text, got %T", v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("want a boolean, got %T", v)
		}
	case "integer", "long":
		n, ok := v.(json.Number)
		if _, err := n.Int64(); !ok || err != nil {
			bad("want an integer, got %v", v)
		}
	case "double", "float":
		if _, ok := v.(json.Number); !ok {
			bad("want a number, got %T", v)
		}
	case "timestamp":
		if _, ok := v.(json.Number); !ok {
			bad("want epoch seconds, got %v", v)
		}
	}
}

// xmlNode is an element of a query or ec2 response.
type xmlNode struct {
	XMLName  xml.Name
	Children []xmlNode `xml:",any"`
	Text     string    `xml:",chardata"`
}

func (n xmlNode) named(name string) []xmlNode {
	var out []xmlNode
	for _, c := range n.Children {
		if c.XMLName.Local == name {
			out = append(out, c)
		}
	}
	return out
}

// judgeXML checks a query (or ec2) protocol response body against the
// operation's output shape.
func (m *awsModel) judgeXML(op string, body []byte) []string {
	o, ok := m.Operations[op]
	if !ok {
		return []string{op + " is not an operation of the model"}
	}
	var root xmlNode
	if err := xml.Unmarshal(body, &root); err != nil {
		return []string{"the body is not XML: " + err.Error()}
	}
	if o.Output == nil {
		return nil
	}
	result := root
	if o.Output.ResultWrapper != "" {
		r := root.named(o.Output.ResultWrapper)
		if len(r) != 1 {
			return []string{fmt.Sprintf("%s: want one <%s>, got %d", op, o.Output.ResultWrapper, len(r))}
		}
		result = r[0]
	}
	var problems []string
	m.walkXML(o.Output.Shape, op, result, true, &problems)
	return problems
}

func (m *awsModel) wireName(name string, mem modelMember) string {
	if mem.LocationName != "" {
		return mem.LocationName
	}
	if m.Metadata.Protocol == "ec2" {
		return strings.ToLower(name[:1]) + name[1:]
	}
	return name
}

func (m *awsModel) walkXML(shapeName, path string, n xmlNode, top bool, problems *[]string) {
	s := m.Shapes[shapeName]
	bad := func(format string, args ...any) {
		*problems = append(*problems, path+": "+fmt.Sprintf(format, args...))
	}
	text := strings.TrimSpace(n.Text)
	switch s.Type {
	case "structure":
		known := map[string]bool{"ResponseMetadata": top, "requestId": top && m.Metadata.Protocol == "ec2"}
		for name, mem := range s.Members {
			if mem.Location != "" {
				continue
			}
			wire := m.wireName(name, mem)
			known[wire] = true
			shape := m.Shapes[mem.Shape]
			els := n.named(wire)
			if shape.Type == "list" && (shape.Flattened || mem.Flattened) {
				if len(els) == 0 && slices.Contains(s.Required, name) {
					bad("lacks %s, which %s requires", name, shapeName)
				}
				for i, e := range els {
					m.walkXML(shape.Member.Shape, fmt.Sprintf("%s.%s[%d]", path, name, i), e, false, problems)
				}
				continue
			}
			switch {
			case len(els) == 0:
				if slices.Contains(s.Required, name) {
					bad("lacks %s, which %s requires", name, shapeName)
				} else if slices.Contains(alwaysReturned()[m.Metadata.EndpointName+"."+shapeName], name) {
					bad("lacks %s, which AWS always returns in %s", name, shapeName)
				}
			case len(els) > 1:
				bad("has %d <%s>", len(els), wire)
			default:
				m.walkXML(mem.Shape, path+"."+name, els[0], false, problems)
			}
		}
		for _, c := range n.Children {
			if !known[c.XMLName.Local] {
				bad("has <%s>, which %s does not have", c.XMLName.Local, shapeName)
			}
		}
	case "list":
		item := "member"
		if s.Member.LocationName != "" {
			item = s.Member.LocationName
		} else if m.Metadata.Protocol == "ec2" {
			item = "item"
		}
		for i, c := range n.Children {
			if c.XMLName.Local != item {
				bad("a list holds <%s>, want <%s>", c.XMLName.Local, item)
				continue
			}
			m.walkXML(s.Member.Shape, fmt.Sprintf("%s[%d]", path, i), c, false, problems)
		}
	case "map":
		for _, e := range n.named("entry") {
			k, v := e.named("key"), e.named("value")
			if len(k) != 1 || len(v) != 1 {
				bad("a map entry without one key and one value")
				continue
			}
			m.walkXML(s.Value.Shape, path+"."+k[0].Text, v[0], false, problems)
		}
	case "string":
		if len(s.Enum) > 0 && !slices.Contains(s.Enum, text) && !slices.Contains(beyondEnum()[m.Metadata.EndpointName+"."+shapeName], text) {
			bad("%q is not one of %s's values", text, shapeName)
		}
	case "boolean":
		if text != "true" && text != "false" {
			bad("want true or false, got %q", text)
		}
	case "integer", "long":
		if _, err := strconv.ParseInt(text, 10, 64); err != nil {
			bad("want an integer, got %q", text)
		}
	case "double", "float":
		if _, err := strconv.ParseFloat(text, 64); err != nil {
			bad("want a number, got %q", text)
		}
	case "timestamp":
		if _, err := time.Parse(time.RFC3339, text); err != nil {
			bad("want an ISO 8601 time, got %q", text)
		}
	}
}
