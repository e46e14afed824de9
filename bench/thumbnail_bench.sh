#!/usr/bin/env bash
# Thumbnails per second: zpipe against `vipsthumbnail` driven by xargs, on the same files, in
# the same run. Not a test: run it by hand on a quiet machine (bench/README.md).
#
#   cmake --preset release && cmake --build --preset release
#   bash bench/thumbnail_bench.sh [IMAGES] [RUNS]      # defaults: 200 images, 2 runs of each
#
# Draws IMAGES 1920x1080 JPEGs once (kept in $TMPDIR/zpipe-thumbnail-bench/images), then, RUNS
# times in turn, makes 256 px thumbnails of all of them with:
#   xargs    ls | xargs -P2 -n 100 vipsthumbnail --size 256 -o OUT/%s.jpg
#   zpipe    `zpipe thumbnail IN OUT --size 256 --connect` against a running `zpipe up`, warm,
#            in two shapes: 2 workers x 1 slot, and 1 worker x 2 slots
#   zpipe (cold) the same command with no --connect: it starts and stops its own pipeline
# Each figure is images / wall seconds of the whole command; every run is printed and none is
# dropped; the summary gives the mean of the runs and zpipe's ratio to xargs. In the warm runs it
# also measures the pipeline's own CPU per image: the ventilator's and the sink's (from
# /proc/PID/stat, before and after) and the `zpipe thumbnail` client's (its whole run), all but
# the workers, which do the thumbnailing. The last lines hold them to the speed issue's targets.
set -euo pipefail
cd "$(dirname "$0")/.."

images=${1:-200}
runs=${2:-2}
bin=build/release/bin
[ -x "$bin/zpipe" ] || { echo "build the release preset first (see the top of $0)" >&2; exit 2; }
command -v vipsthumbnail >/dev/null || { echo "vipsthumbnail is missing: apt-get install libvips-tools" >&2; exit 2; }

work=${TMPDIR:-/tmp}/zpipe-thumbnail-bench
in=$work/images
mkdir -p "$in"
port_base=$((20000 + RANDOM % 20000))

now() { date +%s.%N; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }  # user + system CPU, in clock ticks
hz=$(getconf CLK_TCK)
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.1f", n / (b - a) }'; }

