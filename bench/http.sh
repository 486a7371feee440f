#!/usr/bin/env bash
# HTTP benchmark: gridgov against a bare libmicrohttpd server (bench/bare.c) with wrk.
# Usage: bench/http.sh [--duration 10s] [--connections 64] [--threads 2] [--bare-only]
# Binaries: build/gridgov and build/bench-bare (override with GRIDGOV_BIN / BARE_BIN).
# Raw wrk outputs and the summary go to bench/out/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DURATION=10s
CONNECTIONS=64
THREADS=2
BARE_ONLY=0
GRIDGOV_BIN=${GRIDGOV_BIN:-build/gridgov}
BARE_BIN=${BARE_BIN:-build/bench-bare}
ADMIN_PASS=bench-pass-1
PLACE=330604002007

usage() {
    sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
    --duration) DURATION=${2:?} && shift 2 ;;
    --connections) CONNECTIONS=${2:?} && shift 2 ;;
    --threads) THREADS=${2:?} && shift 2 ;;
    --bare-only) BARE_ONLY=1 && shift ;;
    -h | --help) usage ;;
    *) usage ;;
    esac
done

# Duration in seconds (wrk accepts N, Ns, Nm, Nh), to bound each wrk run.
case "$DURATION" in
*[0-9]s | *[0-9]) secs=${DURATION%s} ;;
*[0-9]m) secs=$((${DURATION%m} * 60)) ;;
*[0-9]h) secs=$((${DURATION%h} * 3600)) ;;
*) echo "http.sh: bad --duration '$DURATION'" >&2 && exit 2 ;;
esac
case "$secs$CONNECTIONS$THREADS" in *[!0-9]*) usage ;; esac
if [ "$THREADS" -lt 1 ] || [ "$CONNECTIONS" -lt "$THREADS" ]; then
    echo "http.sh: need 1 <= threads <= connections" >&2
    exit 2
fi

command -v wrk >/dev/null || {
    echo "http.sh: wrk missing; run scripts/deps.sh bench" >&2
    exit 1
}
command -v curl >/dev/null || {
    echo "http.sh: curl missing; run scripts/deps.sh bench" >&2
    exit 1
}

