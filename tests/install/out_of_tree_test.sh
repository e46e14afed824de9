#!/usr/bin/env bash
# An installed zpipe, used as a project of its own would use it (README, "Installing"):
#  1. `cmake --install` of this build into a prefix: programs, plugins, libraries, headers, the
#     CMake package and the pkg-config files, and nothing for /etc or systemd.
#  2. examples/custom_worker configured and built on its own against that prefix
#     (find_package(zpipe 0.1 CONFIG REQUIRED)); every installed header compiles; a producer
#     built with pkg-config alone (zpipe-client.pc, and zpipe.pc) links no more than libzmq.
#  3. A pipeline of the installed ventilator and sink: the installed zpipe-worker thumbnails an
#     image with its plugin found from the prefix, then the out-of-tree worker runs its own job
#     types and the pkg-config producer's job.
# Nothing is rebuilt in BUILD_DIR. WORK_DIR sits in the build tree so that ccache finds the
# out-of-tree compilations of earlier runs (its paths are the same each time); it is removed on
# exit, with every process started here.
#
# usage: out_of_tree_test.sh SOURCE_DIR BUILD_DIR WORK_DIR CXX_COMPILER
set -euo pipefail

source_dir=$1 build_dir=$2 work=$3 cxx=$4
prefix=$work/prefix data=$work/data
pids=()

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    # Each stops within its grace; one that does not is killed, so that none outlives the test.
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# Runs a command quietly; on failure shows its output and fails the test.
quietly() {
  local log=$work/step.log
  "$@" >"$log" 2>&1 || { cat "$log" >&2; fail "$*"; }
}

launcher=()
command -v ccache >/dev/null && launcher=(ccache)

rm -rf "$work"
mkdir -p "$work" "$data"

# 1. The installation.
quietly cmake --install "$build_dir" --prefix "$prefix"
for path in bin/zpipe bin/zpipe-ventilator bin/zpipe-worker bin/zpipe-sink bin/zpipe-monitor \
    bin/zpipe-web lib/zpipe/zpipe-thumbnail.so lib/zpipe/zpipe-images.so \
    lib/libzpipe_client.a lib/libzpipe_worker.a lib/libzpipe_common.a lib/libzpipe_protocol.a \
    include/zpipe/client/client.hpp include/zpipe/worker/worker.hpp \
    include/zpipe/common/command_line.hpp include/zpipe/common/sqlite/database.hpp \
    lib/cmake/zpipe/zpipeConfig.cmake lib/cmake/zpipe/zpipeConfigVersion.cmake \
    lib/cmake/zpipe/zpipeTargets.cmake lib/pkgconfig/zpipe.pc lib/pkgconfig/zpipe-client.pc; do
  [ -e "$prefix/$path" ] || fail "cmake --install put no $path in the prefix"
done
for path in etc lib/systemd; do
  [ ! -e "$prefix/$path" ] || fail "cmake --install wrote $path: that is the .deb's (component service)"
