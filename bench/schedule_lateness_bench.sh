#!/usr/bin/env bash
# Due-time lateness of delayed jobs, on the real programs over loopback.
#
#   bash bench/schedule_lateness_bench.sh [--jobs N] [--spread S] [--lead S] [--workers W]
#   defaults: --jobs 100000 --spread 20 --lead 15 --workers 2
# Needs the release build: cmake --preset release && cmake --build --preset release
#
# `zpipe up` with W workers; N echo jobs submitted at once with `zpipe submit --jsonl`, each with
# a `run_at` spread evenly over S seconds starting LEAD seconds from now (time to submit them all
# first), and its own due time in its payload. Lateness of a job = when its worker started it
# (the sink's attempts.started_ms) - its run_at. Prints p50, p99 and the worst, and the
# ventilator's resident memory while the N jobs wait.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/free_port_base.sh

jobs=100000 spread=20 lead=15 workers=2
while (($#)); do
  case $1 in
    --jobs) jobs=$2 ;;
    --spread) spread=$2 ;;
    --lead) lead=$2 ;;
    --workers) workers=$2 ;;
    -h | --help) sed -n '4,5p' "$0" | sed 's/^# //'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift 2
done
bin=build/release/bin
[ -x "$bin/zpipe" ] || { echo "build the release preset first" >&2; exit 2; }
dir=$(mktemp -d)
trap 'kill "$up" 2>/dev/null; wait "$up" 2>/dev/null; rm -rf "$dir"' EXIT
base=$(free_port_base)
"$bin/zpipe" up --data-dir "$dir/data" --port-base "$base" --workers "$workers" 2>"$dir/up.log" &
up=$!
export ZPIPE_VENTILATOR=tcp://127.0.0.1:$base
for _ in $(seq 100); do "$bin/zpipe" status >/dev/null 2>&1 && break; sleep 0.1; done

start=$(date +%s.%N)
python3 - "$jobs" "$spread" "$lead" "$start" >"$dir/jobs.jsonl" <<'PY'
import json, sys
jobs, spread, lead, start = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
for i in range(jobs):
    due = start + lead + spread * i / jobs
    print(json.dumps({"type": "echo", "payload": {"due_ms": int(due * 1000)}, "run_at": round(due, 3)}))
PY
"$bin/zpipe" submit --jsonl "$dir/jobs.jsonl" >/dev/null
submitted=$(date +%s.%N)
vent=$(pgrep -f "zpipe-ventilator --data-dir $dir/data" | head -1)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$vent/status")
printf 'submitted %d delayed jobs in %.1f s; ventilator resident %.1f MiB while they wait\n' \
  "$jobs" "$(echo "$submitted - $start" | bc)" "$(echo "$rss / 1024" | bc -l)"
python3 - "$start" "$lead" <<'PY' || true
import sys
if float(sys.argv[1]) + float(sys.argv[2]) < __import__("time").time():
    print("warning: submitting took longer than --lead: the first jobs were due before they were in")
PY
db="$dir/data/outcomes.db"
for _ in $(seq $(((lead + spread + 60) * 10))); do
  n=$(sqlite3 "$db" "SELECT count(*) FROM jobs" 2>/dev/null || echo 0)
  [ "$n" -ge "$jobs" ] && break
  sleep 0.1
done
sqlite3 "$db" "SELECT a.started_ms - json_extract(j.result, '\$.due_ms') FROM attempts a JOIN jobs j USING (id) ORDER BY 1" >"$dir/late.txt"
python3 - "$dir/late.txt" <<'PY'
import sys
late = [int(x) for x in open(sys.argv[1]) if x.strip()]
late.sort()
pick = lambda q: late[min(len(late) - 1, int(q * len(late)))]
print(f"{len(late)} jobs run; lateness (started at the worker - run_at): "
      f"p50 {pick(0.5)} ms, p99 {pick(0.99)} ms, worst {late[-1]} ms, earliest {late[0]} ms")
PY
