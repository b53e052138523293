package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/pricing"
	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/steps"
)

type explainOptions struct {
	IO   IOStreams
	Name string
	// Values finds the learner's real values; what it cannot find stays
	// empty and the commands look it up when they run.
	Values func(ctx context.Context) (steps.Values, error)
	// Getenv locates the cache of refreshed prices.
	Getenv func(string) string
}

func newExplainCmd(f *Factory, runF func(context.Context, *explainOptions) error) *cobra.Command {
	opts := &explainOptions{IO: f.IO, Getenv: f.Getenv}
	cmd := &cobra.Command{
		Use:   "explain <step-id|module-N|cleanup|all>",
		Short: "Print the exact AWS CLI and docker commands of a step or module",
		Long: `Print the exact AWS CLI v2 and docker commands that perform a step, a module
('module-2'), the clean-up or everything ('all'), with your real values filled
in: account, region, repository URIs, and the VPC, subnets, security group,
listener and target groups from your stack. A value that does not exist yet
becomes a shell variable set by the command that finds it, so the output runs
as printed (in bash or zsh, from the folder 'workshop init' wrote).`,
		Example:           "  workshop explain module-2\n  workshop explain module-4/create-rules\n  workshop explain all > workshop.sh",
		ValidArgsFunction: completeFirstArg(func() []string { return stepNames(true) }),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("which step? (a module such as module-2, 'cleanup', 'all', or a step id such as module-2/create-listener)")
			}
			if _, err := steps.Find(args[0]); err != nil {
				return usageError{err}
			}
			opts.Name = args[0]
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Values = func(ctx context.Context) (steps.Values, error) { return lookupValues(ctx, f) }
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return explainRun(cmd.Context(), opts)
		},
	}
	return cmd
}

func explainRun(ctx context.Context, opts *explainOptions) error {
	list, err := steps.Find(opts.Name)
	if err != nil {
		return usageError{err}
	}
	v, err := opts.Values(ctx)
	var env envError
	if errors.As(err, &env) && v.Region == "" {
		return err
	}
	if err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "! could not read your account (%v): the commands look the values up when they run\n", err)
	}
	if line := moduleCostLine(opts.Name, v.Region, opts.Getenv); line != "" {
		fmt.Fprintln(opts.IO.ErrOut, line)
	}
	_, err = fmt.Fprint(opts.IO.Out, steps.Explain(list, v))
	return err
}

// moduleCostLine says what the module name (module-2, security) adds per
// hour in region, at the prices pricing.For finds with getenv (us-east-1's
// where there are none for region), or "" for a step or a target that adds
// nothing billed.
func moduleCostLine(name, region string, getenv func(string) string) string {
	if strings.Contains(name, "/") {
		return ""
	}
	t, err := workshop.ParseTarget(checkTargetOf(name))
	if err != nil {
		return ""
	}
	// A cache that cannot be read leaves the embedded prices ('cost' says
	// why); no prices at all is a broken build, which pricing's tests catch.
	p, _, _ := pricing.For(getenv, region)
	if p.Region == "" {
		return ""
	}
	return pricing.ModuleLine(t, p)
}

// lookupValues finds the values the commands need in the selected account.
func lookupValues(ctx context.Context, f *Factory) (steps.Values, error) {
	v := steps.Values{Stack: f.Global.Stack, Region: f.Global.Region}
	c, _, err := f.awsClients(ctx)
	if err != nil {
		return v, err
	}
	v.Region = c.Region()
	v.Endpoint = c.Endpoint()
	v.GoImage = f.Getenv("WORKSHOP_GO_IMAGE")
	v.Sandbox = f.Global.Sandbox
	if f.Global.Sandbox {
		v.PushFromHost = pushFromHost(ctx, strings.TrimPrefix(cloud.SandboxEndpoint(f.Getenv), "http://"))
	}
	err = steps.Lookup(ctx, steps.ReadersFrom(c), &v)
	if err != nil {
		return v, errors.New(cloud.Message(err))
	}
	return v, nil
}
