package cfn

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxDepth bounds the nesting of a template, so hostile input cannot
// exhaust the stack.
const maxDepth = 256

// decodeBody turns a template body into a plain value tree with intrinsic
// functions in long form. JSON bodies (starting with "{") are read with
// encoding/json for JSON's own error positions; everything else with YAML.
func decodeBody(body []byte) (any, error) {
	trimmed := bytes.TrimLeft(body, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return decodeJSON(body)
	}
	return decodeYAML(body)
}

// decodeJSON reads a JSON template.
func decodeJSON(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	if err == nil {
		if _, e := dec.Token(); e != io.EOF {
			err = errors.New("trailing data")
		}
	}
	if err != nil {
		off := int(dec.InputOffset())
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = int(se.Offset)
		}
		line, col := lineCol(body, off)
		return nil, formatErr("JSON not well-formed. (line %d, column %d)", line, col)
	}
	return normalizeJSON(v, 0)
}

// normalizeJSON converts json.Number into int or float64 and checks depth.
func normalizeJSON(v any, depth int) (any, error) {
	if depth > maxDepth {
		return nil, formatErr("JSON not well-formed. (nesting too deep)")
	}
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.Atoi(x.String()); err == nil {
			return i, nil
		}
		if f, err := x.Float64(); err == nil {
			return f, nil
		}
		return x.String(), nil
	case map[string]any:
		for k, e := range x {
			n, err := normalizeJSON(e, depth+1)
			if err != nil {
				return nil, err
			}
			x[k] = n
		}
		return x, nil
	case []any:
		for i, e := range x {
			n, err := normalizeJSON(e, depth+1)
			if err != nil {
				return nil, err
			}
			x[i] = n
		}
		return x, nil
	}
	return v, nil
}

// lineCol converts a byte offset into a 1-based line and column.
func lineCol(body []byte, off int) (int, int) {
	if off > len(body) {
		off = len(body)
	}
	if off < 0 {
		off = 0
	}
	before := body[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := off - bytes.LastIndexByte(before, '\n')
	return line, col
}

// decodeYAML reads a YAML template into a yaml.Node tree and converts it.
func decodeYAML(body []byte) (any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(body, &doc); err != nil {
		line, col := yamlErrorPosition(body)
		return nil, formatErr("YAML not well-formed. (line %d, column %d)", line, col)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil
	}
	return fromNode(doc.Content[0], 0)
}

// yamlErrorPosition finds where a YAML syntax error is. The parser reports
// the line where the enclosing construct began (or none), so the line is the
// first line whose prefix of the body already fails to parse, found by
// binary search; the column is that line's first non-blank character. When
// only the end of the body is wrong (an unclosed quote or bracket), the
// position is the end of the body.
func yamlErrorPosition(body []byte) (int, int) {
	lines := strings.SplitAfter(string(body), "\n")
	fails := func(k int) bool {
		var n yaml.Node
		err := yaml.Unmarshal([]byte(strings.Join(lines[:k], "")), &n)
		return err != nil && !strings.Contains(err.Error(), "end of stream")
	}
	if !fails(len(lines)) {
		last := lines[len(lines)-1]
		return len(lines), len(last) + 1
	}
	lo, hi := 1, len(lines)
	for lo < hi {
		mid := (lo + hi) / 2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	text := lines[lo-1]
	return lo, len(text) - len(strings.TrimLeft(text, " \t")) + 1
}

// notWellFormed reports a YAML structure error at a node.
func notWellFormed(n *yaml.Node) error {
	return formatErr("YAML not well-formed. (line %d, column %d)", n.Line, n.Column)
}

// fromNode converts one YAML node, rewriting short-form tags to long form.
func fromNode(n *yaml.Node, depth int) (any, error) {
	if depth > maxDepth {
		return nil, notWellFormed(n)
	}
	if n.Kind == yaml.AliasNode {
		return nil, formatErr("YAML aliases are not allowed in CloudFormation templates")
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return fromShortForm(n, depth)
	}
	switch n.Kind {
	case yaml.MappingNode:
		return fromMapping(n, depth)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := fromNode(c, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.ScalarNode:
		return scalar(n), nil
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return fromNode(n.Content[0], depth+1)
	}
	return nil, notWellFormed(n)
}

// fromMapping converts a mapping; keys must be scalars and unique.
func fromMapping(n *yaml.Node, depth int) (any, error) {
	out := make(map[string]any, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, notWellFormed(k)
		}
		if _, dup := out[k.Value]; dup {
			return nil, notWellFormed(k)
		}
		val, err := fromNode(v, depth+1)
		if err != nil {
			return nil, err
		}
		out[k.Value] = val
	}
	return out, nil
}

// fromShortForm rewrites "!Name x" into {"Fn::Name": x} ({"Ref": x} and
// {"Condition": x} for those two); "!GetAtt A.B" becomes ["A", "B"].
func fromShortForm(n *yaml.Node, depth int) (any, error) {
	name := strings.TrimPrefix(n.Tag, "!")
	key := "Fn::" + name
	if name == "Ref" || name == "Condition" {
		key = name
	}
	var arg any
	if n.Kind == yaml.ScalarNode {
		arg = n.Value
		if name == "GetAtt" {
			arg = splitGetAtt(n.Value)
		}
	} else {
		inner := *n
		inner.Tag = ""
		v, err := fromNode(&inner, depth+1)
		if err != nil {
			return nil, err
		}
		arg = v
	}
	return map[string]any{key: arg}, nil
}

// splitGetAtt splits "A.B.C" into ["A", "B.C"]; without a dot it is ["A"].
func splitGetAtt(s string) []any {
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return []any{s[:i], s[i+1:]}
	}
	return []any{s}
}

// scalar converts a plain YAML scalar: booleans, plain decimal integers and
// floats become bool, int and float64; null becomes nil; everything else,
// including timestamps and numbers with a leading zero, stays a string.
func scalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err == nil {
			return b
		}
	case "!!int":
		if plainNumber(n.Value, false) {
			if i, err := strconv.Atoi(n.Value); err == nil {
				return i
			}
		}
	case "!!float":
		if plainNumber(n.Value, true) {
			if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
				return f
			}
		}
	}
	return n.Value
}

// plainNumber tells whether s is a decimal number without a leading zero
// (so "080" and "0x1F" stay strings).
func plainNumber(s string, allowFloat bool) bool {
	t := strings.TrimLeft(s, "+-")
	if len(t) != len(s) && len(s)-len(t) > 1 {
		return false
	}
	if t == "" {
		return false
	}
	if len(t) > 1 && t[0] == '0' && t[1] != '.' {
		return false
	}
	seenDigit := false
	for i, r := range t {
		switch {
		case r >= '0' && r <= '9':
			seenDigit = true
		case allowFloat && (r == '.' || r == 'e' || r == 'E'):
		case allowFloat && (r == '+' || r == '-') && i > 0 && (t[i-1] == 'e' || t[i-1] == 'E'):
		default:
			return false
		}
	}
	return seenDigit
}
