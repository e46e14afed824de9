#!/usr/bin/env bash
# The Debian packages of this build (cmake/packaging.cmake), as an administrator gets them:
#  1. `cpack -G DEB` makes zpipe_VERSION_amd64.deb and zpipe-dev_VERSION_amd64.deb.
#  2. Their control fields (Depends from the libraries the programs link), maintainer scripts,
#     conffiles and contents, read with dpkg-deb.
#  3. `systemd-analyze verify` on every unit, in the package's files unpacked into a root of
#     their own beside this host's systemd units: it checks each setting and that each ExecStart
#     program is there.
#  4. Where this machine allows a private mount namespace and overlayfs (as root), a real
#     `dpkg -i` into an overlay of this machine's own root, discarded afterwards: the postinst
#     makes the zpipe user and /var/lib/zpipe, the programs run as that user, then remove and
#     purge leave what they should. The units are not started: no systemd runs in that root
#     (nor, in a container, on this machine), and a clean Debian root cannot be made offline
#     (debootstrap downloads), so the overlay of this root, with its packages, stands in for
#     one. Where that cannot be, the test says so and passes on the checks above.
# cpack's preinstall step runs the build first, which finds nothing to do in a built tree.
#
# usage: deb_test.sh SOURCE_DIR BUILD_DIR WORK_DIR VERSION
set -euo pipefail

source_dir=$1 build_dir=$2 work=$3 version=$4

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

trap 'rm -rf "$work"' EXIT
rm -rf "$work"
mkdir -p "$work"

quietly() {
  local log=$work/step.log
  "$@" >"$log" 2>&1 || { cat "$log" >&2; fail "$*"; }
}

# 1. The packages.
quietly cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/out"
deb=$work/out/zpipe_${version}_amd64.deb
dev_deb=$work/out/zpipe-dev_${version}_amd64.deb
[ -f "$deb" ] || fail "cpack made no $(basename "$deb"): $(ls "$work/out")"
[ -f "$dev_deb" ] || fail "cpack made no $(basename "$dev_deb"): $(ls "$work/out")"

# 2. Control fields, scripts and contents.
expect_field() {  # expect_field DEB FIELD VALUE
  local got
  got=$(dpkg-deb -f "$1" "$2")
  [ "$got" = "$3" ] || fail "$(basename "$1"): $2 is '$got', expected '$3'"
}
expect_field "$deb" Package zpipe
expect_field "$deb" Version "$version"
expect_field "$deb" Architecture amd64
expect_field "$deb" Section net
expect_field "$dev_deb" Package zpipe-dev
expect_field "$dev_deb" Section libdevel
[[ $(dpkg-deb -f "$deb" Maintainer) == *@* ]] || fail "zpipe has no Maintainer with an address"
[[ $(dpkg-deb -f "$deb" Description) == "brokerless background-job pipeline on ZeroMQ"* ]] ||
  fail "zpipe's Description: $(dpkg-deb -f "$deb" Description)"

depends=$(dpkg-deb -f "$deb" Depends)
# Package names as Debian 12 has them, without their version (libspdlog1.10-fmt9).
for package in adduser libc6 libstdc++6 libzmq5 libsqlite3-0 libspdlog libvips42; do
  [[ ", $depends" == *", $package"* ]] || fail "zpipe does not depend on $package: $depends"
done
dev_depends=$(dpkg-deb -f "$dev_deb" Depends)
for package in libzmq3-dev cppzmq-dev libmsgpack-cxx-dev nlohmann-json3-dev libspdlog-dev \
    libcli11-dev libsqlite3-dev; do
  [[ $dev_depends == *"$package"* ]] || fail "zpipe-dev does not depend on $package: $dev_depends"
done

mkdir "$work/control"
dpkg-deb -e "$deb" "$work/control"
for script in postinst prerm postrm; do
  [ -x "$work/control/$script" ] || fail "zpipe has no executable $script"
  sh -n "$work/control/$script" || fail "zpipe's $script is not valid sh"
done
# The configuration each unit names is there, and every example one is a conffile (dpkg keeps
# an administrator's edits).
for program in ventilator sink worker web scale; do
  [ -f "$source_dir/packaging/etc/zpipe/$program.conf" ] ||
    fail "no packaging/etc/zpipe/$program.conf, which the zpipe-$program unit names"
