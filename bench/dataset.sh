#!/usr/bin/env bash
# District-sized dataset: generate 3,000 grids and 1,000,000 cases over two years
# (bench/gen_dataset.c, straight into SQLite), then measure list-query latencies through the
# HTTP API as the district admin.
# Usage: bench/dataset.sh [--cases N] [--grids N] [--runs N] [--events full|submit]
#                         [--dir DIR] [--analyze]
# --dir keeps the dataset in DIR and reuses it when it was made with the same parameters
# (default: a temporary directory, removed at the end). --analyze runs ANALYZE before measuring
# (gridgov itself never does). The timeline hashes are placeholders: do not run
# `gridgov audit verify` on this database. Results go to bench/out/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

CASES=1000000
GRIDS=3000
RUNS=20
EVENTS=full
DIR=
ANALYZE=0
GRIDGOV_BIN=${GRIDGOV_BIN:-build/gridgov}
GEN_BIN=build/bench-gen-dataset
ADMIN_PASS=bench-pass-1
TOWN=330604002 # 曹娥街道
QUERY_BUDGET=60 # seconds at most per query (all its runs)

usage() {
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
    --cases) CASES=${2:?} && shift 2 ;;
    --grids) GRIDS=${2:?} && shift 2 ;;
    --runs) RUNS=${2:?} && shift 2 ;;
    --events) EVENTS=${2:?} && shift 2 ;;
    --dir) DIR=${2:?} && shift 2 ;;
    --analyze) ANALYZE=1 && shift ;;
    -h | --help) usage ;;
    *) usage ;;
    esac
done
case "$CASES$GRIDS$RUNS" in *[!0-9]*) usage ;; esac
case "$EVENTS" in full | submit) ;; *) usage ;; esac
if [ "$RUNS" -lt 1 ] || [ "$CASES" -lt 1 ] || [ "$GRIDS" -lt 1 ]; then usage; fi

for tool in curl sqlite3 cc; do
    command -v "$tool" >/dev/null || {
        echo "dataset.sh: $tool missing; run scripts/deps.sh bench" >&2
        exit 1
    }
done
[ -x "$GRIDGOV_BIN" ] || make -s "$GRIDGOV_BIN"
make -s "$GEN_BIN"

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
TMP=$(mktemp -d /tmp/gridgov-dataset.XXXXXX)
KEEP=1
if [ -z "$DIR" ]; then
    DIR="$TMP/data"
    KEEP=0
fi
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

cp "$GRIDGOV_BIN" "$TMP/gridgov"
GG="$TMP/gridgov"
DB="$DIR/dataset.db"
PARAMS="cases=$CASES grids=$GRIDS events=$EVENTS"

mkdir -p bench/out
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="bench/out/$STAMP-dataset"

GEN_SECONDS=
if [ "$(cat "$DIR/dataset.params" 2>/dev/null)" != "$PARAMS" ]; then
    rm -f "$DIR/dataset.params" "$DB" "$DB-wal" "$DB-shm"
    echo "creating the demo database ..." >&2
    "$GG" demo --db "sqlite:$DB" --data-dir "$DIR" --no-serve --admin-password "$ADMIN_PASS" \
        --log-level warn >"$TMP/demo.log" 2>&1 || {
        cat "$TMP/demo.log" >&2
        die "gridgov demo failed"
    }
    echo "generating $PARAMS ..." >&2
    t0=$EPOCHREALTIME
    timeout 900 "$GEN_BIN" --db "$DB" --cases "$CASES" --grids "$GRIDS" --events "$EVENTS" \
        >"$OUT-gen.txt"
    GEN_SECONDS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
    echo "$PARAMS" >"$DIR/dataset.params"
