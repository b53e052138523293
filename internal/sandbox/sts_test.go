package sandbox_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/breakthemonolith/workshop/internal/sandbox"
)

func TestGetCallerIdentity(t *testing.T) {
	s := start(t, "")
	out, err := stsClient(s).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Account) != sandbox.Account || aws.ToString(out.Arn) != "arn:aws:iam::123456789012:user/workshop-sandbox" ||
		aws.ToString(out.UserId) == "" {
		t.Errorf("GetCallerIdentity = %s %s %s", aws.ToString(out.Account), aws.ToString(out.Arn), aws.ToString(out.UserId))
	}
}

func TestGetCallerIdentityEnvelope(t *testing.T) {
	s := start(t, "")
	res, err := http.PostForm(s.Endpoint()+"/", url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">`,
		"<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/workshop-sandbox</Arn>",
		"<Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>" + res.Header.Get("x-amzn-RequestId") + "</RequestId></ResponseMetadata></GetCallerIdentityResponse>"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("response lacks %s:\n%s", want, body)
		}
	}
}
