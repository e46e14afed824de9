#!/bin/sh
# Run by deb_test.sh as root inside an overlay of the machine's root, where the packages are in
# /tmp/zpipe-debs: installs them, checks what the postinst made, runs the programs as the zpipe
# user, then removes and purges zpipe and checks what each leaves.
#
# usage: install_checks.sh VERSION
set -eu
version=$1

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

dpkg -i /tmp/zpipe-debs/zpipe_"$version"_amd64.deb /tmp/zpipe-debs/zpipe-dev_"$version"_amd64.deb

user=$(getent passwd zpipe) || fail "the postinst made no zpipe user"
[ "$(echo "$user" | cut -d: -f6)" = /var/lib/zpipe ] || fail "zpipe's home: $user"
[ "$(echo "$user" | cut -d: -f3)" -lt 1000 ] || fail "zpipe is not a system user: $user"
getent group zpipe >/dev/null || fail "the postinst made no zpipe group"
[ "$(stat -c '%U:%G %a' /var/lib/zpipe)" = "zpipe:zpipe 750" ] ||
  fail "/var/lib/zpipe is $(stat -c '%U:%G %a' /var/lib/zpipe), expected zpipe:zpipe 750"
[ -d /etc/zpipe ] || fail "no /etc/zpipe"

# The programs run as the service user, their libraries found (the package's Depends).
for program in zpipe zpipe-ventilator zpipe-sink zpipe-worker zpipe-monitor zpipe-web; do
  runuser -u zpipe -- "/usr/bin/$program" --version >/dev/null ||
    fail "/usr/bin/$program --version fails as the zpipe user"
done
# Each unit's program reads the configuration its ExecStart names, as the zpipe user: a key the
# program does not know, or a file it cannot read, would stop the service at its start.
for unit in /lib/systemd/system/zpipe-*.service; do
  exec_start=$(sed -n 's/^ExecStart=//p' "$unit" | sed 's/%[a-zA-Z]/x/g')
  [ -n "$exec_start" ] || fail "$unit has no ExecStart"
  case $exec_start in *"--config /etc/zpipe/"*) ;; *) fail "$unit names no /etc/zpipe config" ;; esac
  # shellcheck disable=SC2086 # the unit's command line, split as systemd splits it here
  runuser -u zpipe -- $exec_start --print-config >/dev/null ||
    fail "$(basename "$unit"): '$exec_start --print-config' fails as the zpipe user"
done
# zpipe-dev's pkg-config files, from /usr.
[ "$(pkg-config --modversion zpipe)" = "$version" ] || fail "pkg-config finds no zpipe $version"
[ -f "$(pkg-config --variable=includedir zpipe)/worker/worker.hpp" ] ||
  fail "zpipe.pc's includedir has no worker/worker.hpp"

touch /var/lib/zpipe/outcomes.db  # data of the pipeline's, which only a purge removes
configs=$(find /etc/zpipe -name '*.conf')  # the package's conffiles
dpkg -r zpipe-dev zpipe
for config in $configs; do
  [ -f "$config" ] || fail "dpkg -r removed $config, a conffile"
done
[ ! -e /usr/bin/zpipe-worker ] || fail "dpkg -r left /usr/bin/zpipe-worker"
[ ! -e /lib/systemd/system/zpipe-worker@.service ] || fail "dpkg -r left the units"
[ -f /var/lib/zpipe/outcomes.db ] || fail "dpkg -r removed the data in /var/lib/zpipe"

dpkg --purge zpipe
[ ! -e /var/lib/zpipe ] || fail "dpkg --purge left /var/lib/zpipe"
[ ! -e /etc/zpipe ] || fail "dpkg --purge left /etc/zpipe: $(ls -A /etc/zpipe)"
getent passwd zpipe >/dev/null || fail "dpkg --purge removed the zpipe user (Debian keeps them)"
echo "install_checks: installed, ran as zpipe, removed and purged"
