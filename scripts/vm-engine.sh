#!/usr/bin/env bash
# A Docker engine that behaves like one in a VM (Docker Desktop, Colima,
# Podman machine): a second dockerd in its own network namespace. Its socket
# is reachable from this machine; its 127.0.0.1 and its containers'
# addresses are not. scripts/vmengine gives it a VM's networking:
#   - published ports are forwarded to this machine's 127.0.0.1, as Docker
#     Desktop forwards them;
#   - host.docker.internal (--add-host host.docker.internal:host-gateway)
#     is 192.168.65.254, as on Docker Desktop, an address of the namespace's
#     own (on its lo); an iptables DNAT rule in the namespace sends
#     every TCP connection to it, whatever the port, to vmengine's listener
#     there, which dials the same port of this machine's 127.0.0.1. So a
#     container reaches a server this machine runs on 127.0.0.1 (the
#     sandbox, its RDS instances) and nothing else of this machine, as
#     through Docker Desktop's or Colima's user-mode networking.
#
#   scripts/vm-engine.sh start   # prints the DOCKER_HOST of the engine
#   scripts/vm-engine.sh stop
#
# start does nothing (but print) when the engine and vmengine already run;
# stop removes the namespace with everything in it (interfaces, iptables
# rules) and the route below.
#
# Needs root, iproute2, iptables and docker.io. dockerd starts through
# nsenter --net, not ip netns exec, which would remount /sys and hide the
# cgroups. The containers' subnet is made unreachable on this machine (an
# 'unreachable' route), so nothing sent to a container address leaves it: a
# dial fails at once, as on a laptop.
set -euo pipefail
cd "$(dirname "$0")/.."

NS=workshop-vm
RUN=/run/workshop-vm
DATA=/var/lib/workshop-vm-docker
SOCK="unix://$RUN/docker.sock"
SUBNET=172.30.99.0/24
BIP=172.30.99.1/24
HOST_GW=192.168.65.254 # host.docker.internal, as on Docker Desktop
# Where the DNAT rule sends host-gateway connections, inside the namespace:
# a port no container publishes (it is below the engine's range for
# dynamic ports, and a wildcard bind of it would collide).
HOST_GW_PORT=1
CHAIN=WORKSHOP-HOST-GATEWAY

log() { echo "[vm-engine] $*" >&2; }
in_ns() { nsenter --net="/run/netns/$NS" "$@"; }

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

# The namespace's NAT rule for the host gateway.
DNAT=(-d "$HOST_GW/32" -p tcp -j DNAT --to-destination "$HOST_GW:$HOST_GW_PORT")

# running: the engine answers, the NAT rule is there, vmengine runs and
# listens for the host gateway's connections (an engine an older version of
# this script started does not count).
running() {
	[[ -S $RUN/docker.sock ]] && DOCKER_HOST=$SOCK docker version >/dev/null 2>&1 || return 1
	in_ns iptables -t nat -C "$CHAIN" "${DNAT[@]}" 2>/dev/null || return 1
	[[ -f $RUN/forward.pid ]] && kill -0 "$(cat "$RUN/forward.pid")" 2>/dev/null || return 1
	[[ -n $(in_ns ss -Htln "src $HOST_GW and sport = :$HOST_GW_PORT" 2>/dev/null) ]]
}

start() {
	if running; then
		echo "$SOCK"
		return
	fi
	stop
	mkdir -p "$RUN" "$DATA"
	ip netns add "$NS"
	in_ns ip link set lo up
	in_ns ip addr add "$HOST_GW/32" dev lo # (a dummy interface needs a kernel module containers may lack)
	ip route add unreachable "$SUBNET" 2>/dev/null || true
	in_ns dockerd --storage-driver=vfs --data-root "$DATA" --exec-root "$RUN/exec" \
		--pidfile "$RUN/docker.pid" -H "$SOCK" --bip "$BIP" --host-gateway-ip "$HOST_GW" >"$RUN/dockerd.log" 2>&1 &
	for _ in $(seq 1 60); do DOCKER_HOST=$SOCK docker version >/dev/null 2>&1 && break; sleep 1; done
	if ! DOCKER_HOST=$SOCK docker version >/dev/null 2>&1; then
		log "the engine did not start:"; tail -20 "$RUN/dockerd.log" >&2; exit 1
	fi
	# After dockerd's own rules, and ahead of them: a port a container
	# publishes must not catch a connection meant for this machine.
	in_ns iptables -t nat -N "$CHAIN"
	in_ns iptables -t nat -A "$CHAIN" "${DNAT[@]}"
	in_ns iptables -t nat -I PREROUTING 1 -j "$CHAIN" # from the containers
	in_ns iptables -t nat -I OUTPUT 1 -j "$CHAIN"     # from the namespace itself (--network host)
	go build -o "$RUN/vmengine" ./scripts/vmengine
	"$RUN/vmengine" -netns "/run/netns/$NS" -host "$SOCK" -host-gateway "$HOST_GW:$HOST_GW_PORT" >"$RUN/forward.log" 2>&1 &
	echo $! >"$RUN/forward.pid"
	for _ in $(seq 1 50); do running && break; sleep 0.2; done
	if ! running; then
		log "vmengine did not start:"; tail -20 "$RUN/forward.log" >&2; exit 1
	fi
	log "engine in network namespace $NS at $SOCK (log $RUN/dockerd.log), published ports forwarded to 127.0.0.1, host.docker.internal ($HOST_GW) to this machine's 127.0.0.1"
	echo "$SOCK"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
