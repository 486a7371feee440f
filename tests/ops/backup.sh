#!/usr/bin/env bash
# tests/ops/backup.sh - backup and restore while serving (issue 14 item 2). A demo server on
# SQLite takes public intake from 4 clients (every fifth case with a photo); `gridgov backup`
# runs in the middle of it; the restored copy holds every case acknowledged before the backup
# began, every photo it refers to, and passes `gridgov audit verify`. `gridgov restore` refuses
# the live database without --force, and a bad file. On PostgreSQL: pg_dump -Fc, pg_restore
# into a new database, audit verify and the same cases and residents. Loopback only; the load
# stops by itself (count and time bounded). Prints "N passed, N failed".
# Usage: tests/ops/backup.sh [BINARY]   (default build/gridgov)
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-build/gridgov}
DIR=$(mktemp -d /tmp/gridgov-ops-backup.XXXXXX)
chmod 755 "$DIR"
. tests/ops/lib.sh
trap cleanup_ops EXIT
PW=ops-users-1
G=(--db "sqlite:$DIR/live.db" --data-dir "$DIR/data")

if ! start_gridgov "$DIR/server.log" "$BIN" demo "${G[@]}" --admin-password ops-admin-1 \
    --users-password "$PW" --threads 8; then
    bad "demo server starts" "$DIR/server.log"
    finish
    exit 1
fi

# the load: until the stop file, at most 40 s and 4000 cases
$PY tests/ops/intake_load.py "$BASE" "$DIR/acks.txt" --seconds 40 --count 4000 \
    --stop "$DIR/stop" >"$DIR/load.log" 2>&1 &
LOAD=$!
for _ in $(seq 1 200); do
    [ -f "$DIR/acks.txt" ] && [ "$(wc -l <"$DIR/acks.txt")" -ge 100 ] && break
    sleep 0.1
done
T0=$($PY -c 'import time; print(f"{time.time():.6f}")')
"$BIN" backup "$DIR/b.db" "${G[@]}" >"$DIR/backup.log" 2>&1
BRC=$?
T1=$($PY -c 'import time; print(f"{time.time():.6f}")')
sleep 0.5
touch "$DIR/stop"
wait $LOAD
LRC=$?
if [ $BRC -eq 0 ] && grep -q "^backup of sqlite:$DIR/live.db written to $DIR/b.db" "$DIR/backup.log"; then
    ok "gridgov backup under an intake load"
else bad "gridgov backup (exit $BRC)" "$DIR/backup.log"; fi
before=$(awk -v t="$T0" '$3 < t' "$DIR/acks.txt" | wc -l)
after=$(awk -v t="$T1" '$3 > t' "$DIR/acks.txt" | wc -l)
if [ $LRC -eq 0 ] && [ "$before" -ge 100 ] && [ "$after" -gt 0 ]; then
    ok "intake went on around the backup ($before cases acknowledged before it, $after after it)"
else bad "intake load (exit $LRC, $before before, $after after)" "$DIR/load.log"; fi

# restore into a new database beside a data directory that holds only the keys, as an
# operator restoring on a new machine would
mkdir -p "$DIR/r"
cp "$DIR/data/secret.key" "$DIR/data/pii.key" "$DIR/r/"
R=(--db "sqlite:$DIR/r.db" --data-dir "$DIR/r")
check "gridgov restore into a new database" "$DIR/restore.log" "$BIN" restore "$DIR/b.db" "${R[@]}"
sqlite3 "$DIR/r.db" "SELECT id || ' ' || case_no FROM cases" | sort >"$DIR/restored.txt"
awk -v t="$T0" '$3 < t {print $1 " " $2}' "$DIR/acks.txt" | sort >"$DIR/expected.txt"
lost=$(comm -23 "$DIR/expected.txt" "$DIR/restored.txt" | wc -l)
if [ -s "$DIR/expected.txt" ] && [ "$lost" -eq 0 ]; then
    ok "every case acknowledged before the backup began is in it ($(wc -l <"$DIR/expected.txt") of $(wc -l <"$DIR/restored.txt"))"
