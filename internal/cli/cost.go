package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/inventory"
	"github.com/breakthemonolith/workshop/internal/pricing"
)

type costOptions struct {
	IO   IOStreams
	JSON bool
	// RefreshPrices reads the region's prices from the AWS Price List API
	// first, and caches them.
	RefreshPrices bool
	// Refresh reads and caches the prices of the selected account's region.
	Refresh func(ctx context.Context) (refreshed, error)
	// Global holds the global flags, repeated in the commands it suggests.
	Global *GlobalOptions
	// Cost reads and prices what the workshop runs in the selected account.
	Cost func(ctx context.Context) (costLook, error)
	// Record, when set, saves what the look found running, for 'workshop
	// status'.
	Record func(costLook) error
}

// costLook is one look at what the workshop runs, priced.
type costLook struct {
	Report pricing.Report
	// Account is the account looked at.
	Account string
	// Endpoint is the emulator the account is on (the sandbox, moto), or ""
	// on AWS, where the figures are billed.
	Endpoint string
	// Running says something billed by the hour runs.
	Running bool
	// Deployment is what was found.
	Deployment pricing.Deployment
	// PricesWarning says why the cached prices could not be used, or "".
	PricesWarning string
}

// billed reports whether the figures are a real bill: not an emulator's.
func (l costLook) billed() bool { return l.Endpoint == "" }

