#!/usr/bin/env bash
# tests/ops/deb.sh - the Debian package (issue 14 item 1), as root on a Debian machine: `make deb`,
# `dpkg -i`; the system user, the configuration readable by root and the service only, the state
# directory with the database and keys made by `gridgov init` as the service's user; the binary
# started as that user with the packaged configuration answers /healthz; `systemd-analyze verify`
# accepts the unit and its hardening is there; `dpkg -r` keeps the data, a reinstall finds it
# and does not init again, `dpkg --purge` deletes it. This machine runs no systemd, so the
# service itself is not started by systemd. Refuses to run when a gridgov package is installed
# already (it would remove it). Prints "N passed, N failed".
# Usage: tests/ops/deb.sh   (as root)
set -uo pipefail
cd "$(dirname "$0")/../.."
DIR=$(mktemp -d /tmp/gridgov-ops-deb.XXXXXX)
chmod 755 "$DIR"
. tests/ops/lib.sh
INSTALLED=0
cleanup_deb() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    [ "$INSTALLED" = 1 ] && dpkg --purge gridgov >/dev/null 2>&1
    rm -rf "$DIR"
}
trap cleanup_deb EXIT
if [ "$(id -u)" -ne 0 ]; then
    bad "the package test needs root (dpkg -i)"
    finish
    exit 1
fi
if dpkg-query -W -f='${Status}' gridgov 2>/dev/null | grep -q installed; then
    bad "a gridgov package is installed on this machine already: not touching it"
    finish
    exit 1
fi

touch build/.npm-ci
make -s deb >"$DIR/make.log" 2>&1
DEB=$(sed -n 's/^\(build\/gridgov_.*\.deb\): gridgov .*/\1/p' "$DIR/make.log" | tail -1)
[ -n "$DEB" ] || DEB=$(ls -t build/gridgov_*_"$(dpkg --print-architecture)".deb 2>/dev/null | head -1)
if [ -n "$DEB" ] && [ -f "$DEB" ] && dpkg-deb -f "$DEB" Package | grep -qx gridgov; then
    ok "make deb builds $(basename "$DEB")"
else
    bad "make deb" "$DIR/make.log"
    finish
    exit 1
fi
dpkg-deb -c "$DEB" >"$DIR/contents.txt"
for f in ./usr/bin/gridgov ./etc/gridgov/gridgov.conf ./lib/systemd/system/gridgov.service; do
    grep -q " $f$" "$DIR/contents.txt" || echo "missing $f" >>"$DIR/missing.txt"
done
[ ! -s "$DIR/missing.txt" ] && dpkg-deb -f "$DEB" Depends | grep -q libmicrohttpd &&
    ok "the package holds the binary, the configuration and the unit, and depends on its libraries" ||
    bad "package contents" "$DIR/missing.txt"

check "dpkg -i installs it" "$DIR/install.log" dpkg -i "$DEB"
INSTALLED=1
uid=$(id -u gridgov 2>/dev/null)
shell=$(getent passwd gridgov | cut -d: -f7)
[ -n "$uid" ] && [ "$uid" -lt 1000 ] && [ "$shell" = /usr/sbin/nologin ] &&
    ok "system user gridgov (uid $uid, no login)" || bad "system user gridgov ($uid, $shell)"
[ "$(stat -c '%U:%G %a' /etc/gridgov/gridgov.conf)" = "root:gridgov 640" ] &&
    runuser -u gridgov -- test -r /etc/gridgov/gridgov.conf && ! runuser -u nobody -- test -r /etc/gridgov/gridgov.conf &&
    ok "the configuration is root:gridgov 0640: the service reads it, others cannot" ||
    bad "configuration permissions: $(stat -c '%U:%G %a' /etc/gridgov/gridgov.conf)"
[ "$(stat -c '%U:%G %a' /var/lib/gridgov)" = "gridgov:gridgov 750" ] &&
    [ "$(stat -c '%U %a' /var/lib/gridgov/secret.key)" = "gridgov 600" ] &&
    [ "$(stat -c '%U %a' /var/lib/gridgov/pii.key)" = "gridgov 600" ] &&
    [ "$(stat -c '%U' /var/lib/gridgov/gridgov.db)" = gridgov ] &&
    ok "gridgov init made the database and the keys (0600) in /var/lib/gridgov (0750), as gridgov" ||
    bad "state directory: $(ls -la /var/lib/gridgov 2>&1 | tr '\n' ' ')"

