package engine

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
)

// The streams below are as Engine 20.10 (API 1.41) sends them.

func TestBuildStreamReportsLinesAndTheImageID(t *testing.T) {
	stream := `{"stream":"Step 1/3 : FROM scratch\n"}
{"stream":"\n"}
{"stream":" ---\u003e \n"}
{"stream":"Step 2/3 : COPY a.txt /\n"}
{"stream":" ---\u003e 5f3c"}
{"stream":"0a1b2c3d\n"}
{"stream":"Step 3/3 : RUN [\"go\", \"vet\"]\n"}
{"stream":" ---\u003e Running in 06aa7dca28fd\n"}
{"stream":"\u001b[91mwarning: something\n\u001b[0m"}
{"stream":"Removing intermediate container 06aa7dca28fd\n"}
{"aux":{"ID":"sha256:1739ebcc8ccefa08e647e5ad669ef9f299a092020dde47d725f518434f701bbf"}}
{"stream":"Successfully built 1739ebcc8cce\n"}
{"stream":"Successfully tagged api:latest\n"}
`
	var ev events
	s := buildStream{image: "api", report: reporter(ev.report)}
	if err := eachMessage(strings.NewReader(stream), s.handle); err != nil {
		t.Fatal(err)
	}
	s.out.flush(s.line)
	want := []string{"Step 1/3 : FROM scratch", "", " ---> ", "Step 2/3 : COPY a.txt /", " ---> 5f3c0a1b2c3d",
		`Step 3/3 : RUN ["go", "vet"]`, " ---> Running in 06aa7dca28fd", "warning: something",
		"Removing intermediate container 06aa7dca28fd", "Successfully built 1739ebcc8cce", "Successfully tagged api:latest"}
	if got := ev.logLines(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines:\n%q\nwant:\n%q", got, want)
	}
	if s.id != "sha256:1739ebcc8ccefa08e647e5ad669ef9f299a092020dde47d725f518434f701bbf" || s.built != "1739ebcc8cce" {
		t.Errorf("id %q, built %q", s.id, s.built)
	}
	for _, e := range ev.list {
		if e.Time.IsZero() {
			t.Errorf("event %+v has no time", e)
		}
	}
}

func TestBuildStreamFailure(t *testing.T) {
	stream := `{"stream":"Step 9/17 : RUN [\"go\", \"build\", \"./forum\"]\n"}
{"stream":" ---\u003e Running in 4d134f4ae408\n"}
{"stream":"\u001b[91m# github.com/breakthemonolith/workshop/sample-app/forum\n"}
{"stream":"forum/broken.go:3:14: syntax error: unexpected {, expected )\n"}
{"stream":"\u001b[0m"}
{"stream":"Removing intermediate container 4d134f4ae408\n"}
{"errorDetail":{"code":1,"message":"The command 'go build ./forum' returned a non-zero code: 1"},"error":"The command 'go build ./forum' returned a non-zero code: 1"}
`
	s := buildStream{image: "api:v1", report: reporter(nil)}
	err := eachMessage(strings.NewReader(stream), s.handle)
	var buildErr *BuildError
	if !errors.As(err, &buildErr) {
		t.Fatalf("got %v, want a *BuildError", err)
	}
	want := `build image api:v1: step 9/17 (RUN ["go", "build", "./forum"]): The command 'go build ./forum' returned a non-zero code: 1
    # github.com/breakthemonolith/workshop/sample-app/forum
    forum/broken.go:3:14: syntax error: unexpected {, expected )`
	if err.Error() != want {
		t.Errorf("error:\n%s\nwant:\n%s", err, want)
	}
}

// An engine may send only the older, plain error field.
func TestBuildStreamPlainError(t *testing.T) {
	s := buildStream{image: "api", report: reporter(nil)}
	err := eachMessage(strings.NewReader(`{"error":"pull access denied for golang"}`), s.handle)
	if err == nil || err.Error() != "build image api: pull access denied for golang" {
		t.Errorf("got %v", err)
	}
}