fi
# the generator writes cases, not counters: recompute them as an operator would after a bulk
# load (and time it: the goal is under 1 s per million cases)
echo "gridgov index rebuild ..." >&2
t0=$EPOCHREALTIME
"$GG" index rebuild --db "sqlite:$DB" --log-level warn >"$TMP/rebuild.txt" 2>&1 || {
    cat "$TMP/rebuild.txt" >&2
    die "gridgov index rebuild failed"
}
REBUILD_SECONDS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
read -r NCOUNTERS <<<"$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM counters_month) + (SELECT count(*) FROM counters_day)")"
if [ "$ANALYZE" -eq 1 ]; then
    echo "ANALYZE ..." >&2
    sqlite3 "$DB" 'ANALYZE'
else
    # as gridgov leaves it: no planner statistics (a kept dataset may hold some from --analyze)
    sqlite3 "$DB" 'DROP TABLE IF EXISTS sqlite_stat1; DROP TABLE IF EXISTS sqlite_stat4'
fi
DB_BYTES=$(stat -c %s "$DB")
SIZE_MB=$(awk -v b="$DB_BYTES" 'BEGIN { printf "%.0f", b / 1048576 }')
# What takes the room: pages per table and index (dbstat is compiled into the sqlite3 CLI).
sqlite3 "$DB" "SELECT name, printf('%.0f MB', sum(pgsize) / 1048576.0) FROM dbstat GROUP BY name \
    ORDER BY sum(pgsize) DESC LIMIT 8" >"$TMP/space.txt" 2>/dev/null || : >"$TMP/space.txt"
read -r NCASES NEVENTS NGRIDS <<<"$(sqlite3 -separator ' ' "$DB" "SELECT (SELECT count(*) FROM \
    cases), (SELECT count(*) FROM case_events), (SELECT count(*) FROM places WHERE level = 'grid')")"

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

PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
# No scheduler or webhook worker: the scheduler's first pass would escalate (督办) every
# generated overdue case, moving its deadline a working day on and writing a timeline row, in
# the middle of the measurements. The data stays as generated.
printf 'workers = off\n' >"$TMP/gridgov.conf"
"$GG" serve --db "sqlite:$DB" --data-dir "$DIR" --listen "127.0.0.1:$PORT" --log-level warn \
    --config "$TMP/gridgov.conf" >"$TMP/gridgov.log" 2>&1 &
PIDS+=($!)
for i in $(seq 1 600); do
    curl -fsS -o /dev/null --max-time 1 "$URL/healthz" 2>/dev/null && break
    kill -0 "${PIDS[0]}" 2>/dev/null || {
        cat "$TMP/gridgov.log" >&2
        die "the server exited"
    }
    [ "$i" -lt 600 ] || die "the server did not answer within 60 s"
    sleep 0.1
done

login=$(curl -sS --max-time 30 -X POST -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$ADMIN_PASS\"}" "$URL/api/v1/session")
TOKEN=$(sed -n 's/.*"token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' <<<"$login")
[ -n "$TOKEN" ] || die "login failed: $login"

# A cursor half-way down the default order (-created): the 'next' value a client holds after
# paging to there.
DEEP=$(sqlite3 "$DB" "SELECT created_at || '.' || id FROM cases ORDER BY created_at DESC, id DESC \
    LIMIT 1 OFFSET $((NCASES / 2))")
DEEP=${DEEP:-0.0}

