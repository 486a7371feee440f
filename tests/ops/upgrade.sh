#!/usr/bin/env bash
# tests/ops/upgrade.sh - upgrades from every earlier release (issue 14 item 3). Each directory
# tests/ops/fixtures/NAME/ holds a database made by a release (make.sh): a SQLite file and a
# pg_dump text, its keys and passwords (fixture.env) and what must survive (expect.txt). Each is
# migrated by BINARY on both backends and checked: every migration of this build recorded, the
# core tables' row counts, each case's number and status (through the API), the residents'
# identity and phone numbers as the release decrypted them, the dashboards' counters equal to
# the records, logins with the old passwords, a new case on the upgraded database, and
# `gridgov audit verify` before and after it. The checks
# name no migration, so that later migrations land without touching this test.
# Prints "N passed, N failed".   Usage: tests/ops/upgrade.sh [BINARY]   (default build/gridgov)
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-build/gridgov}
DIR=$(mktemp -d /tmp/gridgov-ops-upgrade.XXXXXX)
chmod 755 "$DIR"
. tests/ops/lib.sh
trap cleanup_ops EXIT
pg_start || bad "cannot start PostgreSQL" "$DIR/pg.log"

count_sql() { # BACKEND DSN TABLE
    if [ "$1" = sqlite ]; then sqlite3 "${2#sqlite:}" "SELECT count(*) FROM $3"
    else psql -qAt "$2" -c "SELECT count(*) FROM $3"; fi
}

