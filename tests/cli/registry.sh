#!/usr/bin/env bash
# tests/cli/registry.sh - `gridgov import` and `gridgov export` of a registry as a district clerk
# uses them: a GBK file with Chinese headers and three bad rows (dry run: each bad row named,
# nothing stored; --valid-only: the rest stored), no identity or phone number in clear in the
# database file, a CSV export that Excel opens (BOM) masked unless --purpose, and an XLSX
# export that is a real workbook. Prints "N passed, N failed".
# Usage: tests/cli/registry.sh [BINARY]   (default build/gridgov)
set -uo pipefail
BIN=${1:-build/gridgov}
DIR=$(mktemp -d /tmp/gridgov-cli.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
PASSED=0
FAILED=0
ok() { PASSED=$((PASSED + 1)); echo "ok   $1"; }
bad() { FAILED=$((FAILED + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' "$2" | head -20; }
PY=python3
command -v /usr/bin/python3 >/dev/null && PY=/usr/bin/python3
G=(--db "sqlite:$DIR/g.db" --data-dir "$DIR/data")

# identity numbers with valid check digits, born in 1980, Shangyu's region code
idn() { $PY -c "
import sys
b='33060419800101%03d' % int(sys.argv[1])
w=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]
print(b+'10X98765432'[sum(int(c)*k for c,k in zip(b,w))%11])" "$1"; }

"$BIN" demo "${G[@]}" --no-serve --admin-password cli-test-1 --users-password cli-test-1 \
    >"$DIR/demo.log" 2>&1 || { bad "demo database" "$DIR/demo.log"; echo "$PASSED passed, $FAILED failed"; exit 1; }
count() { $PY -c "
import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM residents').fetchone()[0])" "$DIR/g.db"; }
before=$(count)

{
    echo "姓名,身份证号,手机号,网格,住址,类别"
    echo "导入甲,$(idn 901),13700000001,330604002007001,博文路1号,户籍居民"
    echo "导入乙,$(idn 902)x,13700000002,330604002007001,博文路2号,户籍居民"     # 19 characters
    echo "导入丙,$(idn 903),13700000003,330604002007002,\"博文路3号,东\",新居民"
    echo "导入丁,$(idn 904),1370000,330604002007002,博文路4号,户籍居民"          # phone
    echo "导入戊,$(idn 905),13700000005,330604002999001,博文路5号,户籍居民"      # no such grid
    echo "导入己,$(idn 906),13700000006,330604002007003,博文路6号,新居民"
} >"$DIR/people.utf8.csv"
iconv -f UTF-8 -t GB18030 "$DIR/people.utf8.csv" >"$DIR/people.csv"

# dry run: three bad rows named with their line, nothing stored
"$BIN" import residents "$DIR/people.csv" "${G[@]}" --dry-run >"$DIR/dry.out" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q "^row 3, 身份证号:" "$DIR/dry.out" && grep -q "^row 5, 手机号:" "$DIR/dry.out" &&
    grep -q "^row 6, 网格:" "$DIR/dry.out" && grep -q "6 rows read (gb18030), 3 valid, 3 bad, 0 stored" "$DIR/dry.out" &&
    [ "$(count)" = "$before" ]; then ok "dry run of a GBK file names its three bad rows and stores nothing"
else bad "dry run of a GBK file (rc $rc)" "$DIR/dry.out"; fi

# a real run without --valid-only stores nothing either
"$BIN" import residents "$DIR/people.csv" "${G[@]}" >"$DIR/all.out" 2>&1
if [ $? -ne 0 ] && [ "$(count)" = "$before" ]; then ok "a real run with bad rows stores nothing"
else bad "a real run with bad rows" "$DIR/all.out"; fi

# --valid-only stores the three good rows
"$BIN" import residents "$DIR/people.csv" "${G[@]}" --valid-only >"$DIR/valid.out" 2>&1
if [ $? -eq 0 ] && [ "$(count)" = "$((before + 3))" ] && grep -q "3 stored" "$DIR/valid.out"; then
    ok "--valid-only stores the valid rows"
else bad "--valid-only" "$DIR/valid.out"; fi

# the same file again: every row now a duplicate or bad
"$BIN" import residents "$DIR/people.csv" "${G[@]}" --valid-only >"$DIR/again.out" 2>&1
if [ "$(count)" = "$((before + 3))" ] && grep -q "0 stored" "$DIR/again.out" && grep -q "已登记" "$DIR/again.out"; then
    ok "importing the same people twice stores no duplicate"
else bad "second import" "$DIR/again.out"; fi

# nothing personal in clear in the database file (WAL checkpointed by the CLI's close)
$PY - "$DIR/g.db" "$(idn 901)" 13700000001 >"$DIR/clear.out" 2>&1 <<'PYEOF'
import sys, glob
data = b''.join(open(p, 'rb').read() for p in glob.glob(sys.argv[1] + '*'))
leaks = [s for s in sys.argv[2:] if s.encode() in data]
print('in clear:', leaks) if leaks else print('none in clear')
sys.exit(1 if leaks else 0)
PYEOF
if [ $? -eq 0 ]; then ok "the database holds no identity or phone number in clear"
else bad "numbers in clear" "$DIR/clear.out"; fi

# CSV export: BOM, Chinese headers, masked
"$BIN" export residents "$DIR/out.csv" "${G[@]}" --place 330604002007 >"$DIR/exp.out" 2>&1
if [ $? -eq 0 ] && head -c 3 "$DIR/out.csv" | od -An -tx1 | grep -q "ef bb bf" &&
    grep -q "身份证号" "$DIR/out.csv" && grep -q "330604\*\*\*\*\*\*\*\*" "$DIR/out.csv" &&
    ! grep -q "$(idn 901)" "$DIR/out.csv"; then ok "CSV export for Excel, masked"
else bad "CSV export" "$DIR/exp.out"; fi

# unmasked with a purpose, and logged
"$BIN" export residents "$DIR/clear.csv" "${G[@]}" --purpose "核对户籍" >"$DIR/exp2.out" 2>&1
if [ $? -eq 0 ] && grep -q "$(idn 901)" "$DIR/clear.csv" && $PY -c "
import sqlite3,sys
n = sqlite3.connect(sys.argv[1]).execute(\"SELECT count(*) FROM audit_log WHERE action='pii.export' AND detail LIKE '%核对户籍%'\").fetchone()[0]
sys.exit(0 if n == 1 else 1)" "$DIR/g.db"; then ok "unmasked export with a purpose, in the access log"
else bad "unmasked export" "$DIR/exp2.out"; fi

# XLSX: a workbook whose sheet holds the rows
"$BIN" export residents "$DIR/out.xlsx" "${G[@]}" >"$DIR/xlsx.out" 2>&1
rows=$(grep -o '[0-9]* rows' "$DIR/xlsx.out" | cut -d' ' -f1)
if [ $? -eq 0 ] && $PY - "$DIR/out.xlsx" "$rows" <<'PYEOF'
import sys, zipfile, re
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
sheet = z.read('xl/worksheets/sheet1.xml').decode()
shared = z.read('xl/sharedStrings.xml').decode() if 'xl/sharedStrings.xml' in z.namelist() else sheet
assert len(re.findall(r'<row ', sheet)) == int(sys.argv[2]) + 1, 'rows'
assert '身份证号' in shared and '导入甲' in shared
PYEOF
then ok "XLSX export is a workbook with every row"
else bad "XLSX export" "$DIR/xlsx.out"; fi

# usage errors
"$BIN" import nosuchregistry "$DIR/people.csv" "${G[@]}" >/dev/null 2>&1
r1=$?
"$BIN" import residents "$DIR/people.csv" "${G[@]}" --encoding latin1 >/dev/null 2>&1
r2=$?
if [ $r1 -eq 2 ] && [ $r2 -eq 2 ]; then ok "unknown registry and encoding are usage errors"
else bad "usage errors ($r1, $r2)"; fi

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