draw_images() {
  local have
  have=$(find "$in" -name 'bench-*.jpg' | wc -l)
  ((have >= images)) && return
  echo "drawing $images 1920x1080 JPEGs in $in (once)..."
  # A diagonal gradient under per-image grain and tint: photo-like work for the JPEG codec.
  vips xyz "$work/xy.v" 1920 1080
  vips extract_band "$work/xy.v" "$work/x.v" 0
  vips extract_band "$work/xy.v" "$work/y.v" 1
  vips bandjoin "$work/x.v $work/y.v $work/x.v" "$work/grad.v"
  vips linear "$work/grad.v" "$work/base.v" "0.1 0.2 0.06" "20 10 60"
  seq 1 "$images" | xargs -P2 -I{} sh -c '
    i={}; w=$1
    vips gaussnoise "$w/n$i.v" 1920 1080 --mean 0 --sigma $((8 + i % 24))
    vips add "$w/base.v" "$w/n$i.v" "$w/s$i.v"
    vips linear "$w/s$i.v" "$w/images/bench-$(printf %04d "$i").jpg[Q=85]" \
      "1 $((80 + i % 40))e-2 1" "$((i % 50)) 0 $((50 - i % 50))" --uchar
    rm -f "$w/n$i.v" "$w/s$i.v"' _ "$work"
  rm -f "$work"/*.v
}

run_xargs() {  # prints images/s
  local out=$work/out-xargs
  rm -rf "$out" && mkdir -p "$out"
  local t0 t1
  t0=$(now)
  find "$in" -name 'bench-*.jpg' | sort | head -n "$images" |
    xargs -P2 -n 100 vipsthumbnail --size 256 -o "$out/%s.jpg"
  t1=$(now)
  [ "$(ls "$out" | wc -l)" -eq "$images" ] || { echo "xargs made $(ls "$out" | wc -l) thumbnails" >&2; exit 1; }
  rate "$images" "$t0" "$t1"
}

# zpipe thumbnail against a pipeline that is already up (workers warm). Prints images/s.
run_zpipe_warm() {  # WORKERS SLOTS
  local out=$work/out-zpipe data=$work/data-$1x$2
  rm -rf "$out" "$data" && mkdir -p "$data"
  "$bin/zpipe" up --workers "$1" --concurrency "$2" --port-base "$port_base" --data-dir "$data" \
    --log-level warn --log-file "$data/zpipe.log" >/dev/null &
  local up=$!
  until "$bin/zpipe" status --ventilator "tcp://127.0.0.1:$port_base" >/dev/null 2>&1; do sleep 0.05; done
  # A first image per slot: the workers have run a job, as long-running workers have.
  "$bin/zpipe" thumbnail "$work/warm-in" "$work/warmup" --size 256 --connect "tcp://127.0.0.1:$port_base" \
    --data-dir "$data" >/dev/null 2>&1 || true
  local ventilator sink v0 s0 client t0 t1
  ventilator=$(pgrep -P "$up" -x zpipe-ventilato)
  sink=$(pgrep -P "$up" -x zpipe-sink)
  v0=$(ticks "$ventilator") s0=$(ticks "$sink")
  t0=$(now)
  # The client's CPU: what its shell's waited-for children used (cutime + cstime).
  client=$(bash -c '"$@" >"$0" && awk "{ print \$16 + \$17 }" /proc/$$/stat' "$work/zpipe.out" \
    "$bin/zpipe" thumbnail "$in" "$out" --size 256 --connect "tcp://127.0.0.1:$port_base" \
    --data-dir "$data")
  t1=$(now)
  awk -v v="$(($(ticks "$ventilator") - v0))" -v s="$(($(ticks "$sink") - s0))" -v c="$client" \
    -v hz="$hz" -v n="$images" 'BEGIN { printf "%.3f\n", (v + s + c) * 1000 / hz / n }' \
    >"$work/cpu-$1x$2"
  kill -TERM "$up" && wait "$up" || true
  rm -rf "$work/warmup"
  [ "$(ls "$out" | wc -l)" -eq "$images" ] || { cat "$work/zpipe.out" >&2; exit 1; }
  rate "$images" "$t0" "$t1"
}

# zpipe thumbnail starting its own pipeline (the default): includes starting and stopping it.
run_zpipe_cold() {
  local out=$work/out-zpipe data=$work/data-cold
  rm -rf "$out" "$data"
  local t0 t1
  t0=$(now)
  "$bin/zpipe" thumbnail "$in" "$out" --size 256 --workers 2 --data-dir "$data" \
    >"$work/zpipe.out"
  t1=$(now)
  [ "$(ls "$out" | wc -l)" -eq "$images" ] || { cat "$work/zpipe.out" >&2; exit 1; }
  rate "$images" "$t0" "$t1"
}

draw_images
[ "$(find "$in" -name 'bench-*.jpg' | wc -l)" -ge "$images" ] || { echo "too few images in $in" >&2; exit 1; }
# The warm-up image folder must hold one image per slot at most: make a small one.
mkdir -p "$work/warm-in" && cp "$in/bench-0001.jpg" "$in/bench-0002.jpg" "$work/warm-in/"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); libvips $(vips --version | cut -d- -f2)"
echo "$images images 1920x1080 -> 256 px; $runs runs of each, in turn; images/s of the whole command"
declare -A sum cpu
for ((r = 1; r <= runs; r++)); do
  for what in xargs zpipe_2x1 zpipe_1x2 zpipe_cold; do
    case $what in
      xargs) v=$(run_xargs) ;;
      zpipe_2x1) v=$(run_zpipe_warm 2 1) ;;
      zpipe_1x2) v=$(run_zpipe_warm 1 2) ;;
      zpipe_cold) v=$(run_zpipe_cold) ;;
    esac
    case $what in
      zpipe_2x1 | zpipe_1x2)
        c=$(cat "$work/cpu-${what#zpipe_}")
        cpu[$what]=$(awk -v a="${cpu[$what]:-0}" -v b="$c" 'BEGIN { print a + b }')
        printf "  run %d  %-11s %7s images/s   ventilator + sink + client CPU %s ms an image\n" \
          "$r" "$what" "$v" "$c"
        ;;
      *) printf "  run %d  %-11s %7s images/s\n" "$r" "$what" "$v" ;;
    esac
    sum[$what]=$(awk -v a="${sum[$what]:-0}" -v b="$v" 'BEGIN { print a + b }')
  done
done
mean() { awk -v s="${sum[$1]}" -v n="$runs" 'BEGIN { printf "%.1f", s / n }'; }
x=$(mean xargs)
echo "mean of $runs runs:"
printf "  %-44s %7s images/s\n" "xargs -P2 -n 100 vipsthumbnail --size 256" "$x"
for what in zpipe_2x1 zpipe_1x2 zpipe_cold; do
  case $what in
    zpipe_2x1) label="zpipe thumbnail, 2 workers x 1 slot (warm)" ;;
    zpipe_1x2) label="zpipe thumbnail, 1 worker x 2 slots (warm)" ;;
    zpipe_cold) label="zpipe thumbnail, own pipeline (start+stop)" ;;
  esac
  v=$(mean $what)
  printf "  %-44s %7s images/s  %sx xargs\n" "$label" "$v" "$(awk -v a="$v" -v b="$x" 'BEGIN { printf "%.2f", a / b }')"
done
cold=$(awk -v a="$(mean zpipe_cold)" -v b="$x" 'BEGIN { printf "%.2f", a / b }')
cpu_2x1=$(awk -v s="${cpu[zpipe_2x1]}" -v n="$runs" 'BEGIN { printf "%.2f", s / n }')
cpu_1x2=$(awk -v s="${cpu[zpipe_1x2]}" -v n="$runs" 'BEGIN { printf "%.2f", s / n }')
verdict() { awk -v ok="$1" 'BEGIN { print (ok ? "met" : "NOT MET") }'; }
echo "targets (speed issue, round 2)"
printf "  %-52s %-12s %-10s %s\n" "own pipeline vs xargs" "${cold}x" ">= 1.05x" \
  "$(verdict "$(awk -v r="$cold" 'BEGIN { print (r >= 1.05) }')")"
printf "  %-52s %-12s %-10s %s\n" "ventilator + sink + client CPU an image, 2 x 1 warm" \
  "$cpu_2x1 ms" "<= 0.1 ms" "$(verdict "$(awk -v c="$cpu_2x1" 'BEGIN { print (c <= 0.1) }')")"
printf "  %-52s %-12s %-10s %s\n" "ventilator + sink + client CPU an image, 1 x 2 warm" \
  "$cpu_1x2 ms" "<= 0.1 ms" "$(verdict "$(awk -v c="$cpu_1x2" 'BEGIN { print (c <= 0.1) }')")"
