#!/usr/bin/env bash
# Crash benchmark: SIGKILL the server during intake, restart it, check that every acknowledged
# case survived (id and case_no) and that `gridgov audit verify` passes.
# Usage: bench/crash.sh [--rounds 20] [--clients 8] [--sync normal|full]
# Binary: build/gridgov (override with GRIDGOV_BIN). Per-round table and summary go to bench/out/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ROUNDS=20
CLIENTS=8
SYNC=normal
GRIDGOV_BIN=${GRIDGOV_BIN:-build/gridgov}
ADMIN_PASS=bench-pass-1
PLACE=330604002007001
LIMIT=175 # seconds for the whole run, demo creation included

usage() {
    sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
    --rounds) ROUNDS=${2:?} && shift 2 ;;
    --clients) CLIENTS=${2:?} && shift 2 ;;
    --sync) SYNC=${2:?} && shift 2 ;;
    -h | --help) usage ;;
    *) usage ;;
    esac
done
case "$ROUNDS$CLIENTS" in *[!0-9]*) usage ;; esac
case "$SYNC" in normal | full) ;; *) usage ;; esac
if [ "$ROUNDS" -lt 1 ] || [ "$CLIENTS" -lt 1 ]; then usage; fi

for tool in curl sqlite3; do
    command -v "$tool" >/dev/null || {
        echo "crash.sh: $tool missing; run scripts/deps.sh bench" >&2
        exit 1
    }
done
[ -x "$GRIDGOV_BIN" ] || make -s "$GRIDGOV_BIN"

TMP=$(mktemp -d /tmp/gridgov-crash.XXXXXX)
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

cp "$GRIDGOV_BIN" "$TMP/gridgov"
GG="$TMP/gridgov"
DB="$TMP/crash.db"
CONF=()
if [ "$SYNC" = full ]; then
    printf 'sync = full\n' >"$TMP/gridgov.conf"
    CONF=(--config "$TMP/gridgov.conf")
fi

free_port() {
    local p i
    for i in $(seq 1 100); do
        p=$((20000 + RANDOM % 12000)) # below the ephemeral range (32768-)
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    die "no free port found"
}

# start_server: serve the crash database on a fresh port; sets SERVER and URL. A port taken
# between the check and the bind is retried with another.
start_server() {
    local port i try
    for try in 1 2 3 4 5; do
        port=$(free_port)
        URL="http://127.0.0.1:$port"
        "$GG" serve --db "sqlite:$DB" --data-dir "$TMP" --listen "127.0.0.1:$port" \
            --log-level warn "${CONF[@]}" >"$TMP/serve.log" 2>&1 &
        SERVER=$!
        for i in $(seq 1 300); do
            if curl -fsS -o /dev/null --max-time 1 "$URL/healthz" 2>/dev/null; then
                cat "$TMP/serve.log" >>"$TMP/gridgov.log"
                return 0
            fi
            kill -0 "$SERVER" 2>/dev/null || break
            sleep 0.1
        done
        wait "$SERVER" 2>/dev/null || true
        SERVER=
        cat "$TMP/serve.log" >>"$TMP/gridgov.log"
        grep -q 'cannot listen' "$TMP/serve.log" || break
        echo "crash.sh: port $port taken, trying another (attempt $try)" >&2
    done
    cat "$TMP/gridgov.log" >&2
    die "the server did not start"
}

# One curl config per client: up to PER_CLIENT submissions, @URL@ and @ROUND@ filled in per
# round.
PER_CLIENT=3000
make_template() {
    local n=$1 i body
    for i in $(seq 1 "$PER_CLIENT"); do
        body="{\"category\":\"ebike\",\"description\":\"崩溃测试第@ROUND@轮：客户端${n}第${i}次上报，春江花城${i}幢楼道里有人给电动车充电，请尽快处理。\",\"place\":\"$PLACE\",\"attributes\":{\"building\":\"${i}幢1单元\",\"stairwell_charging\":\"yes\"}}"
        printf 'url = "@URL@/api/v1/cases"\nrequest = "POST"\nheader = "Content-Type: application/json"\ndata = "%s"\nwrite-out = "\\n%%{http_code} %%{exitcode}\\n"\nnext\n' \
            "${body//\"/\\\"}"
    done >"$TMP/client.$n.tmpl"
}

# client_config URL ROUND N: client N's curl config for this round.
client_config() {
    sed -e "s#@URL@#$1#" -e "s#@ROUND@#$2#" "$TMP/client.$3.tmpl" >"$TMP/client.$3.cfg"
}

