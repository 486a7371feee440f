#!/usr/bin/env bash
# tests/notify/run.sh BINARY DSN OUTDIR - group-chat notifications against fake robots: starts
# tests/notify/robot.py (DingTalk, WeCom, JSON and failing receivers on 127.0.0.1) and a demo
# server on DSN whose configuration allows private targets (webhook_allow_private = on: the
# robots are on loopback), with workers = off (the tests run each delivery pass with
# POST /api/v1/outbox/run), outbox_max_attempts = 1 and a local base map; runs tests/notify/*.test with
# build/api-runner, then checks what the robots received. Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=$1 DSN=$2 OUT=$3
WORK=$(mktemp -d /tmp/gridgov-notify.XXXXXX)
ROBOT_PID="" SERVER_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    [ -n "$ROBOT_PID" ] && kill "$ROBOT_PID" 2>/dev/null && wait "$ROBOT_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
DT_SECRET="SEC$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
WC_KEY="wc-$RANDOM-$RANDOM-$RANDOM"
JS_SECRET="json-$RANDOM-$RANDOM-$RANDOM"
ADMIN_PW="admin-$RANDOM-$RANDOM" PW="users-$RANDOM-$RANDOM"
PASSED=0 FAILED=0
ok() { echo "ok   $1"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL $1"; FAILED=$((FAILED + 1)); }

python3 tests/notify/robot.py "$WORK/robot.port" "$DT_SECRET" "$WC_KEY" "$JS_SECRET" 300 &
ROBOT_PID=$!
for _ in $(seq 1 50); do [ -s "$WORK/robot.port" ] && break; sleep 0.1; done
[ -s "$WORK/robot.port" ] || { fail "robot did not start"; echo "0 passed, 1 failed"; exit 1; }
ROBOT="127.0.0.1:$(cat "$WORK/robot.port")"

cat >"$WORK/gridgov.conf" <<CONF
webhook_allow_private = on
workers = off
outbox_max_attempts = 1
public_url = https://gridgov.example.cn/
map_tiles = local
map_tile_dir = $WORK/tiles
CONF
mkdir -p "$WORK/tiles/3/6" # one tile of the local base map (0811-map-tiles.test)
printf '\211PNG\r\n\032\n' >"$WORK/tiles/3/6/3.png"
started=0
for try in 1 2 3; do
    port=$((20000 + RANDOM % 20000))
    "$BIN" demo --config "$WORK/gridgov.conf" --db "$DSN" --data-dir "$WORK/data" \
        --listen "127.0.0.1:$port" --admin-password "$ADMIN_PW" --users-password "$PW" \
        --threads 4 >"$OUT/server-notify.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 300); do
        if grep -q "serving on http://127.0.0.1:$port/" "$OUT/server-notify.log" 2>/dev/null &&
            curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
            started=1
            break 2
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
done
[ "$started" = 1 ] || { fail "server did not start"; tail -20 "$OUT/server-notify.log"; echo "0 passed, 1 failed"; exit 1; }

build/api-runner --base "http://127.0.0.1:$port" --var ADMIN_PW="$ADMIN_PW" --var PW="$PW" \
    --var ROBOT="$ROBOT" --var DT_SECRET="$DT_SECRET" --var WC_KEY="$WC_KEY" \
    --var JS_SECRET="$JS_SECRET" tests/notify/*.test >"$WORK/api.txt" 2>&1
grep -v '^[0-9]* passed' "$WORK/api.txt"
PASSED=$((PASSED + $(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$WORK/api.txt" | tail -1)))
FAILED=$((FAILED + $(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$WORK/api.txt" | tail -1)))

# what the robots saw (they verified signatures and shapes themselves)
curl -fsS "http://$ROBOT/received" >"$WORK/received.json" || fail "robot: GET /received"
while read -r verdict name; do
    if [ "$verdict" = ok ]; then ok "$name"; else fail "$name"; fi
done < <(python3 - "$WORK/received.json" <<'PY'
import json, sys
got = json.load(open(sys.argv[1]))
def check(name, cond):
    print(("ok" if cond else "FAIL"), name)
dt_ok = [r for r in got if r["path"] == "/dingtalk" and r["ok"]]
check("robot: one correctly signed DingTalk markdown message for the new case",
      len(dt_ok) == 1 and dt_ok[0]["body"]["markdown"]["title"].startswith("新诉求 ")
      and "[查看案卷](https://gridgov.example.cn/#/cases/" in dt_ok[0]["body"]["markdown"]["text"]
      and "- 案卷号：" in dt_ok[0]["body"]["markdown"]["text"]
      and "access_token=t0810&timestamp=" in dt_ok[0]["query"])
check("robot: the wrong DingTalk secret was refused (sign not match), twice",
      len([r for r in got if r["path"] == "/dingtalk" and r["why"] == "sign not match"]) == 2)
wc = [r for r in got if r["path"] == "/wecom" and "t=0812" not in r["query"]]
check("robot: WeCom got the new case and the dispatch, as markdown",
      len(wc) == 2 and all(r["ok"] for r in wc)
      and wc[1]["body"]["markdown"]["content"].startswith("#### 【网格智治】已派遣 ")
      and "- 承办部门：区住房和城乡建设局" in wc[1]["body"]["markdown"]["content"])
js = [r for r in got if r["path"] == "/json" and "t=0812" not in r["query"]]
check("robot: the department's JSON receiver got the dispatch, signed",
      len(js) == 1 and js[0]["ok"] and js[0]["body"]["event"] == "dispatched"
      and js[0]["body"]["case"]["url"].startswith("https://gridgov.example.cn/#/cases/"))
check("robot: another street's channel heard nothing",
      not [r for r in got if "t0810c" in r["query"]])
# 0812: the index warning of 博文社区第二网格, once, to 曹娥街道's WeCom group and a signed webhook
iw = [r for r in got if r["path"] == "/wecom" and "t=0812" in r["query"]]
check("robot: 曹娥街道's WeCom group got the index warning once, as markdown",
      len(iw) == 1 and iw[0]["ok"] and "指数预警" in iw[0]["body"]["markdown"]["content"]
      and "博文社区第二网格" in iw[0]["body"]["markdown"]["content"]
      and "下降 6.4 分" in iw[0]["body"]["markdown"]["content"])
ij = [r for r in got if r["path"] == "/json" and "t=0812" in r["query"]]
check("robot: the signed webhook got index.warning once, signed",
      len(ij) == 1 and ij[0]["ok"] and ij[0]["body"]["event"] == "index.warning"
      and ij[0]["body"]["place"] == "330604002007002" and ij[0]["body"]["change"] == -6.4)
PY
)
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
