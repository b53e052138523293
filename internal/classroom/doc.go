// Package classroom is the learner's side of a live class: it joins the
// instructor's dashboard with the class URL and join code, then publishes
// every check result and a heartbeat.
//
// Nothing here may block or fail the learner's command. A result is first
// written to an outbox on disk, then sent by a background goroutine; while
// the dashboard is unreachable it stays there and is sent on a later try or
// a later run. The learner's token is saved in the state directory, so a
// re-run keeps the same place on the dashboard.
package classroom
