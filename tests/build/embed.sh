#!/usr/bin/env bash
# tests/build/embed.sh - the Makefile regenerates the embedded files' C arrays when a file is
# added or deleted, not only when one changes: a deleted migration or web file must leave the
# binary. Runs the project's Makefile in a scratch copy with a few stand-in files (nothing of
# the worktree is touched) and prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
T=$(mktemp -d /tmp/gridgov-embed.XXXXXX)
trap 'rm -rf "$T"' EXIT
PASSED=0
FAILED=0
ok() { echo "ok - $1"; PASSED=$((PASSED + 1)); }
fail() { echo "not ok - $1"; FAILED=$((FAILED + 1)); }

mkdir -p "$T/tools" "$T/scripts" "$T/src/store/schema" "$T/web/vendor" "$T/data/x" "$T/build"
cp "$ROOT/Makefile" "$T/"
cp "$ROOT/tools/embed.c" "$T/tools/"
cp "$ROOT/scripts/deps.sh" "$ROOT/package.json" "$ROOT/package-lock.json" "$T/"
mv "$T/deps.sh" "$T/scripts/"
for f in 001_a.sqlite.sql 001_a.pg.sql 002_b.sqlite.sql 002_b.pg.sql; do
    echo "-- $f" >"$T/src/store/schema/$f"
done
echo 'one' >"$T/web/one.js"
echo 'two' >"$T/web/two.js"
echo 'code,name' >"$T/data/x/a.csv"
echo '/* stand-in */' >"$T/web/vendor/echarts.min.js"
# the stamps of installed packages, newer than what they depend on: make installs nothing here
sleep 0.01
touch "$T/build/.deps-build" "$T/build/.deps-browser"
sleep 0.01
touch "$T/build/.npm-ci"
sleep 0.01
touch "$T/web/vendor/echarts.min.js"

gen() { make -C "$T" -s build/gen/schema.c build/gen/assets.c >"$T/make.log" 2>&1; }
has() { grep -q "\"$2\"" "$T/build/gen/$1.c"; }

if gen && has schema src/store/schema/002_b.pg.sql && has assets web/two.js; then
    ok "the first build embeds every file"
else
    fail "the first build: $(tail -5 "$T/make.log")"
fi

rm "$T/src/store/schema/002_b.pg.sql" "$T/src/store/schema/002_b.sqlite.sql"
if gen && ! has schema src/store/schema/002_b.pg.sql && has schema src/store/schema/001_a.pg.sql; then
    ok "a deleted migration leaves build/gen/schema.c"
else
    fail "a deleted migration is still in build/gen/schema.c: $(tail -5 "$T/make.log")"
fi

rm "$T/web/two.js"
if gen && ! has assets web/two.js && has assets web/one.js; then
    ok "a deleted web file leaves build/gen/assets.c"
else
    fail "a deleted web file is still in build/gen/assets.c: $(tail -5 "$T/make.log")"
fi

before=$(stat -c %Y.%y "$T/build/gen/schema.c")
sleep 1.1
if gen && [ "$(stat -c %Y.%y "$T/build/gen/schema.c")" = "$before" ]; then
    ok "nothing added or deleted: build/gen/schema.c is not written again"
else
    fail "build/gen/schema.c was written again with nothing changed"
fi

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
