#!/usr/bin/env bash
# tests/lint.sh - style and static analysis: clang-format must leave every C file unchanged,
# cppcheck must find nothing in src/.
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
exit $rc
