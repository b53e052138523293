package cli

import (
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/smithy-go"

	"github.com/breakthemonolith/workshop/internal/engine"
	"github.com/breakthemonolith/workshop/internal/selfbuild"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// fakeDashboardECR is an ECR with at most one repository and its tags.
type fakeDashboardECR struct {
	name string
	tags []ecrtypes.Tag
}

const fakeRegistry = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"

func (f *fakeDashboardECR) DescribeRepositories(_ context.Context, in *ecr.DescribeRepositoriesInput, _ ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error) {
	if f.name != in.RepositoryNames[0] {
		return nil, &smithy.GenericAPIError{Code: "RepositoryNotFoundException", Message: "not found"}
	}
	return &ecr.DescribeRepositoriesOutput{Repositories: []ecrtypes.Repository{{RepositoryArn: aws.String("arn:repo/" + f.name), RepositoryUri: aws.String(fakeRegistry + "/" + f.name)}}}, nil
}

func (f *fakeDashboardECR) CreateRepository(_ context.Context, in *ecr.CreateRepositoryInput, _ ...func(*ecr.Options)) (*ecr.CreateRepositoryOutput, error) {
	f.name, f.tags = aws.ToString(in.RepositoryName), in.Tags
	return &ecr.CreateRepositoryOutput{Repository: &ecrtypes.Repository{RepositoryUri: aws.String(fakeRegistry + "/" + f.name)}}, nil
}

func (f *fakeDashboardECR) ListTagsForResource(context.Context, *ecr.ListTagsForResourceInput, ...func(*ecr.Options)) (*ecr.ListTagsForResourceOutput, error) {
	return &ecr.ListTagsForResourceOutput{Tags: f.tags}, nil
}

func (f *fakeDashboardECR) GetAuthorizationToken(context.Context, *ecr.GetAuthorizationTokenInput, ...func(*ecr.Options)) (*ecr.GetAuthorizationTokenOutput, error) {
	return &ecr.GetAuthorizationTokenOutput{AuthorizationData: []ecrtypes.AuthorizationData{{
		AuthorizationToken: aws.String(base64.StdEncoding.EncodeToString([]byte("AWS:secret"))), ProxyEndpoint: aws.String("https://" + fakeRegistry)}}}, nil
}

func TestDashboardImagePushesTheBinary(t *testing.T) {
	exe := filepath.Join(t.TempDir(), "workshop")
	if err := os.WriteFile(exe, []byte("the binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	foreign := []ecrtypes.Tag{{Key: aws.String("team"), Value: aws.String("web")}}
	tests := []struct {
		name     string
		ecr      *fakeDashboardECR
		findErr  error
		wantCode int
		wantOut  string
		wantErr  []string
	}{
		{name: "a new repository", ecr: &fakeDashboardECR{}, wantCode: ExitOK, wantOut: fakeRegistry + "/workshop-dashboard:dev-",
			wantErr: []string{"→ the dashboard's image: the workshop binary for linux/amd64", "this workshop executable",
				"✔ created repository " + fakeRegistry + "/workshop-dashboard", "✔ pushed " + fakeRegistry + "/workshop-dashboard:dev-",
				"Next: workshop --region eu-west-1 dashboard deploy --image '" + fakeRegistry + "/workshop-dashboard:dev-"}},
		{name: "someone else's repository of that name", ecr: &fakeDashboardECR{name: "workshop-dashboard", tags: foreign}, wantCode: ExitEnvironment,
			wantErr: []string{"repository workshop-dashboard exists without the tag workshop:managed=true", "Hint: choose another repository with --repository NAME"}},
		{name: "no binary", ecr: &fakeDashboardECR{}, findErr: selfbuild.ErrNone, wantCode: ExitEnvironment,
			wantErr: []string{"make the dashboard's image: no workshop executable", "Hint: run a release of the workshop"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, out, errOut := testFactory(nil)
			f.Global.Region = "eu-west-1"
			var uploaded engine.BinaryImage
			var auth engine.Auth
			opts := newDashboardImageOptions(f, onceClients(f))
			opts.Next = true
			opts.Connect = func(context.Context) (dashboardRegistry, imagePlatform, error) { return tt.ecr, fargatePlatform(), nil }
			opts.Find = func(_ context.Context, o selfbuild.Options) (selfbuild.Binary, error) {
				if o.OS != "linux" || o.Arch != "amd64" {
					t.Errorf("asked for %s/%s", o.OS, o.Arch)
				}
				if tt.findErr != nil {
					return selfbuild.Binary{}, tt.findErr
				}
				return selfbuild.Binary{Path: exe, From: "this workshop executable"}, nil
			}
			opts.Upload = func(_ context.Context, ref string, bin engine.BinaryImage, o engine.UploadOptions, _ func(workshop.Event)) (string, error) {
				uploaded, auth = bin, o.Auth
				return "sha256:abc", nil
			}
			code := ExitOK
			if err := dashboardImageRun(context.Background(), opts); err != nil {
				printError(errOut, err, "workshop dashboard image")
				code = exitCode(err)
			}
			if code != tt.wantCode || !strings.HasPrefix(out.String(), tt.wantOut) {
				t.Fatalf("exit %d, stdout %q; want %d, %q\n%s", code, out, tt.wantCode, tt.wantOut, errOut)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(errOut.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, errOut)
				}
			}
			if code == ExitOK {
				if uploaded.Executable != exe || uploaded.Entrypoint != "/workshop" || uploaded.OS != "linux" || uploaded.Arch != "amd64" || auth.Password != "secret" {
					t.Errorf("uploaded %+v with %+v", uploaded, auth)
				}
				if len(tt.ecr.tags) != 1 || aws.ToString(tt.ecr.tags[0].Key) != workshop.ManagedTagKey {
					t.Errorf("the new repository's tags: %v", tt.ecr.tags)
				}
			}
		})
	}
}

func TestReleaseVersionAndImageTag(t *testing.T) {
	for _, tt := range []struct {
		stamp buildStamp
		want  string
	}{
		{buildStamp{Version: "1.2.3", Commit: "abc"}, "v1.2.3"},
		{buildStamp{Version: "v1.2.3"}, "v1.2.3"},
		{buildStamp{Version: "v0.0.0-20261204084417-fae27acd1234"}, "v0.0.0-20261204084417-fae27acd1234"},
		{buildStamp{Version: "dev"}, ""},
		{buildStamp{Version: "1.2.4-next"}, ""},
		{buildStamp{Version: "v1.2.3", Commit: "abc-dirty"}, ""},
		{buildStamp{Version: "v1.2.3+dirty"}, ""},
	} {
		if got := releaseVersion(tt.stamp); got != tt.want {
			t.Errorf("releaseVersion(%+v) = %q, want %q", tt.stamp, got, tt.want)
		}
	}
	exe := filepath.Join(t.TempDir(), "workshop")
	if err := os.WriteFile(exe, []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	// sha256("x") = 2d711642b726...
	for version, want := range map[string]string{"": "dev-2d711642b726", "dev": "dev-2d711642b726", "v1.2.3": "v1.2.3-2d711642b726", "v1.2.3+x": "v1.2.3-x-2d711642b726"} {
		if got, err := imageTag(version, exe); err != nil || got != want {
			t.Errorf("imageTag(%q) = %q, %v; want %q", version, got, err, want)
		}
	}
	if _, err := imageTag("v1", filepath.Join(t.TempDir(), "gone")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing binary: %v", err)
	}
}