else
    comm -23 "$DIR/expected.txt" "$DIR/restored.txt" | head >"$DIR/lost.txt"
    bad "$lost acknowledged cases missing from the backup" "$DIR/lost.txt"
fi
"$BIN" audit verify "${R[@]}" >"$DIR/audit.log" 2>&1
if [ $? -eq 0 ] && grep -q "cases, .* rows: chain intact" "$DIR/audit.log"; then
    ok "the restored database passes audit verify: $(cat "$DIR/audit.log")"
else bad "audit verify of the restored database" "$DIR/audit.log"; fi
: >"$DIR/photos.log"
nphotos=0
for h in $(sqlite3 "$DIR/r.db" "SELECT DISTINCT sha256 FROM case_photos"); do
    nphotos=$((nphotos + 1))
    f="$DIR/r/photos/${h:0:2}/${h:2}"
    [ -f "$f" ] && [ "$(sha256sum <"$f" | cut -c1-64)" = "$h" ] || echo "photo $h missing or damaged" >>"$DIR/photos.log"
done
if [ "$nphotos" -gt 0 ] && [ ! -s "$DIR/photos.log" ]; then
    ok "every photo of the restored cases is back in the data directory ($nphotos)"
else bad "photos after restore ($nphotos referred to)" "$DIR/photos.log"; fi

# the restored copy serves: a staff login and one of the cases
stop_gridgov || bad "the demo server stops cleanly"
if start_gridgov "$DIR/server2.log" "$BIN" serve "${R[@]}"; then
    tok=$(login bowen "$PW")
    first=$(head -1 "$DIR/expected.txt" | cut -d' ' -f1)
    st=$(curl -fsS -H "Authorization: Bearer $tok" "$BASE/api/v1/cases/$first" |
        $PY -c 'import json,sys; print(json.load(sys.stdin)["status"])' 2>&1)
    if [ "$st" = submitted ]; then ok "the restored database serves its cases"
    else bad "the restored server: case $first is '$st'"; fi
else bad "a server on the restored database starts" "$DIR/server2.log"; fi

# restore refuses the live database (its server holds the scheduler's lease) without --force
cp "$DIR/r.db" "$DIR/r.before"
"$BIN" restore "$DIR/b.db" "${R[@]}" >"$DIR/refuse.log" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "already holds a gridgov database served by .*; stop its server and add --force" "$DIR/refuse.log" &&
    curl -fsS "$BASE/healthz" >/dev/null; then
    ok "restore refuses a live database without --force"
else bad "restore over a live database (exit $rc)" "$DIR/refuse.log"; fi
stop_gridgov || bad "the restored server stops cleanly"
"$BIN" restore "$DIR/b.db" "${R[@]}" >"$DIR/refuse2.log" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "already holds a gridgov database; stop its server" "$DIR/refuse2.log"; then
    ok "restore refuses a database that holds data without --force"
else bad "restore over a stopped database (exit $rc)" "$DIR/refuse2.log"; fi
check "restore --force replaces it" "$DIR/force.log" "$BIN" restore "$DIR/b.db" "${R[@]}" --force
check "audit verify after restore --force" "$DIR/force.log" "$BIN" audit verify "${R[@]}"

# bad input: an existing backup file is never overwritten, junk is not restored, a damaged
# photo is refused, PostgreSQL is pointed to pg_dump
"$BIN" backup "$DIR/b.db" "${G[@]}" >"$DIR/exists.log" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "b.db exists: a backup never overwrites a file" "$DIR/exists.log" &&
    ok "backup refuses to overwrite a file" || bad "backup over a file (exit $rc)" "$DIR/exists.log"
