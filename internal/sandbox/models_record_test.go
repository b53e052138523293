package sandbox_test

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
)

// responseLog keeps samples of the API responses this package's tests get
// through the Go SDK (sdkConfig's HTTP client), so that TestMain can judge
// them against AWS's models once every test has run.
type responseLog struct {
	mu      sync.Mutex
	samples map[string][][]byte // by "target X-Amz-Target" or "query VERSION ACTION"
}

// recorded is the log of this test binary's responses (a test global: the
// transport cannot reach a *testing.T).
var recorded = &responseLog{samples: map[string][][]byte{}}

// maxSamples bounds the bodies kept per operation.
const maxSamples = 30

// recordingTransport passes requests on and logs successful responses.
type recordingTransport struct{ next http.RoundTripper }

func (rt recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	key := ""
	if target := req.Header.Get("X-Amz-Target"); target != "" {
		key = "target " + target
	} else if req.Body != nil && strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		raw, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(raw)) // the same bytes, so the signature holds
		if form, err := url.ParseQuery(string(raw)); err == nil && form.Get("Action") != "" {
			key = "query " + form.Get("Version") + " " + form.Get("Action")
		}
	}
	res, err := rt.next.RoundTrip(req)
	if err != nil || key == "" || res.StatusCode/100 != 2 {
		return res, err
	}
	body, rerr := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(body))
	if rerr == nil {
		recorded.add(key, body)
	}
	return res, nil
}

func (l *responseLog) add(key string, body []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.samples[key]) < maxSamples && !slices.ContainsFunc(l.samples[key], func(b []byte) bool { return bytes.Equal(b, body) }) {
		l.samples[key] = append(l.samples[key], body)
	}
}

// sandboxModels are the botocore models of the APIs the sandbox serves.
var sandboxModels = []string{"autoscaling", "cloudformation", "ec2", "ecr", "ecs", "elbv2", "iam", "logs", "secretsmanager", "ssm", "sts", "wafv2"}

// judgeRecorded judges every logged response against its operation's
// output shape in botocore's model: a member the model requires that is
// missing, a member the shape does not have, a value of the wrong type or
// outside its enum. It prints a summary and returns the exit code.
func judgeRecorded() int {
	data := botocoreData()
	models := map[string]*awsModel{}
	for _, svc := range sandboxModels {
		m, err := loadModel(data, svc)
		if err != nil {
			if os.Getenv("CI") == "" {
				fmt.Fprintf(os.Stderr, "models: not judged (%v)\n", err)
				return 0
			}
			fmt.Fprintf(os.Stderr, "models: %v\n", err)
			return 1
		}
		models[svc] = m
	}
	byTarget, byVersion := map[string]*awsModel{}, map[string]*awsModel{}
	for _, m := range models {
		if m.Metadata.TargetPrefix != "" {
			byTarget[m.Metadata.TargetPrefix] = m
		} else {
			byVersion[m.Metadata.APIVersion] = m
		}
	}
	recorded.mu.Lock()
	defer recorded.mu.Unlock()
	var problems []string
	judged, bodies := 0, 0
	for _, key := range slices.Sorted(maps.Keys(recorded.samples)) {
		f := strings.Fields(key)
		var m *awsModel
		var op string
		if f[0] == "target" {
			prefix, name, _ := strings.Cut(f[1], ".")
			m, op = byTarget[prefix], name
		} else {
			m, op = byVersion[f[1]], f[2]
		}
		if m == nil {
			continue
		}
		judged++
		if os.Getenv("WORKSHOP_MODELS_LIST") != "" {
			fmt.Fprintln(os.Stderr, "  judged", m.Metadata.EndpointName, op, len(recorded.samples[key]))
		}
		for _, body := range recorded.samples[key] {
			bodies++
			var p []string
			if m.Metadata.Protocol == "json" {
				p = m.judgeJSON(op, body)
			} else {
				p = m.judgeXML(op, body)
			}
			for _, one := range p {
				line := m.Metadata.EndpointName + " " + one
				if !slices.Contains(problems, line) {
					problems = append(problems, line)
				}
			}
		}
	}
	fmt.Fprintf(os.Stderr, "models: %d operations, %d responses judged against botocore's models: %d differences\n", judged, bodies, len(problems))
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, "  "+p)
	}
	if len(problems) > 0 {
		return 1
	}
	return 0
}
