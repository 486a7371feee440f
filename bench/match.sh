#!/usr/bin/env bash
# Mobile party member matching at town scale: N new residents with their registrations in one
# town's grids of a demo database against M rows of party rosters from elsewhere, among which
# members of the new residents hide (exact and fuzzy), then `gridgov match mobile-members`
# timed: a first run that proposes, a second that must propose nothing new.
# Usage: bench/match.sh [--registrations 80000] [--rosters 200000] [--hidden 1000]
#                       [--place 330604112] [--keep]
# Binary: build/gridgov (override with GRIDGOV_BIN; not rebuilt here). Summary: bench/out/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

REGS=80000
ROSTERS=200000
HIDDEN=1000
PLACE=330604112 # 盖北镇
KEEP=0
GRIDGOV_BIN=${GRIDGOV_BIN:-build/gridgov}
PASS=x12345678
TIME=/usr/bin/time
GOAL=10 # seconds for a run

usage() {
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
    --registrations) REGS=${2:?} && shift 2 ;;
    --rosters) ROSTERS=${2:?} && shift 2 ;;
    --hidden) HIDDEN=${2:?} && shift 2 ;;
    --place) PLACE=${2:?} && shift 2 ;;
    --keep) KEEP=1 && shift ;;
    -h | --help) usage ;;
    *) usage ;;
    esac
done
case "$REGS$ROSTERS$HIDDEN$PLACE" in '' | *[!0-9]*) usage ;; esac
if [ "$REGS" -lt 1 ] || [ "$HIDDEN" -gt "$REGS" ] || [ $((2 * HIDDEN)) -gt "$ROSTERS" ]; then
    usage
fi

for tool in python3 sqlite3 timeout; do
    command -v "$tool" >/dev/null || {
        echo "match.sh: $tool missing; run scripts/deps.sh bench" >&2
        exit 1
    }
done
[ -x "$TIME" ] || {
    echo "match.sh: $TIME missing (package time); run scripts/deps.sh bench" >&2
    exit 1
}
[ -x "$GRIDGOV_BIN" ] || {
    echo "match.sh: $GRIDGOV_BIN missing; build it first (make)" >&2
    exit 1
}

DIR=$(mktemp -d /tmp/gridgov-match.XXXXXX)
# lib.sh removes TMP on exit; with --keep it is not given the directory.
[ "$KEEP" -eq 1 ] || TMP=$DIR
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

cp "$GRIDGOV_BIN" "$DIR/gridgov"
GG="$DIR/gridgov"
DB="$DIR/g.db"
LIMIT=$((120 + (REGS + ROSTERS) / 1000)) # seconds at most per step

mkdir -p bench/out
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="bench/out/$STAMP-match"

# timed NAME CMD...: run CMD bounded, under /usr/bin/time ("seconds max_rss_kb user_s sys_s" to
# $DIR/NAME.time, its output to $DIR/NAME.out and .err). Fails if CMD fails.
timed() {
    local name=$1 rc=0 pid
    shift
    timeout -k 10 "$LIMIT" "$TIME" -f '%e %M %U %S' -o "$DIR/$name.time" "$@" \
        >"$DIR/$name.out" 2>"$DIR/$name.err" &
    pid=$!
    PIDS=("$pid")
    wait "$pid" || rc=$?
    PIDS=()
    if [ "$rc" -ne 0 ]; then
        cat "$DIR/$name.out" "$DIR/$name.err" >&2
        [ "$rc" -ne 124 ] || die "$name: stopped after $LIMIT s"
        die "$name: exit status $rc"
    fi
}
q() { sqlite3 -cmd '.timeout 10000' "$DB" "$@"; }

echo "preparing a fresh demo database" >&2
timeout "$LIMIT" "$GG" demo --db "sqlite:$DB" --data-dir "$DIR" --no-serve --log-level warn \
    --admin-password "$PASS" --users-password "$PASS" >"$DIR/demo.log" 2>&1 || {
    cat "$DIR/demo.log" >&2
    die "gridgov demo failed"
}
# the town's grids and micro-grids (or, without any, its communities)
PLACES=$(q "SELECT group_concat(code) FROM places WHERE code LIKE '$PLACE%' AND level IN \
    ('grid', 'microgrid')")
[ -n "$PLACES" ] || PLACES=$(q "SELECT group_concat(code) FROM places WHERE code LIKE \
    '$PLACE%' AND level = 'community'")
[ -n "$PLACES" ] || die "no grid or community under $PLACE in the demo"
NPLACES=$(tr ',' '\n' <<<"$PLACES" | wc -l)
read -r RES_BASE REG_BASE ROS_BASE <<<"$(q -separator ' ' "SELECT (SELECT coalesce(max(id), 0) \
    FROM residents), (SELECT coalesce(max(id), 0) FROM registrations), (SELECT \
    coalesce(max(id), 0) FROM party_rosters)")"

echo "generating $REGS new residents and $ROSTERS roster rows ($HIDDEN hidden members)" >&2
t0=$EPOCHREALTIME
timeout "$LIMIT" python3 bench/gen_match.py --registrations "$REGS" --rosters "$ROSTERS" \
    --hidden "$HIDDEN" --false-friends "$HIDDEN" --places "$PLACES" --resident-base "$RES_BASE" \
    --dir "$DIR"
