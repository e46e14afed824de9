#!/usr/bin/env bash
# Echo-job throughput end to end (submit -> ventilator -> workers -> recorded at the sink) at
# each journal durability level, side by side in one run.
#   bash bench/durability_bench.sh [JOBS] [WORKERS] [SLOTS]    (defaults 100000 2 2)
# Needs the release build: cmake --preset release && cmake --build --preset release
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-100000}
workers=${2:-2}
slots=${3:-2}
bin=build/release/bin
[ -x "$bin/zpipe-ventilator" ] || { echo "build the release preset first" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/zpipe-durability-bench.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# One echo job per line, with a payload of about 64 bytes.
seq 1 "$jobs" | awk '{printf "{\"type\":\"echo\",\"payload\":{\"n\":%d,\"pad\":\"0123456789abcdef0123456789abcdef0123456789\"}}\n", $1}' \
  > "$work/jobs.jsonl"

# shellcheck source=bench/free_port_base.sh
source bench/free_port_base.sh

run_level() {  # run_level LEVEL -> prints seconds for all jobs recorded
  local level=$1 base data
  base=$(free_port_base)
  data="$work/$level"
  mkdir -p "$data"
  local ep="tcp://127.0.0.1"
  pids=()
  "$bin/zpipe-ventilator" --submit "$ep:$base" --jobs "$ep:$((base + 1))" --acks "$ep:$((base + 3))" \
    --events-in "$ep:$((base + 4))" --events-out "$ep:$((base + 5))" --data-dir "$data" \
    --durability "$level" --log-level warn 2>"$data/ventilator.log" &
  pids+=($!)
  "$bin/zpipe-sink" --outcomes "$ep:$((base + 2))" --acks-to "$ep:$((base + 3))" \
    --events-to "$ep:$((base + 4))" --data-dir "$data" --log-level warn 2>"$data/sink.log" &
  pids+=($!)
  for ((w = 0; w < workers; w++)); do
    "$bin/zpipe-worker" --jobs-from "$ep:$((base + 1))" --outcomes-to "$ep:$((base + 2))" \
      --events-to "$ep:$((base + 4))" -c "$slots" --log-level warn 2>"$data/worker$w.log" &
    pids+=($!)
  done
  until "$bin/zpipe" status --ventilator "$ep:$base" --wait 0.2 >/dev/null 2>&1; do sleep 0.05; done

  local start end
  start=$(date +%s.%N)
  "$bin/zpipe" submit --jsonl "$work/jobs.jsonl" --quiet --ventilator "$ep:$base"
  while :; do
    local done_count
    done_count=$("$bin/zpipe" status --json --ventilator "$ep:$base" |
      sed -E 's/.*"succeeded":([0-9]+).*/\1/')
    [ "$done_count" -ge "$jobs" ] && break
    sleep 0.02
  done
  end=$(date +%s.%N)
  local rows
  rows=$(sqlite3 "$data/outcomes.db" "select count(distinct id) from jobs")
  [ "$rows" -eq "$jobs" ] || { echo "$level: only $rows of $jobs recorded" >&2; exit 1; }
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "$end - $start" | bc -l
}

echo "zpipe durability bench: $jobs echo jobs (64-byte payload), $workers workers x $slots slots,"
echo "end to end (submit to recorded at the sink); $(nproc) cores, $(date -u +%Y-%m-%d)"
printf "%-8s %10s %12s %9s\n" level seconds "jobs/s" "vs none"
declare -A rate
for level in none batched sync; do
  seconds=$(run_level "$level")
  rate[$level]=$(echo "$jobs / $seconds" | bc -l)
  printf "%-8s %10.2f %12.0f %8.2fx\n" "$level" "$seconds" "${rate[$level]}" \
    "$(echo "${rate[$level]} / ${rate[none]}" | bc -l)"
done

# Memory: the ventilator's resident size with a million jobs pending (no workers).
pending=1000000
seq 1 "$pending" | awk '{printf "{\"type\":\"echo\",\"payload\":{\"n\":%d,\"pad\":\"0123456789abcdef0123456789abcdef0123456789\"}}\n", $1}' \
  > "$work/pending.jsonl"
base=$(free_port_base)
ep="tcp://127.0.0.1"
mkdir -p "$work/memory"
pids=()
"$bin/zpipe-ventilator" --submit "$ep:$base" --jobs "$ep:$((base + 1))" --acks "$ep:$((base + 3))" \
  --events-in "$ep:$((base + 4))" --events-out "$ep:$((base + 5))" --data-dir "$work/memory" \
  --log-level warn 2>"$work/memory/ventilator.log" &
ventilator=$!
pids+=("$ventilator")
until "$bin/zpipe" status --ventilator "$ep:$base" --wait 0.2 >/dev/null 2>&1; do sleep 0.05; done
idle_kb=$(awk '/VmRSS/ {print $2}' "/proc/$ventilator/status")
start=$(date +%s.%N)
"$bin/zpipe" submit --jsonl "$work/pending.jsonl" --quiet --ventilator "$ep:$base"
end=$(date +%s.%N)
full_kb=$(awk '/VmRSS/ {print $2}' "/proc/$ventilator/status")
journal_mb=$(du -cm "$work/memory"/journal.db* | awk 'END {print $1}')
printf "\n%d jobs pending: ventilator RSS %.0f MiB (idle %.0f MiB), journal %d MiB on disk; submitted in %.1f s (%.0f jobs/s, batched)\n" \
  "$pending" "$(echo "$full_kb / 1024" | bc -l)" "$(echo "$idle_kb / 1024" | bc -l)" "$journal_mb" \
  "$(echo "$end - $start" | bc -l)" "$(echo "$pending / ($end - $start)" | bc -l)"
