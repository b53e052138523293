#!/usr/bin/env bash
# Measures the offline workshop on this machine:
#   1. `workshop run` of modules 1-4 from an empty sandbox (build+push vs deploy),
#   2. the sandbox load balancer's overhead against calling a container
#      directly, side by side with wrk (GET /api/users/1 on the users service).
# Needs: go, a running Docker engine, wrk (apt-get install wrk), the offline Go
# builder image (WORKSHOP_GO_IMAGE, built by the engine tests) when Docker Hub
# cannot be reached. Usage: scripts/measure-offline.sh [seconds-per-load-run]
set -euo pipefail

secs=${1:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export WORKSHOP_SANDBOX_ADDR=127.0.0.1:$port
export WORKSHOP_GO_IMAGE=${WORKSHOP_GO_IMAGE:-workshop-go-builder:1.26.8}

(cd "$root" && go build -o "$work/workshop" .)
ws="$work/workshop"
"$ws" sandbox start --addr "$WORKSHOP_SANDBOX_ADDR" --data "$work/data" 2>"$work/sandbox.log" &
sandbox=$!
trap 'kill -INT $sandbox 2>/dev/null; wait $sandbox 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -fsS "http://$WORKSHOP_SANDBOX_ADDR/_sandbox/health" >/dev/null 2>&1 && break; sleep 0.1; done
"$ws" init "$work/app" >/dev/null 2>&1

echo "== workshop run, from an empty sandbox"
total_start=$(date +%s.%N)
for m in module-1 module-2 module-3 module-4; do
  s=$(date +%s.%N)
  "$ws" --sandbox run "$m" --yes --dir "$work/app" >/dev/null 2>"$work/$m.log" || { cat "$work/$m.log"; exit 1; }
  printf '%-9s %6.1f s\n' "$m" "$(echo "$(date +%s.%N) - $s" | bc)"
done
printf '%-9s %6.1f s  (modules 1 and 3 build and push images; 2 and 4 deploy)\n' total "$(echo "$(date +%s.%N) - $total_start" | bc)"
"$ws" --sandbox check all >/dev/null 2>&1 && echo "check all: passed" || echo "check all: FAILED"

eval "$("$ws" sandbox env)"
url=$(aws --endpoint-url "http://$WORKSHOP_SANDBOX_ADDR" cloudformation describe-stacks --stack-name BreakTheMonolith-Demo \
  --query "Stacks[0].Outputs[?OutputKey=='Url'].OutputValue" --output text)
direct=$(docker ps --filter "label=io.workshop.sandbox.container=users" --format '{{.Ports}}' | head -1 | sed -E 's/.*:([0-9]+)->3000.*/\1/')
path=/api/users/1

echo
echo "== load balancer overhead: wrk -t1 -c8 -d${secs}s GET $path, alternating"
printf '%-14s %12s %12s %12s\n' target median p99 req/s
load() { # name url
  local out
  out=$(wrk --latency -t1 -c8 -d"${secs}s" "$2")
  printf '%-14s %12s %12s %12s\n' "$1" \
    "$(awk '$1=="50%"{print $2}' <<<"$out")" "$(awk '$1=="99%"{print $2}' <<<"$out")" \
    "$(awk '/Requests\/sec/{print $2}' <<<"$out")"
}
for round in 1 2; do
  load "direct #$round" "http://127.0.0.1:$direct$path"
  load "via LB #$round" "$url$path"
done
