// registries.js - the registers (台账) the server describes in GET /registries: their names,
// labels, key, the caller's verbs and the fields with their types. One schema drives the menu
// and every registry screen, so a new register on the server needs no change here.
// The list is kept per session token in sessionStorage (a reload does not ask again); a failed
// call (a server without the route, a network error) yields an empty list for a minute.
import { session } from './api.js';
import { getLang } from './i18n.js';

const KEY = 'gridgov.registries';
const MAX_AGE = 10 * 60 * 1000; // ask again after ten minutes
const RETRY = 60 * 1000; // after a failure

let memo = { token: null, at: 0, items: null, promise: null, failed: false };

function stored(token) {
  try {
    const v = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    if (v && v.token === token && Array.isArray(v.items) && Date.now() - v.at < MAX_AGE) return v;
  } catch {
    /* a broken entry is asked for again */
  }
  return null;
}

/** The registries already known for this session (an array), or null when not asked yet. */
export function knownRegistries() {
  const token = session.token;
  if (!token) return [];
  if (memo.token === token && memo.items && Date.now() - memo.at < (memo.failed ? RETRY : MAX_AGE)) return memo.items;
  const s = stored(token);
  if (s) {
    memo = { token, at: s.at, items: s.items, promise: null, failed: false };
    return s.items;
  }
  return null;
}

/**
 * The registries this caller may read: [{name, label, label_en, key, verbs, fields}].
 * Never throws: a failure is an empty list (the menu then shows none).
 */
export function loadRegistries(api, { fresh = false } = {}) {
  const token = session.token;
  if (!token) return Promise.resolve([]);
  if (!fresh) {
    const k = knownRegistries();
    if (k) return Promise.resolve(k);
    if (memo.token === token && memo.promise) return memo.promise;
  }
  const promise = api.get('/registries').then((r) => {
    const items = ((r && r.items) || []).filter((x) => x && typeof x.name === 'string' && Array.isArray(x.fields));
    if (session.token === token) {
      memo = { token, at: Date.now(), items, promise: null, failed: false };
      try {
        sessionStorage.setItem(KEY, JSON.stringify({ token, at: memo.at, items }));
      } catch {
        /* full storage: keep it in memory */
      }
    }
    return items;
  }, () => {
    if (session.token === token) memo = { token, at: Date.now(), items: [], promise: null, failed: true };
    return [];
  });
  memo = { token, at: 0, items: null, promise, failed: false };
  return promise;
}

/** The label of a registry, field or option in the page's language. */
export function label(x) {
  if (!x) return '';
  if (getLang() === 'en' && x.label_en) return x.label_en;
  return x.label || x.name || String(x.value ?? '');
}

export function can(reg, verb) {
  return !!(reg && Array.isArray(reg.verbs) && reg.verbs.includes(verb));
}