# Build only what is missing.
need=()
[ -x "$BARE_BIN" ] || need+=("$BARE_BIN")
[ "$BARE_ONLY" -eq 1 ] || [ -x "$GRIDGOV_BIN" ] || need+=("$GRIDGOV_BIN")
[ ${#need[@]} -eq 0 ] || make -s "${need[@]}"

TMP=$(mktemp -d /tmp/gridgov-bench.XXXXXX)
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

# A loopback port nobody listens on (racy, good enough for a benchmark).
free_port() {
    local p i
    for i in $(seq 1 100); do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    die "no free port found"
}

# wait_http URL PID LOG: until URL answers 2xx, bounded to 30 s; fail if PID dies.
wait_http() {
    local i
    for i in $(seq 1 300); do
        curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
        kill -0 "$2" 2>/dev/null || {
            cat "$3" >&2
            die "server for $1 exited"
        }
        sleep 0.1
    done
    cat "$3" >&2
    die "$1 not ready after 30 s"
}

# Bare server on port 0: read the chosen port from its first line.
"$BARE_BIN" --listen 127.0.0.1:0 >"$TMP/bare.log" 2>&1 &
PIDS+=($!)
BARE_PORT=
for _ in $(seq 1 100); do
    BARE_PORT=$(sed -n 's/^listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/bare.log")
    [ -n "$BARE_PORT" ] && break
    sleep 0.1
done
[ -n "$BARE_PORT" ] || {
    cat "$TMP/bare.log" >&2
    die "bench-bare did not start"
}
BARE_URL="http://127.0.0.1:$BARE_PORT"
wait_http "$BARE_URL/" "${PIDS[0]}" "$TMP/bare.log"

# gridgov with a fresh demo database, then an admin token.
if [ "$BARE_ONLY" -eq 0 ]; then
    GG_PORT=$(free_port)
    GG_URL="http://127.0.0.1:$GG_PORT"
    "$GRIDGOV_BIN" demo --db "sqlite:$TMP/bench.db" --data-dir "$TMP" \
        --listen "127.0.0.1:$GG_PORT" --admin-password "$ADMIN_PASS" >"$TMP/gridgov.log" 2>&1 &
    PIDS+=($!)
    wait_http "$GG_URL/healthz" "${PIDS[1]}" "$TMP/gridgov.log"

    login=$(curl -sS --max-time 10 -X POST -H 'Content-Type: application/json' \
        -d "{\"username\":\"admin\",\"password\":\"$ADMIN_PASS\"}" "$GG_URL/api/v1/session")
    TOKEN=$(printf '%s' "$login" |
        sed -n 's/.*"token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
    [ -n "$TOKEN" ] || die "login failed: $login"
    code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 \
        -H "Authorization: Bearer $TOKEN" "$GG_URL/api/v1/places/$PLACE")
    [ "$code" = 200 ] || die "GET /api/v1/places/$PLACE answered $code"
fi

mkdir -p bench/out
STAMP=$(date -u +%Y%m%dT%H%M%SZ)

# run NAME URL [wrk args...]: 1 s warm-up, then the measured run saved to bench/out.
run() {
    local name=$1 url=$2
    shift 2
    # In the background, so Ctrl-C reaches our trap instead of just cutting wrk short.
    timeout 30 wrk -t"$THREADS" -c"$CONNECTIONS" -d1s "$@" "$url" >/dev/null &
    WRK_PID=$!
    wait "$WRK_PID"
    echo "wrk $name: $url" >&2
    timeout $((secs + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" \
        >"bench/out/$STAMP-$name.txt" &
    WRK_PID=$!
    wait "$WRK_PID"
    WRK_PID=
}

# fields FILE: "req/s p50_ms p99_ms non2xx" from a wrk --latency output.
fields() {
    awk '
        function ms(v) {
            if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
            if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
            if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
            return v + 0
        }
        /^Requests\/sec:/ { rps = $2 }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        /Non-2xx or 3xx responses:/ { bad = $NF }
        /Socket errors:/ { err = 1 }
        END { printf "%.0f %.3f %.3f %d%s\n", rps, p50, p99, bad, err ? "+sockerr" : "" }
    ' "$1"
}

run bare "$BARE_URL/"
if [ "$BARE_ONLY" -eq 0 ]; then
    run healthz "$GG_URL/healthz"
    run places "$GG_URL/api/v1/places/$PLACE" -H "Authorization: Bearer $TOKEN"
fi

# Table, ratios and machine facts; also saved as the run's summary.
{
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
    rev=$(git rev-parse --short HEAD 2>/dev/null || echo none)
    git diff --quiet HEAD 2>/dev/null || rev="$rev (dirty)"
    echo "HTTP benchmark $STAMP: wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
    echo "machine: nproc=$(nproc) cpu=\"$cpu\" kernel=$(uname -r) load=\"$LOAD\"$BUSY"
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')  git: $rev"
    echo
    printf '%-28s %12s %10s %10s %8s\n' target req/s p50_ms p99_ms non2xx
    targets="bare"
    [ "$BARE_ONLY" -eq 1 ] || targets="bare healthz places"
    for t in $targets; do
        read -r rps p50 p99 bad <<<"$(fields "bench/out/$STAMP-$t.txt")"
        printf -v "rps_$t" '%s' "$rps"
        case $t in
        bare) label="bare /" ;;
        healthz) label="gridgov /healthz" ;;
        places) label="gridgov /api/v1/places/:code" ;;
        esac
        printf '%-28s %12s %10s %10s %8s\n' "$label" "$rps" "$p50" "$p99" "$bad"
    done
    if [ "$BARE_ONLY" -eq 0 ]; then
        echo
        # shellcheck disable=SC2154 # rps_* are set by printf -v above
        awk -v b="$rps_bare" -v h="$rps_healthz" -v p="$rps_places" 'BEGIN {
            if (b > 0) printf "places/bare  %.3f\nhealthz/bare %.3f\n", p / b, h / b
        }'
    fi
} | tee "bench/out/$STAMP-summary.txt"
