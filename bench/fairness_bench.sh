#!/usr/bin/env bash
# Dispatch fairness and CPU-bound scaling, on the real programs over loopback.
#
#   bash bench/fairness_bench.sh [--seconds S] [--step-ms MS] [--ratio R] [--prefetch N] [--report S]
#          [--cpu-job thumbnail|exec|both] [--cpu-seconds S] [--max-workers N] [--runs N] [--only fairness|scaling]
#   defaults: --seconds 25 --step-ms 20 --ratio 10 --report 5 --cpu-job both --cpu-seconds 8
#             --max-workers nproc+1 --runs 2; --prefetch: the worker's own default
# Needs the release build: cmake --preset release && cmake --build --preset release
#
# 1. Fairness. A ventilator, a sink and two workers of one slot each, "fast" and "slow". Every
#    job is the same exec job: `sh -c` running `sleep STEP` ZPIPE_BENCH_REPEAT times in a row,
#    where STEP (20 ms) is in the job and ZPIPE_BENCH_REPEAT is in the worker's environment: 1
#    on the fast worker, RATIO (10) on the slow one. So the slow worker takes RATIO times as
#    long over identical jobs, the way a worker on a slower host (or behind a slower API) does.
#    The one `sh` start per job and zpipe's own work per job are not repeated, so the measured
#    ratio comes out a little under RATIO (about 9x); the expected shares are given both for
#    RATIO and for the speeds the workers measured (attempts.run_us), and the verdict uses the
#    latter. Enough jobs for about S seconds of both workers busy are submitted at once; the
#    sink's store (attempts.worker) says who ran what. Printed live every --report seconds.
# 2. CPU-bound scaling. Jobs that only burn CPU, with 1, 2, ... MAX workers of one slot each:
#    `thumbnail` (the built-in: 1920x1080 JPEG -> 256 px, one vips thread per job) and/or
#    `exec` of a fixed shell loop. Each batch has the same number of jobs, sized so that one
#    worker needs about --cpu-seconds, and is timed from submit to last outcome recorded at the
#    sink; runs are interleaved. Each run also prints how busy the whole machine was and how
#    much of that was zpipe's own processes, since this bench may share the machine.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {  # usage [EXIT_CODE]: 2 (a usage error) unless told
  sed -n '4,7p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit "${1:-2}"
}

seconds=25 step_ms=20 ratio=10 prefetch="" report=5 cpu_job=both cpu_seconds=8 runs=2
max_workers=$(($(nproc) + 1)) only=""
while (($#)); do
  case $1 in
    --seconds) seconds=$2 ;;
    --step-ms) step_ms=$2 ;;
    --ratio) ratio=$2 ;;
    --prefetch) prefetch=$2 ;;
    --report) report=$2 ;;
    --cpu-job) cpu_job=$2 ;;
    --cpu-seconds) cpu_seconds=$2 ;;
    --max-workers) max_workers=$2 ;;
    --runs) runs=$2 ;;
    --only) only=$2 ;;
    -h | --help) usage 0 ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
  [ $# -ge 2 ] || usage
  shift 2
done
for n in "$seconds" "$step_ms" "$ratio" "$report" "$cpu_seconds" "$max_workers" "$runs" ${prefetch:+"$prefetch"}; do
  [[ $n =~ ^[0-9]+$ ]] || { echo "not a whole number: $n" >&2; usage; }
done
case $cpu_job in thumbnail | exec | both) ;; *) usage ;; esac
case $only in "" | fairness | scaling) ;; *) usage ;; esac
((ratio >= 1 && step_ms >= 1 && max_workers >= 1 && report >= 1 && runs >= 1)) || usage

src_bin=build/release/bin
for p in zpipe zpipe-ventilator zpipe-sink zpipe-worker; do
  [ -x "$src_bin/$p" ] || { echo "build the release preset first: cmake --preset release && cmake --build --preset release" >&2; exit 2; }
