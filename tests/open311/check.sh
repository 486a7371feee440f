#!/usr/bin/env bash
# tests/open311/check.sh - validate gridgov's Open311 GeoReport v2 answers against the JSON
# Schemas of ../shared/specs/open311-schema (open311/schema-validation) with python3-jsonschema,
# and check what the schemas cannot say: w3 date-times with an offset, the XML form carrying the
# same fields as the JSON one, and no reporter contact details in public answers.
#
#   bash tests/open311/check.sh                       start a demo server (build/gridgov) and check it
#   bash tests/open311/check.sh --base URL --admin-pw PW   check a running demo server
#
# It creates an API key and a few requests (so use a demo or test database). Prints one line per
# check and "N passed, N failed"; exits 1 on a failure, 2 when no validator is installed
# (Debian: apt-get install python3-jsonschema).
set -uo pipefail
cd "$(dirname "$0")/../.."

BASE="" ADMIN_PW="" SCHEMAS=${OPEN311_SCHEMAS:-../shared/specs/open311-schema}
while [ $# -gt 0 ]; do
    case "$1" in
    --base) BASE=$2; shift 2 ;;
    --admin-pw) ADMIN_PW=$2; shift 2 ;;
    --schemas) SCHEMAS=$2; shift 2 ;;
    *) echo "usage: $0 [--base URL --admin-pw PW] [--schemas DIR]" >&2; exit 2 ;;
    esac
done
[ -f "$SCHEMAS/request.json" ] || SCHEMAS=/work/shared/specs/open311-schema
[ -f "$SCHEMAS/request.json" ] || { echo "check.sh: no schemas in $SCHEMAS" >&2; exit 2; }

PY=""
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import jsonschema' 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
    echo "check.sh: no python3 with jsonschema; install python3-jsonschema" >&2
    exit 2
fi

SERVER_PID="" WORK=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    [ -n "$WORK" ] && rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "$BASE" ]; then
    [ -x build/gridgov ] || { echo "check.sh: build/gridgov is missing (make build/gridgov)" >&2; exit 2; }
    WORK=$(mktemp -d /tmp/gridgov-open311.XXXXXX)
    while :; do
        port=$((20000 + RANDOM % 20000))
        (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
    done
    ADMIN_PW="admin-$RANDOM-$RANDOM"
    BASE="http://127.0.0.1:$port"
    build/gridgov demo --db "sqlite:$WORK/o311.db" --data-dir "$WORK/data" \
        --listen "127.0.0.1:$port" --admin-password "$ADMIN_PW" \
        --users-password "users-$RANDOM-$RANDOM" --threads 4 >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
        sleep 0.1
    done
fi
[ -n "$ADMIN_PW" ] || { echo "check.sh: --admin-pw is required with --base" >&2; exit 2; }

"$PY" - "$BASE" "$ADMIN_PW" "$SCHEMAS" <<'PYEOF'
import json, re, sys, urllib.request, urllib.parse, urllib.error, xml.etree.ElementTree as ET
import jsonschema

base, admin_pw, schemas = sys.argv[1], sys.argv[2], sys.argv[3]
api = base + "/open311/v2"
passed = failed = 0

def result(name, problems):
    global passed, failed
    if problems:
        failed += 1
        print("FAIL %s: %s" % (name, "; ".join(problems[:5])))
    else:
        passed += 1
        print("ok   %s" % name)

def http(method, url, body=None, headers=None):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()

def get_json(path):
    st, ct, body = http("GET", api + path)
    if st != 200 or not ct.startswith("application/json"):
        raise RuntimeError("GET %s: %d %s %r" % (path, st, ct, body[:200]))
    return json.loads(body)

def load(name):
    with open("%s/%s" % (schemas, name)) as f:
        return json.load(f)

request_schema = load("request.json")
requests_schema = load("requests.json")
requests_schema["items"] = dict(request_schema, **{k: v for k, v in requests_schema["items"].items() if k != "$ref"})
services_schema = load("services.json")
services_schema["items"] = dict(load("service.json"), **{k: v for k, v in services_schema["items"].items() if k != "$ref"})
definition_schema = load("service-definition.json")

W3 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")

def schema_problems(doc, schema):
    v = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    return ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "$", e.message)
            for e in v.iter_errors(doc)]

