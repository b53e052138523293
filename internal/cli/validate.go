package cli

import (
	"strings"
)

// validateGlobal checks the global flags before any command runs, so a typo
// in a region or stack name is caught here rather than as an AWS error.
func validateGlobal(g *GlobalOptions) error {
	if g.Region != "" && !isRegionName(g.Region) {
		return usageErrorf("invalid --region %q: expected a region name like us-east-1 or eu-west-2", g.Region)
	}
	if !isStackName(g.Stack) {
		return usageErrorf("invalid --stack %q: a stack name starts with a letter and holds only letters, digits and hyphens (at most 128)", g.Stack)
	}
	if g.Sandbox && g.Profile != "" {
		return usageErrorf("--sandbox and --profile cannot be combined: the sandbox uses its own test credentials")
	}
	return nil
}

// isRegionName reports whether s has the shape of an AWS region name:
// lower-case words separated by hyphens, ending in a number
// (us-east-1, ap-southeast-2, us-gov-west-1, eu-central-2).
func isRegionName(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) < 3 {
		return false
	}
	for i, p := range parts {
		if p == "" {
			return false
		}
		last := i == len(parts)-1
		for _, r := range p {
			if last && (r < '0' || r > '9') || !last && (r < 'a' || r > 'z') {
				return false
			}
		}
	}
	return true
}

// isStackName reports whether s is a valid CloudFormation stack name.
func isStackName(s string) bool {
	if s == "" || len(s) > 128 || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}