done
if grep -q "zpipe_warnings\|zpipe_sanitizers\|$source_dir" "$prefix"/lib/cmake/zpipe/*.cmake; then
  fail "the exported targets name this build's own targets or source folder"
fi

# find_package(zpipe 0.1) takes any 0.1.x and nothing else (SameMinorVersion, for 0.x).
cat >"$work/version_check.cmake" <<'EOF'
foreach(wanted 0.1 0.1.0 0.2 1.0)
  string(REPLACE "." ";" parts ${wanted})
  list(GET parts 0 PACKAGE_FIND_VERSION_MAJOR)
  list(GET parts 1 PACKAGE_FIND_VERSION_MINOR)
  set(PACKAGE_FIND_VERSION ${wanted})
  include(${VERSION_FILE})
  message("${wanted}=${PACKAGE_VERSION_COMPATIBLE}")
endforeach()
EOF
versions=$(cmake -DVERSION_FILE="$prefix/lib/cmake/zpipe/zpipeConfigVersion.cmake" \
  -P "$work/version_check.cmake" 2>&1 | tr '\n' ' ')
[ "$versions" = "0.1=TRUE 0.1.0=TRUE 0.2=FALSE 1.0=FALSE " ] ||
  fail "zpipeConfigVersion.cmake: asked for 0.1 0.1.0 0.2 1.0, compatible: $versions"

# 2. A project of its own: the example worker, out of tree.
worker_build=$work/custom_worker
quietly cmake -S "$source_dir/examples/custom_worker" -B "$worker_build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_CXX_COMPILER_LAUNCHER="${launcher[*]}"
quietly cmake --build "$worker_build"
custom_worker=$worker_build/zpipe-example-worker
[ -x "$custom_worker" ] || fail "the out-of-tree build made no zpipe-example-worker"

# pkg-config alone: every installed header compiles on its own includes and the flags of
# zpipe.pc; the producer links with zpipe-client.pc and with zpipe.pc.
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
read -ra zpipe_cflags <<<"$(pkg-config --cflags zpipe)"
read -ra zpipe_libs <<<"$(pkg-config --libs zpipe)"
read -ra client_cflags <<<"$(pkg-config --cflags zpipe-client)"
read -ra client_libs <<<"$(pkg-config --libs zpipe-client)"
(cd "$prefix/include/zpipe" && find . -name '*.hpp' | sort | sed 's|^\./\(.*\)|#include "\1"|') \
  >"$work/all_headers.cpp"
quietly "${launcher[@]}" "$cxx" -std=c++20 -c "$work/all_headers.cpp" -o "$work/all_headers.o" \
  "${zpipe_cflags[@]}"
quietly "${launcher[@]}" "$cxx" -std=c++20 -c "$source_dir/tests/install/small_producer.cpp" \
  -o "$work/small_producer.o" "${client_cflags[@]}"
quietly "$cxx" "$work/small_producer.o" -o "$work/small_producer" "${client_libs[@]}"
quietly "$cxx" "$work/small_producer.o" -o "$work/small_producer_zpipe_pc" "${zpipe_libs[@]}"
needed=$(readelf -d "$work/small_producer" | grep NEEDED || true)
[[ $needed == *libzmq* ]] || fail "the producer does not link libzmq: $needed"
if [[ $needed == *libsqlite3* || $needed == *libspdlog* ]]; then
  fail "a producer built with zpipe-client.pc links more than it needs: $needed"
fi

# 3. A pipeline of the installed programs on free loopback ports.
read -ra ports <<<"$(python3 -c '
import socket
sockets = [socket.socket() for _ in range(6)]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in sockets))')"
submit=tcp://127.0.0.1:${ports[0]} jobs=tcp://127.0.0.1:${ports[1]}
outcomes=tcp://127.0.0.1:${ports[2]} acks=tcp://127.0.0.1:${ports[3]}
events_in=tcp://127.0.0.1:${ports[4]} events_out=tcp://127.0.0.1:${ports[5]}

# start NAME COMMAND...: runs it in the background, logging to WORK_DIR/NAME.log, and waits for
# its "ready" line.
start() {
  local name=$1 log=$work/$1.log
  shift
  "$@" >"$log" 2>&1 &
  pids+=($!)
  local pid=$!
  for _ in $(seq 200); do
    grep -q ": ready$" "$log" && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; fail "$name exited before it was ready"; }
    sleep 0.05
  done
  cat "$log" >&2
  fail "$name was not ready within 10 s"
}

zpipe() {
  "$prefix/bin/zpipe" "$@"
}

# outcome ID: the job as `zpipe show --json` prints it, once the sink has recorded it.
outcome() {
  local shown
  for _ in $(seq 400); do
    shown=$(zpipe show "$1" --json --data-dir "$data" --ventilator "$submit" 2>/dev/null || true)
    if [[ $shown == *'"recorded_ms"'* ]]; then
      printf '%s\n' "$shown"
      return 0
    fi
    sleep 0.05
  done
  fail "job $1 has no recorded outcome after 20 s"
}

# expect JSON PATH=VALUE...: fails unless the value at each PATH (keys and list indexes,
# dot-separated) is VALUE, as compact JSON. One interpreter for all: each start costs.
expect() {
  python3 -c '
import json, sys
if not sys.argv[1]:
    sys.exit("FAIL: no job to check (see above)")
job = json.loads(sys.argv[1])
for check in sys.argv[2:]:
    path, wanted = check.split("=", 1)
    value = job
    for key in path.split("."):
        value = value[int(key)] if isinstance(value, list) else value.get(key)
    got = json.dumps(value, separators=(",", ":"))
    if got != wanted:
        sys.exit(f"FAIL: {path} is {got}, expected {wanted}, in: {sys.argv[1]}")' "$@"
}

# The plugin directory is found from the programs' own place, not from the environment.
unset ZPIPE_PLUGIN_DIR
start ventilator "$prefix/bin/zpipe-ventilator" --submit "$submit" --jobs "$jobs" \
  --outcomes-to "$outcomes" --acks "$acks" --events-in "$events_in" --events-out "$events_out" \
  --data-dir "$data"
start sink "$prefix/bin/zpipe-sink" --outcomes "$outcomes" --acks-to "$acks" \
  --events-to "$events_in" --data-dir "$data"
worker_endpoints=(--jobs-from "$jobs" --outcomes-to "$outcomes" --events-to "$events_in")

# The installed worker's thumbnail handler: PREFIX/lib/zpipe/zpipe-thumbnail.so and libvips.
start installed_worker "$prefix/bin/zpipe-worker" "${worker_endpoints[@]}" --types thumbnail
# A red image of 4x2 pixels (binary PPM), which a box of 64 leaves at its size.
printf 'P6\n4 2\n255\n%b' "$(printf '\\377\\000\\000%.0s' 1 2 3 4 5 6 7 8)" >"$work/red.ppm"
id=$(zpipe submit thumbnail --arg in="$work/red.ppm" --arg out="$work/red.png" --arg size=64 \
  --max-attempts 1 --ventilator "$submit")
expect "$(outcome "$id")" status='"succeeded"' result.width=4
[ -s "$work/red.png" ] || fail "the thumbnail job succeeded but wrote no $work/red.png"

# The out-of-tree worker: its own types, the guide's contact_email, and the built-in echo for
# the pkg-config producer.
mkdir -p "$work/spool"
start custom_worker "$custom_worker" "${worker_endpoints[@]}" --mail-spool "$work/spool"
counted=$(zpipe submit word_count --arg text="the cat and the hat" --ventilator "$submit")
mailed=$(zpipe submit contact_email --arg contact=7 --arg from=ada@example.org \
  --arg message="Where is my order?" --ventilator "$submit")
refused=$(zpipe submit word_count --payload 42 --max-attempts 1 --ventilator "$submit")
echoed=$("$work/small_producer" "$submit" "built with pkg-config")
echoed_again=$("$work/small_producer_zpipe_pc" "$submit" "built with zpipe.pc")

expect "$(outcome "$counted")" status='"succeeded"' result.words=5 result.distinct=4 \
  result.top.0='["the",2]'
expect "$(outcome "$mailed")" status='"succeeded"' result.spooled="\"$work/spool/contact-7.eml\""
grep -q "Where is my order?" "$work/spool/contact-7.eml" || fail "the mail holds no message"
expect "$(outcome "$refused")" status='"failed"' \
  error='"word_count needs a payload {\"text\": \"...\"}"'
expect "$(outcome "$echoed")" result='"built with pkg-config"'
expect "$(outcome "$echoed_again")" result='"built with zpipe.pc"'

echo "installed zpipe: out-of-tree worker, pkg-config producer and installed programs passed"
