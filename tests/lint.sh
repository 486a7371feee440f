#!/usr/bin/env bash
# tests/lint.sh - style and static analysis: clang-format must leave every C file unchanged,
# cppcheck must find nothing in src/, and src/http and src/cli hold no SQL.
set -uo pipefail
cd "$(dirname "$0")/.."
rc=0
files=$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'bench/*.c' 'tools/*.c' 2>/dev/null)
[ -n "$files" ] || files=$(find src tests bench tools -name '*.[ch]')
# shellcheck disable=SC2086
if ! clang-format --dry-run --Werror $files; then
    echo "lint: run 'make format' to fix the formatting above"
    rc=1
fi
if ! cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,performance,portability \
    --inline-suppr --suppress=missingIncludeSystem -D_GNU_SOURCE -Isrc -Ibuild/gen src; then
    echo "lint: cppcheck found the problems above"
    rc=1
fi
# SQL and transactions belong to store/ and domain/ (docs/decisions.md): no handler or command
# may run a statement or spell one. Uppercase keywords are how the project writes SQL.
sql_calls='\bdb_(query|exec|script)\b'
sql_text='"[^"]*\b(SELECT\b[^"]*\bFROM|INSERT INTO|UPDATE [A-Za-z_]+ SET|DELETE FROM|WHERE|ORDER BY|GROUP BY|ON CONFLICT|(CREATE|DROP|ALTER) (TABLE|INDEX|VIEW))\b|"(SELECT|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|WITH) '
if grep -rnE "$sql_calls|$sql_text" --include='*.c' --include='*.h' --include='*.def' src/http src/cli; then
    echo "lint: SQL in src/http or src/cli above; move it into a domain function"
    rc=1
fi
exit $rc
