package secretsmanager

import (
	"strings"
	"testing"
)

func TestValueFrom(t *testing.T) {
	arn := "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1-AbCdEf"
	st := &State{Secrets: map[string]*Secret{arn: {ARN: arn, VersionID: "v1", SecretString: `{"username":"u","password":"p@ss","port":5432}`}}}
	tests := []struct {
		valueFrom, want, wantErr string
	}{
		{arn, `{"username":"u","password":"p@ss","port":5432}`, ""},
		{arn + ":password::", "p@ss", ""},
		{arn + ":port::", "5432", ""},
		{arn + ":password:AWSCURRENT:v1", "p@ss", ""},
		{"arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1:password::", "p@ss", ""},
		{arn + ":host::", "", "no key host"},
		{arn + ":password:AWSPREVIOUS:", "", "ResourceNotFoundException"},
		{"arn:aws:secretsmanager:us-east-1:123456789012:secret:other-AbCdEf", "", "ResourceNotFoundException"},
		{"arn:aws:ssm:us-east-1:123456789012:parameter/x", "", "not a Secrets Manager secret"},
	}
	for _, tt := range tests {
		got, err := st.ValueFrom(tt.valueFrom)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: got %q %v, want an error with %q", tt.valueFrom, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: got %q %v, want %q", tt.valueFrom, got, err, tt.want)
		}
	}
}
