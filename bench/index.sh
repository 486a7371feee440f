#!/usr/bin/env bash
# The index at district scale: the counters' rebuild, the dashboard and the index read from
# counters, and the server's memory, on a generated dataset (bench/gen_dataset.c: cases over
# --grids grids with registries in proportion).
# Usage: bench/index.sh [--cases N] [--grids N] [--runs N] [--dir DIR] [--period YYYY-MM]
#                       [--reads-only] [--pg PGDIR [--pg-port PORT]]
# --dir keeps the dataset in DIR and reuses it (dataset.sh's format: the two scripts share one).
# --pg measures PostgreSQL instead: the dataset copied once into a cluster in PGDIR
# (bench/pg-load.sh, database gridgov_bench on PORT, default 25433), rebuilt and served there
# (the rebuild's CPU is then gridgov's alone, not the database server's).
# Prints, each with the load average when it was taken: the rebuild into empty counters, the
# rebuild with nothing to change, --check (wall and CPU seconds, peak RSS; not with
# --reads-only, on a kept dataset); GET /api/v1/stats, the ranking of each level, a page of it
# and the breakdown of a grid, a community and a town (first request, then p50/p95 of --runs;
# a server keeps a level's scores until a write, so the grid ranking and a grid's breakdown are
# also timed each after a new case: 2 x --runs cases added to a kept dataset); and the server's
# peak RSS (VmHWM) after all of them.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

CASES=1000000
GRIDS=3000
RUNS=20
DIR=
PERIOD=
READS_ONLY=0
PGDIR=
PGPORT=25433
GRIDGOV_BIN=${GRIDGOV_BIN:-build/gridgov}
GEN_BIN=build/bench-gen-dataset
ADMIN_PASS=bench-pass-1

usage() {
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
    --cases) CASES=${2:?} && shift 2 ;;
    --grids) GRIDS=${2:?} && shift 2 ;;
    --runs) RUNS=${2:?} && shift 2 ;;
    --dir) DIR=${2:?} && shift 2 ;;
    --period) PERIOD=${2:?} && shift 2 ;;
    --reads-only) READS_ONLY=1 && shift ;;
    --pg) PGDIR=${2:?} && shift 2 ;;
    --pg-port) PGPORT=${2:?} && shift 2 ;;
    *) usage ;;
    esac
done
case "$CASES$GRIDS$RUNS$PGPORT" in *[!0-9]*) usage ;; esac
[ -z "$PERIOD" ] || [[ $PERIOD =~ ^[0-9]{4}-[0-9]{2}$ ]] || usage
for tool in curl sqlite3 cc; do
    command -v "$tool" >/dev/null || {
        echo "index.sh: $tool missing; run scripts/deps.sh bench" >&2
        exit 1
    }
done
[ -x "$GRIDGOV_BIN" ] || make -s "$GRIDGOV_BIN"
make -s "$GEN_BIN"

TMP=$(mktemp -d /tmp/gridgov-index.XXXXXX)
KEEP=1
if [ -z "$DIR" ]; then
    DIR="$TMP/data"
    KEEP=0
fi
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

GG="$TMP/gridgov"
cp "$GRIDGOV_BIN" "$GG"
DB="$DIR/dataset.db"
PARAMS="cases=$CASES grids=$GRIDS events=full"
mkdir -p bench/out
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="bench/out/$STAMP-index"
load() { cut -d' ' -f1 /proc/loadavg; }
: >"$TMP/results"

if [ "$(cat "$DIR/dataset.params" 2>/dev/null)" != "$PARAMS" ]; then
    rm -f "$DIR/dataset.params" "$DB" "$DB-wal" "$DB-shm"
    echo "creating the demo database ..." >&2
    "$GG" demo --db "sqlite:$DB" --data-dir "$DIR" --no-serve --admin-password "$ADMIN_PASS" \
        --log-level warn >"$TMP/demo.log" 2>&1 || {
        cat "$TMP/demo.log" >&2
        die "gridgov demo failed"
    }
    echo "generating $PARAMS ..." >&2
    l0=$(load)
    t0=$EPOCHREALTIME
    timeout 3600 "$GEN_BIN" --db "$DB" --cases "$CASES" --grids "$GRIDS" --events full \
        >"$OUT-gen.txt"
    echo "generation $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s wall, load $l0" >>"$TMP/results"
    echo "$PARAMS" >"$DIR/dataset.params"
fi

