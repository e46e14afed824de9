#!/usr/bin/env bash
# The autoscaler's response time, on the real programs over loopback.
#
#   bash bench/autoscale_bench.sh [--jobs N] [--job-ms MS] [--max W] [--quiet S] [--runs N]
#   defaults: --jobs 400 --job-ms 200 --max 4 --quiet 5 --runs 3
# Needs the release build: cmake --preset release && cmake --build --preset release
#
# Each run: `zpipe up --autoscale 1:MAX --quiet-period Ss`, idle with its one worker; then a
# burst of N sleep jobs of MS each, submitted at once. `zpipe workers --json` is read every
# 100 ms (workers not silent) and `zpipe status --json` for the jobs done. Printed per run:
#   first added  burst submitted -> the ventilator hears a second worker
#   at max       burst submitted -> MAX workers connected
#   drained      burst submitted -> every job succeeded (and what MAX workers from the start
#                would take: N x MS / MAX)
#   back to 1    drained -> one worker left (the quiet period runs from when fewer workers were
#                enough, which is before the last job ends: this can be under it)
# then a run from zero (`--autoscale 0:MAX`): one job submitted -> its worker connected, and
# -> the job done (what a cold start costs a lone job).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/free_port_base.sh

usage() {
  sed -n '4,5p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit "${1:-2}"
}
jobs=400 job_ms=200 max=4 quiet=5 runs=3
while (($#)); do
  case $1 in
    --jobs) jobs=$2 ;;
    --job-ms) job_ms=$2 ;;
    --max) max=$2 ;;
    --quiet) quiet=$2 ;;
    --runs) runs=$2 ;;
    -h | --help) usage 0 ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
  [ $# -ge 2 ] || usage
  shift 2
done
for n in "$jobs" "$job_ms" "$max" "$quiet" "$runs"; do
  [[ $n =~ ^[0-9]+$ ]] || { echo "not a whole number: $n" >&2; usage; }
done
((max >= 2 && jobs >= 1 && runs >= 1)) || usage

bin=build/release/bin
[ -x "$bin/zpipe" ] || { echo "no $bin/zpipe: cmake --preset release && cmake --build --preset release" >&2; exit 1; }
work=$(mktemp -d)
up_pid=""
cleanup() {
  [ -n "$up_pid" ] && kill -INT "$up_pid" 2>/dev/null && wait "$up_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
connected() {  # workers the ventilator hears from now
  "$bin/zpipe" workers --json --ventilator "$ventilator" 2>/dev/null |
    python3 -c 'import json,sys; print(sum(w["state"] != "silent" for w in json.load(sys.stdin)["workers"]))' 2>/dev/null || echo -1
}
succeeded() {
  "$bin/zpipe" status --json --ventilator "$ventilator" 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["succeeded"])' 2>/dev/null || echo -1
}
start_up() {  # start_up MIN
  local base
  base=$(free_port_base)
  ventilator="tcp://127.0.0.1:$base"
  rm -rf "$work/data"
  "$bin/zpipe" up --autoscale "$1:$max" --quiet-period "${quiet}s" --port-base "$base" \
    --data-dir "$work/data" --log-file "$work/up.log" >"$work/up.out" 2>&1 &
  up_pid=$!
  until grep -q "Ctrl-C stops it" "$work/up.out" 2>/dev/null; do sleep 0.05; done
  until [ "$(connected)" -ge "$1" ]; do sleep 0.05; done
}
stop_up() {
  kill -INT "$up_pid"
  wait "$up_pid" || true
  up_pid=""
}
seconds() { python3 -c "print(f'{($2 - $1) / 1000:.2f}')"; }

python3 -c 'import json; print(json.dumps({"type": "sleep", "payload": {"ms": '"$job_ms"'}}))' >"$work/one.jsonl"
for ((i = 0; i < jobs; i++)); do cat "$work/one.jsonl"; done >"$work/burst.jsonl"
ideal=$(python3 -c "print(f'{$jobs * $job_ms / 1000 / $max:.2f}')")
echo "autoscale bench: $jobs jobs of $job_ms ms, --autoscale 1:$max --quiet-period ${quiet}s, $(nproc) cores, $(date -u +%F)"
printf "%-4s %12s %10s %10s %12s\n" run "first added" "at max" drained "back to 1"
for ((run = 1; run <= runs; run++)); do
  start_up 1
  t0=$(now_ms)
  "$bin/zpipe" submit --jsonl "$work/burst.jsonl" --ventilator "$ventilator" >/dev/null 2>&1
  first="" at_max="" drained=""
  while [ -z "$drained" ]; do
    n=$(connected)
    t=$(now_ms)
    [ -z "$first" ] && ((n >= 2)) && first=$t
    [ -z "$at_max" ] && ((n >= max)) && at_max=$t
    [ "$(succeeded)" -ge "$jobs" ] && drained=$(now_ms)
    sleep 0.1
  done
  until [ "$(connected)" -le 1 ]; do sleep 0.1; done
  back=$(now_ms)
  printf "%-4s %11ss %9ss %9ss %11ss\n" "$run" "$(seconds "$t0" "${first:-$t0}")" \
    "$(seconds "$t0" "${at_max:-$t0}")" "$(seconds "$t0" "$drained")" "$(seconds "$drained" "$back")"
  stop_up
done
echo "(drained with $max workers from the start: ${ideal}s; quiet period ${quiet}s, from when fewer were enough)"

echo "from zero (--autoscale 0:$max), one job of $job_ms ms:"
start_up 0
t0=$(now_ms)
"$bin/zpipe" submit --jsonl "$work/one.jsonl" --ventilator "$ventilator" >/dev/null 2>&1
until [ "$(connected)" -ge 1 ]; do sleep 0.02; done
up_at=$(now_ms)
until [ "$(succeeded)" -ge 1 ]; do sleep 0.02; done
done_at=$(now_ms)
echo "  worker connected after $(seconds "$t0" "$up_at")s, job done after $(seconds "$t0" "$done_at")s"
stop_up
