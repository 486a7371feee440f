#!/usr/bin/env bash
# Installs the Debian packages gridgov needs; idempotent and fast when all are present.
# Usage: scripts/deps.sh [build] [test] [bench] [browser]   (default: build)
set -euo pipefail

group_pkgs() {
    case "$1" in
    build) echo build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev \
        libpq-dev libsodium-dev libcurl4-openssl-dev libxlsxwriter-dev ;;
    test) echo libcmocka-dev postgresql clang libclang-rt-14-dev cppcheck clang-format curl \
        python3-jsonschema python3-stdnum \
        dpkg-dev systemd sqlite3 adduser ;; # tests/ops: make deb, systemd-analyze, fixtures
    bench) echo wrk curl time sqlite3 ;;
    browser) echo chromium fonts-wqy-microhei nodejs npm ;;
    *)
        echo "deps.sh: unknown group '$1' (build|test|bench|browser)" >&2
        exit 2
        ;;
    esac
}

[ $# -eq 0 ] && set -- build

# Collect the requested packages, without duplicates.
pkgs=()
for g in "$@"; do
    list=$(group_pkgs "$g") || exit 2
    for p in $list; do
        case " ${pkgs[*]-} " in *" $p "*) ;; *) pkgs+=("$p") ;; esac
    done
done

# A package counts only if its ${Status} is exactly "install ok installed".
# One dpkg-query for all (fast); unknown packages just don't appear in its output.
installed=" $({ dpkg-query -W -f='${Package}=${Status}\n' "${pkgs[@]}" 2>/dev/null || true; } |
    sed -n 's/=install ok installed$//p' | tr '\n' ' ') "
missing=()
for p in "${pkgs[@]}"; do
    case "$installed" in *" $p "*) continue ;; esac
    # A non-Debian nodejs (e.g. nodesource) bundles npm and conflicts with Debian's npm.
    [ "$p" = npm ] && command -v npm >/dev/null 2>&1 && continue
    missing+=("$p")
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "deps.sh: missing packages: ${missing[*]}" >&2
    echo "run as root:" >&2
    echo "  apt-get update && DEBIAN_FRONTEND=noninteractive" \
        "apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi

# one install at a time: a parallel make may call this for two groups at once
exec 9>/tmp/gridgov-deps.lock
flock 9
echo "deps.sh: installing ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
