#!/usr/bin/env bash
# tests/cli/calendar.sh - `gridgov calendar import FILE` (issue 13 item 3): a new year's holidays
# in the CSV format of data/calendar (date,kind,name; a BOM and CRLF as Excel writes them are
# fine) are stored in one transaction and the command says how far the calendar now reaches; a
# bad line imports nothing and names its line; importing again replaces the days it names. The
# year 2090 is test data, not a schedule. Prints "N passed, N failed".
# Usage: tests/cli/calendar.sh [BINARY]   (default build/gridgov)
set -uo pipefail
BIN=${1:-build/gridgov}
DIR=$(mktemp -d /tmp/gridgov-cli-cal.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
PASSED=0
FAILED=0
ok() { PASSED=$((PASSED + 1)); echo "ok   $1"; }
bad() { FAILED=$((FAILED + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' "$2" | head -20; }
PY=python3
command -v /usr/bin/python3 >/dev/null && PY=/usr/bin/python3
G=(--db "sqlite:$DIR/g.db" --data-dir "$DIR/data")
q() { $PY -c "
import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$DIR/g.db" "$1"; }

"$BIN" init "${G[@]}" >"$DIR/init.log" 2>&1 || { bad "init" "$DIR/init.log"; echo "$PASSED passed, $FAILED failed"; exit 1; }
before=$(q "SELECT count(*) FROM calendar_days")

"$BIN" calendar import "${G[@]}" >"$DIR/usage.out" 2>&1
if [ $? -eq 2 ] && grep -q "usage: gridgov calendar import" "$DIR/usage.out"; then ok "without a file: usage, exit 2"
else bad "usage" "$DIR/usage.out"; fi

printf 'date,kind,name\n2090-01-01,holiday,测试元旦\n2090-01-02,holiday,测试元旦\n2090-13-01,holiday,坏日期\n' >"$DIR/bad.csv"
"$BIN" calendar import "$DIR/bad.csv" "${G[@]}" >"$DIR/bad.out" 2>&1
if [ $? -eq 1 ] && grep -q "nothing imported" "$DIR/bad.out" && grep -q "line 4" "$DIR/bad.out" &&
    [ "$(q "SELECT count(*) FROM calendar_days")" = "$before" ]; then ok "a bad line imports nothing and is named"
else bad "a bad line" "$DIR/bad.out"; fi

printf '\xEF\xBB\xBFdate,kind,name\r\n2090-01-01,holiday,测试元旦\r\n2090-01-06,workday,测试调休\r\n' >"$DIR/y2090.csv"
"$BIN" calendar import "$DIR/y2090.csv" "${G[@]}" >"$DIR/good.out" 2>&1
if [ $? -eq 0 ] && grep -q "^2 days imported; the calendar covers through 2090-12-31" "$DIR/good.out" &&
    [ "$(q "SELECT count(*) FROM calendar_days")" = "$((before + 2))" ] &&
    [ "$(q "SELECT kind || ' ' || source FROM calendar_days WHERE day = '2090-01-06'")" = "workday import" ]; then
    ok "a year with a BOM and CRLF is imported and the horizon reported"
else bad "import of 2090" "$DIR/good.out"; fi

printf 'date,kind,name\n2090-01-06,holiday,测试更正\n' >"$DIR/fix.csv"
"$BIN" calendar import "$DIR/fix.csv" "${G[@]}" >"$DIR/fix.out" 2>&1
if [ $? -eq 0 ] && [ "$(q "SELECT kind || ' ' || name FROM calendar_days WHERE day = '2090-01-06'")" = "holiday 测试更正" ] &&
    [ "$(q "SELECT count(*) FROM calendar_days")" = "$((before + 2))" ]; then ok "importing again replaces the days it names"
else bad "re-import" "$DIR/fix.out"; fi

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
