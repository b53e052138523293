// Package templates carries the workshop's CloudFormation template, the task
// definitions of the four services, the target group and the module 4
// listener rules, and fills their ${PLACEHOLDERS} with a learner's values.
package templates

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

//go:embed README.md cloudformation task-definitions rules target-group.json
var files embed.FS

// Paths of the templates inside Files.
const (
	StackTemplatePath = "cloudformation/ecs.yml"
	TargetGroupPath   = "target-group.json"
)

// Files returns every template, as `workshop init` writes them.
func Files() fs.FS {
	return files
}

// StackMarker is in the module 2 template's Description and nowhere else: a
// stack whose template holds it was made from the workshop's template.
const StackMarker = "Break a Monolith into Microservices, module 2:"

// StackTemplate returns the module 2 CloudFormation template.
func StackTemplate() ([]byte, error) {
	return files.ReadFile(StackTemplatePath)
}

// Raw returns the template at path as it is, placeholders and all.
func Raw(path string) ([]byte, error) {
	return files.ReadFile(path)
}

// TaskDefinitionPath is the template of service's task definition.
func TaskDefinitionPath(service string) string {
	return "task-definitions/" + service + ".json"
}

// RulePath is the template of service's module 4 listener rule.
func RulePath(service string) string {
	return "rules/" + service + ".json"
}

// Render reads the JSON template at path and replaces each ${NAME} with
// values[NAME], escaped for a JSON string. It fails when the template needs
// a value that is missing, and checks that the result is valid JSON.
func Render(path string, values map[string]string) ([]byte, error) {
	raw, err := files.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("render %s: no such template", path)
	}
	out, err := Expand(string(raw), values)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", path, err)
	}
	if !json.Valid([]byte(out)) {
		return nil, fmt.Errorf("render %s: the result is not valid JSON", path)
	}
	return []byte(out), nil
}

// Placeholders lists the ${NAME}s the template at path needs, sorted.
func Placeholders(path string) ([]string, error) {
	raw, err := files.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: no such template", path)
	}
	seen := map[string]bool{}
	rest := string(raw)
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("read %s: unterminated ${", path)
		}
		seen[rest[i+2:i+j]] = true
		rest = rest[i+j+1:]
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

// Expand replaces each ${NAME} in s with values[NAME], escaped for a JSON
// string, and reports every placeholder that has no value.
func Expand(s string, values map[string]string) (string, error) {
	var b strings.Builder
	var missing []string
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return "", fmt.Errorf("unterminated ${ in template")
		}
		b.WriteString(s[:i])
		name := s[i+2 : i+j]
		v, ok := values[name]
		if !ok || v == "" {
			missing = append(missing, "${"+name+"}")
		}
		b.WriteString(jsonEscape(v))
		s = s[i+j+1:]
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("no value for %s", strings.Join(missing, ", "))
	}
	return b.String(), nil
}

// jsonEscape returns v as it must appear between the quotes of a JSON string.
func jsonEscape(v string) string {
	q, _ := json.Marshal(v) // marshalling a string cannot fail
	return string(q[1 : len(q)-1])
}
