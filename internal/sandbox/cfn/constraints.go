package cfn

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// parse reads a parameter's constraints from its declaration m.
func (c *Constraints) parse(name string, m map[string]any) error {
	for key, dst := range map[string]**int{"MinLength": &c.MinLength, "MaxLength": &c.MaxLength} {
		if v, ok := m[key]; ok {
			s, _ := scalarString(v)
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return formatErr("%s member of parameter %s must be a non-negative integer", key, name)
			}
			*dst = &n
		}
	}
	for key, dst := range map[string]**float64{"MinValue": &c.MinValue, "MaxValue": &c.MaxValue} {
		if v, ok := m[key]; ok {
			s, _ := scalarString(v)
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return formatErr("%s member of parameter %s must be a number", key, name)
			}
			*dst = &f
		}
	}
	if v, ok := m["AllowedPattern"]; ok {
		s, ok := v.(string)
		if !ok {
			return formatErr("AllowedPattern member of parameter %s must be a String", name)
		}
		if _, err := regexp.Compile(s); err != nil {
			return formatErr("AllowedPattern member of parameter %s is not a valid pattern", name)
		}
		c.AllowedPattern = s
	}
	c.ConstraintDescription, _ = m["ConstraintDescription"].(string)
	return nil
}

// check refuses the value v of parameter name when it breaks a constraint,
// with CloudFormation's message: its own reason, or the parameter's
// ConstraintDescription. The pattern must match the whole value; lengths
// apply to strings, bounds to numbers; a list's members are checked one by
// one.
func (c Constraints) check(name, typ, v string) error {
	values := []string{v}
	if typ == "CommaDelimitedList" || strings.HasPrefix(typ, "List<") {
		values = nil
		if v != "" {
			for _, part := range strings.Split(v, ",") {
				values = append(values, strings.TrimSpace(part))
			}
		}
	}
	numeric := typ == "Number" || typ == "List<Number>"
	for _, x := range values {
		if reason := c.broken(x, numeric); reason != "" {
			if c.ConstraintDescription != "" {
				return errorf("Parameter %s failed to satisfy constraint: %s", name, c.ConstraintDescription)
			}
			return errorf("Parameter '%s' %s", name, reason)
		}
	}
	return nil
}

// broken says which constraint x breaks, or "".
func (c Constraints) broken(x string, numeric bool) string {
	if numeric {
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		switch {
		case err != nil:
			return ""
		case c.MinValue != nil && f < *c.MinValue:
			return "must be a number not less than " + number(*c.MinValue)
		case c.MaxValue != nil && f > *c.MaxValue:
			return "must be a number not greater than " + number(*c.MaxValue)
		}
		return ""
	}
	n := len([]rune(x))
	switch {
	case c.MinLength != nil && n < *c.MinLength:
		return fmt.Sprintf("must contain at least %d characters", *c.MinLength)
	case c.MaxLength != nil && n > *c.MaxLength:
		return fmt.Sprintf("must contain at most %d characters", *c.MaxLength)
	case c.AllowedPattern != "" && !regexp.MustCompile(`^(?:`+c.AllowedPattern+`)$`).MatchString(x):
		return "must match pattern " + c.AllowedPattern
	}
	return ""
}

// number writes a bound as the template would.
func number(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
