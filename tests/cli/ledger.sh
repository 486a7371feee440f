#!/usr/bin/env bash
# tests/cli/ledger.sh - `gridgov audit verify` over the ledger's chains: the demo's 舜源村
# accounts verify clean; an approved amount edited by hand in the database, a chain row's note
# edited, or an entry set to approved behind the server's back each make it fail (exit 1) and
# name the entry. Prints "N passed, N failed".
# Usage: tests/cli/ledger.sh [BINARY]   (default build/gridgov)
set -uo pipefail
BIN=${1:-build/gridgov}
DIR=$(mktemp -d /tmp/gridgov-cli-ledger.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
PASSED=0
FAILED=0
ok() { PASSED=$((PASSED + 1)); echo "ok   $1"; }
bad() { FAILED=$((FAILED + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' "$2" | head -20; }
PY=python3
command -v /usr/bin/python3 >/dev/null && PY=/usr/bin/python3
G=(--db "sqlite:$DIR/g.db" --data-dir "$DIR/data")
q() { $PY -c "
import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); r=c.execute(sys.argv[2]).fetchall(); c.commit()
print(r[0][0] if r else '')" "$DIR/g.db" "$1"; }

"$BIN" demo "${G[@]}" --no-serve --admin-password cli-test-1 --users-password cli-test-1 \
    >"$DIR/demo.log" 2>&1 || { bad "demo database" "$DIR/demo.log"; echo "$PASSED passed, $FAILED failed"; exit 1; }

verify() { "$BIN" audit verify "${G[@]}" >"$DIR/v.log" 2>&1; }
if verify && grep -q "^51 ledger entries, 93 rows: chain intact" "$DIR/v.log"; then
    ok "demo ledger verifies clean"
else
    bad "demo ledger verifies clean" "$DIR/v.log"
fi

id=$(q "SELECT id FROM ledger_entries WHERE status = 'approved' AND note = '土地发包收入' AND entry_date = '2026-03-20'")
q "UPDATE ledger_entries SET amount = amount + 100 WHERE id = $id" >/dev/null
if ! verify && grep -q "ledger entry $id: its content differs from the approved content" "$DIR/v.log"; then
    ok "an approved amount edited by hand is found"
else
    bad "an approved amount edited by hand is found" "$DIR/v.log"
fi
q "UPDATE ledger_entries SET amount = amount - 100 WHERE id = $id" >/dev/null
verify && ok "restored: clean again" || bad "restored: clean again" "$DIR/v.log"

rej=$(q "SELECT id FROM ledger_entries WHERE status = 'rejected'")
q "UPDATE ledger_events SET note = '同意' WHERE entry_id = $rej AND action = 'reject'" >/dev/null
if ! verify && grep -q "ledger entry $rej: timeline row 2 was edited or inserted" "$DIR/v.log"; then
    ok "a rejection's reason edited by hand is found"
else
    bad "a rejection's reason edited by hand is found" "$DIR/v.log"
fi

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
