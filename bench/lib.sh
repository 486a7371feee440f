# bench/lib.sh - what the benchmark scripts share, sourced after their option parsing: stopping
# everything they started (PIDS, plus WRK_PID and SERVER when set) and removing TMP on exit,
# die(), and the machine's load before a run (LOAD, and BUSY when figures will be unreliable).
# shellcheck shell=bash

PIDS=()
WRK_PID=
SERVER=

# TERM each process, KILL what still runs after 10 s, then remove the temp dir.
bench_cleanup() {
    local pid i
    [ -z "$WRK_PID" ] || PIDS+=("$WRK_PID")
    [ -z "$SERVER" ] || PIDS+=("$SERVER")
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for i in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            [ "$i" -eq 100 ] && kill -KILL "$pid" 2>/dev/null
            sleep 0.1
        done
        wait "$pid" 2>/dev/null || true
    done
    [ -z "${TMP:-}" ] || rm -rf "$TMP"
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
    echo "$(basename "$0"): $*" >&2
    exit 1
}

# Load before we start anything: other work on the machine skews every figure.
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
# shellcheck disable=SC2034 # read by the scripts that source this file
BUSY=$(awk -v l="${LOAD%% *}" -v n="$(nproc)" \
    'BEGIN { if (l > n / 2) print " (busy: figures unreliable)" }')
