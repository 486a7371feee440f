#!/usr/bin/env bash
# Full-text case search at district scale: the first page of ?q= as the district admin and as a
# grid worker, against the plain first page (GET /api/v1/cases?limit=20, one indexed SELECT ...
# LIMIT 20) on the same run.
# Usage: bench/search.sh --dir DIR [--runs N] [--terms "电动车 噪声 ..."]
# DIR holds a dataset made by `bench/dataset.sh --dir DIR` (1M cases by default). The script
# applies gridgov's migrations to it first (015 rebuilds the full-text index: about 30 s on 1M
# cases) and sets the demo grid worker's password. Every query gets one cold request, then RUNS
# timed ones (curl time_total over loopback); median and p95 are over all the timed requests of
# a user's terms together, and per term. Results go to bench/out/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DIR=
RUNS=20
TERMS="电动车 噪声 垃圾清运 楼道 海关AEO 路灯 不存在的词"
GRIDGOV_BIN=${GRIDGOV_BIN:-build/gridgov}
PASS=bench-pass-1
GRIDWORKER=gridworker # grid_worker @ 330604002007001 (博文社区第一网格)

usage() {
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
    --dir) DIR=${2:?} && shift 2 ;;
    --runs) RUNS=${2:?} && shift 2 ;;
    --terms) TERMS=${2:?} && shift 2 ;;
    *) usage ;;
    esac
done
[ -n "$DIR" ] || usage
case "$RUNS" in '' | *[!0-9]*) usage ;; esac
[ -f "$DIR/dataset.db" ] || {
    echo "search.sh: no $DIR/dataset.db: make one with bench/dataset.sh --dir $DIR" >&2
    exit 1
}
for tool in curl sqlite3; do
    command -v "$tool" >/dev/null || {
        echo "search.sh: $tool missing; run scripts/deps.sh bench" >&2
        exit 1
    }
done
[ -x "$GRIDGOV_BIN" ] || make -s "$GRIDGOV_BIN"

TMP=$(mktemp -d /tmp/gridgov-search.XXXXXX)
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
DIR=$(cd "$DIR" && pwd)
DB="$DIR/dataset.db"
cp "$GRIDGOV_BIN" "$TMP/gridgov"
GG="$TMP/gridgov"
mkdir -p bench/out
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="bench/out/$STAMP-search.txt"

t0=$EPOCHREALTIME
"$GG" init --db "sqlite:$DB" --data-dir "$DIR" --log-level info >"$TMP/init.txt" 2>&1 || {
    cat "$TMP/init.txt" >&2
    die "gridgov init failed"
}
INIT_SECONDS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
MIGRATED=$(grep -o 'applied migration [^ ]*' "$TMP/init.txt" | sed 's/applied migration //' |
    tr '\n' ' ' || true)
GRIDGOV_PASSWORD=$PASS "$GG" user passwd "$GRIDWORKER" --db "sqlite:$DB" --data-dir "$DIR" \
    --log-level warn >/dev/null 2>&1 || die "could not set $GRIDWORKER's password"
read -r NCASES <<<"$(sqlite3 "$DB" 'SELECT count(*) FROM cases')"

PORT=
for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then PORT=$p && break; fi
done
[ -n "$PORT" ] || die "no free port found"
URL="http://127.0.0.1:$PORT"
printf 'workers = off\n' >"$TMP/gridgov.conf" # no scheduler: the data stays as generated
"$GG" serve --db "sqlite:$DB" --data-dir "$DIR" --listen "127.0.0.1:$PORT" --log-level warn \
    --config "$TMP/gridgov.conf" >"$TMP/gridgov.log" 2>&1 &
PIDS+=($!)
for i in $(seq 1 600); do
    curl -fsS -o /dev/null --max-time 1 "$URL/healthz" 2>/dev/null && break
    kill -0 "${PIDS[0]}" 2>/dev/null || {
        cat "$TMP/gridgov.log" >&2
        die "the server exited"
    }
    [ "$i" -lt 600 ] || die "the server did not answer within 60 s"
    sleep 0.1
done

login() {
    local body token
    body=$(curl -sS --max-time 30 -X POST -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"$PASS\"}" "$URL/api/v1/session")
    token=$(sed -n 's/.*"token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' <<<"$body")
    [ -n "$token" ] || die "login as $1 failed: $body"
    echo "$token"
}

# time_once TOKEN PATH: prints "seconds items http"
time_once() {
    local out
    out=$(curl -sS -o "$TMP/body" -w '%{time_total} %{http_code}' --max-time 120 \
        -H "Authorization: Bearer $1" "$URL$2") || out="120 000"
    echo "${out% *} $(grep -o '"case_no":' "$TMP/body" | wc -l) ${out#* }"
}

