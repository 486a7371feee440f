#!/usr/bin/env python3
"""tests/notify/robot.py PORT_FILE DINGTALK_SECRET WECOM_KEY JSON_SECRET [SECONDS]

Fake group-chat robots on 127.0.0.1 for the notification tests, answering as the real ones do:

  POST /dingtalk?access_token=..&timestamp=MS&sign=S  DingTalk custom robot, signed mode: S must be
       the URL-encoded base64 HMAC-SHA256 of "MS\\nSECRET" keyed with SECRET, MS within an hour,
       the body {"msgtype":"markdown","markdown":{"title","text"}}; answers 200 {"errcode":0} or
       200 {"errcode":310000,"errmsg":"sign not match"} (DingTalk answers errors with 200 too)
  POST /wecom?key=K      WeCom group robot: K must match, {"msgtype":"markdown","markdown":
       {"content"}}; 200 {"errcode":0} or {"errcode":93000}
  POST /json             gridgov's generic JSON: X-Gridgov-Signature = sha256=HMAC(body); 204/401
  POST /fail             always 500
  GET  /received         what came in: [{"path","query","ok","why","body"}] (the body parsed)

Binds a free port and writes it to PORT_FILE; exits by itself after SECONDS (default 300)."""
import base64, hashlib, hmac, json, sys, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

PORT_FILE, DT_SECRET, WC_KEY, JS_SECRET = sys.argv[1:5]
LIFETIME = float(sys.argv[5]) if len(sys.argv) > 5 else 300
received = []
lock = threading.Lock()


def dingtalk_check(q, body):
    ts, sign = q.get("timestamp", [""])[0], q.get("sign", [""])[0]
    if not ts or not sign:
        return False, "no timestamp or sign"
    if abs(time.time() * 1000 - int(ts)) > 3600 * 1000:
        return False, "timestamp too old"
    mac = hmac.new(DT_SECRET.encode(), f"{ts}\n{DT_SECRET}".encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(base64.b64encode(mac).decode(), sign):
        return False, "sign not match"
    md = body.get("markdown") or {}
    if body.get("msgtype") != "markdown" or not md.get("title") or not md.get("text"):
        return False, "not markdown"
    return True, ""


class Robot(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, obj=None):
        data = b"" if obj is None else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/received":
            with lock:
                return self.reply(200, received)
        self.reply(404, {})

    def do_POST(self):
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        ok, why, status, answer = False, "", 200, None
        if body is None:
            why = "not JSON"
        elif u.path == "/dingtalk":
            ok, why = dingtalk_check(q, body)
        elif u.path == "/wecom":
            if q.get("key", [""])[0] != WC_KEY:
                why = "invalid webhook url"
            elif body.get("msgtype") != "markdown" or not (body.get("markdown") or {}).get("content"):
                why = "not markdown"
            else:
                ok = True
        elif u.path == "/json":
            want = "sha256=" + hmac.new(JS_SECRET.encode(), raw, hashlib.sha256).hexdigest()
            ok = hmac.compare_digest(want, self.headers.get("X-Gridgov-Signature", ""))
            why = "" if ok else "bad signature"
            status = 204 if ok else 401
        else:
            status, why = 500, "failing on purpose"
        if u.path in ("/dingtalk", "/wecom"):
            answer = {"errcode": 0, "errmsg": "ok"} if ok else \
                {"errcode": 310000 if u.path == "/dingtalk" else 93000, "errmsg": why}
        with lock:
            received.append({"path": u.path, "query": u.query, "ok": ok, "why": why, "body": body})
        self.reply(status, answer)


srv = HTTPServer(("127.0.0.1", 0), Robot)
with open(PORT_FILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os
os.rename(PORT_FILE + ".tmp", PORT_FILE)
threading.Timer(LIFETIME, srv.shutdown).start()
srv.serve_forever()