done
command -v sqlite3 >/dev/null || { echo "sqlite3 is missing: apt-get install sqlite3" >&2; exit 2; }
command -v ss >/dev/null || { echo "ss is missing: apt-get install iproute2" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/zpipe-fairness-bench.XXXXXX")
pids=()
stop_all() {  # children of workers (exec jobs) first, then the programs themselves
  local pid
  for pid in "${pids[@]}"; do pkill -9 -P "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
# Workers first (they give back what they hold), then the sink, then the ventilator, so that
# their last log lines (redispatched jobs, duplicates dropped) are written.
stop_in_order() {
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  pids=()
}
cleanup() {
  stop_all
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A private copy of the programs (and of the plugins they load from ../lib): a rebuild during
# the run cannot mix two versions.
bin=$work/bin
mkdir -p "$bin"
cp "$src_bin"/{zpipe,zpipe-ventilator,zpipe-sink,zpipe-worker} "$bin/"
[ -d "$src_bin/../lib" ] && cp -r "$src_bin/../lib" "$work/lib"

# shellcheck source=bench/free_port_base.sh
source bench/free_port_base.sh

ep="tcp://127.0.0.1"
now_ms() { date +%s%3N; }
calc() { awk "BEGIN { printf \"$1\", ($2) }"; }  # parenthesised: a bare > would redirect
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# start_pipeline DIR: a ventilator and a sink on a free block of ports (sets $base, $data).
start_pipeline() {
  data=$1
  mkdir -p "$data"
  base=$(free_port_base)
  "$bin/zpipe-ventilator" --submit "$ep:$base" --jobs "$ep:$((base + 1))" --acks "$ep:$((base + 3))" \
    --events-in "$ep:$((base + 4))" --events-out "$ep:$((base + 5))" --data-dir "$data" \
    --log-level info 2>"$data/ventilator.log" &
  pids+=($!)
  "$bin/zpipe-sink" --outcomes "$ep:$((base + 2))" --acks-to "$ep:$((base + 3))" \
    --events-to "$ep:$((base + 4))" --data-dir "$data" --log-level info 2>"$data/sink.log" &
  pids+=($!)
  until "$bin/zpipe" status --ventilator "$ep:$base" --wait 0.2 >/dev/null 2>&1; do sleep 0.05; done
}

# start_worker NAME [ENV=VALUE...]: one worker of one slot, named NAME in the store.
start_worker() {
  local name=$1
  shift
  env "$@" "$bin/zpipe-worker" --jobs-from "$ep:$((base + 1))" --outcomes-to "$ep:$((base + 2))" \
    --events-to "$ep:$((base + 4))" -c 1 ${prefetch:+--prefetch "$prefetch"} --name "$name" \
    --log-level warn 2>"$data/worker-$name.log" &
  pids+=($!)
}

# wait_workers N: until N workers hold a connection to the jobs socket, so that none gets a
# head start on the batch.
wait_workers() {
  local deadline=$((SECONDS + 20))
  until [ "$(ss -Htn state established "( sport = :$((base + 1)) )" | wc -l)" -ge "$1" ]; do
    ((SECONDS < deadline)) || { echo "only some of $1 workers connected" >&2; exit 1; }
    sleep 0.05
  done
  sleep 0.3  # the ZMTP handshake after the TCP one
}

store() { sqlite3 -cmd '.timeout 5000' "$data/outcomes.db" "$1" 2>/dev/null; }
recorded() { store "select count(*) from jobs" || echo 0; }

# stalled SINCE_S COUNT: fails when nothing was recorded for 120 s (a program died?).
stalled() {
  if ((SECONDS - $1 > 120)); then
    echo "stuck at $2 recorded jobs for 120 s; logs in $data (kept):" >&2
    tail -n 3 "$data"/*.log >&2
    trap - EXIT
    stop_all
    exit 1
  fi
}

# wait_recorded N: until N jobs have a final outcome in the store; fails on a failed one.
wait_recorded() {
  local n last=-1 since=$SECONDS
  while :; do
    n=$(recorded)
    [ "${n:-0}" -ge "$1" ] && break
    [ "$n" != "$last" ] && { last=$n; since=$SECONDS; }
    stalled "$since" "$n"
    sleep 0.2
  done
  local failed
  failed=$(store "select count(*) from jobs where status <> 'succeeded'")
  if [ "$failed" -ne 0 ]; then
    echo "$failed jobs failed; first: $(store "select error from jobs where status <> 'succeeded' limit 1")" >&2
    exit 1
  fi
}

# CPU time (clock ticks) of the whole machine, busy: user+nice+system+irq+softirq+steal.
machine_busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
# CPU time (clock ticks) of our processes and of the children they have waited for.
own_ticks() {
  local pid total=0
  for pid in "${pids[@]}"; do
    [ -r "/proc/$pid/stat" ] || continue
    total=$((total + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 + $14 + $15 }')))
  done
  echo "$total"
}
hz=$(getconf CLK_TCK)

default_prefetch=$("$bin/zpipe-worker" --help | sed -nE 's/.*--prefetch .*=([0-9]+).*/\1/p')
echo "zpipe fairness bench, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), load average $(loadavg)"
echo "programs: $src_bin (built $(date -u -r "$src_bin/zpipe-worker" '+%Y-%m-%d %H:%M UTC'); repo at $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- 2>/dev/null || echo ', tree modified')), worker --prefetch ${prefetch:-$default_prefetch}${prefetch:+ (given)}"

# time_job SCRIPT REPEAT RUNS: seconds of one run of the job's command, outside zpipe.
time_job() {
  local t0 t1 i
  t0=$(now_ms)
  for ((i = 0; i < $3; i++)); do ZPIPE_BENCH_REPEAT=$2 sh -c "$1"; done
  t1=$(now_ms)
  calc "%.4f" "($t1 - $t0) / 1000 / $3"
}

# ---------------------------------------------------------------------------------------------
fairness() {
  local dir=$work/fairness
  local step_s jobs t_fast t_slow
  step_s=$(calc "%.3f" "$step_ms / 1000")
  mkdir -p "$dir"
  # The job: STEP is in the job, the repeat count in the worker's environment.
  local script="i=0; while [ \$i -lt \${ZPIPE_BENCH_REPEAT:-1} ]; do sleep $step_s; i=\$((i+1)); done"
  # Jobs for about $seconds with both workers busy, from the job's time outside zpipe.
  t_fast=$(time_job "$script" 1 5)
  t_slow=$(time_job "$script" "$ratio" 1)
  jobs=$(calc "%d" "$seconds / $t_fast + $seconds / $t_slow")
  seq 1 "$jobs" | awk -v s="$script" '{ printf "{\"type\":\"exec\",\"payload\":{\"argv\":[\"sh\",\"-c\",\"%s\"]},\"max_attempts\":1}\n", s }' \
    >"$dir/jobs.jsonl"

  echo
  echo "== 1. fairness: worker 'fast' and worker 'slow', 1 slot each, slow = ${ratio}x slower per job"
  echo "   how: every job is the same exec job, sh -c 'repeat \$ZPIPE_BENCH_REPEAT times: sleep $step_s', and the repeat"
  echo "   count is in each worker's environment (fast: 1, slow: $ratio): the same job takes $ratio times as long on the slow"
  echo "   worker, as on a slower host or API (not fewer slots: both have 1 slot, and the same --prefetch)"
  echo "   $jobs jobs submitted at once: about ${seconds} s of work for both (timed outside zpipe just now); load average $(loadavg)"
  start_pipeline "$dir"
  start_worker fast ZPIPE_BENCH_REPEAT=1
  start_worker slow ZPIPE_BENCH_REPEAT="$ratio"
  wait_workers 2

  local t0 last_t last_fast=0 last_slow=0 peak_in_flight=0 since=$SECONDS last_total=0
  t0=$(now_ms)
  "$bin/zpipe" submit --jsonl "$dir/jobs.jsonl" --quiet --ventilator "$ep:$base"
  last_t=$t0
  echo "   live, every ${report} s: each worker's rate over the interval, the slow worker's share so far, and the"
  echo "   ventilator's counts (in flight = sent toward a worker, no outcome yet: running or queued on the way)"
  printf "   %7s %12s %12s %11s %9s %8s %10s\n" "time" "fast jobs/s" "slow jobs/s" "slow share" "recorded" "pending" "in flight"
  while :; do
    sleep "$report" &
    wait $! || true
    local t counts fast slow total
    t=$(now_ms)
    counts=$(store "select coalesce(sum(worker = 'fast'), 0) || ' ' || coalesce(sum(worker = 'slow'), 0) from attempts")
    read -r fast slow <<<"$counts"
    local status pending in_flight
    status=$("$bin/zpipe" status --json --ventilator "$ep:$base" 2>/dev/null || echo '{}')
    pending=$(sed -nE 's/.*"pending":([0-9]+).*/\1/p' <<<"$status")
    in_flight=$(sed -nE 's/.*"in_flight":([0-9]+).*/\1/p' <<<"$status")
    total=$((fast + slow))
    printf "   %6.1fs %12.1f %12.1f %10.1f%% %9d %8s %10s\n" "$(calc "%.3f" "($t - $t0) / 1000")" \
      "$(calc "%.3f" "($fast - $last_fast) * 1000 / ($t - $last_t)")" \
      "$(calc "%.3f" "($slow - $last_slow) * 1000 / ($t - $last_t)")" \
      "$(calc "%.3f" "$total > 0 ? 100 * $slow / $total : 0")" "$total" "${pending:-?}" "${in_flight:-?}"
    last_t=$t last_fast=$fast last_slow=$slow
    ((${in_flight:-0} > peak_in_flight)) && peak_in_flight=$in_flight
    [ "$total" -ge "$jobs" ] && break
    [ "$total" != "$last_total" ] && { last_total=$total; since=$SECONDS; }
    stalled "$since" "$total"
  done
  wait_recorded "$jobs"
  echo "   load average at the end $(loadavg)"
  # Bytes the workers received on their job connections: the size of a job on the wire.
  local job_bytes
  job_bytes=$(ss -Htni state established "( dport = :$((base + 1)) )" |
    sed -nE 's/.*bytes_received:([0-9]+).*/\1/p' | awk -v n="$jobs" '{ s += $1 } END { if (s) printf "%d", s / n }')
  stop_in_order
  local redispatched duplicates
  redispatched=$(sed -nE 's/.*; ([0-9]+) dispatched again after their time limit.*/\1/p' "$dir/ventilator.log" | tail -1)
  redispatched=$((${redispatched:-0} + $(sed -nE 's/.* ([0-9]+) jobs of vanished worker .*/\1/p' "$dir/ventilator.log" | awk '{ s += $1 } END { print s + 0 }')))
  duplicates=$(sed -nE 's/.* ([0-9]+) duplicates dropped.*/\1/p' "$dir/sink.log" | tail -1)

  # Per worker: jobs, mean run time (and the fast one's last finish).
  local fast_n slow_n fast_us slow_us fast_end first_start last_end
  read -r fast_n fast_us fast_end <<<"$(store "select count(*), avg(run_us), max(finished_ms) from attempts where worker = 'fast'" | tr '|' ' ')"
  read -r slow_n slow_us <<<"$(store "select count(*), avg(run_us) from attempts where worker = 'slow'" | tr '|' ' ')"
  read -r first_start last_end <<<"$(store "select min(started_ms), max(finished_ms) from attempts" | tr '|' ' ')"
  # The fast worker's idle spells: a gap between two of its jobs longer than 20 of its jobs
  # (at least 1 s), and the time after its last job. The window "while both had work" ends at
  # its first idle spell.
  local gap gaps window_end fast_idle
  gap=$(calc "%d" "$fast_us / 1000 * 20 > 1000 ? $fast_us / 1000 * 20 : 1000")
  gaps="select started_ms - prev_end as idle, prev_end from (select started_ms, lag(finished_ms) over (order by started_ms) as prev_end from attempts where worker = 'fast') where started_ms - prev_end > $gap"
  window_end=$(store "select coalesce(min(prev_end), $fast_end) from ($gaps)")
  fast_idle=$(calc "%.3f" "($(store "select coalesce(sum(idle), 0) from ($gaps)") + $last_end - $fast_end) / 1000")
  local slow_in_window fast_in_window tail_jobs
  slow_in_window=$(store "select count(*) from attempts where worker = 'slow' and finished_ms <= $window_end")
  fast_in_window=$(store "select count(*) from attempts where worker = 'fast' and finished_ms <= $window_end")
  tail_jobs=$((slow_n - slow_in_window))

  local measured_ratio exp_nominal exp_speed share_all share_window
  measured_ratio=$(calc "%.2f" "$slow_us / $fast_us")
  exp_nominal=$(calc "%.6f" "100 / ($ratio + 1)")
  exp_speed=$(calc "%.6f" "100 * (1 / $slow_us) / (1 / $slow_us + 1 / $fast_us)")
  share_all=$(calc "%.6f" "100 * $slow_n / ($fast_n + $slow_n)")
  share_window=$(calc "%.6f" "100 * $slow_in_window / ($fast_in_window + $slow_in_window)")
  # An ideal dispatcher (each job to the first free worker) ends both workers within one slow
  # job of each other, after about jobs / (sum of the speeds).
  local makespan ideal
  makespan=$(calc "%.3f" "($last_end - $first_start) / 1000")
  ideal=$(calc "%.3f" "$jobs / (1e6 / $fast_us + 1e6 / $slow_us)")

  echo
  echo "   mean run time per job: fast $(calc "%.1f" "$fast_us / 1000") ms, slow $(calc "%.1f" "$slow_us / 1000") ms: the slow worker is ${measured_ratio}x slower (nominal ${ratio}x)"
  echo "   $((fast_n + slow_n)) attempts recorded for $jobs jobs; ${redispatched:-?} dispatched again (no outcome in time), ${duplicates:-?} duplicate outcomes dropped by the sink"
  printf "   %-31s %6s %8s %11s %10s %14s %10s\n" "slow worker's share of jobs" "jobs" "share" "exp. ${ratio}x" "deviation" "exp. measured" "deviation"
  row() {  # LABEL JOBS SHARE; expected shares: nominal, from the measured speeds
    printf "   %-31s %6s %7.2f%% %10.2f%% %+9.1f%% %13.2f%% %+9.1f%%\n" "$1" "$2" "$3" "$exp_nominal" \
      "$(calc "%.3f" "100 * ($3 - $exp_nominal) / $exp_nominal")" "$exp_speed" "$(calc "%.3f" "100 * ($3 - $exp_speed) / $exp_speed")"
  }
  row "whole batch" "$slow_n" "$share_all"
  row "while both had work (to $(calc "%.1f" "($window_end - $first_start) / 1000") s)" "$slow_in_window" "$share_window"
  echo "   after that the slow worker ran $tail_jobs more jobs while the fast one was idle: $fast_idle s idle in all"
  echo "   makespan $makespan s; with each job going to the first free worker about $ideal s"
  echo "   in flight at most $peak_in_flight (seen every ${report} s): 2 running, $((peak_in_flight > 2 ? peak_in_flight - 2 : 0)) queued toward the two workers${job_bytes:+, about $(((peak_in_flight > 2 ? peak_in_flight - 2 : 0) * job_bytes / 2048)) KiB each at $job_bytes bytes a job on the wire}"
  local dev
  dev=$(calc "%.3f" "100 * ($share_all - $exp_speed) / $exp_speed")
  fair_summary="slow worker ran $(calc "%.2f" "$share_all")% of the jobs, expected $(calc "%.2f" "$exp_speed")% at the measured ${measured_ratio}x ($(calc "%.2f" "$exp_nominal")% at ${ratio}x): $(calc "%+.1f" "$dev")%, $(awk -v d="$dev" 'BEGIN { print (d < 10 && d > -10) ? "within" : "OUTSIDE" }') the 10% bound"
  fair_summary2="while both had work $(calc "%.2f" "$share_window")% ($(calc "%+.1f" "100 * ($share_window - $exp_speed) / $exp_speed")%); fast worker idle $fast_idle s at the end; makespan $makespan s, ideal $ideal s"
}

# ---------------------------------------------------------------------------------------------
images=()
draw_images() {  # four 1920x1080 JPEGs, as bench/thumbnail_bench.sh draws them
  local d=$work/images
  mkdir -p "$d"
  vips xyz "$d/xy.v" 1920 1080
  vips extract_band "$d/xy.v" "$d/x.v" 0
  vips extract_band "$d/xy.v" "$d/y.v" 1
  vips bandjoin "$d/x.v $d/y.v $d/x.v" "$d/grad.v"
  vips linear "$d/grad.v" "$d/base.v" "0.1 0.2 0.06" "20 10 60"
  local i
  for i in 1 2 3 4; do
    vips gaussnoise "$d/n.v" 1920 1080 --mean 0 --sigma $((8 + i * 5))
    vips add "$d/base.v" "$d/n.v" "$d/s.v"
    vips linear "$d/s.v" "$d/img$i.jpg[Q=85]" "1 0.$((8 + i)) 1" "$((i * 10)) 0 $((50 - i * 10))" --uchar
    images+=("$d/img$i.jpg")
  done
  rm -f "$d"/*.v
}

# jobs_file KIND FIRST COUNT OUT_DIR > jsonl
loop_n=200000
loop_script="i=0; while [ \$i -lt $loop_n ]; do i=\$((i+1)); done"
jobs_file() {
  local kind=$1 first=$2 count=$3 out=$4
  if [ "$kind" = thumbnail ]; then
    seq "$first" $((first + count - 1)) | awk -v out="$out" -v imgs="${images[*]}" '
      BEGIN { n = split(imgs, img, " ") }
      { printf "{\"type\":\"thumbnail\",\"payload\":{\"in\":\"%s\",\"out\":\"%s/t%d.jpg\",\"size\":256},\"timeout\":60,\"max_attempts\":1}\n", img[$1 % n + 1], out, $1 }'
  else
    seq "$first" $((first + count - 1)) | awk -v s="$loop_script" \
      '{ printf "{\"type\":\"exec\",\"payload\":{\"argv\":[\"sh\",\"-c\",\"%s\"]},\"timeout\":60,\"max_attempts\":1}\n", s }'
  fi
}

# Seconds of one job on one core, outside zpipe, to size the batch. For thumbnails, the
# difference between one vipsthumbnail of 9 images and one of 1, so that starting the program
# (libvips' many libraries) is not counted as work.
one_job_seconds() {
  local t0 t1 t2 i
  if [ "$1" = thumbnail ]; then
    local nine=("${images[@]}" "${images[@]}" "${images[0]}")
    t0=$(now_ms)
    VIPS_CONCURRENCY=1 vipsthumbnail --size 256 -o "$work/calib-%s.jpg" "${images[0]}"
    t1=$(now_ms)
    VIPS_CONCURRENCY=1 vipsthumbnail --size 256 -o "$work/calib-%s.jpg" "${nine[@]}"
    t2=$(now_ms)
    calc "%.4f" "(($t2 - $t1) - ($t1 - $t0)) / 1000 / 8"
  else
    t0=$(now_ms)
    for ((i = 0; i < 3; i++)); do sh -c "$loop_script"; done
    t1=$(now_ms)
    calc "%.4f" "($t1 - $t0) / 1000 / 3"
  fi
}

# scale_run KIND WORKERS RUN: one timed batch; prints its line and records jobs/s.
declare -A scale_jobs scale_sum scale_max scale_other
scale_run() {
  local kind=$1 w=$2 r=$3 jobs=${scale_jobs[$1]}
  local dir=$work/scale-$kind-$w-$r load_before k
  load_before=$(loadavg)
  start_pipeline "$dir"
  for ((k = 1; k <= w; k++)); do start_worker "w$k"; done
  wait_workers "$w"
  # Warm-up: two jobs per worker (libvips' first image, the page cache), not timed.
  local warm=$((2 * w))
  mkdir -p "$dir/out"
  jobs_file "$kind" 1 "$warm" "$dir/out" >"$dir/warm.jsonl"
  jobs_file "$kind" $((warm + 1)) "$jobs" "$dir/out" >"$dir/jobs.jsonl"
  "$bin/zpipe" submit --jsonl "$dir/warm.jsonl" --quiet --ventilator "$ep:$base"
  wait_recorded "$warm"
  local t0 busy0 own0 end busy1 own1 t1 secs rate per_worker busy own
  busy0=$(machine_busy_ticks) own0=$(own_ticks) t0=$(now_ms)
  "$bin/zpipe" submit --jsonl "$dir/jobs.jsonl" --quiet --ventilator "$ep:$base"
  wait_recorded $((warm + jobs))
  busy1=$(machine_busy_ticks) own1=$(own_ticks) t1=$(now_ms)
  end=$(store "select max(recorded_ms) from jobs")
  secs=$(calc "%.3f" "($end - $t0) / 1000")
  rate=$(calc "%.3f" "$jobs / $secs")
  busy=$(calc "%.2f" "($busy1 - $busy0) / $hz / (($t1 - $t0) / 1000)")
  own=$(calc "%.2f" "($own1 - $own0) / $hz / (($t1 - $t0) / 1000)")
  per_worker=$(store "select group_concat(n, ' ') from (select count(*) as n from attempts where started_ms >= $t0 group by worker order by worker)")
  printf "   %3d  %-9s %2d x 1 %9.2f %9.1f %11.2f %9.2f %9.2f  %-14s %s\n" "$r" "$kind" "$w" "$secs" "$rate" \
    "$busy" "$own" "$(calc "%.2f" "$busy - $own")" "$per_worker" "$load_before"
  local key=$kind,$w
  scale_sum[$key]=$(calc "%.4f" "${scale_sum[$key]:-0} + $rate")
  scale_other[$key]=$(calc "%.4f" "${scale_other[$key]:-0} + $busy - $own")
  scale_max[$key]=$(calc "%.4f" "${scale_max[$key]:-0} > $rate ? ${scale_max[$key]:-0} : $rate")
  stop_all
}

scaling() {
  local kind w r
  echo
  echo "== 2. CPU-bound scaling: 1 to $max_workers workers of 1 slot, $runs runs of each, interleaved"
  for kind in "${kinds[@]}"; do
    local per_job
    per_job=$(one_job_seconds "$kind")
    scale_jobs[$kind]=$(calc "%d" "$cpu_seconds / $per_job")
    ((scale_jobs[$kind] >= 10)) || scale_jobs[$kind]=10
    if [ "$kind" = thumbnail ]; then
      echo "   thumbnail: the built-in, a 1920x1080 JPEG (4 drawn ones in turn) to 256 px, one vips thread;"
    else
      echo "   exec: sh -c 'a $loop_n-step shell loop' (a process start and pure CPU);"
    fi
    echo "      ${scale_jobs[$kind]} jobs a batch: one job took $(calc "%.1f" "$per_job * 1000") ms outside zpipe just now, so about ${cpu_seconds} s on one worker"
  done
  echo "   seconds: submit -> last outcome recorded, after 2 untimed jobs per worker; CPU in cores over the batch:"
  echo "   machine = all busy CPU, zpipe = ventilator + sink + workers + their jobs, others = the rest"
  printf "   %3s  %-9s %7s %9s %9s %11s %9s %9s  %-14s %s\n" run job workers seconds "jobs/s" "machine CPU" zpipe others "jobs/worker" "load avg before"
  for ((r = 1; r <= runs; r++)); do
    for kind in "${kinds[@]}"; do
      for ((w = 1; w <= max_workers; w++)); do scale_run "$kind" "$w" "$r"; done
    done
  done
}

fair_summary=""
fair_summary2=""
kinds=()
[ "$only" = scaling ] || fairness
if [ "$only" != fairness ]; then
  if [ "$cpu_job" != exec ]; then
    if command -v vips >/dev/null && command -v vipsthumbnail >/dev/null; then
      draw_images
      kinds+=(thumbnail)
    else
      echo "(no thumbnail scaling: the vips and vipsthumbnail tools are missing: apt-get install libvips-tools)"
    fi
  fi
  [ "$cpu_job" = thumbnail ] || kinds+=(exec)
  scaling
fi

echo
echo "== summary ($(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'), load average now $(loadavg))"
if [ -n "$fair_summary" ]; then
  echo "fairness: $fair_summary"
  echo "          $fair_summary2"
fi
if ((${#kinds[@]})); then
  echo "scaling: jobs/s, mean and best of $runs runs; speed-up against 1 worker, of the means and of the bests;"
  echo "efficiency = speed-up of the bests / min(workers, cores); others' CPU = the rest of the machine's busy CPU"
  printf "   %-9s %7s %9s %9s %14s %14s %11s %13s\n" "job" workers "mean" "best" "speed-up mean" "speed-up best" efficiency "others' CPU"
  for kind in "${kinds[@]}"; do
    for ((w = 1; w <= max_workers; w++)); do
      key=$kind,$w
      mean=$(calc "%.4f" "${scale_sum[$key]} / $runs")
      speedup=$(calc "%.4f" "$mean / (${scale_sum[$kind,1]} / $runs)")
      speedup_best=$(calc "%.4f" "${scale_max[$key]} / ${scale_max[$kind,1]}")
      others_max=$(calc "%.4f" "${scale_other[$key]} / $runs > ${others_max:-0} ? ${scale_other[$key]} / $runs : ${others_max:-0}")
      printf "   %-9s %2d x 1 %9.1f %9.1f %13.2fx %13.2fx %11.2f %8.2f cores\n" "$kind" "$w" "$mean" \
        "${scale_max[$key]}" "$speedup" "$speedup_best" \
        "$(calc "%.4f" "$speedup_best / ($w < $(nproc) ? $w : $(nproc))")" "$(calc "%.4f" "${scale_other[$key]} / $runs")"
    done
  done
  if awk -v o="$others_max" 'BEGIN { exit !(o > 0.2) }'; then
    echo "   NOTE: other programs took up to $(calc "%.2f" "$others_max") cores during these runs: the machine was not quiet,"
    echo "   and zpipe's workers shared the cores with them, so the speed-ups above understate what a quiet machine gives."
  fi
fi
