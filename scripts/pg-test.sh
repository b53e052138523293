#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the dashboard's Postgres tests: initdb
# in a temporary directory, a server on a free port of 127.0.0.1 only, run
# as the postgres user (PostgreSQL refuses to run as root). The system's
# own cluster, if any, is left alone.
#
#   scripts/pg-test.sh start DIR   # prints the URL to export as WORKSHOP_TEST_POSTGRES
#   scripts/pg-test.sh stop DIR
#
# Needs the postgresql Debian package (binaries under /usr/lib/postgresql/*/bin).
set -euo pipefail

log() { echo "[pg-test] $*" >&2; }

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -n $bin && -x $bin/initdb ]] || { log "PostgreSQL is not installed (apt-get install postgresql)"; exit 1; }

as_pg() {
	if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd=${1:-}
dir=${2:-}
[[ -n $dir ]] || { log "usage: $0 start|stop DIR"; exit 2; }

case $cmd in
start)
	mkdir -p "$dir"
	[[ $(id -u) == 0 ]] && chown postgres "$dir"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 ||
		{ log "initdb failed:"; tail -20 "$dir/initdb.log" >&2; exit 1; }
	as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c max_connections=200 -c fsync=on" start >/dev/null ||
		{ log "the server did not start:"; tail -20 "$dir/server.log" >&2; exit 1; }
	echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
	;;
stop)
	as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	;;
*)
	log "usage: $0 start|stop DIR"
	exit 2
	;;
esac
