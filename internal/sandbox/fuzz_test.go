package sandbox_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/breakthemonolith/workshop/internal/sandbox"
)

// FuzzJSONRequest feeds arbitrary bodies and targets to the awsJson
// decoder: every answer is a JSON object, every failure carries an AWS
// error code, nothing panics, and the state file still loads afterwards.
func FuzzJSONRequest(f *testing.F) {
	for _, seed := range []struct{ op, body string }{
		{"CreateRepository", `{"repositoryName":"api","tags":[{"Key":"a","Value":"b"}]}`},
		{"DescribeRepositories", `{"maxResults":0,"nextToken":"zz"}`},
		{"DescribeImages", `{"repositoryName":"api","imageIds":[{}]}`},
		{"PutImage", `{"repositoryName":"api","imageManifest":"{\"layers\":[{\"digest\":\"sha256:x\"}]}","imageTag":"v1"}`},
		{"BatchDeleteImage", `{"repositoryName":"api","imageIds":[{"imageTag":"v1"}]}`},
		{"TagResource", `{"resourceArn":"arn:aws:ecr:us-east-1:1:repository/api","tags":null}`},
		{"GetDownloadUrlForLayer", `{"repositoryName":"api","layerDigest":"../../etc"}`},
		{"Nope", `[]`},
		{"DeleteRepository", `{"repositoryName":"api","force":"yes"}`},
	} {
		f.Add(seed.op, []byte(seed.body))
	}
	dir := f.TempDir()
	s, err := sandbox.New(sandbox.Options{Addr: "127.0.0.1:4566", DataDir: dir})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921."+op)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s answered %d with a body that is no JSON object: %q", op, rec.Code, rec.Body.String())
		}
		if rec.Code == http.StatusOK {
			return
		}
		code, _ := out["__type"].(string)
		msg, _ := out["message"].(string)
		if code == "" || msg == "" || rec.Code >= 500 || strings.ContainsAny(code, " :#") {
			t.Fatalf("%s answered %d %q, want a 4xx AWS error", op, rec.Code, rec.Body.String())
		}
		if rec.Header().Get("x-amzn-RequestId") == "" {
			t.Fatal("no request id")
		}
	})
	if _, err := sandbox.New(sandbox.Options{DataDir: dir}); err != nil {
		f.Errorf("the state no longer loads after fuzzing: %v", err)
	}
}
