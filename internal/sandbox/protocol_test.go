package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/breakthemonolith/workshop/internal/sandbox"
)

// do sends a raw request and returns the status, headers and body.
func do(t testing.TB, s *sandbox.Server, target, contentType string, body []byte) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.Endpoint()+"/", bytes.NewReader(body))
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	req.Header.Set("Content-Type", contentType)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(data)
}

func TestProtocolErrorsAreAWSShaped(t *testing.T) {
	s := start(t, "")
	const jsonType, formType = "application/x-amz-json-1.1", "application/x-www-form-urlencoded"
	tests := []struct {
		name, target, contentType, body string
		status                          int
		want                            string
	}{
		{"unknown JSON operation", "AmazonEC2ContainerRegistry_V20150921.Nope", jsonType, "{}", 400, `"__type":"UnknownOperationException"`},
		{"unknown JSON service", "Bogus_20200101.DescribeThings", jsonType, "{}", 400, `"__type":"UnknownOperationException"`},
		{"malformed JSON", "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories", jsonType, "{", 400, `"__type":"SerializationException"`},
		{"wrong JSON type", "AmazonEC2ContainerRegistry_V20150921.CreateRepository", jsonType, `{"repositoryName":5}`, 400, `"__type":"SerializationException"`},
		{"unknown query action", "", formType, "Action=Nope&Version=2011-06-15", 400, "<Code>InvalidAction</Code>"},
		{"unknown query version", "", formType, "Action=GetCallerIdentity&Version=1999-01-01", 400, "<Code>InvalidAction</Code>"},
		{"no action", "", formType, "", 400, "<Code>MissingAction</Code>"},
		{"malformed form", "", formType, "Action=%zz", 400, "<Code>MalformedQueryString</Code>"},
		{"a body too big", "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories", jsonType,
			`{"x":"` + strings.Repeat("a", 11<<20) + `"}`, 413, `"__type":"SerializationException"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, h, body := do(t, s, tc.target, tc.contentType, []byte(tc.body))
			if status != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("got %d %s, want %d …%s…", status, body, tc.status, tc.want)
			}
			if h.Get("x-amzn-RequestId") == "" {
				t.Error("no x-amzn-RequestId header")
			}
		})
	}
}

func TestRegionComesFromTheCredentialScope(t *testing.T) {
	s := start(t, "")
	req, _ := http.NewRequest(http.MethodPost, s.Endpoint()+"/", strings.NewReader(`{"repositoryName":"api"}`))
	req.Header.Set("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.CreateRepository")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/ap-south-1/ecr/aws4_request, SignedHeaders=host, Signature=00")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Repository struct{ RepositoryArn string }
	}
	_ = json.NewDecoder(res.Body).Decode(&out)
	res.Body.Close()
	if !strings.HasPrefix(out.Repository.RepositoryArn, "arn:aws:ecr:ap-south-1:") {
		t.Errorf("ARN %q is not in the signed region", out.Repository.RepositoryArn)
	}
	// Unsigned: us-east-1.
	_, _, body := do(t, s, "AmazonEC2ContainerRegistry_V20150921.CreateRepository", "application/x-amz-json-1.1", []byte(`{"repositoryName":"web"}`))
	if !strings.Contains(body, "arn:aws:ecr:us-east-1:") {
		t.Errorf("an unsigned call: %s", body)
	}
}

func TestLatencyDelaysAPICallsOnly(t *testing.T) {
	s, err := sandbox.New(sandbox.Options{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Latency: 150 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	began := time.Now()
	if _, err := stsClient(s).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(began); d < 150*time.Millisecond {
		t.Errorf("an API call took %s with --latency 150ms", d)
	}
	began = time.Now()
	res, err := http.Get(s.Endpoint() + "/v2/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if d := time.Since(began); d >= 150*time.Millisecond {
		t.Errorf("a registry request took %s: latency applies to API calls only", d)
	}
}

func TestStartStopsWithItsContext(t *testing.T) {
	s, err := sandbox.New(sandbox.Options{Addr: "127.0.0.1:0", DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	wctx, wcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer wcancel()
	if err := s.Wait(wctx); err != nil {
		t.Errorf("Wait after cancel: %v", err)
	}
	if _, err := http.PostForm(s.Endpoint()+"/", url.Values{"Action": {"GetCallerIdentity"}}); err == nil {
		t.Error("the sandbox still answers after its context ended")
	}
}