# the binary as the package's user with the packaged configuration; only the port is ours, so
# that it does not collide with anything on 8080 (setpriv execs it: SIGTERM reaches gridgov)
if start_gridgov "$DIR/serve.log" setpriv --reuid=gridgov --regid=gridgov --init-groups \
    /usr/bin/gridgov serve \
    --config /etc/gridgov/gridgov.conf; then
    curl -fsS "$BASE/healthz" >"$DIR/healthz.json" 2>&1
    grep -q '"status":"ok","backend":"sqlite"' "$DIR/healthz.json" &&
        ok "the packaged server answers /healthz as gridgov: $(cat "$DIR/healthz.json")" ||
        bad "/healthz" "$DIR/healthz.json"
    curl -fsS "$BASE/metrics" | grep -q '^gridgov_uptime_seconds' &&
        ok "it answers /metrics" || bad "/metrics"
    stop_gridgov && ok "it stops on SIGTERM with status 0" || bad "stop" "$DIR/serve.log"
else bad "the packaged server starts as gridgov" "$DIR/serve.log"; fi
runuser -u gridgov -- /usr/bin/gridgov audit verify --config /etc/gridgov/gridgov.conf >"$DIR/audit.log" 2>&1 &&
    ok "gridgov audit verify as gridgov with the packaged configuration" || bad "audit verify" "$DIR/audit.log"

systemd-analyze verify /lib/systemd/system/gridgov.service >"$DIR/verify.log" 2>&1
if [ $? -eq 0 ] && ! grep -q gridgov.service "$DIR/verify.log"; then
    ok "systemd-analyze verify accepts the unit"
else bad "systemd-analyze verify" "$DIR/verify.log"; fi
: >"$DIR/hardening.txt"
for k in User=gridgov ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes Restart=on-failure \
    StateDirectory=gridgov StandardError=journal ProtectHome=yes CapabilityBoundingSet=; do
    grep -qx "$k" /lib/systemd/system/gridgov.service || echo "no $k" >>"$DIR/hardening.txt"
done
[ ! -s "$DIR/hardening.txt" ] && ok "the unit runs as gridgov with the usual hardening, logging to the journal" ||
    bad "unit hardening" "$DIR/hardening.txt"

# remove keeps the data and the configuration; a reinstall finds them and does not init again
touch /var/lib/gridgov/marker
check "dpkg -r removes it" "$DIR/remove.log" dpkg -r gridgov
[ ! -e /usr/bin/gridgov ] && [ -f /var/lib/gridgov/gridgov.db ] && [ -f /var/lib/gridgov/secret.key ] &&
    [ -f /etc/gridgov/gridgov.conf ] && ok "remove keeps /var/lib/gridgov and /etc/gridgov" ||
    bad "after dpkg -r: $(ls /var/lib/gridgov /etc/gridgov 2>&1 | tr '\n' ' ')"
key=$(sha256sum /var/lib/gridgov/secret.key | cut -c1-64)
check "dpkg -i again" "$DIR/install.log" dpkg -i "$DEB"
[ -f /var/lib/gridgov/marker ] && [ "$(sha256sum /var/lib/gridgov/secret.key | cut -c1-64)" = "$key" ] &&
    ok "a reinstall keeps the data and the keys" || bad "reinstall" "$DIR/install.log"

check "dpkg --purge purges it" "$DIR/purge.log" dpkg --purge gridgov
INSTALLED=0
[ ! -e /var/lib/gridgov ] && [ ! -e /etc/gridgov ] && [ ! -e /lib/systemd/system/gridgov.service ] &&
    ! dpkg-statoverride --list /etc/gridgov/gridgov.conf >/dev/null &&
    ok "purge deletes /var/lib/gridgov, /etc/gridgov and the permission override" ||
    bad "after purge: $(ls -d /var/lib/gridgov /etc/gridgov 2>&1 | tr '\n' ' ')"
finish
