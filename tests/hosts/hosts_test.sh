#!/usr/bin/env bash
# ctest's Hosts.PartitionAndRejoin: scripts/hosts-demo on three network namespaces (a server, two
# worker hosts; CURVE on; 20,000 jobs; one worker host's link cut for 10 s in the middle), which
# checks that the cut host's jobs went out again, that every job was recorded once, and that the
# host rejoined and got work. Then this checks that the run left nothing behind: no namespace, no
# process of its session, no temporary file. Hosts.BenchSmoke does the same with --bench.
#
#   bash tests/hosts/hosts_test.sh --bin-dir DIR [DEMO_ARGUMENT...]
#   DIR: the programs, from CMake; DEMO_ARGUMENTs go to hosts-demo (--bench ...: its smoke run)
#
# Exit 77 (the test's SKIP_RETURN_CODE), with the reason, where network namespaces cannot be made
# (not root, no iproute2, namespaces denied as in most containers).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/lib/netns.sh
source "$root/scripts/lib/netns.sh"

if [ "${1:-}" != --bin-dir ] || [ -z "${2:-}" ]; then
  echo "usage: $0 --bin-dir DIR [DEMO_ARGUMENT...]" >&2
  exit 2
fi
bin=$2
shift 2
if ! why=$(netns_check); then
  echo "SKIPPED: network namespaces cannot be made here: $why"
  exit 77
fi

prefix="zpt$$"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zpipe-hosts-test.XXXXXX")
# The demo leads a session of its own: whatever it started and failed to end is found by it.
TMPDIR=$tmp setsid "$root/scripts/hosts-demo" --bin-dir "$bin" --prefix "$prefix" "$@" &
demo=$!
# Stopped from outside (ctest's timeout, Ctrl-C): the demo cleans up before this goes.
trap 'kill -TERM "$demo" 2>/dev/null; wait "$demo"; rm -rf "$tmp"; exit 1' INT TERM
wait "$demo"
status=$?
trap - INT TERM

problems=()
((status == 0)) || problems+=("hosts-demo exited with $status")
namespaces=$(ip netns list | awk '{ print $1 }' | grep "^$prefix-" || true)
[ -z "$namespaces" ] || problems+=("namespaces left behind: ${namespaces//$'\n'/ }")
# session_members SID: "PID COMMAND" of each live process of the session (from /proc: procps
# may not be installed). Zombies are dead already (whoever adopted them reaps them): not counted.
session_members() {
  local stat fields
  for stat in /proc/[0-9]*/stat; do
    stat=$(cat "$stat" 2>/dev/null) || continue
    read -ra fields <<<"${stat##*) }"  # after "PID (COMMAND) ": state, ppid, pgrp, session, ...
    [ "${fields[3]}" = "$1" ] && [ "${fields[0]}" != Z ] && echo "${stat%%) *})"
  done
}
leftover=$(session_members "$demo")
[ -z "$leftover" ] || problems+=("processes left behind: $leftover")
files=$(find "$tmp" -mindepth 1 -maxdepth 1 || true)
[ -z "$files" ] || problems+=("temporary files left behind: $files")

# Leave nothing of this test either, whatever it found.
for ns in $namespaces; do ip netns pids "$ns" | xargs -r kill -KILL; ip netns del "$ns"; done
[ -z "$leftover" ] || echo "$leftover" | cut -d' ' -f1 | xargs -r kill -KILL
rm -rf "$tmp"

if ((${#problems[@]})); then
  printf 'FAILED: %s\n' "${problems[@]}"
  exit 1
fi
echo "PASSED: hosts-demo $*: it passed, and left nothing behind"
