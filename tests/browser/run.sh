#!/usr/bin/env bash
# tests/browser/run.sh - the web page in a real browser: starts a fresh demo server on a free
# loopback port, runs tests/browser/run.mjs (playwright-core driving Debian's chromium headless),
# stops the server. Screenshots go to tests/out/screens/. Closing line: "N passed, N failed".
# Needs build/gridgov (make), node_modules (make build/.npm-ci) and /usr/bin/chromium
# (scripts/deps.sh browser).
set -uo pipefail
cd "$(dirname "$0")/../.."

OUT=tests/out
mkdir -p "$OUT/screens"
rm -f "$OUT/screens/"*.png
WORK=$(mktemp -d /tmp/gridgov-browser.XXXXXX)
LOG="$OUT/server-browser.log"
SERVER_PID=""

cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill -TERM "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
    echo "browser: $*" >&2
    echo "0 passed, 1 failed"
    exit 1
}

[ -x build/gridgov ] || fail "build/gridgov is missing; run make"
[ -d node_modules/playwright-core ] || fail "node_modules is missing; run make build/.npm-ci"
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is missing; run scripts/deps.sh browser"

free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 20000))
        (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
}

ADMIN_PW="admin-$RANDOM-$RANDOM"
PW="users-$RANDOM-$RANDOM"
# a port found free may be taken before the server binds it: then try another, three times
up=0
for _attempt in 1 2 3; do
    PORT=$(free_port)
    BASE="http://127.0.0.1:$PORT"
    rm -rf "${WORK:?}"/*
    # a local base map (tests/browser/tiles.py) under the maps of the report form and dashboard
    python3 tests/browser/tiles.py "$WORK/tiles"
    printf 'map_tiles = local\nmap_tile_dir = %s/tiles\n' "$WORK" >"$WORK/gridgov.conf"
    build/gridgov demo --config "$WORK/gridgov.conf" --db "sqlite:$WORK/t.db" --data-dir "$WORK" \
        --listen "127.0.0.1:$PORT" --admin-password "$ADMIN_PW" --users-password "$PW" >"$LOG" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 300); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        # our own server says so (another process may answer on a port taken meanwhile)
        if grep -q "serving on http://127.0.0.1:$PORT/" "$LOG"; then
            up=1
            break
        fi
        sleep 0.1
    done
    [ "$up" -eq 1 ] && break
    kill -TERM "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
done
if [ "$up" -ne 1 ]; then
    tail -30 "$LOG" >&2
    fail "the demo server did not start"
fi

BASE_URL="$BASE" ADMIN_PW="$ADMIN_PW" USERS_PW="$PW" SCREENS="$OUT/screens" \
    timeout 600 node tests/browser/run.mjs 2>&1 | tee "$WORK/result.txt"
rc=${PIPESTATUS[0]}
if ! grep -qE '^[0-9]+ passed, [0-9]+ failed$' "$WORK/result.txt"; then
    echo "browser: run.mjs ended (exit $rc) without its summary" >&2
    echo "0 passed, 1 failed"
    rc=1
fi
kill -TERM "$SERVER_PID" 2>/dev/null
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=""
exit "$rc"
