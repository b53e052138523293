// Package pricing turns what the workshop runs into money: a price table per
// region (embedded, or read from the AWS Price List API and cached), a
// Deployment that describes what runs (tasks, load balancers, public
// addresses, log groups, repositories, web ACLs, secrets, NAT gateways), and
// Estimate, which prices it line by line per hour, per day and since each
// resource was created.
//
// It makes no call and reads no clock (the caller passes now and the
// dates), so its table tests pin every figure: the command that owns the
// AWS clients sends the Price List queries it names (Queries) and hands the
// documents back (FromPriceList). Its one input and output is the cache of
// refreshed prices, a file per region (cache.go).
package pricing
