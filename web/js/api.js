// api.js - the client of gridgov's JSON API: the session token, JSON, multipart and file bodies,
// file downloads, and one error type carrying the server's {"error": {code, message, field}} and
// any extra body (a 409 carries the case's current status and allowed actions; a failed import
// its report).

import { getLang } from './i18n.js';

const TOKEN_KEY = 'gridgov.token';
const USER_KEY = 'gridgov.user';

export class ApiError extends Error {
  constructor(status, body) {
    const err = (body && body.error) || {};
    super(err.message || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = err.code || (status === 0 ? 'network' : 'http');
    this.field = err.field || null;
    this.body = body || null;
  }
}

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  get user() {
    try {
      return JSON.parse(sessionStorage.getItem(USER_KEY) || 'null');
    } catch {
      return null;
    }
  },
  set(token, user) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  setUser(user) {
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
    sessionStorage.removeItem('gridgov.registries'); // the schema of registries.js
  },
};

const listeners = new Set();
/** Called with no arguments when the server says the session is gone (401 with a token). */
export function onSessionLost(fn) {
  listeners.add(fn);
}

function query(params) {
  if (!params) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    q.set(k, v === true ? 'true' : String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** A new idempotency key, so a double click does not file a case twice. */
export function idemKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

async function request(method, path, { params, json, form, raw, headers = {}, auth = true, file = false } = {}) {
  // the server's error messages in the page's language
  const h = { Accept: file ? '*/*' : 'application/json', 'Accept-Language': getLang() === 'en' ? 'en' : 'zh-CN', ...headers };
  const token = session.token;
  if (auth && token) h.Authorization = `Bearer ${token}`;
  let body;
  if (form) {
    body = form; // the browser sets multipart/form-data with its boundary
  } else if (raw !== undefined) {
    body = raw; // a file as it is (the caller sets Content-Type)
  } else if (json !== undefined) {
    h['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  }
  let res;
  try {
    res = await fetch(`/api/v1${path}${query(params)}`, { method, headers: h, body, credentials: 'omit' });
  } catch (e) {
    throw new ApiError(0, { error: { code: 'network', message: String(e && e.message) } });
  }
  const ct = res.headers.get('Content-Type') || '';
  if (file && res.ok) {
    // a download: the bytes and the name from Content-Disposition
    return { blob: await res.blob(), filename: dispositionName(res.headers.get('Content-Disposition')), type: ct };
  }
  let data = null;
  if (ct.includes('json')) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && auth && token) {
      session.clear();
      for (const fn of listeners) fn();
    }
    throw new ApiError(res.status, data);
  }
  return data;
}

/** The file name of a Content-Disposition header (filename*=UTF-8'' first), or null. */
function dispositionName(cd) {
  if (!cd) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(cd);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      /* fall through to the plain name */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(cd);
  return plain ? plain[1].trim() : null;
}

/**
 * A body with photos: part "data" is the JSON, each "photo" part a file (see req.c).
 * Without files it is sent as plain JSON.
 */
function withPhotos(json, files) {
  const list = Array.from(files || []);
  if (list.length === 0) return { json };
  const fd = new FormData();
  fd.append('data', new Blob([JSON.stringify(json)], { type: 'application/json' }), 'data.json');
  for (const f of list) fd.append('photo', f, f.name || 'photo');
  return { form: fd };
}

export const api = {
  get: (path, params, opts = {}) => request('GET', path, { params, ...opts }),
  post: (path, json, opts = {}) => request('POST', path, { json, ...opts }),
  put: (path, json) => request('PUT', path, { json }),
  patch: (path, json) => request('PATCH', path, { json }),
  del: (path) => request('DELETE', path),
  postWithPhotos: (path, json, files, opts = {}) => request('POST', path, { ...withPhotos(json, files), ...opts }),
  /** POST a file as the body (e.g. text/csv); the answer is JSON. */
  postFile: (path, body, contentType, params) => request('POST', path, { raw: body, params, headers: { 'Content-Type': contentType } }),
  /** GET a file: {blob, filename, type}; errors come as ApiError like every other call. */
  download: (path, params) => request('GET', path, { params, file: true }),

  async login(username, password) {
    const r = await request('POST', '/session', { json: { username, password }, auth: false });
    session.set(r.token, r.user);
    return r.user;
  },
  async logout() {
    try {
      if (session.token) await request('DELETE', '/session');
    } finally {
      session.clear();
    }
  },
};