done
for conf in "$source_dir"/packaging/etc/zpipe/*.conf; do
  [ -e "$conf" ] || continue
  grep -qx "/etc/zpipe/$(basename "$conf")" "$work/control/conffiles" ||
    fail "/etc/zpipe/$(basename "$conf") is not a conffile"
done

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for path in ./usr/bin/zpipe ./usr/bin/zpipe-ventilator ./usr/bin/zpipe-worker ./usr/bin/zpipe-sink \
    ./usr/bin/zpipe-monitor ./usr/bin/zpipe-web ./usr/lib/zpipe/zpipe-thumbnail.so \
    ./usr/lib/zpipe/zpipe-images.so ./lib/systemd/system/zpipe-ventilator.service \
    ./lib/systemd/system/zpipe-sink.service ./lib/systemd/system/zpipe-worker@.service \
    ./lib/systemd/system/zpipe-web.service ./lib/systemd/system/zpipe-scale.service \
    ./lib/systemd/system/zpipe.target ./etc/zpipe/; do
  grep -qxF "$path" <<<"$contents" || fail "zpipe has no $path"
done
for conf in "$source_dir"/packaging/etc/zpipe/*.conf; do
  [ -e "$conf" ] || continue
  grep -qxF "./etc/zpipe/$(basename "$conf")" <<<"$contents" || fail "zpipe has no $conf"
done
! grep -q '/include/\|\.a$\|/cmake/\|/pkgconfig/' <<<"$contents" ||
  fail "zpipe holds what is zpipe-dev's: $(grep '/include/\|\.a$' <<<"$contents" | head -3)"
dev_contents=$(dpkg-deb -c "$dev_deb" | awk '{print $6}')
for path in ./usr/include/zpipe/client/client.hpp ./usr/include/zpipe/worker/worker.hpp \
    ./usr/lib/libzpipe_client.a ./usr/lib/libzpipe_worker.a ./usr/lib/cmake/zpipe/zpipeConfig.cmake \
    ./usr/lib/pkgconfig/zpipe.pc ./usr/lib/pkgconfig/zpipe-client.pc; do
  grep -qxF "$path" <<<"$dev_contents" || fail "zpipe-dev has no $path"
done

# 3. The units, verified against the package's own files. The targets they name
# (multi-user.target, and those systemd adds such as sysinit.target) are this host's.
root=$work/root
dpkg-deb -x "$deb" "$root"
cp -an /usr/lib/systemd/system/. "$root/lib/systemd/system/"
for unit in zpipe-ventilator.service zpipe-sink.service zpipe-web.service zpipe-worker@1.service \
    zpipe-scale.service zpipe.target; do
  # verify warns (an unknown setting, say) without failing: any output fails the test.
  report=$(cd "$work" && systemd-analyze verify --root="$root" "$unit" 2>&1) ||
    fail "systemd-analyze verify $unit: $report"
  [ -z "$report" ] || fail "systemd-analyze verify $unit: $report"
done

# 4. A real installation, in an overlay of this machine's root.
if [ "$(id -u)" != 0 ]; then
  echo "deb_test: skipped installing the package: that needs root"
  echo "zpipe packages: contents, control fields and units checked"
  exit 0
fi
mkdir "$work/overlay"
if ! unshare --mount --propagation private true 2>"$work/unshare.log"; then
  echo "deb_test: skipped installing the package: no mount namespace here: $(cat "$work/unshare.log")"
  echo "zpipe packages: contents, control fields and units checked"
  exit 0
fi
# In its own mount namespace, gone with it: tmpfs for the overlay's changes, the overlay of /,
# /proc and /dev, then the checks inside it (install_checks.sh).
status=0
unshare --mount --propagation private bash -s "$work" "$source_dir" "$version" \
  >"$work/install.log" 2>&1 <<'NAMESPACE' || status=$?
set -euo pipefail
work=$1 source_dir=$2 version=$3
overlay=$work/overlay
mount -t tmpfs tmpfs "$overlay" || exit 77
mkdir "$overlay/upper" "$overlay/scratch" "$overlay/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$overlay/upper,workdir=$overlay/scratch" \
  "$overlay/root" || exit 77
mount -t proc proc "$overlay/root/proc"
mount --rbind /dev "$overlay/root/dev"
mkdir -p "$overlay/root/tmp/zpipe-debs"
cp "$work"/out/*.deb "$source_dir/tests/package/install_checks.sh" "$overlay/root/tmp/zpipe-debs/"
chroot "$overlay/root" sh /tmp/zpipe-debs/install_checks.sh "$version"
NAMESPACE
if [ "$status" = 77 ]; then
  echo "deb_test: skipped installing the package: no tmpfs or overlayfs can be mounted here"
  cat "$work/install.log"
elif [ "$status" != 0 ]; then
  cat "$work/install.log" >&2
  fail "installing, removing or purging the package in an overlay of / (log above)"
else
  echo "deb_test: installed, removed and purged the package in an overlay of this machine's root"
fi
echo "zpipe packages: contents, control fields and units checked"