# stats FILE: "p50_ms p95_ms n" of the seconds in FILE
stats() {
    sort -g "$1" | awk '{ v[NR] = $1 * 1000 } END {
        p50 = v[int((NR + 1) / 2)]; i95 = int(NR * 0.95 + 0.999); if (i95 < 1) i95 = 1
        printf "%.1f %.1f %d\n", p50, v[i95], NR }'
}

urlenc() {
    local s=$1 i c out=
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in [a-zA-Z0-9.~_-]) out+=$c ;; *) out+=$(printf '%s' "$c" | od -An -tx1 |
            tr -d ' \n' | sed 's/\(..\)/%\1/g') ;; esac
    done
    echo "$out"
}

: >"$TMP/table"
bad=0
for user in admin "$GRIDWORKER"; do
    token=$(login "$user")
    : >"$TMP/$user-search"
    # the baseline, then each term: one cold request, RUNS timed, interleaved by round so that
    # the machine's load falls on all of them alike
    read -r cold items code <<<"$(time_once "$token" "/api/v1/cases?limit=20")"
    echo "$user baseline cold $cold $items $code" >>"$TMP/cold"
    for term in $TERMS; do
        urlenc "$term" >"$TMP/enc-$term"
        read -r cold items code <<<"$(time_once "$token" "/api/v1/cases?limit=20&q=$(<"$TMP/enc-$term")")"
        echo "$user $term cold $cold $items $code" >>"$TMP/cold"
        [ "$code" = 200 ] || bad=1
    done
    for _ in $(seq 1 "$RUNS"); do
        read -r t items code <<<"$(time_once "$token" "/api/v1/cases?limit=20")"
        echo "$t" >>"$TMP/$user-baseline"
        for term in $TERMS; do
            enc=$(<"$TMP/enc-$term")
            read -r t items code <<<"$(time_once "$token" "/api/v1/cases?limit=20&q=$enc")"
            echo "$t" >>"$TMP/$user-term-$enc"
            echo "$t" >>"$TMP/$user-search"
            [ "$code" = 200 ] || bad=1
            echo "$term $items" >"$TMP/$user-items-$enc"
        done
    done
    read -r p50 p95 n <<<"$(stats "$TMP/$user-baseline")"
    printf '%-11s %-22s %6s %9s %9s %9s %5s\n' "$user" "baseline (no q)" 20 \
        "$(awk -v u="$user" '$1 == u && $2 == "baseline" { printf "%.1f", $4 * 1000 }' "$TMP/cold")" \
        "$p50" "$p95" "$n" >>"$TMP/table"
    for term in $TERMS; do
        enc=$(<"$TMP/enc-$term")
        read -r p50 p95 n <<<"$(stats "$TMP/$user-term-$enc")"
        read -r _ items <"$TMP/$user-items-$enc"
        printf '%-11s %-22s %6s %9s %9s %9s %5s\n' "$user" "q=$term" "$items" \
            "$(awk -v u="$user" -v t="$term" '$1 == u && $2 == t { printf "%.1f", $4 * 1000 }' "$TMP/cold")" \
            "$p50" "$p95" "$n" >>"$TMP/table"
    done
    read -r p50 p95 n <<<"$(stats "$TMP/$user-search")"
    printf '%-11s %-22s %6s %9s %9s %9s %5s\n' "$user" "all terms" - - "$p50" "$p95" "$n" >>"$TMP/table"
done

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
{
    rev=$(git rev-parse --short HEAD 2>/dev/null || echo none)
    git diff --quiet HEAD 2>/dev/null || rev="$rev (dirty)"
    echo "Search benchmark $STAMP: $NCASES cases in $DB"
    echo "machine: nproc=$(nproc) kernel=$(uname -r) load before=\"$LOAD\"$BUSY after=\"$LOAD_AFTER\""
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')  git: $rev"
    echo "gridgov init: $INIT_SECONDS s${MIGRATED:+, applied $MIGRATED}"
    echo
    echo "GET /api/v1/cases?limit=20[&q=TERM], curl time_total over loopback, ms:"
    printf '%-11s %-22s %6s %9s %9s %9s %5s\n' user query items cold_ms p50_ms p95_ms runs
    cat "$TMP/table"
    echo "(items: cases on the first page, at most 20; 'all terms': every timed search of the"
    echo " user together; goal: the first page of a search under 100 ms)"
} | tee "$OUT"
[ "$bad" -eq 0 ] || die "a request did not answer 200"