func TestPushStreamReportsProgressAndTheDigest(t *testing.T) {
	const digest = "sha256:b5d6124dc247133d5dd8597153e2f0aa4173262818be8231b88d1ca5a14240de"
	stream := `{"status":"The push refers to repository [127.0.0.1:34313/api]"}
{"status":"Preparing","progressDetail":{},"id":"fc24128dfd64"}
{"status":"Pushing","progressDetail":{"current":33280,"total":2097152},"progress":"[\u003e   ]  33.28kB/2.097MB","id":"fc24128dfd64"}
{"status":"Pushing","progressDetail":{"current":2098688,"total":2097152},"id":"fc24128dfd64"}
{"status":"Pushed","progressDetail":{},"id":"fc24128dfd64"}
{"status":"Layer already exists","progressDetail":{},"id":"10e3c8237991"}
{"status":"v1: digest: ` + digest + ` size: 732"}
{"progressDetail":{},"aux":{"Tag":"v1","Digest":"` + digest + `","Size":732}}
`
	var ev events
	s := pushStream{report: reporter(ev.report)}
	err := eachMessage(strings.NewReader(stream), func(m message) error {
		if f := s.handle(m); f != "" {
			return errors.New(f)
		}
		return nil
	})
	if err != nil || s.digest != digest {
		t.Fatalf("digest %q, err %v", s.digest, err)
	}
	var got []string
	for _, e := range ev.list {
		got = append(got, fmt.Sprintf("%s %s %s %d/%d", e.Kind, e.ID, e.Status, e.Current, e.Total))
	}
	want := []string{"log   0/0", "progress fc24128dfd64 Preparing 0/0", "progress fc24128dfd64 Pushing 33280/2097152",
		"progress fc24128dfd64 Pushing 2097152/2097152", "progress fc24128dfd64 Pushed 0/0",
		"progress 10e3c8237991 Layer already exists 0/0", "log   0/0"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Without the aux message, the status line names the digest.
	s = pushStream{report: reporter(nil)}
	_ = eachMessage(strings.NewReader(`{"status":"v1: digest: `+digest+` size: 732"}`), func(m message) error { s.handle(m); return nil })
	if s.digest != digest {
		t.Errorf("digest from the status line: %q", s.digest)
	}
}

func TestRegistryErrorsSayWhatToDo(t *testing.T) {
	ecr := Auth{Username: "AWS", Password: "x", ServerAddress: "123456789012.dkr.ecr.us-east-1.amazonaws.com"}
	other := Auth{Username: "ada", Password: "x", ServerAddress: "127.0.0.1:5000"}
	ln, err := net.Listen("tcp", "127.0.0.1:0") // a registry this machine reaches
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	here := Auth{Username: "AWS", Password: "x", ServerAddress: ln.Addr().String()}
	tests := []struct {
		name string
		auth Auth
		msg  string
		is   error
		want string
	}{
		{"ECR repository missing", ecr, "name unknown: The repository with name 'api' does not exist in the registry with id '123456789012'",
			ErrNoRepository, "push R: the repository does not exist (name unknown: The repository with name 'api' does not exist in the registry with id '123456789012'): create it first with 'aws ecr create-repository --repository-name NAME'"},
		{"registry repository missing", other, "NAME_UNKNOWN: repository name not known to registry",
			ErrNoRepository, "push R: the repository does not exist (NAME_UNKNOWN: repository name not known to registry): create it first"},
		{"ECR password expired", ecr, "denied: Your authorization token has expired. Reauthenticate and try again.",
			ErrUnauthorized, "push R: the password of user AWS has expired (denied: Your authorization token has expired. Reauthenticate and try again.): the ECR password lasts 12 hours; get a new one with 'aws ecr get-login-password'"},
		{"wrong password", other, "unauthorized: authentication required",
			ErrUnauthorized, "push R: the registry refused user ada (unauthorized: authentication required): check the user name and password"},
		{"missing IAM permission", ecr, "denied: User: arn:aws:iam::123456789012:user/ada is not authorized to perform: ecr:InitiateLayerUpload",
			nil, "push R: the AWS identity lacks a permission (denied: User: arn:aws:iam::123456789012:user/ada is not authorized to perform: ecr:InitiateLayerUpload): grant it, or use an identity that has it"},
		{"no credentials", Auth{}, "no basic auth credentials",
			ErrUnauthorized, "push R: the registry wants credentials (no basic auth credentials): log in first"},
		{"registry down", other, "Get \"https://127.0.0.1:5000/v2/\": dial tcp 127.0.0.1:5000: connect: connection refused",
			nil, "push R: the engine cannot reach the registry (Get \"https://127.0.0.1:5000/v2/\": dial tcp 127.0.0.1:5000: connect: connection refused): nothing answers at 127.0.0.1:5000 on this machine either: is the sandbox (or registry) running? Start it with 'workshop sandbox start'"},
		{"engine in a VM", here, "Get \"http://" + here.ServerAddress + "/v2/\": dial tcp " + here.ServerAddress + ": connect: connection refused",
			nil, "push R: the engine cannot reach the registry (Get \"http://" + here.ServerAddress + "/v2/\": dial tcp " + here.ServerAddress + ": connect: connection refused): the engine runs in a VM or on another machine, and its 127.0.0.1 is not this machine's; upload from this machine instead: workshop sandbox push R"},
		{"remote registry down", Auth{Username: "ada", ServerAddress: "registry.example:5000"}, "dial tcp: lookup registry.example: no such host",
			nil, "push R: the engine cannot reach the registry (dial tcp: lookup registry.example: no such host): check the registry's address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := registryError("push R", tt.auth, tt.msg, false)
			if err.Error() != tt.want {
				t.Errorf("error:\n%s\nwant:\n%s", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("%v is not %v", err, tt.is)
			}
			if errors.Is(err, ErrUnreachable) {
				t.Errorf("%v blames the Docker engine", err)
			}
		})
	}
}

// An answer of the engine that mentions a refused connection is about a
// registry it tried to reach, not about the engine.
func TestExplainLeavesTheEnginesAnswersAlone(t *testing.T) {
	err := cerrdefs.ErrInternal.WithMessage(`Get "https://127.0.0.1:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused`)
	if got := Explain(err); got != err {
		t.Errorf("Explain(%v) = %v, want it unchanged", err, got)
	}
	plain := errors.New("dial unix /var/run/docker.sock: connect: connection refused")
	if got := Explain(plain); !errors.Is(got, ErrUnreachable) {
		t.Errorf("Explain(%v) = %v, want ErrUnreachable", plain, got)
	}
	if got := Explain(Explain(plain)); got.Error() != Explain(plain).Error() {
		t.Errorf("explaining twice changed %q to %q", Explain(plain), got)
	}
}