upgrade() { # FIXTURE-DIR BACKEND
    local fx=$1 be=$2 name dsn n want log
    name="$(basename "$fx") on $be"
    log="$DIR/$(basename "$fx")-$be.log"
    : >"$log"
    # shellcheck disable=SC1091
    . "$fx/fixture.env"
    export GRIDGOV_SECRET_KEY=$SECRET GRIDGOV_PII_KEY=$PII
    local D=(--data-dir "$DIR/data-$be")
    if [ "$be" = sqlite ]; then
        cp "$fx/gridgov.sqlite" "$DIR/u.db"
        dsn="sqlite:$DIR/u.db"
        want=$(ls src/store/schema/*.sqlite.sql | wc -l)
    else
        dsn=$(pg_db "up_$(basename "$fx")") &&
            psql -q -v ON_ERROR_STOP=1 -f "$fx/gridgov.pg.sql" "$dsn" >>"$log" 2>&1 ||
            { bad "$name: load the pg_dump" "$log"; return; }
        want=$(ls src/store/schema/*.pg.sql | wc -l)
    fi
    if ! "$BIN" init --db "$dsn" "${D[@]}" >>"$log" 2>&1; then
        bad "$name: gridgov init migrates it" "$log"
        return
    fi
    n=$(count_sql "$be" "$dsn" schema_migrations)
    [ "$n" = "$want" ] && ok "$name: migrated, $n migrations recorded" ||
        bad "$name: $n migrations recorded, this build has $want" "$log"
    : >"$DIR/counts.txt"
    while read -r kind a b; do
        [ "$kind" = count ] || continue
        n=$(count_sql "$be" "$dsn" "$a")
        [ "$n" = "$b" ] || echo "$a: $n rows, expected $b" >>"$DIR/counts.txt"
    done <"$fx/expect.txt"
    [ ! -s "$DIR/counts.txt" ] && ok "$name: the core tables keep their rows" ||
        bad "$name: row counts" "$DIR/counts.txt"
    "$BIN" audit verify --db "$dsn" "${D[@]}" >"$DIR/audit.txt" 2>&1 &&
        ok "$name: audit verify after the upgrade: $(cat "$DIR/audit.txt")" ||
        bad "$name: audit verify after the upgrade" "$DIR/audit.txt"
    # derived data: the counters behind the dashboards (where this build keeps them) must cover
    # the records the old release wrote, without a manual rebuild
    if "$BIN" help | grep -q '^  index '; then
        "$BIN" index rebuild --check --db "$dsn" "${D[@]}" >"$DIR/counters.txt" 2>&1 &&
            ok "$name: the counters equal the records after the upgrade" ||
            bad "$name: the counters kept differ from the old records after the upgrade (dashboards show too little until 'gridgov index rebuild')" "$DIR/counters.txt"
    fi
    "$BIN" export residents "$DIR/res.csv" --db "$dsn" "${D[@]}" --purpose "upgrade test" >>"$log" 2>&1
    a=$($PY tests/ops/fixtures/residents.py "$DIR/res.csv" 2>&1)
    b=$(grep '^residents ' "$fx/expect.txt")
    [ "$a" = "$b" ] && ok "$name: every resident's identity and phone number decrypts as before" ||
        bad "$name: residents '$a', expected '$b'"

    if ! start_gridgov "$DIR/server-$be.log" "$BIN" serve --db "$dsn" "${D[@]}"; then
        bad "$name: a server on the upgraded database" "$DIR/server-$be.log"
        return
    fi
    local admin bowen
    admin=$(login admin "$ADMIN_PW" 2>>"$log")
    bowen=$(login bowen "$PW" 2>>"$log")
    [ -n "$admin" ] && [ -n "$bowen" ] && ok "$name: the old passwords log in" ||
        bad "$name: login with the fixture's passwords" "$log"
    : >"$DIR/cases.txt"
    while read -r kind no status; do
        [ "$kind" = case ] || continue
        got=$(curl -sS -H "Authorization: Bearer $admin" "$BASE/api/v1/cases/by-number/$no" |
            $PY -c 'import json,sys; c=json.load(sys.stdin); print(c.get("status"))' 2>&1)
        [ "$got" = "$status" ] || echo "case $no: $got, expected $status" >>"$DIR/cases.txt"
    done <"$fx/expect.txt"
    [ ! -s "$DIR/cases.txt" ] && ok "$name: every case keeps its number and status" ||
        bad "$name: cases" "$DIR/cases.txt"
    # the upgraded database takes a new case and extends a chain
    curl -fsS -H 'Content-Type: application/json' -d '{"category":"ebike","description":"升级后的新诉求：楼道电动车","compound":1,"address":"春江花城1幢","name":"升级","phone":"13805750009","attributes":{"building":"1幢","stairwell_charging":"no"}}' \
        "$BASE/api/v1/cases" >"$DIR/new.json" 2>>"$log"
    id=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$DIR/new.json" 2>>"$log")
    first=$(curl -fsS -H "Authorization: Bearer $bowen" "$BASE/api/v1/cases/by-number/$(awk '$1 == "case" && $3 == "dispatched" {print $2; exit}' "$fx/expect.txt")" |
        $PY -c 'import json,sys; print(json.load(sys.stdin)["id"])' 2>>"$log")
    curl -fsS -H "Authorization: Bearer $bowen" -H 'Content-Type: application/json' \
        -d '{"action":"note","note":"升级后继续办理"}' "$BASE/api/v1/cases/$first/actions" >>"$log" 2>&1 &&
        [ -n "$id" ] && ok "$name: a new case and a step on an old one after the upgrade" ||
        bad "$name: writes after the upgrade" "$log"
    stop_gridgov || bad "$name: the server stops cleanly" "$DIR/server-$be.log"
    "$BIN" audit verify --db "$dsn" "${D[@]}" >"$DIR/audit.txt" 2>&1 &&
        ok "$name: audit verify after new writes: $(cat "$DIR/audit.txt")" ||
        bad "$name: audit verify after new writes" "$DIR/audit.txt"
    "$BIN" init --db "$dsn" "${D[@]}" >"$DIR/again.txt" 2>&1 && ! grep -q "applied migration" "$DIR/again.txt" &&
        ok "$name: init again applies nothing" || bad "$name: init again" "$DIR/again.txt"
    unset GRIDGOV_SECRET_KEY GRIDGOV_PII_KEY
}

for fx in tests/ops/fixtures/*/; do
    [ -f "$fx/fixture.env" ] || continue
    upgrade "${fx%/}" sqlite
    [ -n "$PG_DIR" ] && upgrade "${fx%/}" postgres
done
finish