# measure NAME PATH: one cold request, then RUNS timed ones (within QUERY_BUDGET seconds).
# Appends "NAME items first_ms p50_ms p95_ms runs status" to $TMP/results.
measure() {
    local name=$1 path=$2 code first times=() t start items
    code=$(curl -sS -o "$TMP/body" -w '%{http_code} %{time_total}' --max-time 120 \
        -H "Authorization: Bearer $TOKEN" "$URL$path") || code="000 0"
    first=${code#* }
    code=${code%% *}
    items=$(grep -o '"id":' "$TMP/body" | wc -l || true)
    case $path in /api/v1/queues* | /api/v1/stats*) items=- ;; esac
    start=$EPOCHSECONDS
    for _ in $(seq 1 "$RUNS"); do
        t=$(curl -sS -o /dev/null -w '%{time_total}' --max-time 120 \
            -H "Authorization: Bearer $TOKEN" "$URL$path") || t=120
        times+=("$t")
        [ $((EPOCHSECONDS - start)) -lt "$QUERY_BUDGET" ] || break
    done
    printf '%s\n' "${times[@]}" | sort -g | awk -v name="$name" -v items="$items" \
        -v first="$first" -v code="$code" '
        { v[NR] = $1 * 1000 }
        END {
            p50 = v[int((NR + 1) * 0.50)]; if (p50 == "") p50 = v[1]
            i95 = int(NR * 0.95 + 0.999); if (i95 < 1) i95 = 1
            printf "%s %s %.1f %.1f %.1f %d %s\n", name, items, first * 1000, p50, v[i95], NR, code
        }' >>"$TMP/results"
    echo "  $name: $(tail -1 "$TMP/results")" >&2
}

: >"$TMP/results"
echo "measuring ($RUNS runs each) ..." >&2
measure "cases(first_page)" "/api/v1/cases"
measure "status=dispatched" "/api/v1/cases?status=dispatched"
measure "place=town_$TOWN" "/api/v1/cases?place=$TOWN"
measure "category=ebike" "/api/v1/cases?category=ebike"
measure "q=dian_dong_che" "/api/v1/cases?q=%E7%94%B5%E5%8A%A8%E8%BD%A6"
measure "overdue=true" "/api/v1/cases?overdue=true"
measure "cursor_at_half" "/api/v1/cases?cursor=$DEEP"
measure "queues" "/api/v1/queues"
measure "stats" "/api/v1/stats"
measure "stats_town" "/api/v1/stats?place=$TOWN"
measure "stats_2026" "/api/v1/stats?from=2026-01&to=2026-12"

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
{
    rev=$(git rev-parse --short HEAD 2>/dev/null || echo none)
    git diff --quiet HEAD 2>/dev/null || rev="$rev (dirty)"
    echo "Dataset benchmark $STAMP: $NCASES cases, $NEVENTS timeline rows, $NGRIDS grids (events=$EVENTS)$([ "$ANALYZE" -eq 1 ] && echo ', after ANALYZE')"
    echo "machine: nproc=$(nproc) kernel=$(uname -r) load before=\"$LOAD\" after=\"$LOAD_AFTER\""
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')  git: $rev"
    echo "generation: ${GEN_SECONDS:+$GEN_SECONDS s}${GEN_SECONDS:-reused the dataset in $DIR}; database file: $SIZE_MB MB ($DB_BYTES bytes)"
    [ ! -s "$OUT-gen.txt" ] || sed 's/^/  /' "$OUT-gen.txt"
    echo "gridgov index rebuild: $REBUILD_SECONDS s (wall, including start-up) for $NCOUNTERS counter rows"
    [ ! -s "$TMP/space.txt" ] || { echo "largest tables and indexes:"; sed 's/^/  /; s/|/: /' "$TMP/space.txt"; }
    echo
    echo "GET as the district admin (scope 330604, every case), curl time_total over loopback:"
    printf '%-22s %6s %10s %9s %9s %5s %5s\n' query items first_ms p50_ms p95_ms runs http
    while read -r name items first p50 p95 n code; do
        printf '%-22s %6s %10s %9s %9s %5s %5s\n' "$name" "$items" "$first" "$p50" "$p95" "$n" "$code"
    done <"$TMP/results"
    echo "(items: cases on the page, 50 by default; queues and stats are aggregates;"
    echo " q=dian_dong_che is ?q=电动车, full text; the server runs with workers = off)"
    [ "$KEEP" -eq 0 ] || echo "dataset kept in $DIR (placeholder timeline hashes: no 'audit verify')"
} | tee "$OUT-summary.txt"
# every query answered 200
! awk '$7 != 200 { bad = 1 } END { exit !bad }' "$TMP/results"