# the database measured: the SQLite dataset itself, or its copy in PostgreSQL
DBURL="sqlite:$DB"
q() { sqlite3 -separator ' ' "$DB" "$1"; }
if [ -n "$PGDIR" ]; then
    PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
    DBURL="postgres://postgres@127.0.0.1:$PGPORT/gridgov_bench"
    q() { "$PGBIN/psql" -X -q -At -F ' ' -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres \
        gridgov_bench -c "$1"; }
    if [ "$(cat "$PGDIR.params" 2>/dev/null)" != "$PARAMS" ] || ! q 'SELECT 1' >/dev/null 2>&1; then
        echo "copying the dataset into PostgreSQL ..." >&2
        rm -f "$PGDIR.params"
        GRIDGOV_BIN="$GG" bash bench/pg-load.sh --dir "$DIR" --pg-dir "$PGDIR" --port "$PGPORT" \
            --db gridgov_bench >/dev/null
        echo "$PARAMS" >"$PGDIR.params"
    fi
fi

# timed NAME CMD...: wall and CPU seconds and peak RSS of one command, with the load before it
timed() {
    local name=$1 l
    shift
    l=$(load)
    /usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "$@" >"$TMP/cmd.out" 2>&1 || {
        cat "$TMP/cmd.out" >&2
        die "$name failed"
    }
    read -r wall user sys rss <"$TMP/time"
    printf '%-34s %7.2f s wall %6.2f s CPU %5.0f MB  load %s  (%s)\n' "$name" "$wall" \
        "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$((rss / 1024))" "$l" \
        "$(tail -1 "$TMP/cmd.out")" | tee -a "$TMP/results" >&2
}

if [ "$READS_ONLY" -eq 0 ]; then
    echo "rebuilding the counters ..." >&2
    q 'DELETE FROM counters_month; DELETE FROM counters_day; DELETE FROM counters_total' >/dev/null
    # a store opened on empty counters computes them from the records (govindex_counters_seed_fn),
    # so this is the whole rebuild: read, roll up and write every row
    timed "rebuild into empty counters" "$GG" index rebuild --db "$DBURL" --log-level warn
    timed "rebuild, nothing to change" "$GG" index rebuild --db "$DBURL" --log-level warn
    timed "rebuild --check" "$GG" index rebuild --check --db "$DBURL" --log-level warn
fi
read -r NCASES NMONTH NDAY NGRIDS NRES <<<"$(q "SELECT (SELECT count(*) FROM cases), (SELECT \
    count(*) FROM counters_month), (SELECT count(*) FROM counters_day), (SELECT count(*) FROM \
    places WHERE level = 'grid'), (SELECT count(*) FROM residents)")"
[ -n "$PGDIR" ] || sqlite3 "$DB" 'DROP TABLE IF EXISTS sqlite_stat1; DROP TABLE IF EXISTS sqlite_stat4'