# client ACKS N: one curl process submits cases one after another over a keep-alive
# connection until the server is gone (--fail-early); a case goes to ACKS as "id case_no" only
# once its whole 201 answer has arrived (curl's exit code for that transfer is 0).
client() {
    local acks=$1 n=$2 code rc line
    curl -sS -N --fail-early --max-time 15 --config "$TMP/client.$n.cfg" 2>/dev/null |
        while IFS= read -r line && IFS=' ' read -r code rc; do
            if [ "$code" != 201 ] || [ "$rc" != 0 ]; then
                [ "$code" = 000 ] || echo "client $n: status $code (curl $rc): $line" >>"$TMP/client.err"
                continue
            fi
            if [[ $line =~ \"id\":([0-9]+),\"case_no\":\"([0-9-]+)\".*\}$ ]]; then
                echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}" >>"$acks"
            else
                echo "client $n: unreadable 201: $line" >>"$TMP/client.err"
            fi
        done
}

cases_in() { sqlite3 -cmd '.timeout 10000' "$DB" 'SELECT count(*) FROM cases'; }

mkdir -p bench/out
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="bench/out/$STAMP-crash-$SYNC"
START=$EPOCHSECONDS

echo "creating the demo database ..." >&2
"$GG" demo --db "sqlite:$DB" --data-dir "$TMP" --no-serve --admin-password "$ADMIN_PASS" \
    --log-level warn "${CONF[@]}" >"$TMP/demo.log" 2>&1 || {
    cat "$TMP/demo.log" >&2
    die "gridgov demo failed"
}
for c in $(seq 1 "$CLIENTS"); do make_template "$c"; done
start_server

TOTAL_ACK=0
TOTAL_LOST=0
AUDIT_FAIL=0
DONE=0
{
    echo "Crash benchmark $STAMP: sync=$SYNC, $CLIENTS curl clients, SIGKILL at 0.5-3 s, $ROUNDS rounds"
    echo "machine: nproc=$(nproc) kernel=$(uname -r) load=\"$LOAD\""
    echo
    printf '%5s %8s %12s %7s %6s %8s %s\n' round kill_s acknowledged found lost unacked audit
} | tee "$OUT-summary.txt"

for round in $(seq 1 "$ROUNDS"); do
    if [ $((EPOCHSECONDS - START)) -gt $((LIMIT - 8)) ]; then
        echo "time limit reached after $DONE rounds" | tee -a "$OUT-summary.txt"
        break
    fi
    acks="$TMP/acks.$round"
    : >"$acks"
    before=$(cases_in)
    cpids=()
    for c in $(seq 1 "$CLIENTS"); do client_config "$URL" "$round" "$c"; done
    for c in $(seq 1 "$CLIENTS"); do
        client "$acks" "$c" &
        cpids+=($!)
    done
    PIDS+=("${cpids[@]}")
    kill_after=$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", 0.5 + 2.5 * r / 32767 }')
    sleep "$kill_after"
    kill -KILL "$SERVER"
    wait "$SERVER" 2>/dev/null || true
    SERVER=
    for p in "${cpids[@]}"; do wait "$p" 2>/dev/null || true; done
    PIDS=()

    start_server # recovery happens here, as in production
    after=$(cases_in)
    nack=$(wc -l <"$acks")
    found=0
    if [ "$nack" -gt 0 ]; then
        {
            printf 'WITH a(id, no) AS (VALUES '
            awk 'NR > 1 { printf "," } { printf "(%d,'"'"'%s'"'"')", $1, $2 }' "$acks"
            printf ') SELECT count(*) FROM a JOIN cases c ON c.id = a.id AND c.case_no = a.no;\n'
        } >"$TMP/check.sql"
        found=$(sqlite3 -cmd '.timeout 10000' "$DB" <"$TMP/check.sql")
    fi
    lost=$((nack - found))
    unacked=$((after - before - found))
    if "$GG" audit verify --db "sqlite:$DB" --data-dir "$TMP" --log-level warn \
        "${CONF[@]}" >"$TMP/audit.out" 2>&1; then
        audit=ok
    else
        audit="FAILED: $(tr '\n' ' ' <"$TMP/audit.out")"
        AUDIT_FAIL=$((AUDIT_FAIL + 1))
    fi
    TOTAL_ACK=$((TOTAL_ACK + nack))
    TOTAL_LOST=$((TOTAL_LOST + lost))
    DONE=$round
    printf '%5s %8s %12s %7s %6s %8s %s\n' "$round" "$kill_after" "$nack" "$found" "$lost" \
        "$unacked" "$audit" | tee -a "$OUT-summary.txt"
done

{
    echo
    echo "rounds: $DONE  acknowledged: $TOTAL_ACK  cases in db: $(cases_in)  audit failures: $AUDIT_FAIL  time: $((EPOCHSECONDS - START)) s"
    [ ! -s "$TMP/client.err" ] || echo "non-201 answers: $(wc -l <"$TMP/client.err") (first: $(head -1 "$TMP/client.err"))"
    echo "unacked: rows committed whose 201 never reached the client (in flight at the kill)."
    echo "lost: $TOTAL_LOST"
} | tee -a "$OUT-summary.txt"
[ "$TOTAL_LOST" -eq 0 ] && [ "$AUDIT_FAIL" -eq 0 ] && [ "$DONE" -eq "$ROUNDS" ]
