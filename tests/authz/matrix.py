#!/usr/bin/env python3
"""tests/authz/matrix.py - the authorisation matrix (issue 13): every route the server lists
(GET /api/v1, the registries' generated routes included) called as the public and as every demo
user, on a target inside and one outside the user's scope, against the expected answers written
beside the route table (src/http/routes.authz). A listed route without a row there, or a row
naming no route, fails. Writes send an empty JSON body, so allowed writes fail validation and
nothing changes. Prints one line per failure and "N passed, N failed".

Usage: tests/authz/matrix.py --base URL --admin-pw PW --pw PW [--table FILE] [--verbose]"""
import argparse
import json
import re
import sys
import urllib.error
import urllib.request

DENIED_USER = (403, 404)
BOGUS_ID = '999999999'
FIXED = {'token': 'x' * 43, 'sha256': '0' * 64, 'day': '2099-06-01', 'file': 'nothing.json',
         '*': 'app.css', 'id': BOGUS_ID, 'code': 'zz-authz-none', 'case_no': '20990101-0001'}


def call(base, method, path, token=None, body=None):
    data = None
    headers = {'Accept-Language': 'en'}
    if token:
        headers['Authorization'] = 'Bearer ' + token
    if method in ('POST', 'PUT', 'PATCH') or body is not None:
        data = json.dumps(body if body is not None else {}).encode()
        headers['Content-Type'] = 'application/json'
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def load_table(path):
    perms, users, routes = {}, [], {}
    for lineno, line in enumerate(open(path, encoding='utf-8'), 1):
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        w = line.split()
        if w[0] == 'perm':
            perms[w[1]] = set(w[2:])
        elif w[0] == 'user' and len(w) == 7:
            users.append(dict(name=w[1], role=w[2], place_in=w[3], place_out=w[4],
                              case_in=w[5], case_out=w[6]))
        elif w[0] == 'route' and len(w) in (4, 5):
            routes[(w[1], w[2])] = dict(rule=w[3], target=w[4] if len(w) == 5 else None, line=lineno)
        else:
            sys.exit(f'{path}:{lineno}: cannot read this line')
    return perms, users, routes


def registry_route(method, pattern, names):
    """(registry, verb) of a generated registry route, or None."""
    m = re.fullmatch(r'/api/v1/([a-z0-9-]+)(/import|/export|/\{id\})?', pattern)
    if not m or m.group(1) not in names:
        return None
    tail = m.group(2) or ''
    verb = {('GET', ''): 'read', ('POST', ''): 'write', ('POST', '/import'): 'import',
            ('GET', '/export'): 'export', ('GET', '/{id}'): 'read', ('PATCH', '/{id}'): 'write',
            ('DELETE', '/{id}'): 'write'}.get((method, tail))
    return (m.group(1), verb) if verb else None


def fill(pattern, values):
    return re.sub(r'\{([^}]+)\}', lambda m: values.get(m.group(1), FIXED.get(m.group(1), BOGUS_ID)),
                  pattern)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--base', required=True)
    ap.add_argument('--admin-pw', required=True)
    ap.add_argument('--pw', required=True)
    ap.add_argument('--table', default='src/http/routes.authz')
    ap.add_argument('--verbose', action='store_true')
    a = ap.parse_args()
    base = a.base.rstrip('/')
    perms, users, table = load_table(a.table)
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
            if a.verbose:
                print('ok   ' + what)
        else:
            failed += 1
            print('FAIL ' + what)

    def login(u):
        st, body = call(base, 'POST', '/api/v1/session', body={
            'username': u, 'password': a.admin_pw if u == 'admin' else a.pw})
        if st != 201:
            sys.exit(f'cannot log in as {u}: {st} {body[:200]!r}')
        return json.loads(body)['token']

    tokens = {u['name']: login(u['name']) for u in users}
    st, body = call(base, 'GET', '/api/v1')
    listed = [(r['method'], r['path']) for r in json.loads(body)['routes']]
    verbs = {}
    for u in users:
        st, body = call(base, 'GET', '/api/v1/registries', tokens[u['name']])
        verbs[u['name']] = {r['name']: set(r.get('verbs', [])) for r in json.loads(body)['items']}
    names = set(verbs['admin'])

    # the two cases every user reads or must not read
    cases = {}
    for key, place in (('A', '330604002007001'), ('B', '330604007317001')):
        st, body = call(base, 'POST', '/api/v1/cases', body={
            'category': 'streetlight', 'description': f'authz matrix {key}', 'place': place,
            'attributes': {'fault': 'off'}})
        if st != 201:
            sys.exit(f'cannot report case {key}: {st} {body[:200]!r}')
        j = json.loads(body)
        cases[key] = {'id': str(j['id']), 'case_no': j['case_no']}

    # every listed route has its row, and every row its route
    rows = {}
    for method, pattern in listed:
        reg = registry_route(method, pattern, names)
        row = table.get((method, pattern))
        if row is None and reg is None:
            check(False, f'{method} {pattern}: no row in {a.table}')
            continue
        rows[(method, pattern)] = row or {'rule': f'reg:{reg[0]}:{reg[1]}', 'target': None}
    for key, row in table.items():
        check(key in set(listed), f'{key[0]} {key[1]} ({a.table}:{row["line"]}) is a route')

    for (method, pattern), row in rows.items():
        rule, target = row['rule'], row['target']
        name = f'{method} {pattern}'
        # the public
        st, _ = call(base, method, fill(pattern, {}))
        if rule == 'public':
            check(st not in (401, 403), f'{name} as the public: {st}, expected an answer')
        else:
            check(st == 401, f'{name} as the public: {st}, expected 401')
        for u in users:
            token = tokens[u['name']]
            if (method, pattern) == ('DELETE', '/api/v1/session'):
                token = login(u['name'])  # a session of its own to end
            if rule.startswith('perm:'):
                has = u['role'] in perms[rule[5:]]
            elif rule.startswith('reg:'):
                _, reg, verb = rule.split(':')
                has = verb in verbs[u['name']].get(reg, set())
            else:
                has = True
            variants = [('', {})]
            if target == 'place':
                variants = [(k, {'code': u['place_' + k]}) for k in ('in', 'out')
                            if u['place_' + k] != '-']
            elif target == 'case':
                variants = [(k, {'id': cases[u['case_' + k]]['id'],
                                 'case_no': cases[u['case_' + k]]['case_no']})
                            for k in ('in', 'out') if u['case_' + k] != '-']
            for scope, values in variants:
                st, body = call(base, method, fill(pattern, values), token)
                allowed = has and scope != 'out'
                what = f'{name} as {u["name"]} ({u["role"]}){" " + scope + " scope" if scope else ""}'
                if allowed:
                    check(st not in (401, 403), f'{what}: {st}, expected an answer {body[:120]!r}')
                else:
                    check(st in DENIED_USER, f'{what}: {st}, expected 403 {body[:120]!r}')
    print(f'{passed} passed, {failed} failed')
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
