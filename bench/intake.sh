#!/usr/bin/env bash
# Intake benchmark: durable cases/s through POST /api/v1/cases (wrk + bench/intake.lua) against
# raw SQLite inserts of the same rows with one commit per row (bench/raw_insert.c), and against
# gridgov built without counter upkeep (the counters' cost, in the same run).
# Usage: bench/intake.sh [--duration 10s] [--connections 64] [--threads 2] [--sync normal|full]
#                        [--server-threads "64 16"] [--rounds 1] [--no-compare]
# Binaries: build/gridgov (override with GRIDGOV_BIN), build/bench-raw-insert and
# build/bench-gridgov-nocounters (NOCOUNTERS_BIN; built here). Raw outputs and the summary go
# to bench/out/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DURATION=10s
CONNECTIONS=64
THREADS=2
SYNC=normal
SERVER_THREADS="64 16"
ROUNDS=1
COMPARE=1
GRIDGOV_BIN=${GRIDGOV_BIN:-build/gridgov}
RAW_BIN=build/bench-raw-insert
NOCOUNTERS_BIN=${NOCOUNTERS_BIN:-build/bench-gridgov-nocounters}
ADMIN_PASS=bench-pass-1
PLACE=330604002007001

usage() {
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
    --duration) DURATION=${2:?} && shift 2 ;;
    --connections) CONNECTIONS=${2:?} && shift 2 ;;
    --threads) THREADS=${2:?} && shift 2 ;;
    --sync) SYNC=${2:?} && shift 2 ;;
    --server-threads) SERVER_THREADS=${2:?} && shift 2 ;;
    --rounds) ROUNDS=${2:?} && shift 2 ;;
    --no-compare) COMPARE=0 && shift ;;
    -h | --help) usage ;;
    *) usage ;;
    esac
done

case "$DURATION" in
*[0-9]s | *[0-9]) secs=${DURATION%s} ;;
*[0-9]m) secs=$((${DURATION%m} * 60)) ;;
*) echo "intake.sh: bad --duration '$DURATION'" >&2 && exit 2 ;;
esac
case "$secs$CONNECTIONS$THREADS$ROUNDS${SERVER_THREADS// /}" in *[!0-9]*) usage ;; esac
[ "$ROUNDS" -ge 1 ] || usage
case "$SYNC" in normal | full) ;; *) usage ;; esac
[ -n "${SERVER_THREADS// /}" ] || usage
if [ "$THREADS" -lt 1 ] || [ "$CONNECTIONS" -lt "$THREADS" ] || [ "$secs" -lt 1 ]; then
    echo "intake.sh: need 1 <= threads <= connections and a duration of 1 s or more" >&2
    exit 2
fi

for tool in wrk curl sqlite3 cc; do
    command -v "$tool" >/dev/null || {
        echo "intake.sh: $tool missing; run scripts/deps.sh bench" >&2
        exit 1
    }
done

[ -x "$GRIDGOV_BIN" ] || make -s "$GRIDGOV_BIN"
make -s "$RAW_BIN"
[ "$COMPARE" -eq 0 ] || [ -n "${NOCOUNTERS_BIN##build/*}" ] || make -s "$NOCOUNTERS_BIN"

TMP=$(mktemp -d /tmp/gridgov-intake.XXXXXX)
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

# The binary under test, copied: another build of build/gridgov during the run changes nothing.
cp "$GRIDGOV_BIN" "$TMP/gridgov"
GG="$TMP/gridgov"
# The same server without counter upkeep (-DGRIDGOV_BENCH_NO_COUNTERS: counters_move writes
# nothing), for the counters' share of intake. Its index is wrong: a bench build only.
[ "$COMPARE" -eq 0 ] || cp "$NOCOUNTERS_BIN" "$TMP/gridgov-nocounters"

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

# wait_http URL PID LOG: until URL answers 2xx, bounded to 120 s (creating the demo hashes
# ten passwords, slow on a busy machine); fail if PID dies.
wait_http() {
    local i
    for i in $(seq 1 1200); do
        curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
        kill -0 "$2" 2>/dev/null || {
            cat "$3" >&2
            die "server for $1 exited"
        }
        sleep 0.1
    done
    cat "$3" >&2
    die "$1 not ready after 120 s"
}

