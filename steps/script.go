package steps

import (
	"fmt"
	"strings"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// script collects the shell lines of one or more steps. Values that are
// known go in literally; a value that is not known yet becomes a shell
// variable, assigned once, by the command that finds it, with a comment that
// says so. The result runs as printed in bash or zsh.
type script struct {
	v       *Values
	lines   []string
	defined map[string]bool
}

func newScript(v *Values) *script {
	return &script{v: v, defined: map[string]bool{}}
}

func (s *script) comment(format string, args ...any) {
	for _, l := range strings.Split(fmt.Sprintf(format, args...), "\n") {
		s.lines = append(s.lines, "# "+l)
	}
}

func (s *script) line(parts ...string) {
	s.lines = append(s.lines, strings.Join(parts, " "))
}

func (s *script) blank() { s.lines = append(s.lines, "") }

// aws returns an AWS CLI command with --region (and --endpoint-url).
func (s *script) aws(args ...string) string {
	cmd := "aws " + strings.Join(args, " ") + " --region " + s.v.Region
	if s.v.Endpoint != "" {
		cmd += " --endpoint-url " + s.v.Endpoint
	}
	if s.v.Sandbox {
		cmd += " --no-sign-request"
	}
	return cmd
}

// value returns known when it is set; otherwise it defines the shell
// variable name from lookup (once) and returns a reference to it.
func (s *script) value(name, known, lookup string) string {
	if known != "" {
		return shellQuote(known)
	}
	if !s.defined[name] {
		s.lines = append(s.lines, fmt.Sprintf("%s=$(%s)   # %s: not known yet, looked up here", name, lookup, name))
		s.defined[name] = true
	}
	return `"$` + name + `"`
}

// output is a stack output, or its lookup.
func (s *script) output(key string) string {
	return s.value(shellName(key), s.v.Outputs[key], s.aws("cloudformation describe-stacks --stack-name", s.v.Stack,
		"--query", `"Stacks[0].Outputs[?OutputKey=='`+key+`'].OutputValue"`, "--output text"))
}

// repoURI is a service's repository URI, or its lookup.
func (s *script) repoURI(service string) string {
	return s.value(shellName(service+"_REPO"), s.v.RepositoryURIs[service],
		s.aws("ecr describe-repositories --repository-names", service, "--query 'repositories[0].repositoryUri' --output text"))
}

// targetGroup is a target group's ARN, or its lookup.
func (s *script) targetGroup(name string) string {
	return s.value(shellName(name+"_TG"), s.v.TargetGroupArns[name],
		s.aws("elbv2 describe-target-groups --names", name, "--query 'TargetGroups[0].TargetGroupArn' --output text"))
}

// listener is the HTTP:80 listener's ARN, or its lookup.
func (s *script) listener() string {
	alb := s.output("ALBArn")
	return s.value("LISTENER_ARN", s.v.ListenerArn, s.aws("elbv2 describe-listeners --load-balancer-arn", alb,
		"--query", "'Listeners[?Port==`80`].ListenerArn'", "--output text"))
}

// ifManaged prints, at indent, an if that runs then (one level deeper)
// only when tagQuery prints the workshop tag's value, and otherwise says
// that what is left alone.
func (s *script) ifManaged(indent, tagQuery, what string, then func(indent string)) {
	s.line(indent + `if [ "$(` + tagQuery + `)" = ` + workshop.ManagedTagValue + ` ]; then`)
	then(indent + "  ")
	s.line(indent + "else")
	s.line(indent + `  echo "left alone: ` + what + ` is not tagged ` + workshop.ManagedTagKey + `=` + workshop.ManagedTagValue + `, so it is not the workshop's"`)
	s.line(indent + "fi")
}

func (s *script) String() string {
	return strings.Join(s.lines, "\n") + "\n"
}

// shellName turns a key like "ALBArn" or "drop-traffic_TG" into a shell
// variable name: ALB_ARN, DROP_TRAFFIC_TG.
func shellName(key string) string {
	isLower := func(i int) bool { return i >= 0 && i < len(key) && key[i] >= 'a' && key[i] <= 'z' }
	isUpper := func(i int) bool { return i >= 0 && i < len(key) && key[i] >= 'A' && key[i] <= 'Z' }
	var b strings.Builder
	for i, r := range key {
		switch {
		case r == '-' || r == '_':
			b.WriteByte('_')
		case isUpper(i):
			// A word starts here: after a lower-case letter (ClusterName),
			// or at the last capital of an acronym (VPCId, ALBArn).
			if isLower(i-1) || (isUpper(i-1) && isLower(i+1)) {
				b.WriteByte('_')
			}
			b.WriteRune(r)
		default:
			b.WriteString(strings.ToUpper(string(r)))
		}
	}
	return b.String()
}

// shellQuote quotes s for a POSIX shell when it holds anything but safe
// characters.
func shellQuote(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@,=+%", r)) {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	if s == "" {
		return "''"
	}
	return s
}
