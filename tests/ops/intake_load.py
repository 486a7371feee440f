#!/usr/bin/env python3
"""tests/ops/intake_load.py BASE OUT [--seconds N] [--count N] [--stop FILE] [--threads N]

Public intake load against a gridgov server on loopback: THREADS clients post cases (every
fifth with a small unique PNG photo) until COUNT cases, N seconds or the STOP file, whichever
comes first. Each acknowledged case (201 received in full) is written to OUT as
"ID CASE_NO ACK_TIME" with the time (time.time()) taken after the reply arrived, so that a case
written before a given instant was acknowledged before it. Prints a summary; exit 1 on an
unexpected reply."""
import argparse, json, os, sys, threading, time, urllib.request, uuid

ap = argparse.ArgumentParser()
ap.add_argument('base')
ap.add_argument('out')
ap.add_argument('--seconds', type=float, default=30)
ap.add_argument('--count', type=int, default=100000)
ap.add_argument('--stop')
ap.add_argument('--threads', type=int, default=4)
a = ap.parse_args()
if not a.base.startswith('http://127.0.0.1:'):
    sys.exit('intake_load.py: loopback only')

lock = threading.Lock()
out = open(a.out, 'w', buffering=1)
state = {'n': 0, 'errors': 0, 'first_error': ''}
deadline = time.time() + a.seconds


def body(i):
    return {'category': 'ebike', 'description': f'备份压测 {i}：楼道电动车充电', 'compound': 1,
            'address': '春江花城3幢', 'name': '压测', 'phone': '13805750000',
            'attributes': {'building': '3幢', 'stairwell_charging': 'yes', 'count': 1}}


def request(i):
    data = json.dumps(body(i), ensure_ascii=False).encode()
    if i % 5 == 0:  # multipart with a photo whose bytes are unique to this case
        b = uuid.uuid4().hex
        png = b'\x89PNG\r\n\x1a\n' + f'gridgov backup test {i} {uuid.uuid4()}'.encode()
        parts = [f'--{b}\r\nContent-Disposition: form-data; name="data"\r\n'
                 'Content-Type: application/json\r\n\r\n'.encode() + data + b'\r\n',
                 f'--{b}\r\nContent-Disposition: form-data; name="photo"; filename="p.png"\r\n'
                 'Content-Type: image/png\r\n\r\n'.encode() + png + b'\r\n',
                 f'--{b}--\r\n'.encode()]
        return urllib.request.Request(a.base + '/api/v1/cases', data=b''.join(parts),
                                      headers={'Content-Type': f'multipart/form-data; boundary={b}'})
    return urllib.request.Request(a.base + '/api/v1/cases', data=data,
                                  headers={'Content-Type': 'application/json'})


def worker():
    while time.time() < deadline and not (a.stop and os.path.exists(a.stop)):
        with lock:
            if state['n'] >= a.count:
                return
            state['n'] += 1
            i = state['n']
        try:
            with urllib.request.urlopen(request(i), timeout=30) as r:
                reply = json.loads(r.read())
            t = time.time()
            with lock:
                out.write(f"{reply['id']} {reply['case_no']} {t:.6f}\n")
        except Exception as e:  # noqa: BLE001 - any failure is counted and reported
            with lock:
                state['errors'] += 1
                state['first_error'] = state['first_error'] or repr(e)


threads = [threading.Thread(target=worker) for _ in range(a.threads)]
for t in threads:
    t.start()
for t in threads:
    t.join()
out.close()
print(f"intake load: {state['n']} sent, {state['errors']} errors {state['first_error']}")
sys.exit(1 if state['errors'] else 0)
