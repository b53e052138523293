package cli

import (
	"github.com/spf13/cobra"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// newRootCmd builds the command tree. onStart is called once the command
// line has parsed and a command is about to run.
func newRootCmd(f *Factory, onStart func()) *cobra.Command {
	g := f.Global
	root := &cobra.Command{
		Use:   "workshop",
		Short: "Break a monolith into microservices on Amazon ECS, step by step",
		Long: `workshop walks you through breaking a monolith into microservices on Amazon ECS:

  1. Containerize the monolith and push it to Amazon ECR
  2. Deploy it on ECS (Fargate) behind a load balancer with CloudFormation
  3. Break it into users, threads and posts services
  4. Deploy the microservices and switch the traffic over
  5. Secure it: tighter security groups and repositories, a WAF rate limit,
     secrets in Secrets Manager, a deployment circuit breaker

It ships the sample app and the templates ('workshop init'). Without an AWS
account, 'workshop sandbox start' runs a local AWS (ECR and its registry,
CloudFormation, ECS tasks as Docker containers behind a local load balancer,
WAF, Secrets Manager, IAM, CloudWatch Logs) and --sandbox points any command at it.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := validateGlobal(g); err != nil {
				return err
			}
			onStart()
			return nil
		},
	}
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	addVersionFlag(root)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })

	pf := root.PersistentFlags()
	pf.StringVar(&g.Profile, "profile", "", "AWS profile to use (default: the standard AWS configuration)")
	pf.StringVar(&g.Region, "region", "", "AWS region to use (default: the standard AWS configuration)")
	pf.StringVar(&g.Stack, "stack", workshop.DefaultStack, "name of the module 2 CloudFormation stack")
	pf.BoolVar(&g.Sandbox, "sandbox", false, "use the local AWS sandbox instead of an AWS account")
	pf.BoolVar(&g.Plain, "plain", false, "print plain lines instead of the terminal UI")
	pf.BoolVar(&g.NoColor, "no-color", false, "turn colour off (NO_COLOR does the same)")
	registerGlobalCompletions(root, f)

	root.AddCommand(
		newVersionCmd(f),
		newInitCmd(f, nil),
		newCheckCmd(f, nil),
		newExplainCmd(f, nil),
		newRunCmd(f, nil),
		newCleanupCmd(f, nil),
		newSandboxCmd(f),
		newDashboardCmd(f),
		newStartCmd(f, nil),
		newStatusCmd(f, nil),
		newCostCmd(f, nil),
	)
	return root
}
