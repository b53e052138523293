// Package dashboard is the instructor's live view of a class: an HTTP
// server that learners' workshop commands post their check results and
// heartbeats to, a store that keeps every accepted result across restarts
// (SQLite, embedded, for one server; or PostgreSQL, which several servers
// behind one load balancer share, each following the others' writes through
// LISTEN/NOTIFY), and a server-rendered web page updated by server-sent
// events.
//
//	learner ──join code──▶ /api/v1/join ──▶ learner id + token
//	learner ──token──▶ results, heartbeat ──▶ validate ──▶ store (commit) ──▶ class model ──▶ SSE ──▶ page
//	instructor ──token──▶ page, read API, CSV export
//
// Every write is committed to the store (SQLite: WAL, synchronous=FULL)
// before it is acknowledged, so an acknowledged result survives a crash or restart;
// the in-memory class model is rebuilt from the store when the server
// starts.
package dashboard
