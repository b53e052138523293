package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/dashdeploy"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

type dashboardDeployOptions struct {
	IO     IOStreams
	Global *GlobalOptions
	Getenv func(string) string
	// Stacks returns the CloudFormation client --apply deploys with.
	Stacks func(ctx context.Context) (dashdeploy.StackAPI, error)
	// Images makes and pushes the image when no --image is given.
	Images         *dashboardImageOptions
	Image          string
	Class          string
	Count          int
	CertificateArn string
	StuckAfter     string
	Name           string
	Out            string
	Apply          bool
}

func newDashboardDeployCmd(f *Factory, runF func(context.Context, *dashboardDeployOptions) error) *cobra.Command {
	clients := onceClients(f)
	opts := &dashboardDeployOptions{IO: f.IO, Global: f.Global, Getenv: f.Getenv, Images: newDashboardImageOptions(f, clients)}
	opts.Stacks = func(ctx context.Context) (dashdeploy.StackAPI, error) {
		c, err := clients(ctx)
		if err != nil {
			return nil, err
		}
		return c.CFN, nil
	}
	cmd := &cobra.Command{
		Use:   "deploy",
		Short: "Write (or with --apply deploy) a CloudFormation stack that runs the dashboard on ECS Fargate with Postgres",
		Long: `Write the CloudFormation template of the class dashboard on Amazon ECS: Fargate
tasks (--count of them) behind an Application Load Balancer, HTTPS when
--certificate-arn names an ACM certificate (HTTP then redirects to it), all
sharing one PostgreSQL database on Amazon RDS whose password RDS keeps in
Secrets Manager. --image is a container image whose entry point is the
workshop binary; without it, --apply first pushes one as 'workshop dashboard
image' does.

Without --apply it writes the template to --out and prints the AWS CLI command
that deploys it; with --apply it creates the stack (or updates it) and waits,
which takes ten minutes or more for the database. It changes no stack the
workshop did not create (tagged workshop:managed=true). The first task to start
creates the class and prints its join code and instructor URL in the stack's
log group.`,
		Example: "  workshop dashboard deploy --apply\n" +
			"  workshop dashboard deploy --certificate-arn arn:aws:acm:eu-west-1:123456789012:certificate/ID --apply\n" +
			"  workshop dashboard deploy --image 123456789012.dkr.ecr.eu-west-1.amazonaws.com/workshop-dashboard:v1.2.0 --out dashboard.yml",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Image == "" {
				if err := validRepository(opts.Images.Repository); err != nil {
					return err
				}
			}
			if opts.Count < 1 || opts.Count > 10 {
				return usageErrorf("invalid --count %d: run 1 to 10 tasks", opts.Count)
			}
			if opts.Class == "" || len(opts.Class) > 100 {
				return usageErrorf("invalid --class %q: give the class a name of 1 to 100 characters", opts.Class)
			}
			if opts.CertificateArn != "" && !strings.HasPrefix(opts.CertificateArn, "arn:") {
				return usageErrorf("invalid --certificate-arn %q: expected an ACM certificate's ARN, like arn:aws:acm:REGION:ACCOUNT:certificate/ID", opts.CertificateArn)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return dashboardDeployRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Image, "image", "", "the container image the tasks run (its entry point is the workshop binary); without it, --apply pushes one")
	cmd.Flags().StringVar(&opts.Images.Repository, "repository", workshop.DashboardRepository, "without --image: the ECR repository the image is pushed to")
	cmd.Flags().StringVar(&opts.Class, "class", "workshop", "the class the dashboard serves")
	cmd.Flags().IntVar(&opts.Count, "count", 2, "how many dashboard tasks serve behind the load balancer")
	cmd.Flags().StringVar(&opts.CertificateArn, "certificate-arn", "", "an ACM certificate: serve HTTPS on 443 and redirect HTTP to it")
	cmd.Flags().StringVar(&opts.StuckAfter, "stuck-after", "10m", "a learner with no newly passing condition for this long counts as stuck")
	cmd.Flags().StringVar(&opts.Name, "name", workshop.DashboardStack, "the stack's name")
	cmd.Flags().StringVar(&opts.Out, "out", "dashboard.yml", "where to write the template ('-' for standard output)")
	cmd.Flags().BoolVar(&opts.Apply, "apply", false, "deploy the stack now and wait for it")
	return cmd
}

func (o *dashboardDeployOptions) params() dashdeploy.Params {
	return dashdeploy.Params{Image: o.Image, ClassName: o.Class, DesiredCount: strconv.Itoa(o.Count),
		CertificateArn: o.CertificateArn, StuckAfter: o.StuckAfter}
}

func dashboardDeployRun(ctx context.Context, opts *dashboardDeployOptions) error {
	if opts.Apply {
		return dashboardDeployApply(ctx, opts)
	}
	tmpl := dashdeploy.Template()
	if opts.Out == "-" {
		_, err := opts.IO.Out.Write(tmpl)
		return err
	}
	if err := os.WriteFile(opts.Out, tmpl, 0o644); err != nil {
		return envError{err: fmt.Errorf("write the dashboard's template %s: %w", opts.Out, err), hint: "pass another --out, or --out - for standard output"}
	}
	w := opts.IO.ErrOut
	fmt.Fprintf(w, "✔ wrote %s: the dashboard on ECS Fargate (%d tasks) with PostgreSQL on RDS, %s\n", opts.Out, opts.Count, scheme(opts))
	if opts.Image == "" {
		fmt.Fprintf(w, "Push its image and deploy it with the AWS CLI:\n  %s\n", awsDeployCommand(opts))
	} else {
		fmt.Fprintf(w, "Deploy it with the AWS CLI:\n  %s\n", awsDeployCommand(opts))
	}
	fmt.Fprintf(w, "or let workshop deploy it and wait:\n  %s\n", opts.Global.followUp(deployArgs(opts, true)...))
	return nil
}

// scheme says how the load balancer serves.
func scheme(opts *dashboardDeployOptions) string {
	if opts.CertificateArn != "" {
		return "HTTPS on 443 (HTTP redirects to it)"
	}
	return "plain HTTP on 80 (pass --certificate-arn for HTTPS)"
}

// awsDeployCommand is the AWS CLI command that deploys the written
// template with the options' parameters.
func awsDeployCommand(opts *dashboardDeployOptions) string {
	parts := append(awsPrefix(opts.Global, opts.Getenv), "cloudformation", "deploy", "--template-file", opts.Out, "--stack-name", opts.Name,
		"--capabilities", "CAPABILITY_IAM", "--tags", "workshop:managed=true", "--parameter-overrides")
	for _, kv := range opts.params().Values() {
		parts = append(parts, kv[0]+"="+kv[1])
	}
	for i, p := range parts {
		parts[i] = shellQuote(p)
	}
	if opts.Image == "" {
		// The image 'workshop dashboard image' pushes, by command
		// substitution (sh, bash, zsh, fish 3.4+ and PowerShell read it).
		parts = append(parts, `"Image=$(`+opts.Global.followUp(imageArgs(opts)...)+`)"`)
	}
	return strings.Join(parts, " ")
}

// imageArgs are the arguments of the 'workshop dashboard image' that
// pushes this deploy's image.
func imageArgs(opts *dashboardDeployOptions) []string {
	args := []string{"dashboard", "image"}
	if opts.Images.Repository != workshop.DashboardRepository {
		args = append(args, "--repository", opts.Images.Repository)
	}
	return args
}

// awsPrefix is the AWS CLI with the profile and region the global flags
// select; with --sandbox, the sandbox's endpoint, region and test
// credentials, so the command runs as printed in any shell.
func awsPrefix(g *GlobalOptions, getenv func(string) string) []string {
	if g != nil && g.Sandbox {
		return []string{"env", "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "aws", "--endpoint-url", cloud.SandboxEndpoint(getenv),
			"--region", cloud.SandboxRegion}
	}
	parts := []string{"aws"}
	if g != nil {
		if g.Profile != "" {
			parts = append(parts, "--profile", g.Profile)
		}
		if g.Region != "" {
			parts = append(parts, "--region", g.Region)
		}
	}
	return parts
}

// awsCommand quotes an AWS CLI command with the global flags' profile and
// region.
func awsCommand(g *GlobalOptions, getenv func(string) string, args ...string) string {
	parts := append(awsPrefix(g, getenv), args...)
	for i, p := range parts {
		parts[i] = shellQuote(p)
	}
	return strings.Join(parts, " ")
}

// deployArgs are the arguments of this deploy as a command, with --apply
// when apply.
func deployArgs(opts *dashboardDeployOptions, apply bool) []string {
	args := []string{"dashboard", "deploy"}
	if opts.Image != "" {
		args = append(args, "--image", opts.Image)
	} else if opts.Images.Repository != workshop.DashboardRepository {
		args = append(args, "--repository", opts.Images.Repository)
	}
	if opts.Class != "workshop" {
		args = append(args, "--class", opts.Class)
	}
	if opts.Count != 2 {
		args = append(args, "--count", strconv.Itoa(opts.Count))
	}
	if opts.CertificateArn != "" {
		args = append(args, "--certificate-arn", opts.CertificateArn)
	}
	if opts.StuckAfter != "10m" {
		args = append(args, "--stuck-after", opts.StuckAfter)
	}
	if opts.Name != workshop.DashboardStack {
		args = append(args, "--name", opts.Name)
	}
	if apply {
		args = append(args, "--apply")
	}
	return args
}

func dashboardDeployApply(ctx context.Context, opts *dashboardDeployOptions) error {
	api, err := opts.Stacks(ctx)
	if err != nil {
		return err
	}
	pushed := opts.Image == ""
	if pushed {
		if opts.Image, err = pushDashboardImage(ctx, opts.Images); err != nil {
			return err
		}
	}
	w := opts.IO.ErrOut
	wait := "the database takes ten minutes or more"
	if opts.Global != nil && opts.Global.Sandbox {
		wait = "on the sandbox the database is a PostgreSQL server on this machine and the tasks run on Docker"
	}
	fmt.Fprintf(w, "→ deploying stack %s: the dashboard on ECS Fargate with PostgreSQL on RDS, %s (%s)\n", opts.Name, scheme(opts), wait)
	out, err := dashdeploy.Apply(ctx, api, opts.Name, opts.params())
	if errors.Is(err, dashdeploy.ErrNotOurs) {
		return envError{err: fmt.Errorf("deploy the dashboard: %w", err), hint: "deploy it as another stack with --name NAME"}
	}
	if err != nil {
		return envError{err: fmt.Errorf("deploy the dashboard: %w", err),
			hint: "the stack's events say which resource failed and why: " + awsCommand(opts.Global, opts.Getenv, "cloudformation", "describe-stack-events", "--stack-name", opts.Name)}
	}
	verb := "updated"
	switch {
	case out.Created:
		verb = "created"
	case out.Unchanged:
		verb = "is up to date"
	}
	fmt.Fprintf(w, "✔ stack %s %s (%s)\n", opts.Name, verb, out.Status)
	fmt.Fprintln(opts.IO.Out, out.Outputs["URL"])
	if lg := out.Outputs["LogGroup"]; lg != "" {
		fmt.Fprintf(w, "The class's join code and instructor URL are in the tasks' log:\n  %s\n", awsCommand(opts.Global, opts.Getenv, "logs", "tail", lg, "--since", "1h"))
	}
	printTeardown(opts, pushed)
	return nil
}

// printTeardown says how to remove the dashboard once the event is over:
// the stack (a final snapshot of its database stays, as the template
// asks) and, when this run pushed the image, its repository.
func printTeardown(opts *dashboardDeployOptions, pushed bool) {
	w := opts.IO.ErrOut
	if opts.Global != nil && opts.Global.Sandbox {
		fmt.Fprintln(w, "When the class is over, remove it:")
	} else {
		fmt.Fprintln(w, "It is billed by the hour (load balancer, Fargate tasks, RDS instance) until you remove it; when the event is over:")
	}
	fmt.Fprintf(w, "  %s && %s\n", awsCommand(opts.Global, opts.Getenv, "cloudformation", "delete-stack", "--stack-name", opts.Name),
		awsCommand(opts.Global, opts.Getenv, "cloudformation", "wait", "stack-delete-complete", "--stack-name", opts.Name))
	if pushed {
		fmt.Fprintf(w, "  %s\n", awsCommand(opts.Global, opts.Getenv, "ecr", "delete-repository", "--repository-name", opts.Images.Repository, "--force"))
	}
	if opts.Global == nil || !opts.Global.Sandbox {
		fmt.Fprintln(w, "The database's final snapshot stays, with the class's results, until you delete it.")
	}
}