def request_extra_problems(reqs):
    out = []
    for r in reqs:
        for k in ("requested_datetime", "updated_datetime", "expected_datetime"):
            if r.get(k) is not None and not W3.match(r[k]):
                out.append("%s %s=%r is not a w3 date-time" % (r.get("service_request_id"), k, r[k]))
        if r.get("media_url") is not None and not URI.match(r["media_url"]):
            out.append("media_url %r is not a URI" % r["media_url"])
    return out

# XML: the same fields, values and order as the JSON answer (Spark convention).
LISTS = {"services": "service", "service_requests": "request", "errors": "error",
         "attributes": "attribute", "values": "value", "endpoints": "endpoint",
         "formats": "format", "notes": "note"}

def scalar(v):
    if v is None: return ""
    if v is True: return "true"
    if v is False: return "false"
    if isinstance(v, float): return repr(float("%.15g" % v))
    return str(v)

def xml_matches(el, name, v, path, out):
    if el.tag != name:
        out.append("%s: element <%s>, want <%s>" % (path, el.tag, name)); return
    if isinstance(v, dict):
        kids = list(el)
        if [k.tag for k in kids] != list(v.keys()):
            out.append("%s: children %s, want %s" % (path, [k.tag for k in kids], list(v.keys()))); return
        for k, (key, val) in zip(kids, v.items()):
            xml_matches(k, key, val, path + "/" + key, out)
    elif isinstance(v, list):
        kids = list(el)
        if len(kids) != len(v):
            out.append("%s: %d items, want %d" % (path, len(kids), len(v))); return
        for i, (k, val) in enumerate(zip(kids, v)):
            xml_matches(k, LISTS.get(name, "item"), val, "%s[%d]" % (path, i), out)
    else:
        text = el.text or ""
        want = scalar(v)
        if isinstance(v, float):
            text = repr(float(text)) if text else text
        if text != want:
            out.append("%s: %r, want %r" % (path, text, want))

def check_xml(path, root, doc):
    st, ct, body = http("GET", api + path)
    out = []
    if st != 200: out.append("status %d" % st)
    if not ct.startswith("text/xml"): out.append("Content-Type %s" % ct)
    if not body.startswith(b'<?xml version="1.0" encoding="utf-8"?>'): out.append("no XML declaration with encoding utf-8")
    try:
        xml_matches(ET.fromstring(body), root, doc, root, out)
    except ET.ParseError as e:
        out.append("not well-formed: %s" % e)
    result("xml %s" % path, out)

# ---- set up: an API key and a few requests, one of them rejected ----
st, _, body = http("POST", base + "/api/v1/session", json.dumps({"username": "admin", "password": admin_pw}).encode(), {"Content-Type": "application/json"})
if st != 201:
    print("FAIL setup: admin login gave %d: %r" % (st, body[:200])); print("0 passed, 1 failed"); sys.exit(1)
admin = json.loads(body)["token"]
auth = {"Authorization": "Bearer " + admin, "Content-Type": "application/json"}
st, _, body = http("POST", base + "/api/v1/apikeys", json.dumps({"name": "check.sh %s" % re.sub(r"\D", "", str(__import__("time").time()))}).encode(), auth)
key = json.loads(body)["key"]

secrets = ["13900009999", "check-reporter@example.com", "检查员甲"]
posts = [
    {"service_code": "ebike", "address_id": "1", "description": "check.sh 楼道电动车 <充电> & \"飞线\"",
     "attribute[building]": "3幢", "attribute[stairwell_charging]": "yes", "attribute[count]": "4",
     "phone": secrets[0], "email": secrets[1], "last_name": "检", "first_name": "查员甲", "address_string": "3幢楼道"},
    {"service_code": "sanitation", "place": "330604002007002", "description": "check.sh 垃圾堆放",
     "attribute[kind][]": ["garbage", "pests"]},
    {"service_code": "noise", "place": "330604002007", "description": "check.sh 夜间施工",
     "lat": "30.0312345678", "long": "120.879",
     "attribute[source]": "construction", "attribute[period]": "night"},
]
ids = []
for p in posts:
    form = urllib.parse.urlencode(dict(p, api_key=key), doseq=True).encode()
    st, ct, body = http("POST", api + "/requests.json", form, {"Content-Type": "application/x-www-form-urlencoded"})
    doc = json.loads(body)
    probs = [] if st == 201 else ["status %d: %r" % (st, body[:200])]
    if st == 201:
        item = doc[0]
        if not isinstance(item.get("service_request_id"), str): probs.append("service_request_id is not a string")
        if "service_notice" not in item or "account_id" not in item: probs.append("service_notice/account_id missing")
        ids.append(item["service_request_id"])
    result("POST requests.json %s" % p["service_code"], probs)
