package cli

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/breakthemonolith/workshop/internal/engine"
	"github.com/breakthemonolith/workshop/internal/engine/enginetest"
	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

type fakeTokens struct{ calls int }

func (f *fakeTokens) GetAuthorizationToken(context.Context, *ecr.GetAuthorizationTokenInput, ...func(*ecr.Options)) (*ecr.GetAuthorizationTokenOutput, error) {
	f.calls++
	tok := base64.StdEncoding.EncodeToString([]byte("AWS:secret"))
	return &ecr.GetAuthorizationTokenOutput{AuthorizationData: []ecrtypes.AuthorizationData{{AuthorizationToken: aws.String(tok)}}}, nil
}

func TestDockerImagesLogsInOncePerRegistry(t *testing.T) {
	var built, pushed []string
	logins := 0
	d := &dockerImages{
		engine: &enginetest.Double{
			BuildFn: func(_ context.Context, o engine.BuildOptions, _ func(workshop.Event)) (string, error) {
				// The local tag is the workshop's own, never a learner's "users".
				if o.Platform != "linux/amd64" || "services/"+strings.TrimPrefix(o.Tags[0], "workshop-")+"/Dockerfile" != o.Dockerfile ||
					!strings.HasPrefix(o.Tags[0], "workshop-") {
					t.Errorf("build options %+v", o)
				}
				built = append(built, o.Tags[1])
				return "sha256:img", nil
			},
			LoginFn: func(_ context.Context, a engine.Auth) error {
				logins++
				if a.Username != "AWS" || a.Password != "secret" || a.ServerAddress != "1.dkr.ecr.us-east-1.amazonaws.com" {
					t.Errorf("auth %+v", a)
				}
				return nil
			},
			PushFn: func(_ context.Context, ref string, _ engine.Auth, _ func(workshop.Event)) (string, error) {
				pushed = append(pushed, ref)
				return "sha256:abc", nil
			},
		},
		ecr: &fakeTokens{},
		dir: filepath.Join(t.TempDir(), "app"),
	}
	rep := workshop.ReporterFunc(func(workshop.Event) {})
	for _, svc := range []string{"users", "threads"} {
		if err := d.BuildAndPush(context.Background(), svc, "1.dkr.ecr.us-east-1.amazonaws.com/"+svc, rep); err != nil {
			t.Fatal(err)
		}
	}
	if logins != 1 || len(pushed) != 2 || pushed[1] != "1.dkr.ecr.us-east-1.amazonaws.com/threads:v1" || built[0] != "1.dkr.ecr.us-east-1.amazonaws.com/users:v1" {
		t.Errorf("logins %d, built %v, pushed %v", logins, built, pushed)
	}
	if _, err := os.Stat(filepath.Join(d.dir, "services", "users", "Dockerfile")); err != nil {
		t.Error("the missing app folder was not written first")
	}
}

// For the sandbox the image goes up from this process: no engine login,
// no engine push (LoginFn and PushFn are unset, so a call fails).
func TestDockerImagesUploadsToTheSandbox(t *testing.T) {
	var uploaded []string
	d := &dockerImages{
		engine: &enginetest.Double{
			BuildFn: func(context.Context, engine.BuildOptions, func(workshop.Event)) (string, error) {
				return "sha256:img", nil
			},
			UploadFn: func(_ context.Context, ref string, o engine.UploadOptions, report func(workshop.Event)) (string, error) {
				if o.Auth.Username != "AWS" || o.Auth.Password != "secret" || o.Auth.ServerAddress != "127.0.0.1:4566" || !o.PlainHTTP {
					t.Errorf("upload options %+v", o)
				}
				report(workshop.Event{Kind: workshop.EventProgress, ID: "upload", Current: 1, Total: 2})
				uploaded = append(uploaded, ref)
				return "sha256:abc", nil
			},
		},
		ecr: &fakeTokens{}, dir: t.TempDir(), upload: true,
	}
	os.WriteFile(filepath.Join(d.dir, "go.mod"), []byte("module x\n"), 0o644)
	var progress, pushed bool
	rep := workshop.ReporterFunc(func(e workshop.Event) {
		progress = progress || e.Kind == workshop.EventProgress && e.Total == 2
		pushed = pushed || e.Kind == workshop.EventAction && e.Message == "pushed 127.0.0.1:4566/api:v1 (sha256:abc)"
	})
	if err := d.BuildAndPush(context.Background(), "api", "127.0.0.1:4566/api", rep); err != nil {
		t.Fatal(err)
	}
	if len(uploaded) != 1 || uploaded[0] != "127.0.0.1:4566/api:v1" || !progress || !pushed {
		t.Errorf("uploaded %v, progress reported %t, pushed reported %t", uploaded, progress, pushed)
	}
}

func TestDockerImagesBuildErrorStops(t *testing.T) {
	d := &dockerImages{engine: &enginetest.Double{
		BuildFn: func(context.Context, engine.BuildOptions, func(workshop.Event)) (string, error) {
			return "", errors.New("build image api: step 9/17: syntax error")
		}}, ecr: &fakeTokens{}, dir: t.TempDir()}
	os.WriteFile(filepath.Join(d.dir, "go.mod"), []byte("module x\n"), 0o644)
	err := d.BuildAndPush(context.Background(), "api", "r/api", workshop.ReporterFunc(func(workshop.Event) {}))
	if err == nil || !strings.Contains(err.Error(), "syntax error") {
		t.Fatalf("got %v", err)
	}
}

// With the real engine, a real registry and moto's ECR password: the image
// is built, the login checked, the push lands; a wrong password is refused
// with what to do.
func TestDockerImagesAgainstARealRegistry(t *testing.T) {
	docker := testpeers.Docker(t)
	builder := testpeers.GoBuilderImage(t, docker)
	f, _ := motoFactory(t)
	c, _, err := f.awsClients(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	newImages := func() *dockerImages {
		return &dockerImages{engine: eng, ecr: c.ECR, dir: filepath.Join(t.TempDir(), "app"),
			buildArgs: map[string]string{"GO_IMAGE": builder}}
	}
	var events []workshop.Event
	rep := workshop.ReporterFunc(func(e workshop.Event) { events = append(events, e) })

	registry := testpeers.Registry(t, "AWS", "123456789012-auth-token") // moto's ECR password
	if err := newImages().BuildAndPush(context.Background(), "api", registry+"/api", rep); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodHead, "http://"+registry+"/v2/api/manifests/v1", nil)
	req.SetBasicAuth("AWS", "123456789012-auth-token")
	req.Header.Set("Accept", "application/vnd.docker.distribution.manifest.v2+json")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("api:v1 not in the registry: %v %v", err, res)
	}
	var logs, progress bool
	for _, e := range events {
		logs = logs || e.Kind == workshop.EventLog
		progress = progress || e.Kind == workshop.EventProgress
	}
	if !logs || !progress {
		t.Errorf("build output or push progress was not reported (log %t, progress %t)", logs, progress)
	}

	other := testpeers.Registry(t, "AWS", "a-password-moto-does-not-give")
	err = newImages().BuildAndPush(context.Background(), "api", other+"/api", rep)
	if !errors.Is(err, engine.ErrUnauthorized) || !strings.Contains(err.Error(), "get-login-password") {
		t.Fatalf("a refused login: %v", err)
	}
}
