package checks

import (
	"strings"
	"testing"
)

// The fix for a missing image pushes with 'workshop sandbox push' on the
// sandbox, which works on an engine in a VM, and with docker login and
// docker push on AWS.
func TestBuildAndPushFix(t *testing.T) {
	for _, tc := range []struct {
		name      string
		x         fixer
		uri       string
		want, not []string
	}{
		{"sandbox", fixer{region: "us-east-1", endpoint: "http://127.0.0.1:4566", sandbox: true}, "127.0.0.1:4566/api",
			[]string{"docker build --platform linux/amd64 -f services/api/Dockerfile -t 127.0.0.1:4566/api:v1 .", "&& workshop sandbox push 127.0.0.1:4566/api:v1"},
			[]string{"docker push", "docker login"}},
		{"aws", fixer{region: "eu-west-1"}, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/users",
			[]string{"aws ecr get-login-password --region eu-west-1 | docker login --username AWS --password-stdin 123456789012.dkr.ecr.eu-west-1.amazonaws.com",
				"&& docker push 123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:v1"},
			[]string{"workshop sandbox push"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			service := tc.uri[strings.LastIndex(tc.uri, "/")+1:]
			got := tc.x.buildAndPush(service, tc.uri)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("fix %q lacks %q", got, w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("fix %q has %q", got, n)
				}
			}
		})
	}
}