if len(ids) == 3:
    http("POST", base + "/api/v1/cases/%s/actions" % ids[1], json.dumps({"action": "reject", "reason": "check.sh 已处理"}).encode(), auth)

# ---- services and service definitions ----
services = get_json("/services.json")
result("schema services.json", schema_problems(services, services_schema) + ([] if services else ["empty list"]))
check_xml("/services.xml", "services", services)
for s in services:
    d = get_json("/services/%s.json" % s["service_code"])
    probs = schema_problems(d, definition_schema)
    if d.get("service_code") != s["service_code"]: probs.append("service_code differs")
    if s["metadata"] != (len(d["attributes"]) > 0): probs.append("metadata does not match the attributes")
    orders = [a["order"] for a in d["attributes"]]
    if len(set(orders)) != len(orders): probs.append("order values repeat")
    for a in d["attributes"]:
        if a["datatype"] in ("singlevaluelist", "multivaluelist") and not a.get("values"):
            probs.append("%s: a list without values" % a["code"])
    result("schema services/%s.json" % s["service_code"], probs)
check_xml("/services/ebike.xml", "service_definition", get_json("/services/ebike.json"))

# ---- requests ----
idq = ",".join(ids)
for q in ["", "?extensions=true", "?status=open", "?status=closed", "?service_request_id=" + idq,
          "?service_request_id=%s&extensions=true" % idq, "?page_size=200"]:
    reqs = get_json("/requests.json" + q)
    probs = schema_problems(reqs, requests_schema) + request_extra_problems(reqs)
    if q.startswith("?service_request_id") and sorted(r["service_request_id"] for r in reqs) != sorted(ids):
        probs.append("ids %s, want %s" % ([r["service_request_id"] for r in reqs], ids))
    if "status=open" in q and any(r["status"] != "open" for r in reqs): probs.append("a closed request in status=open")
    if "status=closed" in q and any(r["status"] != "closed" for r in reqs): probs.append("an open request in status=closed")
    text = json.dumps(reqs, ensure_ascii=False)
    probs += ["reporter contact %r is public" % s for s in secrets if s in text]
    for k in ("reporter", "phone", "email", "reporter_name", "token"):
        if any(k in r for r in reqs): probs.append("field %s in a public request" % k)
    result("schema requests.json%s" % q, probs)
for i in ids:
    reqs = get_json("/requests/%s.json" % i)
    probs = schema_problems(reqs, requests_schema) + request_extra_problems(reqs)
    if len(reqs) != 1 or reqs[0]["service_request_id"] != i: probs.append("not a list of the one request")
    result("schema requests/%s.json" % i, probs)
if len(ids) == 3:
    closed = get_json("/requests/%s.json" % ids[1])[0]
    result("rejected request is closed with status_notes",
           [] if closed["status"] == "closed" and closed["status_notes"] == "check.sh 已处理" else ["got %r" % closed])
    check_xml("/requests.xml?service_request_id=%s&extensions=true" % idq, "service_requests",
              get_json("/requests.json?service_request_id=%s&extensions=true" % idq))
    check_xml("/requests/%s.xml" % ids[0], "service_requests", get_json("/requests/%s.json" % ids[0]))

# ---- discovery and errors ----
disc = get_json("/discovery.json")
probs = [k + " missing" for k in ("changeset", "contact", "key_service", "endpoints") if k not in disc]
for e in disc.get("endpoints", []):
    if e.get("specification") != "http://wiki.open311.org/GeoReport_v2": probs.append("specification")
    if not W3.match(e.get("changeset", "")): probs.append("changeset not a w3 date-time")
    if set(e.get("formats", [])) != {"application/json", "text/xml"}: probs.append("formats")
result("discovery.json", probs)
check_xml("/discovery.xml", "discovery", disc)
st, ct, body = http("GET", api + "/services/nope.json")
err = json.loads(body)
result("error format (404)", [] if st == 404 and isinstance(err, list) and err and set(err[0]) == {"code", "description"}
       and err[0]["code"] == 404 and isinstance(err[0]["description"], str) else ["got %d %r" % (st, body)])
st, ct, body = http("GET", api + "/services/nope.xml")
out = []
try:
    xml_matches(ET.fromstring(body), "errors", json.loads(http("GET", api + "/services/nope.json")[2]), "errors", out)
except ET.ParseError as e:
    out.append(str(e))
result("error format (404, XML)", out + ([] if st == 404 else ["status %d" % st]))

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PYEOF