GEN_S=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')

# through gridgov's own import: identity and phone numbers sealed and hashed with its keys
for step in residents:residents registrations:registrations party-rosters:rosters; do
    echo "gridgov import ${step%%:*}" >&2
    timed "import-${step%%:*}" "$GG" import "${step%%:*}" "$DIR/${step##*:}.csv" \
        --db "sqlite:$DB" --data-dir "$DIR"
done
# the ids of the rows the files hold follow the ones before (pairs.csv names rows)
read -r NRES NREG NROS <<<"$(q -separator ' ' "SELECT (SELECT count(*) FROM residents WHERE id > \
    $RES_BASE AND id <= $RES_BASE + $REGS), (SELECT count(*) FROM registrations WHERE id > \
    $REG_BASE AND id <= $REG_BASE + $REGS), (SELECT count(*) FROM party_rosters WHERE id > \
    $ROS_BASE AND id <= $ROS_BASE + $ROSTERS)")"
[ "$NRES $NREG $NROS" = "$REGS $REGS $ROSTERS" ] || die "imported $NRES $NREG $NROS rows"

for run in first second; do
    echo "gridgov match mobile-members --place $PLACE ($run run)" >&2
    timed "match-$run" "$GG" match mobile-members --place "$PLACE" --db "sqlite:$DB" \
        --data-dir "$DIR"
done

# found: each hidden member's pair and no false friend's
q >"$DIR/recall.txt" <<EOF
CREATE TEMP TABLE want (kind TEXT, r INTEGER, p INTEGER);
.mode csv
.import $DIR/pairs.csv want
.mode list
.separator ' '
SELECT w.kind, count(*), sum(m.id IS NOT NULL), coalesce(min(m.score), '-'),
    coalesce(max(m.score), '-')
FROM want w LEFT JOIN mobile_matches m ON m.registration_id = $REG_BASE + w.r + 1
    AND m.roster_id = $ROS_BASE + w.p + 1
GROUP BY w.kind ORDER BY w.kind;
EOF

# "mobile members under P: R registrations, S roster rows, C pairs compared" /
# "F at or above T (X exact): N proposed, K already known" / "S s"
stat_of() { sed -n "$2" "$DIR/match-$1.out"; }
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
{
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
    rev=$(git rev-parse --short HEAD 2>/dev/null || echo none)
    git diff --quiet HEAD 2>/dev/null || rev="$rev (dirty)"
    echo "Matching benchmark $STAMP: $REGS new residents in $NPLACES places under $PLACE," \
        "$ROSTERS roster rows, $HIDDEN hidden members and $HIDDEN false friends"
    echo "machine: nproc=$(nproc) cpu=\"$cpu\" kernel=$(uname -r) load before=\"$LOAD\" after=\"$LOAD_AFTER\"$BUSY"
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')  git: $rev"
    echo "generation (python3): $GEN_S s; imports through gridgov:"
    for step in residents registrations party-rosters; do
        read -r s kb _ _ <"$DIR/import-$step.time"
        printf '  %-14s %s (wall %s s, peak %.0f MB)\n' "$step" \
            "$(sed -n 's/^\([0-9.]* s, [0-9]* rows\/s\)$/\1/p' "$DIR/import-$step.out")" "$s" \
            "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')"
    done
    echo
    printf '%-7s %13s %8s %10s %6s %6s %9s %6s %8s %7s %8s\n' run registrations rosters \
        compared found exact proposed known match_s wall_s peak_MB
    for run in first second; do
        read -r s kb _ _ <"$DIR/match-$run.time"
        stat_of "$run" '1p;2p;3p' | tr -d ',()' | awk -v run="$run" -v wall="$s" -v kb="$kb" '
            NR == 1 { regs = $5; rosters = $7; compared = $10 }
            NR == 2 { found = $1; exact = $6; proposed = $8; known = $10 }
            NR == 3 { secs = $1 }
            END { printf "%-7s %13s %8s %10s %6s %6s %9s %6s %8s %7s %8.0f\n", run, regs,
                  rosters, compared, found, exact, proposed, known, secs, wall, kb / 1024 }'
    done
    echo "(match_s: the command's own timer, from the open store to the stored candidates;"
    echo " wall_s and peak_MB: /usr/bin/time of the whole command)"
    echo
    echo "hidden members found (kind, rows, found, lowest and highest score):"
    sed 's/^/  /' "$DIR/recall.txt"
    first_s=$(stat_of first '3p' | cut -d' ' -f1)
    awk -v s="$first_s" -v g="$GOAL" 'BEGIN { printf "goal: a run under %d s: %s\n", g, \
        (s + 0 < g) ? "met" : "NOT met" }'
    [ "$KEEP" -eq 0 ] || echo "kept: $DIR"
} | tee "$OUT-summary.txt"
# every hidden member found, no false friend, the second run proposed nothing
awk '$1 == "false_friend" && $3 != 0 { bad = 1 } $1 != "false_friend" && $3 != $2 { bad = 1 }
    END { exit bad }' "$DIR/recall.txt"
[ "$(stat_of second '2p' | sed -n 's/.*: \([0-9]*\) proposed.*/\1/p')" = 0 ]
