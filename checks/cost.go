package checks

import (
	"fmt"
	"time"

	"github.com/breakthemonolith/workshop/internal/pricing"
)

// The conditions about money: what the whole workshop costs (preflight)
// and a deployment left running for more than a day (module 2, so that
// 'check all' warns of it).

// leftRunningAfter is how long a deployment runs before the checks warn
// that it may have been forgotten.
const leftRunningAfter = 24 * time.Hour

// now is the checks' clock.
func (f *facts) now() time.Time {
	if f.opts.Now != nil {
		return f.opts.Now()
	}
	return time.Now()
}

// workshopCost says what the whole workshop costs if it is finished and
// cleaned up within two hours, at the region's prices (refreshed ones when
// 'cost --refresh-prices' cached them); it warns when the price table has
// none for the region and us-east-1's stand in.
func workshopCost(f *facts) outcome {
	p, exact, err := pricing.For(f.getenv, f.opts.Region)
	if p.Region == "" {
		return failed(err)
	}
	observed := fmt.Sprintf("finished and cleaned up within two hours, the whole workshop costs at most about %s in %s (at its busiest about %s an hour; prices of %s)",
		pricing.About(pricing.WorkshopWithin(2*time.Hour, p)), f.opts.Region, pricing.About(pricing.PeakHourly(p)), p.AsOf)
	if !exact {
		return warn(observed+"; priced as "+p.Region,
			fmt.Sprintf("The workshop's price table has no prices for %s, so %s's stand in; prices there may differ a little.", f.opts.Region, p.Region), "")
	}
	return pass(observed)
}

// deploymentAge warns when module 2's stack (the load balancer and what
// runs behind it) has been up for more than a day: a forgotten deployment
// bills every hour.
func deploymentAge(x fixer) func(f *facts) outcome {
	return func(f *facts) outcome {
		st, err := f.getStack()
		if err != nil {
			return failed(err)
		}
		if st == nil || st.CreationTime == nil {
			return pass("no deployment")
		}
		age := f.now().Sub(*st.CreationTime)
		observed := fmt.Sprintf("deployed %s ago (%s)", roundAge(age), st.CreationTime.UTC().Format("Jan 2 15:04 UTC"))
		if age > leftRunningAfter {
			return warn(observed, "It has run for more than a day: the load balancer, the tasks and their public addresses bill every hour, about $2 a day. '"+
				x.workshop("cost")+"' shows what it costs; when you are done, clean up.", x.workshop("cleanup"))
		}
		return pass(observed)
	}
}

// roundAge is a duration as a person says it: "3h", "2d 4h", "12m".
func roundAge(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd %dh", int(d.Hours())/24, int(d.Hours())%24)
	case d >= time.Hour:
		return fmt.Sprintf("%dh %dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dm", int(d.Minutes()))
}
