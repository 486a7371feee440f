#!/usr/bin/env bash
# Registry import/export benchmark: `gridgov import residents` of N generated rows (UTF-8, then
# GB18030) and `gridgov export residents` to CSV and XLSX, rows/s and peak RSS, against raw
# SQLite inserts of the same rows in one transaction (sqlite3 CLI).
# Usage: bench/import.sh [--rows 100000] [--keep]
# Binary: build/gridgov (override with GRIDGOV_BIN; not rebuilt here). Summary: bench/out/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ROWS=100000
KEEP=0
GRIDGOV_BIN=${GRIDGOV_BIN:-build/gridgov}
PASS=x12345678
TIME=/usr/bin/time

usage() {
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
    --rows) ROWS=${2:?} && shift 2 ;;
    --keep) KEEP=1 && shift ;;
    -h | --help) usage ;;
    *) usage ;;
    esac
done
case "$ROWS" in '' | *[!0-9]*) usage ;; esac
if [ "$ROWS" -lt 1 ] || [ "$ROWS" -gt 5000000 ]; then
    echo "import.sh: --rows is 1 to 5000000" >&2
    exit 2
fi

for tool in python3 iconv sqlite3 timeout; do
    command -v "$tool" >/dev/null || {
        echo "import.sh: $tool missing; run scripts/deps.sh bench" >&2
        exit 1
    }
done
[ -x "$TIME" ] || {
    echo "import.sh: $TIME missing (package time); run scripts/deps.sh bench" >&2
    exit 1
}
[ -x "$GRIDGOV_BIN" ] || {
    echo "import.sh: $GRIDGOV_BIN missing; build it first (make)" >&2
    exit 1
}

DIR=$(mktemp -d /tmp/gridgov-import.XXXXXX)
# lib.sh removes TMP on exit; with --keep it is not given the directory.
[ "$KEEP" -eq 1 ] || TMP=$DIR
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

# The binary under test, copied: another build of build/gridgov during the run changes nothing.
cp "$GRIDGOV_BIN" "$DIR/gridgov"
GG="$DIR/gridgov"
BIN_ID="$(stat -c '%y' "$GRIDGOV_BIN" | cut -d. -f1), sha256 $(sha256sum "$GG" | cut -c1-12)"

# Every step is bounded: 2 minutes plus 2 ms a row (100,000 rows: 320 s), then TERM, then KILL.
LIMIT=$((120 + ROWS / 500))

mkdir -p bench/out
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="bench/out/$STAMP-import"

# timed NAME CMD...: run CMD bounded, under /usr/bin/time; its stdout and stderr go to
# $DIR/NAME.out and .err, "seconds max_rss_kb user_s sys_s" to $DIR/NAME.time. Fails if CMD
# fails.
timed() {
    local name=$1 rc=0 pid
    shift
    timeout -k 10 "$LIMIT" "$TIME" -f '%e %M %U %S' -o "$DIR/$name.time" "$@" \
        >"$DIR/$name.out" 2>"$DIR/$name.err" &
    pid=$!
    PIDS=("$pid") # so Ctrl-C stops it (timeout passes the TERM on)
    wait "$pid" || rc=$?
    PIDS=()
    if [ "$rc" -ne 0 ]; then
        cat "$DIR/$name.out" "$DIR/$name.err" >&2
        [ "$rc" -ne 124 ] || die "$name: stopped after $LIMIT s"
        die "$name: exit status $rc"
    fi
}

