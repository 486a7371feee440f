#!/usr/bin/env bash
# Full-text case search on PostgreSQL at district scale: the first page of ?q= for every role,
# newest first and by due date.
# Usage: bench/search-pg.sh --dir DIR --pg-dir PGDIR [--port PORT] [--runs N] [--terms "..."]
#   [--users "..."]
# DIR holds a dataset made by `bench/dataset.sh --dir DIR` (read only: never written). The first
# run starts a PostgreSQL 15 cluster in PGDIR (tests/pg.sh, on PORT, default 25433), makes the
# demo database there with DIR's keys (`gridgov demo --no-serve`, every demo user's password
# bench-pass-1) and copies DIR's places and cases into it (sqlite3 CSV into \copy, the demo's
# own cases replaced; about 3 minutes for 1M cases), then ANALYZE; later runs reuse PGDIR as it
# is. Each run applies gridgov's migrations, serves the database (`workers = off`) and times
# `GET /api/v1/cases?limit=20&sort=S&q=TERM` for every user, term and sort: one cold request,
# then RUNS timed ones (curl time_total over loopback), median and slowest; the page's ids go
# to bench/out/ with the table, to compare two builds' answers (GRIDGOV_BIN; PGDB names the
# database, default gridgov_search). Stop the cluster with `bash tests/pg.sh stop PGDIR`.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DIR=
PGDIR=
PORT=25433
RUNS=3
TERMS="电动车 噪声 海关AEO 不存在的词 20241202-0005"
USERS="admin caoe bowen gridworker ruanrr zjj qiye gaibei"
GRIDGOV_BIN=${GRIDGOV_BIN:-build/gridgov}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PASS=bench-pass-1

usage() {
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
    --dir) DIR=${2:?} && shift 2 ;;
    --pg-dir) PGDIR=${2:?} && shift 2 ;;
    --port) PORT=${2:?} && shift 2 ;;
    --runs) RUNS=${2:?} && shift 2 ;;
    --terms) TERMS=${2:?} && shift 2 ;;
    --users) USERS=${2:?} && shift 2 ;;
    *) usage ;;
    esac
done
{ [ -n "$DIR" ] && [ -n "$PGDIR" ]; } || usage
case "$RUNS$PORT" in '' | *[!0-9]*) usage ;; esac
[ -f "$DIR/dataset.db" ] || {
    echo "search-pg.sh: no $DIR/dataset.db: make one with bench/dataset.sh --dir $DIR" >&2
    exit 1
}
for tool in curl sqlite3; do
    command -v "$tool" >/dev/null || {
        echo "search-pg.sh: $tool missing; run scripts/deps.sh bench" >&2
        exit 1
    }
done
[ -x "$GRIDGOV_BIN" ] || make -s "$GRIDGOV_BIN"

TMP=$(mktemp -d /tmp/gridgov-search-pg.XXXXXX)
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
DIR=$(cd "$DIR" && pwd)
mkdir -p "$PGDIR"
PGDIR=$(cd "$PGDIR" && pwd)
PGDB=${PGDB:-gridgov_search}
DSN="postgres://postgres@127.0.0.1:$PORT/$PGDB"
DATA="$PGDIR.data"
cp "$GRIDGOV_BIN" "$TMP/gridgov"
GG="$TMP/gridgov"
PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres "$PGDB")
mkdir -p bench/out
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="bench/out/$STAMP-search-pg.txt"