free_port() {
    local p i
    for i in $(seq 1 100); do
        p=$((20000 + RANDOM % 12000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    die "no free port found"
}
PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
printf 'workers = off\n' >"$TMP/gridgov.conf" # no scheduler pass over the generated cases
"$GG" serve --db "$DBURL" --data-dir "$DIR" --listen "127.0.0.1:$PORT" --log-level warn \
    --config "$TMP/gridgov.conf" >"$TMP/gridgov.log" 2>&1 &
SERVER=$!
for i in $(seq 1 600); do
    curl -fsS -o /dev/null --max-time 1 "$URL/healthz" 2>/dev/null && break
    kill -0 "$SERVER" 2>/dev/null || {
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
RSS_START=$(awk '/^VmRSS/ { print int($2 / 1024) }' "/proc/$SERVER/status")

# last month by default: a whole month of cases
[ -n "$PERIOD" ] || PERIOD=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-15) -1 month" +%Y-%m)
GRID=$(q "SELECT place_code FROM counters_month WHERE period = '$PERIOD' AND metric = \
    'case.received' AND length(place_code) = 15 ORDER BY value DESC, place_code LIMIT 1")
COMM=${GRID:0:12}
TOWN=${GRID:0:9}

# measure NAME PATH: one cold request, then RUNS timed ones (at most 60 s); ms
measure() {
    local name=$1 path=$2 code first times=() t start l
    l=$(load)
    code=$(curl -sS -o "$TMP/body" -w '%{http_code} %{time_total}' --max-time 120 \
        -H "Authorization: Bearer $TOKEN" "$URL$path") || code="000 0"
    first=${code#* }
    code=${code%% *}
    start=$EPOCHSECONDS
    for _ in $(seq 1 "$RUNS"); do
        t=$(curl -sS -o /dev/null -w '%{time_total}' --max-time 120 \
            -H "Authorization: Bearer $TOKEN" "$URL$path") || t=120
        times+=("$t")
        [ $((EPOCHSECONDS - start)) -lt 60 ] || break
    done
    printf '%s\n' "${times[@]}" | sort -g | awk -v name="$name" -v first="$first" \
        -v code="$code" -v l="$l" -v bytes="$(wc -c <"$TMP/body")" '
        { v[NR] = $1 * 1000 }
        END {
            p50 = v[int((NR + 1) * 0.50)]; if (p50 == "") p50 = v[1]
            i95 = int(NR * 0.95 + 0.999); if (i95 < 1) i95 = 1
            printf "%-34s first %7.1f ms  p50 %7.1f ms  p95 %7.1f ms  %3d runs  %s %7d B  load %s\n",
                name, first * 1000, p50, v[i95], NR, code, bytes, l
        }' | tee -a "$TMP/results" >&2
    [ "$code" = 200 ] || die "$path answered $code: $(head -c 300 "$TMP/body")"
}

# measure_after_write NAME PATH: RUNS requests, each after a new case in GRID (untimed): the
# first read after a write, which computes what the server kept before it
measure_after_write() {
    local name=$1 path=$2 times=() t l i
    l=$(load)
    for i in $(seq 1 "$RUNS"); do
        curl -fsS -o /dev/null --max-time 30 -H "Authorization: Bearer $TOKEN" \
            -H 'Content-Type: application/json' -d "{\"category\":\"noise\",\"description\":\"bench index $i\",\"place\":\"$GRID\",\"attributes\":{\"source\":\"business\",\"period\":\"night\"}}" \
            "$URL/api/v1/cases" || die "a new case was refused"
        t=$(curl -sS -o /dev/null -w '%{time_total}' --max-time 120 \
            -H "Authorization: Bearer $TOKEN" "$URL$path") || t=120
        times+=("$t")
    done
    printf '%s\n' "${times[@]}" | sort -g | awk -v name="$name" -v l="$l" '
        { v[NR] = $1 * 1000 }
        END {
            p50 = v[int((NR + 1) * 0.50)]; if (p50 == "") p50 = v[1]
            i95 = int(NR * 0.95 + 0.999); if (i95 < 1) i95 = 1
            printf "%-34s                  p50 %7.1f ms  p95 %7.1f ms  %3d runs  after a write  load %s\n",
                name, p50, v[i95], NR, l
        }' | tee -a "$TMP/results" >&2
}

echo "measuring ($RUNS runs each, period $PERIOD) ..." >&2
measure "GET /api/v1/stats" "/api/v1/stats"
measure "GET /api/v1/stats?place=town" "/api/v1/stats?place=$TOWN"
measure "ranking level=town" "/api/v1/index?level=town&period=$PERIOD"
measure "ranking level=community" "/api/v1/index?level=community&period=$PERIOD"
measure "ranking level=grid" "/api/v1/index?level=grid&period=$PERIOD"
measure "ranking level=grid in a town" "/api/v1/index?level=grid&period=$PERIOD&place=$TOWN"
measure "ranking level=grid, first 50" "/api/v1/index?level=grid&period=$PERIOD&limit=50"
measure "breakdown of a grid" "/api/v1/index/$GRID?period=$PERIOD"
measure "breakdown of a community" "/api/v1/index/$COMM?period=$PERIOD"
measure "breakdown of a town" "/api/v1/index/$TOWN?period=$PERIOD"
measure_after_write "ranking level=grid" "/api/v1/index?level=grid&period=$PERIOD"
measure_after_write "breakdown of a grid" "/api/v1/index/$GRID?period=$PERIOD"
HWM=$(awk '/^VmHWM/ { print int($2 / 1024) }' "/proc/$SERVER/status")
RSS=$(awk '/^VmRSS/ { print int($2 / 1024) }' "/proc/$SERVER/status")
echo "server memory: peak RSS (VmHWM) $HWM MB, RSS $RSS MB now, $RSS_START MB after start-up and login  load $(load)" | tee -a "$TMP/results" >&2

{
    rev=$(git rev-parse --short HEAD 2>/dev/null || echo none)
    git diff --quiet HEAD 2>/dev/null || rev="$rev (dirty)"
    echo "Index benchmark $STAMP (${DBURL%%:*}): $NCASES cases, $NGRIDS grids, $NRES residents; $NMONTH month and $NDAY day counter rows"
    echo "machine: nproc=$(nproc) kernel=$(uname -r) load at start \"$LOAD\"  date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')  git: $rev"
    [ ! -s "$OUT-gen.txt" ] || sed 's/^/  /' "$OUT-gen.txt"
    echo "places: grid $GRID, community $COMM, town $TOWN; period $PERIOD; as the district admin, curl over loopback"
    cat "$TMP/results"
    [ "$KEEP" -eq 0 ] || echo "dataset kept in $DIR (placeholder timeline hashes: no 'audit verify')"
} | tee "$OUT-summary.txt"
