package cli

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/engine"
	"github.com/breakthemonolith/workshop/internal/scaffold"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

type tokenGetter interface {
	GetAuthorizationToken(context.Context, *ecr.GetAuthorizationTokenInput, ...func(*ecr.Options)) (*ecr.GetAuthorizationTokenOutput, error)
}

// dockerImages builds a service's image from the learner's folder with the
// Docker engine, logs in to ECR with GetAuthorizationToken and pushes it:
// to real ECR through the engine, to the sandbox from this process (upload),
// since an engine in a VM cannot reach the sandbox's 127.0.0.1.
type dockerImages struct {
	engine engine.Client
	ecr    tokenGetter
	dir    string
	// upload sends images from this process instead of the engine's push:
	// set when the command runs against the sandbox.
	upload bool
	// buildArgs go to every build (GO_IMAGE from WORKSHOP_GO_IMAGE).
	buildArgs map[string]string

	mu   sync.Mutex
	auth map[string]engine.Auth // by registry: one login per run
}

// BuildAndPush implements steps.ImageBuilder.
func (d *dockerImages) BuildAndPush(ctx context.Context, service, repoURI string, report workshop.Reporter) error {
	if err := d.ensureFolder(report); err != nil {
		return err
	}
	emit := func(e workshop.Event) { report.Report(e) }
	ref := repoURI + ":v1"
	if _, err := d.engine.Build(ctx, engine.BuildOptions{ContextDir: d.dir, Dockerfile: "services/" + service + "/Dockerfile",
		Tags: []string{localImage(service), ref}, Platform: "linux/amd64", BuildArgs: d.buildArgs}, emit); err != nil {
		return err
	}
	auth, err := d.login(ctx, repoURI)
	if err != nil {
		return err
	}
	var digest string
	if d.upload {
		digest, err = d.engine.Upload(ctx, ref, engine.UploadOptions{Auth: auth, PlainHTTP: true}, emit)
	} else {
		digest, err = d.engine.Push(ctx, ref, auth, emit)
	}
	if err != nil {
		return err
	}
	report.Report(workshop.Event{Kind: workshop.EventAction, Message: fmt.Sprintf("pushed %s (%s)", ref, digest)})
	return nil
}

// localImage is the local name of a service's image: workshop-specific, so
// that a build never retags a learner's own "api" or "users" image.
func localImage(service string) string { return "workshop-" + service }

// ensureFolder writes the sample app when the folder does not exist yet.
func (d *dockerImages) ensureFolder(report workshop.Reporter) error {
	if _, err := os.Stat(filepath.Join(d.dir, "go.mod")); err == nil {
		return nil
	}
	files, err := scaffold.Files()
	if err != nil {
		return err
	}
	if _, err := scaffold.Write(d.dir, files, false); err != nil {
		return fmt.Errorf("write the sample app to %s: %w", d.dir, err)
	}
	report.Report(workshop.Event{Kind: workshop.EventAction, Message: "wrote the sample app to " + d.dir})
	return nil
}

// login gets an ECR password and, for the engine's push, has the engine
// check it with the registry, once per registry.
func (d *dockerImages) login(ctx context.Context, repoURI string) (engine.Auth, error) {
	server, _, _ := strings.Cut(repoURI, "/")
	d.mu.Lock()
	defer d.mu.Unlock()
	if a, ok := d.auth[server]; ok {
		return a, nil
	}
	a, err := ecrAuth(ctx, d.ecr, server)
	if err != nil {
		return engine.Auth{}, err
	}
	if !d.upload {
		if err := d.engine.Login(ctx, a); err != nil {
			return engine.Auth{}, err
		}
	}
	if d.auth == nil {
		d.auth = map[string]engine.Auth{}
	}
	d.auth[server] = a
	return a, nil
}

// ecrAuth gets an ECR password with GetAuthorizationToken: the credentials
// for the registry server.
func ecrAuth(ctx context.Context, tokens tokenGetter, server string) (engine.Auth, error) {
	out, err := tokens.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		return engine.Auth{}, fmt.Errorf("get an ECR password: %s", cloud.Message(err))
	}
	if len(out.AuthorizationData) == 0 {
		return engine.Auth{}, errors.New("get an ECR password: ECR returned no authorization data")
	}
	raw, err := base64.StdEncoding.DecodeString(aws.ToString(out.AuthorizationData[0].AuthorizationToken))
	user, password, ok := strings.Cut(string(raw), ":")
	if err != nil || !ok {
		return engine.Auth{}, errors.New("get an ECR password: the token is not base64 of USER:PASSWORD")
	}
	return engine.Auth{Username: user, Password: password, ServerAddress: server}, nil
}
