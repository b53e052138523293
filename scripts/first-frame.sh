#!/usr/bin/env bash
# Measures how long `go run . start --sandbox` takes to draw its first frame
# (the pane tabs) in a real terminal (tmux), from an empty home on a warm
# build cache: the first launch warms the cache and is reported apart.
# Usage: scripts/first-frame.sh [RUNS]   (needs tmux; prints one line per run)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
home=$(mktemp -d)
sock=$(mktemp -u /tmp/first-frame.XXXXXX)
trap 'tmux -S "$sock" kill-server 2>/dev/null || true; rm -rf "$home"' EXIT
# The Go caches stay where they are; only the learner's home is new.
export GOCACHE GOMODCACHE GOPATH
GOCACHE=$(go env GOCACHE) GOMODCACHE=$(go env GOMODCACHE) GOPATH=$(go env GOPATH)
cmd="env HOME=$home go run . start --sandbox; echo EXITED; sleep 600"
tmux -S "$sock" new-session -d -x 100 -y 30 "sleep 600"
for i in $(seq 0 "$runs"); do
	t0=$(date +%s%N)
	tmux -S "$sock" respawn-pane -k -t 0 "$cmd"
	until tmux -S "$sock" capture-pane -p -t 0 | grep -q 'text  activity  check  explain'; do
		(( ($(date +%s%N) - t0) / 1000000000 < 120 )) || { echo "no first frame in 120 s:" >&2; tmux -S "$sock" capture-pane -p -t 0 >&2; exit 1; }
	done
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	if (( i == 0 )); then echo "warm-up launch: first frame after ${ms} ms"; else echo "run $i: first frame after ${ms} ms"; fi
	# Quit, and wait until it has (the sandbox it started holds its data folder).
	tmux -S "$sock" send-keys -t 0 q
	until tmux -S "$sock" capture-pane -p -t 0 | grep -q EXITED; do sleep 0.1; done
done
