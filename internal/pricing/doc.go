// Package pricing turns what the workshop runs into money: a price table per
// region (embedded, or refreshed from the AWS Price List API by the command
// that owns the clients), a Deployment that describes what runs (tasks,
// load balancers, public addresses, log groups, repositories, web ACLs,
// secrets, NAT gateways), and Estimate, which prices it line by line per
// hour, per day and since each resource was created.
//
// It is pure arithmetic: it makes no call and reads no clock (the caller
// passes now), so its table tests pin every figure.
package pricing