func newCostCmd(f *Factory, runF func(context.Context, *costOptions) error) *cobra.Command {
	opts := &costOptions{IO: f.IO, Global: f.Global}
	cmd := &cobra.Command{
		Use:   "cost",
		Short: "Show what the workshop's resources cost per hour and per day",
		Long: `Show, line by line, what the resources the workshop created cost per hour
and per day in your account, and an estimate of what each has cost since it
was created: the Fargate tasks (vCPU and memory of their task definitions),
the load balancer (its hour and the least capacity unit it is billed), the
public IPv4 addresses, CloudWatch Logs, ECR storage, module 5's web ACL and
secrets, and a NAT gateway if one exists. A service scaled to 0 costs nothing.

It reads your account as the checks do (no Cost Explorer), and prices what it
finds with a price table built into the workshop, which names its date and
source; a region the table lacks is priced as us-east-1, and says so. On the
sandbox nothing is billed: it shows what the same deployment would cost on AWS.

--refresh-prices first reads today's prices for your region from the AWS
Price List API (pricing:GetProducts, read-only; 'workshop check
--print-policy' grants it) and keeps them in your cache directory
(~/.cache/workshop/prices-REGION.json, or $XDG_CACHE_HOME/workshop): from
then on cost, explain, the preflight and the TUI's meter price with them, and
say "as of" the day they were read. It needs an AWS account: on the sandbox,
or an emulator at AWS_ENDPOINT_URL, the built-in prices stay (unless
AWS_ENDPOINT_URL_PRICING names a Price List endpoint). A region the API does
not price keeps them too.`,
		Example: "  workshop cost\n  workshop cost --json\n  workshop cost --refresh-prices\n  workshop --sandbox cost",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Cost = func(ctx context.Context) (costLook, error) { return lookAtCost(ctx, f) }
			opts.Refresh = func(ctx context.Context) (refreshed, error) { return refreshFromAccount(ctx, f) }
			opts.Record = func(look costLook) error { return recordLook(f, look) }
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return costRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the estimate as JSON on stdout")
	cmd.Flags().BoolVar(&opts.RefreshPrices, "refresh-prices", false, "read your region's prices from the AWS Price List API first, and keep them for later looks")
	return cmd
}

func costRun(ctx context.Context, opts *costOptions) error {
	if opts.RefreshPrices {
		if err := refreshRun(ctx, opts); err != nil {
			return err
		}
	}
	look, err := opts.Cost(ctx)
	if err != nil {
		return err
	}
	if look.PricesWarning != "" {
		fmt.Fprintf(opts.IO.ErrOut, "! %s: the workshop's own prices stand in.\n", look.PricesWarning)
	}
	if opts.Record != nil {
		if err := opts.Record(look); err != nil {
			fmt.Fprintf(opts.IO.ErrOut, "! could not save this look for 'workshop status': %v\n", err)
		}
	}
	if opts.JSON {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(costJSON{Report: roundReport(look.Report), Sandbox: !look.billed()})
	}
	printCost(opts.IO.Out, look)
	w := opts.IO.ErrOut
	r := look.Report
	if r.Fallback() {
		fmt.Fprintf(w, "! The price table has no prices for %s: %s's stand in.\n", r.Region, r.PricesRegion)
	}
	if look.billed() && !opts.RefreshPrices && !strings.HasPrefix(r.PricesSource, pricing.PriceListSource) {
		fmt.Fprintf(w, "These are the workshop's own prices of %s: '%s' reads today's from the AWS Price List API.\n",
			r.PricesAsOf, opts.Global.followUp("cost", "--refresh-prices"))
	}
	if line := leftRunningLine(opts.Global, look); line != "" {
		fmt.Fprintln(w, line)
	}
	return nil
}

// costJSON is cost --json's document: the report, and whether its figures
// are what AWS would bill for an emulator's deployment.
type costJSON struct {
	pricing.Report
	Sandbox bool `json:"sandbox"`
}

// roundReport rounds r's amounts to a millionth of a dollar, for JSON a
// person can read.
func roundReport(r pricing.Report) pricing.Report {
	round := func(v float64) float64 { return math.Round(v*1e6) / 1e6 }
	r.Hourly, r.Daily, r.SinceCreated = round(r.Hourly), round(r.Daily), round(r.SinceCreated)
	items := make([]pricing.Item, len(r.Items))
	for i, it := range r.Items {
		it.Hourly, it.SinceCreated = round(it.Hourly), round(it.SinceCreated)
		items[i] = it
	}
	r.Items = items
	return r
}

// printCost writes the estimate: the totals, one line per item, the prices
// used.
func printCost(w io.Writer, look costLook) {
	r := look.Report
	switch {
	case len(r.Items) == 0:
		fmt.Fprintf(w, "Nothing of the workshop's is in %s: it costs nothing.\n", r.Region)
		return
	case !look.billed():
		fmt.Fprintf(w, "Nothing is billed here (an emulator at %s). On AWS in %s the same deployment would cost %s an hour (%s a day),\nand would have cost about %s since it was created:\n",
			look.Endpoint, r.Region, pricing.Exact(r.Hourly), pricing.About(r.Daily), pricing.About(r.SinceCreated))
	default:
		fmt.Fprintf(w, "What the workshop runs in %s costs %s an hour (%s a day); about %s since it was created:\n",
			r.Region, pricing.Exact(r.Hourly), pricing.About(r.Daily), pricing.About(r.SinceCreated))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  KIND\tRESOURCE\tPER HOUR\tSO FAR\tBASIS")
	for _, it := range r.Items {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", it.Kind, it.Resource, pricing.Exact(it.Hourly), sinceColumn(it), it.Basis)
	}
	tw.Flush()
	fmt.Fprintf(w, "Prices: %s's as of %s, from %s.\n", r.PricesRegion, r.PricesAsOf, r.PricesSource)
}

// refreshRun refreshes the prices before the look, and says what it did.
// The sandbox has no Price List API and no account to read it with: the
// built-in prices stay, and the estimate still follows.
func refreshRun(ctx context.Context, opts *costOptions) error {
	w := opts.IO.ErrOut
	if opts.Global != nil && opts.Global.Sandbox {
		fmt.Fprintln(w, "! --refresh-prices reads the AWS Price List API, which needs an AWS account; the sandbox has neither, so the prices built into the workshop stay.")
		return nil
	}
	r, err := opts.Refresh(ctx)
	var emulator noPriceList
	if errors.As(err, &emulator) {
		fmt.Fprintf(w, "! --refresh-prices reads the AWS Price List API, which needs an AWS account; the emulator at %s has no Price List API, so the prices built into the workshop stay (AWS_ENDPOINT_URL_PRICING would send that one call elsewhere).\n", emulator.endpoint)
		return nil
	}
	var env envError
	var usage usageError
	if errors.As(err, &env) || errors.As(err, &usage) {
		return err // the configuration's, worded where it was found
	}
	if err != nil {
		return refreshError(opts.Global, err)
	}
	sayRefreshed(w, r)
	return nil
}

// refreshFromAccount refreshes the prices of the region the global flags
// select.
func refreshFromAccount(ctx context.Context, f *Factory) (refreshed, error) {
	c, _, err := f.awsClients(ctx)
	if err != nil {
		return refreshed{}, err
	}
	if e := c.Endpoint(); e != "" && aws.ToString(c.Pricing.Options().BaseEndpoint) == e {
		return refreshed{}, noPriceList{endpoint: e}
	}
	return refreshPrices(ctx, c.Pricing, c.Region(), f.Getenv, f.Now())
}

// noPriceList means every call goes to an emulator (moto, LocalStack, an
// AWS_ENDPOINT_URL), which has no Price List API to read prices from.
type noPriceList struct{ endpoint string }

func (e noPriceList) Error() string { return "no Price List API at " + e.endpoint }

// sinceColumn is an item's estimate since it was created, or "-".
func sinceColumn(it pricing.Item) string {
	if it.CreatedAt == nil {
		return "-"
	}
	return pricing.Exact(it.SinceCreated)
}

// lookAtCost reads and prices what the workshop runs in the account the
// global flags select.
func lookAtCost(ctx context.Context, f *Factory) (costLook, error) {
	c, _, err := f.awsClients(ctx)
	if err != nil {
		return costLook{}, err
	}
	return priceAccount(ctx, c, f.Global.Stack, f.Getenv, f.Now())
}

// priceAccount reads the workshop's resources in c's account and prices
// them as of now, with the region's refreshed prices when getenv's cache
// has them.
func priceAccount(ctx context.Context, c *cloud.Clients, stack string, getenv func(string) string, now time.Time) (costLook, error) {
	inv := costReader(ctx, c, stack)
	id, err := inv.Identity()
	if err != nil {
		return costLook{}, costReadError(err)
	}
	d, err := readDeployment(inv)
	if err != nil {
		return costLook{}, costReadError(err)
	}
	look, err := priceDeployment(c.Region(), d, getenv, now)
	if err != nil {
		return costLook{}, err
	}
	look.Account, look.Endpoint = id.Account, c.Endpoint()
	return look, nil
}

// priceDeployment prices d in region as of now, with the prices
// pricing.For finds.
func priceDeployment(region string, d pricing.Deployment, getenv func(string) string, now time.Time) (costLook, error) {
	p, _, err := pricing.For(getenv, region)
	look := costLook{Running: d.Running(), Deployment: d}
	if err != nil {
		if p.Region == "" {
			return costLook{}, err // the embedded table itself is broken
		}
		look.PricesWarning = err.Error()
	}
	look.Report = pricing.Estimate(region, d, p, now)
	return look, nil
}

// costReadError words a failed read with what the learner can do about it:
// a missing permission, credentials or endpoint is the environment's (exit
// 3), with the hint cloud.Describe gives.
func costReadError(err error) error {
	action := "the account"
	var call *inventory.Error
	if errors.As(err, &call) {
		action = call.Action
	}
	observed, hint := cloud.Describe(action, inventory.Cause(err))
	if hint == "" {
		return fmt.Errorf("read what the workshop runs: %w", err)
	}
	if cloud.Classify(inventory.Cause(err)) == cloud.KindAccessDenied {
		hint = "Your credentials lack a read permission 'workshop cost' needs; 'workshop check --print-policy' prints the policy, which covers it."
	}
	return envError{err: fmt.Errorf("read what the workshop runs: %s", observed), hint: hint}
}
