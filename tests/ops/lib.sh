# tests/ops/lib.sh - shared by the tests/ops/*.sh scripts: ok/bad counting, a free loopback
# port, a server started and stopped by its own pid, a throwaway PostgreSQL. Each script
# sources it after setting BIN and DIR, and ends with `finish`.
PASSED=0
FAILED=0
SERVER_PID=""
PG_DIR=""
PY=python3
command -v /usr/bin/python3 >/dev/null && PY=/usr/bin/python3

ok() { PASSED=$((PASSED + 1)); echo "ok   $1"; }
bad() { FAILED=$((FAILED + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && [ -f "$2" ] && sed 's/^/     /' "$2" | tail -20; return 0; }
check() { # NAME LOG COMMAND...: ok when the command succeeds
    local name=$1 log=$2
    shift 2
    if "$@" >>"$log" 2>&1; then ok "$name"; else bad "$name" "$log"; fi
}
finish() { echo "$PASSED passed, $FAILED failed"; [ "$FAILED" -eq 0 ]; }

cleanup_ops() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    [ -n "$PG_DIR" ] && bash tests/pg.sh stop "$PG_DIR" >/dev/null 2>&1
    rm -rf "$DIR"
}

free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 20000))
        (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
}

# Start COMMAND... (a gridgov serve or demo, without --listen) on a free loopback port; sets
# SERVER_PID and BASE; LOG gets its output. Fails if /healthz does not answer within 30 s.
start_gridgov() { # LOG COMMAND...
    local log=$1 port
    shift
    port=$(free_port)
    BASE="http://127.0.0.1:$port"
    "$@" --listen "127.0.0.1:$port" >"$log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 300); do
        curl -fsS "$BASE/healthz" >/dev/null 2>&1 && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    return 1
}

stop_gridgov() { # exit status of the server (0 after SIGTERM when all is well)
    local rc=0
    [ -n "$SERVER_PID" ] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null || rc=$?
    SERVER_PID=""
    return $rc
}

# A throwaway PostgreSQL 15 (tests/pg.sh) under DIR: pg_start (not in a subshell), then
# $(pg_db NAME) prints the DSN of a new database NAME.
pg_start() {
    PG_DIR="$DIR/pg"
    PG_PORT=$(free_port)
    bash tests/pg.sh start "$PG_DIR" "$PG_PORT" >"$DIR/pg.log" 2>&1
}
pg_db() { # NAME
    bash tests/pg.sh createdb "$PG_DIR" "$PG_PORT" "$1" >/dev/null || return 1
    echo "postgres://postgres@127.0.0.1:$PG_PORT/$1"
}

# Log in; prints the token.
login() { # USER PASSWORD
    curl -fsS -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"$2\"}" "$BASE/api/v1/session" |
        $PY -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
