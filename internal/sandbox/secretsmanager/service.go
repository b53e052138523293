// Package secretsmanager serves the sandbox's Secrets Manager (awsJson 1.1,
// X-Amz-Target secretsmanager.*): secrets with one current version each,
// tags, and deletion with a recovery window.
package secretsmanager

import (
	"slices"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

const secretsTargetPrefix = "secretsmanager"

// State is Secrets Manager's part of the state.
type State struct {
	// Secrets by ARN.
	Secrets map[string]*Secret `json:"secrets"`
}

// Fill gives a state read from an older file its empty map.
func (s *State) Fill() {
	if s.Secrets == nil {
		s.Secrets = map[string]*Secret{}
	}
}

// Secret is one secret and its current value.
type Secret struct {
	ARN          string         `json:"arn"`
	Name         string         `json:"name"`
	Region       string         `json:"region"`
	Description  string         `json:"description,omitempty"`
	SecretString string         `json:"secretString,omitempty"`
	SecretBinary []byte         `json:"secretBinary,omitempty"`
	VersionID    string         `json:"versionId"`
	Tags         []awsproto.Tag `json:"tags,omitempty"`
	CreatedAt    time.Time      `json:"createdAt"`
	ChangedAt    time.Time      `json:"changedAt"`
	// DeletedAt is set once the secret is scheduled for deletion.
	DeletedAt *time.Time `json:"deletedAt,omitempty"`
}

// Service serves Secrets Manager over its part of the state.
type Service struct{ state func() *State }

// New is Secrets Manager's service; state returns its current
// part of the state.
func New(state func() *State) *Service {
	return &Service{state: state}
}

// Register adds Secrets Manager's operations to the router.
func (s *Service) Register(r *awsproto.Router) {
	r.HandleJSON(secretsTargetPrefix, map[string]awsproto.JSONOp{
		"CreateSecret":   s.CreateSecret,
		"DescribeSecret": s.describe,
		"GetSecretValue": s.getValue,
		"DeleteSecret":   s.DeleteSecret,
		"TagResource":    s.tag,
		"ListSecrets":    s.list,
	})
}

func secretNotFound() *awsproto.Error {
	return awsproto.ClientErr("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
}

// find resolves a SecretId: an ARN, a partial ARN (without the random
// suffix), or a name.
func (s *Service) find(c *awsproto.Call, id string) (*Secret, error) {
	if sec := s.state().Secrets[id]; sec != nil {
		return sec, nil
	}
	for _, arn := range awsproto.SortedKeys(s.state().Secrets) {
		sec := s.state().Secrets[arn]
		if sec.Region == c.Region && (sec.Name == id || strings.HasPrefix(arn, id+"-") && strings.HasPrefix(id, "arn:")) {
			return sec, nil
		}
	}
	return nil, secretNotFound()
}

// CreateSecret is Secrets Manager's CreateSecret (the CloudFormation
// provider of AWS::SecretsManager::Secret calls it too); it answers a
// CreatedSecret.
func (s *Service) CreateSecret(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		Name         string         `json:"Name"`
		Description  string         `json:"Description"`
		SecretString *string        `json:"SecretString"`
		SecretBinary []byte         `json:"SecretBinary"`
		Tags         []awsproto.Tag `json:"Tags"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if in.Name == "" || len(in.Name) > 512 || strings.ContainsAny(in.Name, " \t\n") {
		return nil, awsproto.ClientErr("InvalidParameterException", "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!")
	}
	if sec, err := s.find(c, in.Name); err == nil {
		if sec.DeletedAt != nil {
			return nil, awsproto.ClientErr("InvalidRequestException", "You can't create this secret because a secret with this name is already scheduled for deletion.")
		}
		return nil, awsproto.ClientErr("ResourceExistsException", "The operation failed because the secret %s already exists.", in.Name)
	}
	sec := &Secret{ARN: "arn:aws:secretsmanager:" + c.Region + ":" + awsproto.Account + ":secret:" + in.Name + "-" + alnum6(),
		Name: in.Name, Region: c.Region, Description: in.Description, SecretBinary: in.SecretBinary,
		VersionID: awsproto.NewRequestID(), Tags: in.Tags, CreatedAt: c.Now, ChangedAt: c.Now}
	if in.SecretString != nil {
		sec.SecretString = *in.SecretString
	}
	s.state().Secrets[sec.ARN] = sec
	c.Changed()
	return CreatedSecret{sec.ARN, sec.Name, sec.VersionID}, nil
}

// CreatedSecret is CreateSecret's answer.
type CreatedSecret struct {
	ARN       string `json:"ARN"`
	Name      string `json:"Name"`
	VersionID string `json:"VersionId"`
}

// alnum6 is the random suffix Secrets Manager adds to a secret's ARN.
func alnum6() string {
	const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	b := []byte(awsproto.UpperAlnum(6))
	for i := range b {
		b[i] = chars[int(b[i])%len(chars)]
	}
	return string(b)
}

// secretOut is DescribeSecret's response.
// (Fields of the response shapes are in the order of their JSON names, as
// the maps they replace were encoded.)
type secretOut struct {
	ARN                string              `json:"ARN"`
	CreatedDate        awsproto.Epoch      `json:"CreatedDate"`
	DeletedDate        *awsproto.Epoch     `json:"DeletedDate,omitempty"`
	Description        string              `json:"Description"`
	LastChangedDate    awsproto.Epoch      `json:"LastChangedDate"`
	Name               string              `json:"Name"`
	Tags               []awsproto.Tag      `json:"Tags"`
	VersionIdsToStages map[string][]string `json:"VersionIdsToStages"`
}

func (sec *Secret) out() secretOut {
	tags := slices.Clone(sec.Tags)
	if tags == nil {
		tags = []awsproto.Tag{}
	}
	o := secretOut{ARN: sec.ARN, Name: sec.Name, Description: sec.Description, Tags: tags,
		CreatedDate: awsproto.Epoch(sec.CreatedAt), LastChangedDate: awsproto.Epoch(sec.ChangedAt),
		VersionIdsToStages: map[string][]string{sec.VersionID: {"AWSCURRENT"}}}
	if sec.DeletedAt != nil {
		d := awsproto.Epoch(*sec.DeletedAt)
		o.DeletedDate = &d
	}
	return o
}

// secretListEntry is ListSecrets' SecretListEntry: DescribeSecret's
// members, but the versions are SecretVersionsToStages there.
type secretListEntry struct {
	ARN                    string              `json:"ARN"`
	CreatedDate            awsproto.Epoch      `json:"CreatedDate"`
	DeletedDate            *awsproto.Epoch     `json:"DeletedDate,omitempty"`
	Description            string              `json:"Description"`
	LastChangedDate        awsproto.Epoch      `json:"LastChangedDate"`
	Name                   string              `json:"Name"`
	SecretVersionsToStages map[string][]string `json:"SecretVersionsToStages"`
	Tags                   []awsproto.Tag      `json:"Tags"`
}

func (sec *Secret) listEntry() secretListEntry {
	o := sec.out()
	return secretListEntry{ARN: o.ARN, CreatedDate: o.CreatedDate, DeletedDate: o.DeletedDate, Description: o.Description,
		LastChangedDate: o.LastChangedDate, Name: o.Name, SecretVersionsToStages: o.VersionIdsToStages, Tags: o.Tags}
}

// secretOf decodes a call that names a secret (secretIDIn) and finds it.
func (s *Service) secretOf(c *awsproto.Call, body []byte) (secretIDIn, *Secret, error) {
	var in secretIDIn
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return in, nil, err
	}
	sec, err := s.find(c, in.SecretID)
	return in, sec, err
}

// secretIDIn is the input of the calls that name a secret.
type secretIDIn struct {
	SecretID                   string         `json:"SecretId"`
	ForceDeleteWithoutRecovery bool           `json:"ForceDeleteWithoutRecovery"`
	RecoveryWindowInDays       int            `json:"RecoveryWindowInDays"`
	Tags                       []awsproto.Tag `json:"Tags"`
}

func (s *Service) describe(c *awsproto.Call, body []byte) (any, error) {
	_, sec, err := s.secretOf(c, body)
	if err != nil {
		return nil, err
	}
	return sec.out(), nil
}

func (s *Service) getValue(c *awsproto.Call, body []byte) (any, error) {
	_, sec, err := s.secretOf(c, body)
	if err != nil {
		return nil, err
	}
	if sec.DeletedAt != nil {
		return nil, awsproto.ClientErr("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.")
	}
	o := secretValueOut{ARN: sec.ARN, Name: sec.Name, VersionID: sec.VersionID,
		VersionStages: []string{"AWSCURRENT"}, CreatedDate: awsproto.Epoch(sec.ChangedAt)}
	if sec.SecretBinary != nil {
		o.SecretBinary = sec.SecretBinary // any: an empty binary is still sent
	} else {
		o.SecretString = &sec.SecretString
	}
	return o, nil
}

// secretValueOut is GetSecretValue's response: the value as a binary or a
// string, whichever the secret holds.
type secretValueOut struct {
	ARN           string         `json:"ARN"`
	CreatedDate   awsproto.Epoch `json:"CreatedDate"`
	Name          string         `json:"Name"`
	SecretBinary  any            `json:"SecretBinary,omitempty"`
	SecretString  *string        `json:"SecretString,omitempty"`
	VersionID     string         `json:"VersionId"`
	VersionStages []string       `json:"VersionStages"`
}

// DeleteSecret is Secrets Manager's DeleteSecret (the CloudFormation
// provider calls it too).
func (s *Service) DeleteSecret(c *awsproto.Call, body []byte) (any, error) {
	var in secretIDIn
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if in.ForceDeleteWithoutRecovery && in.RecoveryWindowInDays != 0 {
		return nil, awsproto.ClientErr("InvalidParameterException", "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.")
	}
	days := in.RecoveryWindowInDays
	if days == 0 {
		days = 30
	}
	if !in.ForceDeleteWithoutRecovery && (days < 7 || days > 30) {
		return nil, awsproto.ClientErr("InvalidParameterException", "RecoveryWindowInDays must be between 7 and 30 days.")
	}
	sec, err := s.find(c, in.SecretID)
	if err != nil {
		return nil, err
	}
	when := c.Now
	if in.ForceDeleteWithoutRecovery {
		delete(s.state().Secrets, sec.ARN)
	} else {
		if sec.DeletedAt == nil {
			now := c.Now
			sec.DeletedAt = &now
		}
		when = sec.DeletedAt.Add(time.Duration(days) * 24 * time.Hour)
	}
	c.Changed()
	return struct {
		ARN          string         `json:"ARN"`
		DeletionDate awsproto.Epoch `json:"DeletionDate"`
		Name         string         `json:"Name"`
	}{sec.ARN, awsproto.Epoch(when), sec.Name}, nil
}

func (s *Service) tag(c *awsproto.Call, body []byte) (any, error) {
	in, sec, err := s.secretOf(c, body)
	if err != nil {
		return nil, err
	}
	for _, t := range in.Tags {
		i := slices.IndexFunc(sec.Tags, func(have awsproto.Tag) bool { return have.Key == t.Key })
		if i >= 0 {
			sec.Tags[i] = t
		} else {
			sec.Tags = append(sec.Tags, t)
		}
	}
	c.Changed()
	return struct{}{}, nil
}

// list answers ListSecrets, with the name, tag-key and tag-value filters
// (prefix matches, as Secrets Manager does); secrets scheduled for
// deletion are left out.
func (s *Service) list(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		Filters []struct {
			Key    string   `json:"Key"`
			Values []string `json:"Values"`
		} `json:"Filters"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	out := []secretListEntry{}
	for _, arn := range awsproto.SortedKeys(s.state().Secrets) {
		sec := s.state().Secrets[arn]
		if sec.Region != c.Region || sec.DeletedAt != nil {
			continue
		}
		ok := true
		for _, f := range in.Filters {
			var have []string
			switch f.Key {
			case "name":
				have = []string{sec.Name}
			case "tag-key":
				for _, t := range sec.Tags {
					have = append(have, t.Key)
				}
			case "tag-value":
				for _, t := range sec.Tags {
					have = append(have, t.Value)
				}
			default:
				return nil, awsproto.ClientErr("InvalidParameterException", "The filter key %q is not supported by the sandbox.", f.Key)
			}
			ok = ok && slices.ContainsFunc(f.Values, func(v string) bool {
				return slices.ContainsFunc(have, func(h string) bool { return strings.HasPrefix(h, v) })
			})
		}
		if ok {
			out = append(out, sec.listEntry())
		}
	}
	return struct {
		SecretList []secretListEntry `json:"SecretList"`
	}{out}, nil
}
