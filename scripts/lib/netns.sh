# shellcheck shell=bash
# Hosts on one machine, made of Linux network namespaces (sourced by scripts/hosts-demo):
#
#   PREFIX-server   10.77.0.1/24 on a bridge, br0: the switch the other hosts plug into
#   PREFIX-NAME     10.77.0.N/24 on eth0, one end of a veth pair whose other end, port-NAME,
#                   is a port of the server's bridge
#
# Every namespace name starts with the caller's PREFIX (unique per run: put $$ in it), and the
# interfaces are made inside the namespaces, never in the machine's own, so runs side by side
# never meet and the machine's network is not touched. Needs root and iproute2 (ip).

NETNS_MADE=()  # the namespaces made by this shell, removed by netns_remove_all

# netns_check: returns 0 when network namespaces, veth pairs and bridges can be made here; else
# prints why not (one line) and returns 1.
netns_check() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "not root: network namespaces need CAP_SYS_ADMIN and CAP_NET_ADMIN (run as root)"
    return 1
  fi
  if ! command -v ip >/dev/null 2>&1; then
    echo "no 'ip' command (apt-get install iproute2)"
    return 1
  fi
  local probe="zpipe-probe-$$-$RANDOM" out
  if ! out=$(ip netns add "$probe" 2>&1); then
    echo "ip netns add is denied here: ${out//$'\n'/ }"
    return 1
  fi
  if ! out=$( (ip -n "$probe" link add probe0 type veth peer name probe1 &&
               ip -n "$probe" link add probe2 type bridge) 2>&1); then
    ip netns del "$probe" 2>/dev/null
    echo "veth pairs or bridges cannot be made in a network namespace here: ${out//$'\n'/ }"
    return 1
  fi
  if ! out=$(ip netns exec "$probe" true 2>&1); then
    ip netns del "$probe" 2>/dev/null
    echo "ip netns exec is denied here: ${out//$'\n'/ }"
    return 1
  fi
  ip netns del "$probe"
}

# netns_make_server PREFIX ADDRESS/BITS: the server's namespace, its loopback up, and the bridge
# br0 holding ADDRESS.
netns_make_server() {
  local ns="$1-server"
  ip netns add "$ns" || return 1
  NETNS_MADE+=("$ns")
  ip -n "$ns" link set lo up &&
    ip -n "$ns" link add br0 type bridge &&
    ip -n "$ns" addr add "$2" dev br0 &&
    ip -n "$ns" link set br0 up
}

# netns_add_host PREFIX NAME ADDRESS/BITS: a host's namespace, its loopback up, its eth0 holding
# ADDRESS and plugged into the server's bridge by the port port-NAME.
netns_add_host() {
  local ns="$1-$2" server="$1-server"
  ip netns add "$ns" || return 1
  NETNS_MADE+=("$ns")
  ip -n "$ns" link set lo up &&
    ip link add eth0 netns "$ns" type veth peer name "port-$2" netns "$server" &&
    ip -n "$server" link set "port-$2" master br0 &&
    ip -n "$server" link set "port-$2" up &&
    ip -n "$ns" addr add "$3" dev eth0 &&
    ip -n "$ns" link set eth0 up
}

# netns_port PREFIX NAME up|down: plugs the host back in, or pulls its cable at the switch: with
# the port down, every packet between the host and the others is lost, as on a dead link (the
# host keeps its address and its connections, which stall until the port is up again).
netns_port() {
  ip -n "$1-server" link set "port-$2" "$3"
}

# netns_wait_link PREFIX NAME: waits (up to 10 s) until both ends of the host's link are up (a new
# link takes a moment); returns 1 if they never are.
netns_wait_link() {
  local ns="$1-$2" tries=0
  until ip -n "$ns" link show eth0 | grep -q 'state UP' &&
      ip -n "$1-server" link show "port-$2" | grep -q 'state UP'; do
    ((++tries < 100)) || return 1
    sleep 0.1
  done
}

# netns_remove_all: ends every process still inside the namespaces this shell made (they can only
# be its own: nothing else enters them), then removes the namespaces, which takes their interfaces
# with them. Safe to call more than once, and from a trap.
netns_remove_all() {
  local ns
  for ns in "${NETNS_MADE[@]}"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
  done
  for ns in "${NETNS_MADE[@]}"; do
    # A process just killed may still hold the namespace for a moment; its name goes anyway.
    ip netns del "$ns" 2>/dev/null
  done
  NETNS_MADE=()
  return 0
}
