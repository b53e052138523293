package secretsmanager

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// ValueFrom is the value an ECS container definition's secret reads from
// Secrets Manager: valueFrom is the secret's ARN, optionally followed by
// :json-key:version-stage:version-id (only the current version exists
// here, so the last two must be empty or name it). With a JSON key the
// secret must be a JSON object holding the key.
func (s *State) ValueFrom(valueFrom string) (string, error) {
	parts := strings.Split(valueFrom, ":")
	if len(parts) < 7 || parts[2] != "secretsmanager" || parts[5] != "secret" {
		return "", fmt.Errorf("%q is not a Secrets Manager secret's ARN", valueFrom)
	}
	arn := strings.Join(parts[:7], ":")
	sec := s.Secrets[arn]
	for _, full := range awsproto.SortedKeys(s.Secrets) {
		if sec == nil && strings.HasPrefix(full, arn+"-") && len(full) == len(arn)+7 { // a partial ARN: no random suffix
			sec = s.Secrets[full]
		}
	}
	if sec == nil || sec.DeletedAt != nil {
		return "", errors.New("ResourceNotFoundException: Secrets Manager can't find the specified secret")
	}
	var key, stage, version string
	if len(parts) > 7 {
		key = parts[7]
	}
	if len(parts) > 8 {
		stage = parts[8]
	}
	if len(parts) > 9 {
		version = parts[9]
	}
	if (stage != "" && stage != "AWSCURRENT") || (version != "" && version != sec.VersionID) {
		return "", errors.New("ResourceNotFoundException: Secrets Manager can't find the specified secret value for staging label or version")
	}
	if key == "" {
		return sec.SecretString, nil
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(sec.SecretString), &obj); err != nil {
		return "", fmt.Errorf("the secret is not a JSON object, so it has no key %s", key)
	}
	v, ok := obj[key]
	if !ok {
		return "", fmt.Errorf("the secret's JSON has no key %s", key)
	}
	if str, ok := v.(string); ok {
		return str, nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}
