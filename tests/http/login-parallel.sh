#!/usr/bin/env bash
# tests/http/login-parallel.sh BASE - login throttling under parallel attempts (issue 13, item
# 13). 20 wrong passwords for one username sent at once must see at most LOGIN_MAX_USER (5)
# answers other than 429: the count and the check are one write transaction. The username does
# not exist, so no other test's account is locked. Prints "N passed, N failed".
set -uo pipefail
BASE=${1:?usage: login-parallel.sh http://127.0.0.1:PORT}
PASS=0
FAIL=0
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
USER="parallel$RANDOM$$"
pids=()
for i in $(seq 1 20); do
    curl -s --noproxy '*' -o /dev/null -w '%{http_code}\n' --max-time 30 \
        -H 'Content-Type: application/json' \
        -d "{\"username\":\"$USER\",\"password\":\"wrong-password-$i\"}" \
        "$BASE/api/v1/session" >"$DIR/$i" &
    pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
codes=$(cat "$DIR"/* | sort | uniq -c | tr '\n' ' ')
through=$(cat "$DIR"/* | grep -vc '^429$')
if [ "$through" -le 5 ] && [ "$(cat "$DIR"/* | grep -c '^401$')" -ge 1 ]; then
    echo "ok   login-parallel ($codes)"
    PASS=$((PASS + 1))
else
    echo "FAIL login-parallel: $through of 20 parallel wrong logins were not refused with 429 ($codes)"
    FAIL=$((FAIL + 1))
fi
echo "$PASS passed, $FAIL failed"
