#!/usr/bin/env bash
# A Docker engine that behaves like one in a VM (Docker Desktop, Colima,
# Podman machine): a second dockerd in its own network namespace. Its socket
# is reachable from this machine; its 127.0.0.1 and its containers'
# addresses are not. Published ports are forwarded to this machine's
# 127.0.0.1 by scripts/vmengine, as Docker Desktop forwards them.
#
#   scripts/vm-engine.sh start   # prints the DOCKER_HOST of the engine
#   scripts/vm-engine.sh stop
#
# Needs root, iproute2 and docker.io. dockerd starts through nsenter --net,
# not ip netns exec, which would remount /sys and hide the cgroups. The containers' subnet is made
# unreachable on this machine (an 'unreachable' route), so nothing sent to a
# container address leaves it: a dial fails at once, as on a laptop.
set -euo pipefail
cd "$(dirname "$0")/.."

NS=workshop-vm
RUN=/run/workshop-vm
DATA=/var/lib/workshop-vm-docker
SOCK="unix://$RUN/docker.sock"
SUBNET=172.30.99.0/24
BIP=172.30.99.1/24

log() { echo "[vm-engine] $*" >&2; }

stop() {
	for pidfile in "$RUN/forward.pid" "$RUN/docker.pid"; do
		if [[ -f $pidfile ]]; then
			pid=$(cat "$pidfile")
			kill "$pid" 2>/dev/null || true
			for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
			rm -f "$pidfile"
		fi
	done
	ip route del unreachable "$SUBNET" 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
}

start() {
	if [[ -S $RUN/docker.sock ]] && DOCKER_HOST=$SOCK docker version >/dev/null 2>&1; then
		echo "$SOCK"
		return
	fi
	stop
	mkdir -p "$RUN" "$DATA"
	ip netns add "$NS"
	ip netns exec "$NS" ip link set lo up
	ip route add unreachable "$SUBNET" 2>/dev/null || true
	nsenter --net="/run/netns/$NS" dockerd --storage-driver=vfs --data-root "$DATA" --exec-root "$RUN/exec" \
		--pidfile "$RUN/docker.pid" -H "$SOCK" --bip "$BIP" >"$RUN/dockerd.log" 2>&1 &
	for _ in $(seq 1 60); do DOCKER_HOST=$SOCK docker version >/dev/null 2>&1 && break; sleep 1; done
	if ! DOCKER_HOST=$SOCK docker version >/dev/null 2>&1; then
		log "the engine did not start:"; tail -20 "$RUN/dockerd.log" >&2; exit 1
	fi
	go build -o "$RUN/vmengine" ./scripts/vmengine
	"$RUN/vmengine" -netns "/run/netns/$NS" -host "$SOCK" >"$RUN/forward.log" 2>&1 &
	echo $! >"$RUN/forward.pid"
	log "engine in network namespace $NS at $SOCK (log $RUN/dockerd.log), published ports forwarded to 127.0.0.1"
	echo "$SOCK"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
