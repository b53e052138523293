// Package pgserver is the data plane of the sandbox's RDS: each DB instance
// is a PostgreSQL cluster of its own, run from this machine's PostgreSQL
// binaries (initdb, pg_ctl), with its data under the sandbox's data folder.
// It listens on 127.0.0.1 and, when the Docker engine runs on this machine,
// on this machine's address on the engine's bridge, where ECS tasks'
// containers reach it as host.docker.internal (an engine in a VM forwards
// that name to this machine's 127.0.0.1). Connections need the master
// user's password (SCRAM) and may use TLS (a self-signed certificate, which
// sslmode=require accepts, as with RDS without its CA bundle).
package pgserver
