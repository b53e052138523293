// Package checks verifies that a learner's AWS account is where a workshop
// module expects it, and says precisely what is wrong and how to fix it.
//
// Each target (preflight, module-1 … module-4, cleanup) is a list of checks
// in dependency order; a check whose prerequisite did not pass is skipped
// with the reason, so the first failure names the real cause. Checks are
// read-only: Describe, List and Get calls, and HTTP GET probes through the
// load balancer.
//
// Speed comes from the facts layer (facts.go): every piece of AWS state is
// fetched at most once per run, through a memo, and all the facts a target
// needs are requested concurrently before its checks evaluate, so
// independent calls overlap and dependent ones start as soon as their inputs
// arrive.
package checks
