package cli

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/breakthemonolith/workshop/steps"
)

type cleanupOptions struct {
	IO     IOStreams
	DryRun bool
	Yes    bool
	Stack  string
	// Global holds the global flags, repeated in the commands it suggests.
	Global *GlobalOptions
	// Clients builds the AWS clients of the selected account.
	Clients func(ctx context.Context) (steps.CleanupClients, error)
}

func newCleanupCmd(f *Factory, runF func(context.Context, *cleanupOptions) error) *cobra.Command {
	opts := &cleanupOptions{IO: f.IO, Global: f.Global}
	cmd := &cobra.Command{
		Use:   "cleanup",
		Short: "Delete what the workshop created, and nothing else",
		Long: `Delete what the workshop created, in dependency order: the services, the
listener, the target groups, the stack (network, cluster, load balancer, role,
log group), the task definitions and the repositories with their images.

It first shows the plan and asks (or --yes). It touches only the workshop's
stack and resources tagged workshop:managed=true; anything else with a
workshop name is listed and left alone. At the end it says what is left.`,
		Example: "  workshop cleanup --dry-run\n  workshop cleanup --yes",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Stack = f.Global.Stack
			opts.Clients = func(ctx context.Context) (steps.CleanupClients, error) {
				c, _, err := f.awsClients(ctx)
				if err != nil {
					return steps.CleanupClients{}, err
				}
				return steps.CleanupClientsFrom(c), nil
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return cleanupRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "print the plan on stdout and delete nothing")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "delete without asking")
	return cmd
}

func cleanupRun(ctx context.Context, opts *cleanupOptions) error {
	c, err := opts.Clients(ctx)
	if err != nil {
		return err
	}
	plan, err := steps.PlanCleanup(ctx, c, opts.Stack)
	if err != nil {
		return err
	}
	if opts.DryRun {
		_, err := fmt.Fprint(opts.IO.Out, plan)
		return err
	}
	fmt.Fprint(opts.IO.ErrOut, plan)
	if len(plan.Delete) == 0 {
		return nil
	}
	ok, err := confirmer(&runOptions{IO: opts.IO, Yes: opts.Yes})(fmt.Sprintf("Delete these %d resources?", len(plan.Delete)))
	if err != nil {
		return err
	}
	if !ok {
		return usageErrorf("nothing was deleted: answer y, or pass --yes to delete without asking")
	}
	env := &steps.Env{Report: &linePrinter{w: opts.IO.ErrOut}, HTTP: &http.Client{Timeout: 10 * time.Second}}
	errs := steps.Cleanup(ctx, plan, c, env)
	left, err := steps.PlanCleanup(ctx, c, opts.Stack)
	if err != nil {
		return err
	}
	if len(left.Delete) == 0 && len(errs) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "✔ Nothing of the workshop's is left.")
		return nil
	}
	fmt.Fprintln(opts.IO.ErrOut, "✘ Left after clean-up:")
	for _, d := range left.Delete {
		fmt.Fprintf(opts.IO.ErrOut, "  %s %s\n", d.Kind, d.Name)
	}
	for _, e := range errs {
		fmt.Fprintf(opts.IO.ErrOut, "  ! %v\n", e)
	}
	fmt.Fprintf(opts.IO.ErrOut, "Run '%s' again once the cause is fixed; '%s' lists what remains.\n",
		opts.Global.followUp("cleanup"), opts.Global.followUp("check", "cleanup"))
	return silentError{code: ExitCheckFailed}
}