# stop_pid PID: TERM, wait (bounded), forget it.
stop_pid() {
    local pid=$1 i keep=()
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        [ "$i" -eq 100 ] && kill -KILL "$pid" 2>/dev/null
        sleep 0.1
    done
    wait "$pid" 2>/dev/null || true
    for i in "${PIDS[@]}"; do [ "$i" = "$pid" ] || keep+=("$i"); done
    PIDS=("${keep[@]}")
}

cases_in() { sqlite3 -cmd '.timeout 10000' "$1" 'SELECT count(*) FROM cases'; }

# metric URL NAME: one counter from /metrics.
metric() {
    curl -sS --max-time 5 "$1/metrics" | awk -v n="$2" '$1 == n { print $2 }'
}

now() { date +%s.%N; }
# proc_cpu PID: user + system clock ticks of a process so far
proc_cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# conn_spread PID: how wrk's connections sit on the server's libmicrohttpd workers, from the
# epoll sets in /proc (each worker's set holds the listening socket and its connections):
# "busy_workers/workers max_per_worker".
conn_spread() {
    local fd
    for fd in "/proc/$1/fd"/*; do
        [ "$(readlink "$fd" 2>/dev/null)" = 'anon_inode:[eventpoll]' ] || continue
        grep -c '^tfd' "/proc/$1/fdinfo/${fd##*/}" 2>/dev/null || true
    done | awk '{ n++; c = $1 - 1; if (c > 0) busy++; if (c > max) max = c }
        END { printf "%d/%d %d\n", busy, n, max }'
}

mkdir -p bench/out
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="bench/out/$STAMP-intake-$SYNC"