# A fresh demo database and data directory (its keys) for each run: copies of one demo.
fresh_db() {
    local d="$DIR/$1"
    mkdir -p "$d"
    cp "$DIR/demo"/*.key "$d/"
    sqlite3 "$DIR/demo/g.db" ".backup '$d/g.db'"
}

count_residents() { sqlite3 -cmd '.timeout 10000' "$1" 'SELECT count(*) FROM residents'; }

# Results, one line each: "label|rows|seconds|rss_kb|bytes|note|own_s|cpu_s".
: >"$DIR/results"
result() { # label name rows [bytes] [note]
    local s kb us ss own
    read -r s kb us ss <"$DIR/$2.time"
    # gridgov's own timer (import: "S s, R rows/s"; export: "in S s"): from the open store
    # to the last row, without the start, the key load and the store's close (its checkpoint)
    own=$(sed -n 's/^\([0-9.]*\) s, [0-9]* rows\/s$/\1/p; s/.* in \([0-9.]*\) s$/\1/p' \
        "$DIR/$2.out" | head -1)
    echo "$1|$3|$s|$kb|${4:--}|${5:-}|${own:--}|$(awk -v u="$us" -v s="$ss" \
        'BEGIN { printf "%.2f", u + s }')" >>"$DIR/results"
}

echo "generating $ROWS residents (UTF-8 CSV, its GB18030 copy, the raw SQL)" >&2
timeout "$LIMIT" python3 bench/gen_residents.py --rows "$ROWS" --csv "$DIR/residents.csv" \
    --sql "$DIR/raw.sql"
timeout "$LIMIT" iconv -f UTF-8 -t GB18030 "$DIR/residents.csv" >"$DIR/residents-gbk.csv"
CSV_BYTES=$(stat -c %s "$DIR/residents.csv")
GBK_BYTES=$(stat -c %s "$DIR/residents-gbk.csv")

echo "preparing a fresh demo database" >&2
mkdir -p "$DIR/demo"
timeout "$LIMIT" "$GG" demo --db "sqlite:$DIR/demo/g.db" --data-dir "$DIR/demo" --no-serve \
    --log-level warn --admin-password "$PASS" --users-password "$PASS" >"$DIR/demo.log" 2>&1 ||
    {
        cat "$DIR/demo.log" >&2
        die "gridgov demo failed"
    }
BASE=$(count_residents "$DIR/demo/g.db")
fresh_db utf8
fresh_db gbk
fresh_db dry
fresh_db raw
TOTAL=$((BASE + ROWS))

# import NAME FILE [ARGS...]: one import into the fresh database NAME.
import_run() {
    local name=$1 file=$2
    shift 2
    echo "gridgov import residents ($name)" >&2
    timed "import-$name" "$GG" import residents "$file" --db "sqlite:$DIR/$name/g.db" \
        --data-dir "$DIR/$name" "$@"
}

import_run dry "$DIR/residents.csv" --dry-run
grep -q "$ROWS valid, 0 bad" "$DIR/import-dry.out" || die "dry run: $(cat "$DIR/import-dry.out")"
result "import UTF-8 --dry-run" import-dry "$ROWS" "$CSV_BYTES" "checked, rolled back"

import_run utf8 "$DIR/residents.csv"
grep -q "$ROWS stored" "$DIR/import-utf8.out" || die "UTF-8 import: $(cat "$DIR/import-utf8.out")"
[ "$(count_residents "$DIR/utf8/g.db")" -eq "$TOTAL" ] || die "UTF-8 import: row count"
result "import UTF-8" import-utf8 "$ROWS" "$CSV_BYTES" "$(grep -o '([a-z0-9-]*)' \
    "$DIR/import-utf8.out" | head -1)"

import_run gbk "$DIR/residents-gbk.csv" --encoding gbk
grep -q "(gb18030).*$ROWS stored" "$DIR/import-gbk.out" ||
    die "GBK import: $(cat "$DIR/import-gbk.out")"
[ "$(count_residents "$DIR/gbk/g.db")" -eq "$TOTAL" ] || die "GBK import: row count"
result "import GBK --encoding gbk" import-gbk "$ROWS" "$GBK_BYTES" "(gb18030)"

# export NAME FILE [ARGS...]: the UTF-8 import's database (demo residents included) out.
export_run() {
    local name=$1 file=$2
    shift 2
    echo "gridgov export residents ($name)" >&2
    timed "export-$name" "$GG" export residents "$DIR/$file" --db "sqlite:$DIR/utf8/g.db" \
        --data-dir "$DIR/utf8" "$@"
    grep -q "$TOTAL rows written" "$DIR/export-$name.out" ||
        die "export $name: $(cat "$DIR/export-$name.out")"
}
export_run csv out.csv
result "export CSV (masked)" export-csv "$TOTAL" "$(stat -c %s "$DIR/out.csv")"
export_run csv-purpose out-purpose.csv --purpose benchmark
result "export CSV --purpose" export-csv-purpose "$TOTAL" \
    "$(stat -c %s "$DIR/out-purpose.csv")" "unmasked"
export_run xlsx out.xlsx
result "export XLSX (masked)" export-xlsx "$TOTAL" "$(stat -c %s "$DIR/out.xlsx")"
export_run xlsx-purpose out-purpose.xlsx --purpose benchmark
result "export XLSX --purpose" export-xlsx-purpose "$TOTAL" \
    "$(stat -c %s "$DIR/out-purpose.xlsx")" "unmasked"

# The naive limit: the same rows as plain INSERTs in one transaction, same journal (WAL),
# synchronous and cache settings as gridgov's writer, on a copy of the same fresh database.
echo "raw SQLite: $ROWS INSERTs in one transaction" >&2
timed raw sqlite3 -batch "$DIR/raw/g.db" ".read '$DIR/raw.sql'"
[ "$(count_residents "$DIR/raw/g.db")" -eq "$TOTAL" ] || die "raw: row count"
result "raw SQLite, 1 transaction" raw "$ROWS" "$(stat -c %s "$DIR/raw.sql")" "SQL file"

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
RAW_S=$(awk -F'|' '$1 ~ /^raw/ { print $3 }' "$DIR/results")
RAW_CPU=$(awk -F'|' '$1 ~ /^raw/ { print $8 }' "$DIR/results")
{
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
    echo "Import/export benchmark $STAMP: $ROWS generated residents ($BASE demo residents besides)"
    echo "machine: nproc=$(nproc) cpu=\"$cpu\" kernel=$(uname -r) load before=\"$LOAD\" after=\"$LOAD_AFTER\"$BUSY"
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')  binary: $GRIDGOV_BIN ($BIN_ID)"
    echo
    printf '%-26s %7s %6s %7s %6s %6s %6s %6s %6s %9s  %s\n' step rows wall_s rows/s cpu_s \
        own_s peak_MB file_MB x_raw x_raw_cpu note
    awk -F'|' -v raw="$RAW_S" -v rawc="$RAW_CPU" '{
        rate = $3 > 0 ? $2 / $3 : 0
        mb = $5 == "-" ? "-" : sprintf("%.1f", $5 / 1048576)
        x = ($1 ~ /^import/ && raw > 0) ? sprintf("%.2fx", $3 / raw) : "-"
        xc = ($1 ~ /^import/ && rawc > 0) ? sprintf("%.2fx", $8 / rawc) : "-"
        printf("%-26s %7d %6.2f %7.0f %6.2f %6s %6.1f %6s %6s %9s  %s\n", $1, $2, $3, rate, $8,
            $7, $4 / 1024, mb, x, xc, $6)
    }' "$DIR/results"
    echo
    echo "wall_s, cpu_s (user + sys) and peak_MB: /usr/bin/time -f '%e %M %U %S' of the whole"
    echo "command (start, key load, database open, the work, close; peak_MB is the maximum"
    echo "resident set size). rows/s = rows / wall_s."
    echo "own_s: the command's own timer, from the open store to the last row (no start-up,"
    echo "key load or closing of the store, whose last WAL checkpoint the seconds include)."
    echo "file_MB: the input (CSV, or the SQL file) or the output file. x_raw, x_raw_cpu: wall"
    echo "and CPU time against the raw SQLite run (1.00x = as fast as plain INSERTs in one"
    echo "transaction; CPU time is the steadier of the two on a shared machine)."
    echo "Exports write every resident of the database (the demo's $BASE too), masked or with"
    echo "--purpose (unmasked, logged in the audit log first)."
    awk -F'|' '$1 == "import UTF-8" {
        rate = $2 / $3; mb = $4 / 1024
        printf("import UTF-8: %.0f rows/s (goal >= 50000: %s; %.0f rows per CPU second), peak %.1f MB (goal < 64: %s)\n",
            rate, (rate >= 50000) ? "met" : "NOT met", $8 > 0 ? $2 / $8 : 0, mb,
            (mb < 64) ? "met" : "NOT met")
    }' "$DIR/results"
    [ "$KEEP" -eq 0 ] || echo "kept: $DIR"
} | tee "$OUT-summary.txt"
