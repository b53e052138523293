package workshop

import "regexp"

// secretName matches environment variable names that hold secrets.
var secretName = regexp.MustCompile(`(?i)(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL)`)

// accessKeyID matches an AWS access key id.
var accessKeyID = regexp.MustCompile(`^(AKIA|ASIA)[A-Z0-9]{16}$`)

// LooksSecret reports whether an environment variable probably holds a
// secret: its name says password, secret, token or key, or its value is
// shaped like an AWS access key id. Module 5 finds such variables in task
// definitions and moves them to Secrets Manager.
func LooksSecret(name, value string) bool {
	return secretName.MatchString(name) || accessKeyID.MatchString(value)
}
