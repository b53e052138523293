package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/spf13/cobra"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/engine"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// sandboxRegistry is what sandbox push asks of the sandbox's ECR.
type sandboxRegistry interface {
	tokenGetter
	DescribeRepositories(context.Context, *ecr.DescribeRepositoriesInput, ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error)
}

// imageUploader sends an engine's image to a registry from this process.
type imageUploader interface {
	Upload(ctx context.Context, ref string, opts engine.UploadOptions, report func(workshop.Event)) (string, error)
}

type sandboxPushOptions struct {
	IO     IOStreams
	Getenv func(string) string
	// Image is the engine's image, named REGISTRY/REPOSITORY:TAG with the
	// sandbox's address as the registry.
	Image string
	// Connect opens the sandbox's ECR and the Docker engine; close releases them.
	Connect func(ctx context.Context) (reg sandboxRegistry, eng imageUploader, close func(), err error)
}

func newSandboxPushCmd(f *Factory, runF func(context.Context, *sandboxPushOptions) error) *cobra.Command {
	opts := &sandboxPushOptions{IO: f.IO, Getenv: f.Getenv}
	opts.Connect = func(ctx context.Context) (sandboxRegistry, imageUploader, func(), error) {
		return connectSandboxPush(ctx, f)
	}
	return &cobra.Command{
		Use:   "push IMAGE",
		Short: "Upload an image from the Docker engine to the sandbox's registry",
		Long: `Upload an image of the Docker engine to the sandbox's registry from this
process, as 'docker push' would. Use it when the engine runs in a VM (Docker
Desktop, Colima, Podman machine) or elsewhere: its 127.0.0.1 is not this
machine's, so the engine cannot reach the sandbox. IMAGE is named as for
'docker push' (the sandbox's address, the repository, a tag); the repository
must exist, as with ECR. Prints the image's digest on stdout.`,
		Example: "  workshop sandbox push 127.0.0.1:4566/api:v1",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Image = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return sandboxPushRun(cmd.Context(), opts)
		},
	}
}

func sandboxPushRun(ctx context.Context, opts *sandboxPushOptions) error {
	addr := strings.TrimPrefix(cloud.SandboxEndpoint(opts.Getenv), "http://")
	server, repo, err := sandboxImageName(opts.Image, addr)
	if err != nil {
		return err
	}
	if err := sandboxAnswers(ctx, "http://"+addr); err != nil {
		return err
	}
	reg, eng, closeAll, err := opts.Connect(ctx)
	if err != nil {
		return err
	}
	defer closeAll()
	op := "push " + opts.Image
	_, err = reg.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{repo}})
	var missing *ecrtypes.RepositoryNotFoundException
	switch {
	case errors.As(err, &missing):
		return envError{err: fmt.Errorf("%s: the sandbox has no repository %s", op, repo),
			hint: fmt.Sprintf("create it first: eval \"$(workshop sandbox env)\" && aws ecr create-repository --repository-name %s", repo)}
	case err != nil:
		return fmt.Errorf("%s: look up repository %s: %s", op, repo, cloud.Message(err))
	}
	auth, err := ecrAuth(ctx, reg, server)
	if err != nil {
		return err
	}
	p := &linePrinter{w: opts.IO.ErrOut}
	digest, err := eng.Upload(ctx, opts.Image, engine.UploadOptions{Auth: auth, PlainHTTP: true}, func(e workshop.Event) { p.Report(e) })
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "✔ pushed %s\n", opts.Image)
	_, err = fmt.Fprintln(opts.IO.Out, digest)
	return err
}

// sandboxImageName checks that image is REGISTRY/REPOSITORY:TAG with the
// sandbox's address addr as the registry, and returns the registry and the
// repository.
func sandboxImageName(image, addr string) (server, repo string, err error) {
	server, rest, ok := strings.Cut(image, "/")
	name, tag, tagged := strings.Cut(rest, ":")
	if !ok || !tagged || name == "" || tag == "" || strings.Contains(tag, "/") {
		return "", "", usageErrorf("invalid IMAGE %q: expected %s/REPOSITORY:TAG, like %s/api:v1", image, addr, addr)
	}
	if !sameSandbox(server, addr) {
		return "", "", usageErrorf("IMAGE %s names the registry %s, not the sandbox at %s: tag it for the sandbox first: docker tag %s %s/%s:%s", image, server, addr, image, addr, name, tag)
	}
	return server, name, nil
}

// sameSandbox reports whether the registry server is the sandbox at addr:
// the same address, or localhost for a loopback address, with the same port.
func sameSandbox(server, addr string) bool {
	if server == addr {
		return true
	}
	sh, sp, err1 := net.SplitHostPort(server)
	ah, ap, err2 := net.SplitHostPort(addr)
	if err1 != nil || err2 != nil || sp != ap {
		return false
	}
	loopback := func(h string) bool { ip := net.ParseIP(h); return h == "localhost" || ip != nil && ip.IsLoopback() }
	return sh == ah || loopback(sh) && loopback(ah)
}

// connectSandboxPush opens the sandbox's ECR and the Docker engine.
func connectSandboxPush(ctx context.Context, f *Factory) (sandboxRegistry, imageUploader, func(), error) {
	cfg, err := cloud.LoadConfig(ctx, cloud.Options{Sandbox: true, Getenv: f.Getenv})
	if err != nil {
		return nil, nil, nil, err
	}
	eng, err := engine.New()
	if err != nil {
		return nil, nil, nil, err
	}
	return cloud.NewClients(cfg).ECR, eng, func() { _ = eng.Close() }, nil
}
