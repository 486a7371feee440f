#!/usr/bin/env bash
# scripts/deb.sh - build the Debian package of gridgov with dpkg-deb (no debhelper needed):
#   scripts/deb.sh BINARY VERSION OUT.deb
# `make deb` calls it with build/gridgov. The files come from deploy/debian/: the systemd unit,
# the documented configuration (a conffile), the maintainer scripts and the control template,
# whose Depends are computed by dpkg-shlibdeps from the binary's libraries.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 3 ] || { sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
BIN=$1
VERSION=$2
OUT=$3
ARCH=$(dpkg --print-architecture)
SRC=deploy/debian
ROOT=$(mktemp -d /tmp/gridgov-deb.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
P=$ROOT/pkg

install -D -m 0755 "$BIN" "$P/usr/bin/gridgov"
strip --strip-unneeded "$P/usr/bin/gridgov"
install -D -m 0644 "$SRC/gridgov.service" "$P/lib/systemd/system/gridgov.service"
install -D -m 0640 "$SRC/gridgov.conf" "$P/etc/gridgov/gridgov.conf"
install -D -m 0644 "$SRC/copyright" "$P/usr/share/doc/gridgov/copyright"
for f in operations.md cli.md security.md; do
    install -D -m 0644 "docs/$f" "$P/usr/share/doc/gridgov/$f"
done
install -D -m 0644 deploy/prometheus/gridgov.rules.yml \
    "$P/usr/share/doc/gridgov/examples/prometheus/gridgov.rules.yml"
mkdir -p "$P/DEBIAN"
for f in postinst prerm postrm; do install -m 0755 "$SRC/$f" "$P/DEBIAN/$f"; done
echo /etc/gridgov/gridgov.conf >"$P/DEBIAN/conffiles"

# Depends from the libraries the binary links (dpkg-shlibdeps wants a debian/control)
mkdir -p "$ROOT/src/debian"
printf 'Source: gridgov\n\nPackage: gridgov\nArchitecture: any\n' >"$ROOT/src/debian/control"
DEPENDS=$(cd "$ROOT/src" && dpkg-shlibdeps -O "$P/usr/bin/gridgov" 2>/dev/null |
    sed -n 's/^shlibs:Depends=//p')
[ -n "$DEPENDS" ] || { echo "deb.sh: dpkg-shlibdeps found no libraries" >&2; exit 1; }
SIZE=$(du -sk --exclude=DEBIAN "$P" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$SIZE/" \
    -e "s/@DEPENDS@/$DEPENDS/" "$SRC/control" >"$P/DEBIAN/control"
(cd "$P" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) \
    >"$P/DEBIAN/md5sums"
mkdir -p "$(dirname "$OUT")"
dpkg-deb --root-owner-group -Zxz --build "$P" "$OUT" >/dev/null
echo "$OUT: gridgov $VERSION ($ARCH), depends on $DEPENDS"
