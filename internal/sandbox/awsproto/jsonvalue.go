package awsproto

import (
	"fmt"
	"strconv"
	"strings"
)

// Scalar renders a scalar of a decoded JSON document (or an evaluated
// template property) as a string: "" when absent, numbers without an
// exponent.
func Scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// ListOfMaps reads a list of objects of a decoded JSON document, skipping
// members that are not objects.
func ListOfMaps(v any) []map[string]any {
	list, _ := v.([]any)
	var out []map[string]any
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// StrList reads a list of strings member of an object (a string is split
// at commas, as a template's comma-delimited list arrives).
func StrList(m map[string]any, key string) []string {
	var out []string
	switch x := m[key].(type) {
	case []any:
		for _, e := range x {
			out = append(out, Scalar(e))
		}
	case string:
		if x != "" {
			out = strings.Split(x, ",")
		}
	}
	return out
}
