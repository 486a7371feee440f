#!/usr/bin/env bash
# Copy a generated SQLite dataset (bench/gen_dataset.c via bench/index.sh or bench/dataset.sh)
# into a PostgreSQL 15 database, every record, for the benchmarks that compare the backends.
# Usage: bench/pg-load.sh --dir DIR --pg-dir PGDIR [--port PORT] [--db NAME]
# Starts a cluster in PGDIR (tests/pg.sh) unless one answers on PORT (default 25433), makes
# database NAME (default gridgov_bench) again, applies gridgov's migrations (`gridgov init`
# with DIR's keys, so that encrypted fields read back), then copies every table the two
# schemas share, the columns they share, from DIR/dataset.db (sqlite3 CSV into \copy, with
# triggers and foreign keys off: the rows were checked when they were made), empties the
# counters and the index's change log (the benchmark rebuilds them), moves every sequence past
# its table's ids and runs VACUUM ANALYZE (the visibility map autovacuum keeps on a served
# database, for index-only scans). Not copied: the SQLite full-text tables (PostgreSQL indexes
# its own column), sessions, login failures and leases. Prints the DSN on its last line.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DIR=
PGDIR=
PORT=25433
PGDB=gridgov_bench
GRIDGOV_BIN=${GRIDGOV_BIN:-build/gridgov}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

usage() {
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
    --dir) DIR=${2:?} && shift 2 ;;
    --pg-dir) PGDIR=${2:?} && shift 2 ;;
    --port) PORT=${2:?} && shift 2 ;;
    --db) PGDB=${2:?} && shift 2 ;;
    *) usage ;;
    esac
done
{ [ -n "$DIR" ] && [ -n "$PGDIR" ]; } || usage
case "$PORT" in '' | *[!0-9]*) usage ;; esac
[[ $PGDB =~ ^[a-z_][a-z0-9_]*$ ]] || usage
[ -f "$DIR/dataset.db" ] || {
    echo "pg-load.sh: no $DIR/dataset.db" >&2
    exit 1
}
command -v sqlite3 >/dev/null || {
    echo "pg-load.sh: sqlite3 missing; run scripts/deps.sh bench" >&2
    exit 1
}
[ -x "$GRIDGOV_BIN" ] || make -s "$GRIDGOV_BIN"

TMP=$(mktemp -d /tmp/gridgov-pg-load.XXXXXX)
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
DIR=$(cd "$DIR" && pwd)
mkdir -p "$PGDIR"
PGDIR=$(cd "$PGDIR" && pwd)
DSN="postgres://postgres@127.0.0.1:$PORT/$PGDB"
PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres "$PGDB")
SRC="$DIR/dataset.db"

if ! "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
    if [ -f "$PGDIR/PG_VERSION" ]; then
        runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR" -l "$PGDIR/server.log" -w start \
            >/dev/null || "$PGBIN/pg_ctl" -D "$PGDIR" -l "$PGDIR/server.log" -w start >/dev/null
    else
        bash tests/pg.sh start "$PGDIR" "$PORT" >/dev/null
    fi
fi
"$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U postgres postgres \
    -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null
bash tests/pg.sh createdb "$PGDIR" "$PORT" "$PGDB" >/dev/null
"$GRIDGOV_BIN" init --db "$DSN" --data-dir "$DIR" --log-level warn >"$TMP/init.txt" 2>&1 ||
    die "gridgov init failed: $(tail -3 "$TMP/init.txt")"

t0=$EPOCHREALTIME
skip="'schema_migrations', 'sessions', 'login_failures', 'leases'"
mapfile -t TABLES < <(sqlite3 -readonly "$SRC" "SELECT name FROM sqlite_master WHERE type = \
    'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'cases_fts%' AND name NOT IN ($skip) \
    ORDER BY name")
# PostgreSQL's columns that take a value (not generated), per table: "table col,col,..."
"${PSQL[@]}" -Atc "SELECT table_name || ' ' || string_agg(column_name, ',') FROM \
    information_schema.columns WHERE table_schema = current_schema() AND is_generated = 'NEVER' \
    GROUP BY table_name" >"$TMP/pgcols"
{
    echo "SET session_replication_role = replica;"
    list=
    for t in "${TABLES[@]}"; do
        [ "$t" != index_epoch ] && grep -q "^$t " "$TMP/pgcols" && list="$list${list:+, }$t"
    done
    echo "TRUNCATE $list CASCADE;"
    for t in "${TABLES[@]}"; do
        case $t in counters_* | index_*) continue ;; esac
        pg=$(sed -n "s/^$t //p" "$TMP/pgcols")
        [ -n "$pg" ] || continue
        cols=$(sqlite3 -readonly "$SRC" "SELECT group_concat(name, ',') FROM \
            pragma_table_info('$t') WHERE instr(',$pg,', ',' || name || ',') > 0")
        [ -n "$cols" ] || continue
        n=$(sqlite3 -readonly "$SRC" "SELECT count(*) FROM \"$t\"")
        [ "$n" -gt 0 ] || continue
        echo "\\copy $t($cols) FROM stdin WITH (format csv, null '@@NULL@@')"
        sqlite3 -readonly -csv -cmd ".nullvalue @@NULL@@" "$SRC" "SELECT $cols FROM \"$t\""
        echo '\.'
    done
    # the epoch (random since gridgov init) moves every score: the counters were emptied
    echo "UPDATE index_epoch SET n = n + 1, all_at = n + 1, logged_after = n + 1;"
    cat <<'EOF'
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT table_name, column_name FROM information_schema.columns
             WHERE table_schema = current_schema()
               AND (column_default LIKE 'nextval%' OR is_identity = 'YES') LOOP
        EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), coalesce(max(%I), 0) + 1, '
                       'false) FROM %I', r.table_name, r.column_name, r.column_name,
                       r.table_name);
    END LOOP;
END $$;
VACUUM ANALYZE;
EOF
} | "${PSQL[@]}" >"$TMP/load.txt" 2>&1 || die "load failed: $(tail -5 "$TMP/load.txt")"
awk -v a="$t0" -v b="$EPOCHREALTIME" -v n="${#TABLES[@]}" \
    'BEGIN { printf "pg-load.sh: %d tables copied in %.0f s\n", n, b - a }' >&2
echo "$DSN"
