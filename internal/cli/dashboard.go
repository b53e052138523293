package cli

import "github.com/spf13/cobra"

func newDashboardCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dashboard",
		Short: "Run the instructor dashboard of a live class, watch it from a terminal, or deploy it on ECS",
		Long: `The instructor dashboard shows a class's progress live: every learner's module,
failing condition and time on step, who is stuck, and which conditions most of
the room fails. Learners join with 'workshop start --class URL --code CODE' (or
'workshop check ... --class URL --code CODE'); their results then reach the
dashboard by themselves. 'workshop dashboard deploy' runs it on ECS Fargate with
PostgreSQL on RDS, for an event that outgrows one machine.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newDashboardServeCmd(f, nil), newDashboardWatchCmd(f, nil), newDashboardDeployCmd(f, nil), newDashboardImageCmd(f, nil))
	return cmd
}
