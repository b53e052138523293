package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/dashdeploy"
	"github.com/breakthemonolith/workshop/internal/engine"
	"github.com/breakthemonolith/workshop/internal/selfbuild"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// dashboardRegistry is what pushing the dashboard's image asks of ECR.
type dashboardRegistry interface {
	dashdeploy.RepositoryAPI
	tokenGetter
}

// imagePlatform is the platform the dashboard's tasks run on.
type imagePlatform struct{ OS, Arch, Variant string }

func (p imagePlatform) String() string { return p.OS + "/" + p.Arch }

// fargatePlatform is what the dashboard's template runs on: Fargate's
// default, X86_64.
func fargatePlatform() imagePlatform { return imagePlatform{OS: "linux", Arch: "amd64"} }

type dashboardImageOptions struct {
	IO     IOStreams
	Global *GlobalOptions
	Getenv func(string) string
	// Repository is the ECR repository the image goes to.
	Repository string
	// Connect opens ECR and says the platform the dashboard's tasks run
	// on: Fargate's, or on the sandbox the Docker engine's.
	Connect func(ctx context.Context) (dashboardRegistry, imagePlatform, error)
	// Find returns the workshop executable for the platform.
	Find func(ctx context.Context, o selfbuild.Options) (selfbuild.Binary, error)
	// Upload writes the image to the registry.
	Upload func(ctx context.Context, ref string, bin engine.BinaryImage, opts engine.UploadOptions, report func(workshop.Event)) (string, error)
	// Next, when set, prints the deploy command that uses the image.
	Next bool
}

// newDashboardImageOptions wires the image's options to the clients that
// clients returns (one set per command: see onceClients).
func newDashboardImageOptions(f *Factory, clients func(context.Context) (*cloud.Clients, error)) *dashboardImageOptions {
	opts := &dashboardImageOptions{IO: f.IO, Global: f.Global, Getenv: f.Getenv, Repository: workshop.DashboardRepository,
		Find: selfbuild.Find, Upload: engine.UploadBinary}
	opts.Connect = func(ctx context.Context) (dashboardRegistry, imagePlatform, error) {
		c, err := clients(ctx)
		if err != nil {
			return nil, imagePlatform{}, err
		}
		if !f.Global.Sandbox {
			return c.ECR, fargatePlatform(), nil
		}
		p, err := enginePlatform(ctx)
		return c.ECR, p, err
	}
	return opts
}

// onceClients returns the AWS clients of f's configuration, made on the
// first call and returned again after: a command that calls several
// services (dashboard deploy pushes to ECR, then deploys with
// CloudFormation) loads the configuration and credentials once.
func onceClients(f *Factory) func(context.Context) (*cloud.Clients, error) {
	var once sync.Once
	var c *cloud.Clients
	var err error
	return func(ctx context.Context) (*cloud.Clients, error) {
		once.Do(func() { c, _, err = f.awsClients(ctx) })
		return c, err
	}
}

// enginePlatform is the Docker engine's platform: the sandbox runs its
// tasks there.
func enginePlatform(ctx context.Context) (imagePlatform, error) {
	eng, err := engine.New()
	if err != nil {
		return imagePlatform{}, err
	}
	defer eng.Close()
	goos, arch, variant, err := eng.Platform(ctx)
	if err != nil {
		return imagePlatform{}, fmt.Errorf("ask the Docker engine its platform: %w", err)
	}
	return imagePlatform{OS: goos, Arch: arch, Variant: variant}, nil
}

func newDashboardImageCmd(f *Factory, runF func(context.Context, *dashboardImageOptions) error) *cobra.Command {
	opts := newDashboardImageOptions(f, onceClients(f))
	opts.Next = true
	cmd := &cobra.Command{
		Use:   "image",
		Short: "Push the dashboard's container image (the workshop binary FROM scratch) to ECR",
		Long: `Make the container image 'workshop dashboard deploy' runs, the workshop binary
alone FROM scratch, and push it to the ECR repository --repository (created,
with the workshop's tag, when it does not exist). No Docker engine is needed:
the image is built and pushed by this process. Prints the image on stdout.

The binary is for linux/amd64, what the dashboard's Fargate tasks run on
(with --sandbox, the Docker engine's platform). It is this workshop
executable when that is one; else Go builds it from the source checkout you
run this in; else it is this version's release archive, checked against the
release's checksums; else Go builds this version from the module proxy.`,
		Example: "  workshop dashboard image\n" +
			"  workshop dashboard deploy --image \"$(workshop dashboard image)\" --apply",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validRepository(opts.Repository); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return dashboardImageRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Repository, "repository", workshop.DashboardRepository, "the ECR repository of the image")
	return cmd
}

// dashboardImageRun pushes the image and prints its name on stdout.
func dashboardImageRun(ctx context.Context, opts *dashboardImageOptions) error {
	ref, err := pushDashboardImage(ctx, opts)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(opts.IO.Out, ref)
	return err
}

// repositoryName is ECR's pattern for a repository's name.
var repositoryName = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)