# gridgov_run N VARIANT ROUND: a fresh demo with --threads N (VARIANT counters: build/gridgov,
# nocounters: the bench build without counter upkeep), 1 s warm-up, then the measured wrk run.
# Appends "N:VARIANT cases/s p50 p99 non2xx sockerr batch commit_share wrk_rps rows spread
# cpu_ms_per_case" to $TMP/results (the server's user + system CPU over the run, per 201).
gridgov_run() {
    local n=$1 variant=$2 round=$3 bin="$GG" dir="$TMP/gg-$1-$2-$3" port url pid conf=() \
        before after t0 t1 o
    [ "$variant" = counters ] || bin="$TMP/gridgov-nocounters"
    o="$OUT-gridgov-t$n-$variant-r$round"
    mkdir -p "$dir"
    if [ "$SYNC" = full ]; then
        printf 'sync = full\n' >"$dir/gridgov.conf"
        conf=(--config "$dir/gridgov.conf")
    fi
    port=$(free_port)
    url="http://127.0.0.1:$port"
    "$bin" demo --db "sqlite:$dir/intake.db" --data-dir "$dir" --listen "127.0.0.1:$port" \
        --threads "$n" --log-level warn --admin-password "$ADMIN_PASS" "${conf[@]}" \
        >"$dir/gridgov.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    wait_http "$url/healthz" "$pid" "$dir/gridgov.log"
    # The naive limit starts from the same fresh demo database.
    [ -f "$TMP/raw.db" ] || sqlite3 -cmd '.timeout 10000' "$dir/intake.db" ".backup '$TMP/raw.db'"

    echo "wrk gridgov --threads $n, $variant, round $round (sync=$SYNC): warm-up 1 s, then $DURATION" >&2
    INTAKE_PLACE=$PLACE timeout 30 wrk -t"$THREADS" -c"$CONNECTIONS" -d1s -s bench/intake.lua \
        "$url/api/v1/cases" >/dev/null 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || true
    sleep 1
    before=$(cases_in "$dir/intake.db")
    local c0 j0 s0
    c0=$(metric "$url" gridgov_store_commits_total)
    j0=$(metric "$url" gridgov_store_batched_writes_total)
    s0=$(metric "$url" gridgov_store_commit_seconds_total)
    t0=$(now)
    local cpu0 cpu1
    cpu0=$(proc_cpu "$pid")
    INTAKE_PLACE=$PLACE timeout $((secs + 60)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" \
        --timeout 10s --latency -s bench/intake.lua "$url/api/v1/cases" \
        >"$o.txt" 2>"$o.err" &
    WRK_PID=$!
    sleep $((secs / 2))
    local spread
    spread=$(conn_spread "$pid")
    wait "$WRK_PID"
    WRK_PID=
    t1=$(now)
    sleep 1 # requests wrk gave up on at the end still commit; they were sent in the window
    cpu1=$(proc_cpu "$pid")
    after=$(cases_in "$dir/intake.db")
    local c1 j1 s1
    c1=$(metric "$url" gridgov_store_commits_total)
    j1=$(metric "$url" gridgov_store_batched_writes_total)
    s1=$(metric "$url" gridgov_store_commit_seconds_total)
    stop_pid "$pid"
    awk -v n="$n:$variant" -v b="$before" -v a="$after" -v t0="$t0" -v t1="$t1" \
        -v c0="$c0" -v c1="$c1" -v j0="$j0" -v j1="$j1" -v s0="$s0" -v s1="$s1" \
        -v spread="${spread/ /:}" -v cpu0="$cpu0" -v cpu1="$cpu1" -v hz="$(getconf CLK_TCK)" '
        function ms(v) {
            if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
            if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
            if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
            return v + 0
        }
        /^Requests\/sec:/ { rps = $2 }
        /^lua: status/ { split($3, c, "="); created = c[2] }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        /Non-2xx or 3xx responses:/ { bad = $NF }
        /Socket errors:/ { gsub(/,/, ""); err = $4 + $6 + $8 + $10 }
        END {
            batch = (c1 > c0) ? (j1 - j0) / (c1 - c0) : 0
            share = (t1 > t0) ? (s1 - s0) / (t1 - t0) : 0
            cpu = created > 0 ? (cpu1 - cpu0) * 1000 / hz / created : 0
            printf "%s %.0f %.3f %.3f %d %d %.1f %.2f %.0f %d %s %.2f\n", n, (a - b) / (t1 - t0),
                p50, p99, bad, err, batch, share, rps, a - b, spread, cpu
        }' "$o.txt" >>"$TMP/results"
}

: >"$TMP/results"
# with and without counters in turn, so both see the same machine
for n in $SERVER_THREADS; do
    for r in $(seq 1 "$ROUNDS"); do
        gridgov_run "$n" counters "$r"
        [ "$COMPARE" -eq 0 ] || gridgov_run "$n" nocounters "$r"
    done
done

# The naive limit, alone on the machine, for the same time.
echo "raw SQLite, one commit per row (sync=$SYNC): $DURATION" >&2
before=$(cases_in "$TMP/raw.db")
t0=$(now)
timeout $((secs + 60)) "$RAW_BIN" --db "$TMP/raw.db" --seconds "$secs" --sync "$SYNC" \
    --place "$PLACE" >"$OUT-raw.txt" &
WRK_PID=$!
wait "$WRK_PID"
WRK_PID=
t1=$(now)
after=$(cases_in "$TMP/raw.db")
RAW_RATE=$(awk -v b="$before" -v a="$after" -v t0="$t0" -v t1="$t1" \
    'BEGIN { printf "%.0f", (a - b) / (t1 - t0) }')
read -r RAW_P50 RAW_P99 <<<"$(sed -n 's/.*p50_ms=\([0-9.]*\) p99_ms=\([0-9.]*\).*/\1 \2/p' \
    "$OUT-raw.txt")"

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
BAD=0
{
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
    rev=$(git rev-parse --short HEAD 2>/dev/null || echo none)
    git diff --quiet HEAD 2>/dev/null || rev="$rev (dirty)"
    echo "Intake benchmark $STAMP: sync=$SYNC, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, POST /api/v1/cases (public, category ebike)"
    echo "machine: nproc=$(nproc) cpu=\"$cpu\" kernel=$(uname -r) load before=\"$LOAD\" after=\"$LOAD_AFTER\"$BUSY"
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')  git: $rev"
    echo
    printf '%-36s %8s %8s %9s %9s %6s %7s %6s %7s %10s %7s\n' target cases/s wrk_rps p50_ms \
        p99_ms non2xx sockerr batch commit% conns/wkr cpu/201
    while read -r n rate p50 p99 bad err batch share rps _ spread cpu; do
        label="gridgov --threads ${n%%:*}"
        [ "${n#*:}" = counters ] || label="$label, no counters"
        printf '%-36s %8s %8s %9s %9s %6s %7s %6s %6.0f%% %10s %7s\n' "$label" "$rate" \
            "$rps" "$p50" "$p99" "$bad" "$err" "$batch" \
            "$(awk -v s="$share" 'BEGIN { print s * 100 }')" "$spread" "$cpu"
        [ "$bad" -eq 0 ] || BAD=1
    done <"$TMP/results"
    printf '%-36s %8s %8s %9s %9s %6s %7s %6s %7s %10s\n' "raw SQLite, 1 commit/row" "$RAW_RATE" \
        - "$RAW_P50" "$RAW_P99" - - 1.0 - -
    echo
    echo "cases/s: rows added to the cases table during the run / its wall time (durable: committed"
    echo "before the 201; sync=normal survives a process crash, sync=full also a power cut)."
    echo "wrk_rps: what wrk counted as answered (for comparison only)."
    echo "batch: writes per group commit; commit%: share of the run the writer spent in COMMIT."
    echo "raw p50/p99: time per transaction in bench-raw-insert (no HTTP)."
    echo "conns/wkr: busy/all libmicrohttpd workers:most connections on one worker, sampled mid-run"
    echo "(a worker blocks in the group commit, so its connections wait on each other)."
    echo "cpu/201: the server's user + system CPU ms over the run per case answered 201."
    echo "no counters: the bench build that keeps no counter (an index that is wrong), same run."
    while read -r n rate _ p99 bad _; do
        [ "${n#*:}" = counters ] || continue
        awk -v n="${n%%:*}" -v r="$rate" -v raw="$RAW_RATE" -v p99="$p99" -v bad="$bad" 'BEGIN {
            x = raw > 0 ? r / raw : 0
            printf "gridgov(--threads %s)/raw %.2fx   goal >= 1.0x with p99 < 50 ms: %s\n", n, x,
                (x >= 1.0 && p99 < 50 && bad == 0) ? "met" : "NOT met"
        }'
    done <"$TMP/results"
    # the counters' cost: mean cases/s over the rounds, with against without
    [ "$COMPARE" -eq 0 ] || awk '{
            split($1, k, ":"); v = k[1] " " k[2]; ts[k[1]] = 1
            sum[v] += $2; rps[v] += $9; cpu[v] += $12; cnt[v]++
        }
        END {
            for (t in ts) {
                w = t " counters"; wo = t " nocounters"
                o = sum[wo] > 0 ? (sum[wo] / cnt[wo] - sum[w] / cnt[w]) / (sum[wo] / cnt[wo]) * 100 : 0
                r = rps[wo] > 0 ? (rps[wo] - rps[w] * cnt[wo] / cnt[w]) / rps[wo] * 100 : 0
                c = cpu[wo] > 0 ? (cpu[w] / cnt[w] - cpu[wo] / cnt[wo]) / (cpu[wo] / cnt[wo]) * 100 : 0
                printf "counters (--threads %s, mean of %d rounds): %.0f cases/s with, %.0f without: %.1f%% slower; wrk_rps %.1f%% lower; CPU per case %.2f ms with, %.2f without: %+.1f%%   goal <= 10%% slower: %s\n",
                    t, cnt[w], sum[w] / cnt[w], sum[wo] / cnt[wo], o, r, cpu[w] / cnt[w],
                    cpu[wo] / cnt[wo], c, o <= 10 ? "met" : "NOT met"
            }
        }' "$TMP/results"
    [ "$BAD" -eq 0 ] || echo "WARNING: non-2xx answers (see $OUT-gridgov-t*.err)"
} | tee "$OUT-summary.txt"
while read -r _ _ _ _ bad _; do [ "$bad" -eq 0 ] || exit 1; done <"$TMP/results"
