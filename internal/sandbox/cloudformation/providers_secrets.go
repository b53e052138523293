package cloudformation

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/secretsmanager"
)

// createSecret makes a secret through Secrets Manager's API: its value is
// SecretString, or one GenerateSecretString makes (a password, or a JSON
// object of SecretStringTemplate with the password under
// GenerateStringKey). Ref is the secret's ARN.
func createSecret(p *provCall, props map[string]any) (created, error) {
	name := str(props, "Name")
	if name == "" {
		name = p.name(64)
	}
	value := str(props, "SecretString")
	if gen, ok := props["GenerateSecretString"].(map[string]any); ok {
		if value != "" {
			return created{}, p.propErr("You can't specify both SecretString and GenerateSecretString.")
		}
		var err error
		if value, err = generateSecret(gen); err != nil {
			return created{}, p.propErr("%v", err)
		}
	}
	in := map[string]any{"Name": name, "Description": str(props, "Description"), "SecretString": value, "Tags": tagsProp(props)}
	body, err := json.Marshal(in)
	if err != nil {
		return created{}, err
	}
	out, err := p.res.SecretsAPI.CreateSecret(p.apiCall(), body)
	if err != nil {
		return created{}, p.apiErr("SecretsManager", err)
	}
	sec := out.(secretsmanager.CreatedSecret)
	return created{id: sec.ARN, attrs: map[string]string{"Id": sec.ARN}}, nil
}

func deleteSecret(p *provCall, arn string, _ map[string]string) error {
	body, err := json.Marshal(map[string]any{"SecretId": arn, "ForceDeleteWithoutRecovery": true})
	if err != nil {
		return err
	}
	if _, err := p.res.SecretsAPI.DeleteSecret(p.apiCall(), body); err != nil && apiCode(err) != "ResourceNotFoundException" {
		return p.apiErr("SecretsManager", err)
	}
	return nil
}

// generateSecret is GenerateSecretString's value: a random password of
// PasswordLength (32) characters without ExcludeCharacters, inside
// SecretStringTemplate under GenerateStringKey when both are given.
func generateSecret(gen map[string]any) (string, error) {
	length := 32
	if v := str(gen, "PasswordLength"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 4096 {
			return "", fmt.Errorf("#/GenerateSecretString/PasswordLength: %s is not between 1 and 4096", v)
		}
		length = n
	}
	exclude := str(gen, "ExcludeCharacters")
	alphabet := []rune{}
	for _, r := range "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-.:;<=>?@[]^_{|}~" {
		if !strings.ContainsRune(exclude, r) {
			alphabet = append(alphabet, r)
		}
	}
	password := make([]rune, length)
	for i := range password {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			return "", err
		}
		password[i] = alphabet[n.Int64()]
	}
	tmpl, key := str(gen, "SecretStringTemplate"), str(gen, "GenerateStringKey")
	if tmpl == "" || key == "" {
		return string(password), nil
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(tmpl), &obj); err != nil {
		return "", err
	}
	obj[key] = string(password)
	b, err := json.Marshal(obj)
	return string(b), err
}