// validRepository refuses what ECR would.
func validRepository(name string) error {
	if len(name) < 2 || len(name) > 256 || !repositoryName.MatchString(name) {
		return usageErrorf("invalid --repository %q: an ECR repository's name is 2 to 256 lowercase letters, digits and . _ - /", name)
	}
	return nil
}

// pushDashboardImage makes the dashboard's image and pushes it to the
// repository, and returns its name (URI:TAG).
func pushDashboardImage(ctx context.Context, opts *dashboardImageOptions) (string, error) {
	w := opts.IO.ErrOut
	reg, plat, err := opts.Connect(ctx)
	if err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp("", "workshop-dashboard-image-*")
	if err != nil {
		return "", fmt.Errorf("make a temporary folder for the dashboard's binary: %w", err)
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintf(w, "→ the dashboard's image: the workshop binary for %s\n", plat)
	bin, tag, err := dashboardBinary(ctx, opts, plat, tmp)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(w, "  %s\n", bin.From)
	repo, err := dashdeploy.EnsureRepository(ctx, reg, opts.Repository)
	if errors.Is(err, dashdeploy.ErrNotOurs) {
		return "", envError{err: err, hint: "choose another repository with --repository NAME"}
	}
	if err != nil {
		return "", envError{err: fmt.Errorf("push the dashboard's image: %s", cloud.Message(err)),
			hint: "pushing it takes ecr:DescribeRepositories, ecr:CreateRepository, ecr:ListTagsForResource, ecr:TagResource, ecr:GetAuthorizationToken and the layer uploads"}
	}
	if repo.Created {
		fmt.Fprintf(w, "✔ created repository %s\n", repo.URI)
	}
	ref := repo.URI + ":" + tag
	server, _, _ := strings.Cut(repo.URI, "/")
	auth, err := ecrAuth(ctx, reg, server)
	if err != nil {
		return "", err
	}
	p := &linePrinter{w: w}
	digest, err := opts.Upload(ctx, ref, engine.BinaryImage{Executable: bin.Path, Entrypoint: "/workshop", OS: plat.OS, Arch: plat.Arch, Variant: plat.Variant},
		engine.UploadOptions{Auth: auth, PlainHTTP: opts.Global != nil && opts.Global.Sandbox}, func(e workshop.Event) { p.Report(e) })
	if err != nil {
		return "", err
	}
	fmt.Fprintf(w, "✔ pushed %s (%s)\n", ref, digest)
	if opts.Next {
		fmt.Fprintf(w, "Next: %s\n", opts.Global.followUp("dashboard", "deploy", "--image", ref, "--apply"))
	}
	return ref, nil
}

// dashboardBinary finds the workshop binary for plat (building or
// downloading it into tmp if need be) and the image tag it goes under.
func dashboardBinary(ctx context.Context, opts *dashboardImageOptions, plat imagePlatform, tmp string) (selfbuild.Binary, string, error) {
	stamp := currentStamp()
	bin, err := opts.Find(ctx, findOptions(plat, releaseVersion(stamp), tmp))
	if errors.Is(err, selfbuild.ErrNone) {
		return bin, "", envError{err: fmt.Errorf("make the dashboard's image: %w", err),
			hint: "run a release of the workshop, or run this in a checkout of its source with Go installed (https://go.dev/dl/); " +
				"or build the image yourself (the workshop binary for " + plat.String() + " FROM scratch, entry point the binary) and pass it to 'workshop dashboard deploy --image'"}
	}
	if err != nil {
		return bin, "", fmt.Errorf("make the dashboard's image: %w", err)
	}
	tag, err := imageTag(stamp.Version, bin.Path)
	if err != nil {
		return bin, "", fmt.Errorf("make the dashboard's image: %w", err)
	}
	return bin, tag, nil
}

// findOptions say where the workshop executable for plat may come from.
func findOptions(plat imagePlatform, version, tmp string) selfbuild.Options {
	exe, _ := os.Executable()
	dir, _ := os.Getwd()
	goCmd, _ := exec.LookPath("go")
	return selfbuild.Options{OS: plat.OS, Arch: plat.Arch, Executable: exe, HostOS: runtime.GOOS, HostArch: runtime.GOARCH,
		Version: version, Dir: dir, Go: goCmd, ReleaseURL: selfbuild.DefaultReleaseURL, TempDir: tmp}
}

// releaseVersion is the published version this build is (v1.2.3), or ""
// for a development build, a snapshot or a modified tree: none of those is
// a release or a module version to fetch.
func releaseVersion(s buildStamp) string {
	v := s.Version
	if v == "" || v == "dev" || strings.Contains(s.Commit, "dirty") || strings.HasSuffix(v, "-next") || strings.Contains(v, "+") {
		return ""
	}
	if !strings.HasPrefix(v, "v") {
		v = "v" + v // GoReleaser stamps 1.2.3 for the tag v1.2.3
	}
	return v
}

// imageTag tags the image with the version and the binary's content, so
// that a new binary is a new tag and redeploying rolls the tasks.
func imageTag(version, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	v := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			return r
		}
		return '-'
	}, version)
	if v == "" {
		v = "dev"
	}
	return v + "-" + hex.EncodeToString(h.Sum(nil))[:12], nil
}