if [ ! -f "$PGDIR.loaded" ]; then
    bash tests/pg.sh start "$PGDIR" "$PORT" >/dev/null
    bash tests/pg.sh createdb "$PGDIR" "$PORT" "$PGDB"
    rm -rf "$DATA" && mkdir -p "$DATA" && cp "$DIR"/*.key "$DATA"/
    "$GG" demo --no-serve --db "$DSN" --data-dir "$DATA" --admin-password "$PASS" \
        --users-password "$PASS" --log-level warn >"$TMP/demo.txt" 2>&1 ||
        die "gridgov demo failed: $(tail -3 "$TMP/demo.txt")"
    t0=$EPOCHREALTIME
    S=(sqlite3 -readonly -csv -cmd ".nullvalue @@NULL@@" "$DIR/dataset.db")
    # the column lists in list mode: CSV would quote them, commas and all
    pcols=$(sqlite3 -readonly "$DIR/dataset.db" "SELECT group_concat(name, ',') FROM pragma_table_info('places')")
    ccols=$(sqlite3 -readonly "$DIR/dataset.db" "SELECT group_concat(name, ',') FROM pragma_table_info('cases')")
    have=$("${PSQL[@]}" -Atc "SELECT string_agg(quote_literal(code), ',') FROM places")
    "${S[@]}" "SELECT $pcols FROM places WHERE code NOT IN ($have)" |
        "${PSQL[@]}" -c "\\copy places($pcols) FROM stdin WITH (format csv, null '@@NULL@@')"
    {
        echo "SET session_replication_role = replica;"
        echo "DELETE FROM case_events; DELETE FROM case_photos; DELETE FROM extensions;"
        echo "DELETE FROM meeting_cases; DELETE FROM cases;"
        echo "\\copy cases($ccols) FROM stdin WITH (format csv, null '@@NULL@@')"
        "${S[@]}" "SELECT $ccols FROM cases ORDER BY id"
        echo '\.'
        echo "SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases));"
        echo "ANALYZE;"
    } | "${PSQL[@]}" >/dev/null
    awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "loaded in %.0f s\n", b - a }' |
        tee "$PGDIR.loaded"
elif ! "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR" -l "$PGDIR/server.log" -w start >/dev/null ||
        "$PGBIN/pg_ctl" -D "$PGDIR" -l "$PGDIR/server.log" -w start >/dev/null
fi
"$GG" init --db "$DSN" --data-dir "$DATA" --log-level info >"$TMP/init.txt" 2>&1 ||
    die "gridgov init failed: $(tail -3 "$TMP/init.txt")"
read -r NCASES <<<"$("${PSQL[@]}" -Atc 'SELECT count(*) FROM cases')"

PORT2=
for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then PORT2=$p && break; fi
done
[ -n "$PORT2" ] || die "no free port found"
URL="http://127.0.0.1:$PORT2"
printf 'workers = off\n' >"$TMP/gridgov.conf"
"$GG" serve --db "$DSN" --data-dir "$DATA" --listen "127.0.0.1:$PORT2" --log-level warn \
    --config "$TMP/gridgov.conf" >"$TMP/gridgov.log" 2>&1 &
PIDS+=($!)
for i in $(seq 1 600); do
    curl -fsS -o /dev/null --max-time 1 "$URL/healthz" 2>/dev/null && break
    kill -0 "${PIDS[0]}" 2>/dev/null || die "the server exited: $(tail -3 "$TMP/gridgov.log")"
    [ "$i" -lt 600 ] || die "the server did not answer within 60 s"
    sleep 0.1
done

urlenc() {
    local s=$1 i c out=
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in [a-zA-Z0-9.~_-]) out+=$c ;; *) out+=$(printf '%s' "$c" | od -An -tx1 |
            tr -d ' \n' | sed 's/\(..\)/%\1/g') ;; esac
    done
    echo "$out"
}

ms() { awk -v t="$1" 'BEGIN { printf "%.0f", t * 1000 }'; }

: >"$TMP/table"
: >"$TMP/ids"
for user in $USERS; do
    body=$(curl -sS --max-time 30 -X POST -H 'Content-Type: application/json' \
        -d "{\"username\":\"$user\",\"password\":\"$PASS\"}" "$URL/api/v1/session")
    token=$(sed -n 's/.*"token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' <<<"$body")
    [ -n "$token" ] || die "login as $user failed: $body"
    for sort in -created due; do
        for term in $TERMS; do
            path="/api/v1/cases?limit=20&sort=$sort&q=$(urlenc "$term")"
            : >"$TMP/times"
            for i in $(seq 0 "$RUNS"); do
                out=$(curl -sS -o "$TMP/body" -w '%{time_total} %{http_code}' --max-time 120 \
                    -H "Authorization: Bearer $token" "$URL$path") || out="120 000"
                [ "${out#* }" = 200 ] || die "$user $path answered ${out#* }"
                if [ "$i" -eq 0 ]; then cold=${out% *}; else echo "${out% *}" >>"$TMP/times"; fi
            done
            read -r p50 max <<<"$(sort -g "$TMP/times" | awk '{ v[NR] = $1 * 1000 } END {
                printf "%.0f %.0f\n", v[int((NR + 1) / 2)], v[NR] }')"
            items=$(grep -c '"case_no":' <(grep -o '"case_no":' "$TMP/body") || true)
            printf '%-11s %-8s %-16s %5s %8s %8s %8s\n' "$user" "$sort" "$term" "$items" \
                "$(ms "$cold")" "$p50" "$max" >>"$TMP/table"
            ids=$(grep -o '"id":[0-9]*,"case_no"' "$TMP/body" | grep -o '[0-9]*' | tr '\n' , ||
                true)
            echo "$user $sort $term $ids $(grep -o '"next":[^,}]*' "$TMP/body" || true)" >>"$TMP/ids"
        done
    done
done

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
{
    rev=$(git rev-parse --short HEAD 2>/dev/null || echo none)
    git diff --quiet HEAD 2>/dev/null || rev="$rev (dirty)"
    echo "PostgreSQL search benchmark $STAMP: $NCASES cases in $DSN (from $DIR)"
    echo "machine: nproc=$(nproc) kernel=$(uname -r) load before=\"$LOAD\"$BUSY after=\"$LOAD_AFTER\""
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')  git: $rev"
    echo "shared_buffers=$("${PSQL[@]}" -Atc 'SHOW shared_buffers')"
    echo
    echo "GET /api/v1/cases?limit=20&sort=SORT&q=TERM, curl time_total over loopback, ms"
    echo "(cold: the first request; p50 and max over $RUNS more):"
    printf '%-11s %-8s %-16s %5s %8s %8s %8s\n' user sort term items cold p50 max
    cat "$TMP/table"
    echo
    echo "page ids:"
    cat "$TMP/ids"
} | tee "$OUT"