head -c 5000 /dev/urandom >"$DIR/junk.db"
"$BIN" restore "$DIR/junk.db" --db "sqlite:$DIR/j.db" --data-dir "$DIR/j" >"$DIR/junk.log" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "not a usable SQLite database" "$DIR/junk.log" &&
    ok "restore refuses a file that is not a database" || bad "restore of junk (exit $rc)" "$DIR/junk.log"
h=$(sqlite3 "$DIR/b.db" "SELECT sha256 FROM case_photos LIMIT 1")
if [ -n "$h" ]; then
    echo tampered >>"$DIR/b.db.photos/${h:0:2}/${h:2}"
    "$BIN" restore "$DIR/b.db" --db "sqlite:$DIR/t.db" --data-dir "$DIR/t" >"$DIR/tamper.log" 2>&1
    rc=$?
    [ $rc -eq 1 ] && grep -q "is damaged: its bytes do not hash to its name" "$DIR/tamper.log" &&
        ok "restore refuses a damaged photo" || bad "restore of a damaged photo (exit $rc)" "$DIR/tamper.log"
fi
"$BIN" backup "$DIR/pg.db" --db postgres://nobody@127.0.0.1:1/none >"$DIR/pgb.log" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "pg_dump" "$DIR/pgb.log" && [ ! -e "$DIR/pg.db" ] &&
    ok "backup of PostgreSQL points to pg_dump" || bad "backup of PostgreSQL (exit $rc)" "$DIR/pgb.log"
"$BIN" backup >"$DIR/usage.log" 2>&1
[ $? -eq 2 ] && ok "backup without FILE is a usage error" || bad "backup without FILE" "$DIR/usage.log"

# PostgreSQL: pg_dump -Fc and pg_restore into a new database, as docs/operations.md says
if pg_start && SRC=$(pg_db gridgov_src) && DST=$(pg_db gridgov_dst); then
    P=(--data-dir "$DIR/pgdata")
    if start_gridgov "$DIR/pgserver.log" "$BIN" demo --db "$SRC" "${P[@]}" \
        --admin-password ops-admin-1 --users-password "$PW"; then
        $PY tests/ops/intake_load.py "$BASE" "$DIR/pgacks.txt" --count 40 --seconds 20 \
            >"$DIR/pgload.log" 2>&1 || bad "intake on PostgreSQL" "$DIR/pgload.log"
        check "pg_dump -Fc while serving" "$DIR/pgdump.log" pg_dump -Fc -f "$DIR/pg.dump" "$SRC"
        stop_gridgov || bad "the PostgreSQL server stops cleanly"
        check "pg_restore into a new database" "$DIR/pgdump.log" \
            pg_restore --no-owner --exit-on-error -d "$DST" "$DIR/pg.dump"
        "$BIN" audit verify --db "$DST" "${P[@]}" >"$DIR/pgaudit.log" 2>&1
        # the 40 of the load and the demo's own
        if [ $? -eq 0 ] && [ "$(sed -n 's/^\([0-9]*\) cases, .*chain intact.*/\1/p' "$DIR/pgaudit.log")" -ge 40 ] 2>/dev/null; then
            ok "the restored PostgreSQL database passes audit verify with its 40 cases"
        else bad "audit verify on the restored PostgreSQL database" "$DIR/pgaudit.log"; fi
        for d in "$SRC" "$DST"; do
            "$BIN" export residents "$DIR/res-${d##*/}.csv" --db "$d" "${P[@]}" --purpose "backup test" >/dev/null 2>&1
        done
        a=$($PY tests/ops/fixtures/residents.py "$DIR/res-gridgov_src.csv" 2>&1)
        b=$($PY tests/ops/fixtures/residents.py "$DIR/res-gridgov_dst.csv" 2>&1)
        [ -n "$a" ] && [ "$a" = "$b" ] && ok "the restored residents decrypt as before ($a)" ||
            bad "residents after pg_restore: '$a' vs '$b'"
    else bad "demo server on PostgreSQL" "$DIR/pgserver.log"; fi
else bad "cannot start PostgreSQL"; fi
finish
