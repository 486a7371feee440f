// offline.js - the page on patrol: registers the service worker (/sw.js, which keeps the page's
// files for opening without a network), keeps reports written without a network in IndexedDB
// with their photos and their Idempotency-Key, and sends them once the network is back. The
// server answers a repeated key with the case it already made (200, replayed), so a report whose
// first answer was lost on the way is never filed twice. Each entry belongs to the user who wrote
// it ('' for the public) and only that user's page sends it; a refused report (422) stays, with
// the server's message, until the user deletes it.
import { api, session } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

const DB = 'gridgov-offline';
const WAITING = 'reports';
const SENT = 'sent';
const KEEP_SENT = 20;
const listeners = new Set();
let flushing = null;

function openDb() {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => {
      r.result.createObjectStore(WAITING, { keyPath: 'key' });
      r.result.createObjectStore(SENT, { keyPath: 'key' });
    };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** Run fn(store, tx) in one transaction of store name (or names); resolves with fn's request
 * result. */
async function inStore(name, mode, fn) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(name, mode);
      const req = fn(Array.isArray(name) ? null : tx.objectStore(name), tx);
      tx.oncomplete = () => resolve(req ? req.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

function me() {
  const u = session.user;
  return u ? u.username : '';
}

// other tabs and windows of the page share the database: tell them, and hear them
const channel = 'BroadcastChannel' in self ? new BroadcastChannel('gridgov-offline') : null;

function notifyHere() {
  for (const fn of listeners) fn();
}

if (channel) channel.onmessage = () => notifyHere();

function changed() {
  notifyHere();
  if (channel) channel.postMessage('changed');
}

/** Called with no arguments whenever the list of waiting reports changes. */
export function onChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Keep a report (the JSON body, the photo Files, its Idempotency-Key) to send later. */
export async function queueReport(body, files, key) {
  const photos = Array.from(files || []).map((f) => new File([f], f.name || 'photo', { type: f.type }));
  await inStore(WAITING, 'readwrite', (s) => s.put({
    key, user: me(), body, photos, created: new Date().toISOString(), attempts: 0, error: null,
  }));
  changed();
}

/** This user's waiting reports, oldest first. */
export async function waiting() {
  const all = (await inStore(WAITING, 'readonly', (s) => s.getAll())) || [];
  return all.filter((x) => x.user === me()).sort((a, b) => a.created.localeCompare(b.created));
}

/** This user's reports sent from the queue, newest first: {key, case_no, id, token, sent}. */
export async function sent() {
  const all = (await inStore(SENT, 'readonly', (s) => s.getAll())) || [];
  return all.filter((x) => x.user === me()).sort((a, b) => b.sent.localeCompare(a.sent));
}

export async function remove(key) {
  await inStore(WAITING, 'readwrite', (s) => s.delete(key));
  changed();
}

async function sendOne(x) {
  try {
    const r = await api.postWithPhotos('/cases', x.body, x.photos, { headers: { 'Idempotency-Key': x.key } });
    const done = {
      key: x.key, user: x.user, case_no: r.case_no, id: r.id, token: r.token || null,
      description: x.body.description, sent: new Date().toISOString(),
    };
    // out of the queue and into the sent list at once: no page sees it in neither
    await inStore([WAITING, SENT], 'readwrite', (_, tx) => {
      tx.objectStore(WAITING).delete(x.key);
      tx.objectStore(SENT).put(done);
    });
    const old = await sent();
    for (const o of old.slice(KEEP_SENT)) await inStore(SENT, 'readwrite', (s) => s.delete(o.key));
    return true;
  } catch (e) {
    // no network, no session, busy, or the same key still in flight elsewhere: try again later
    if ([0, 401, 409, 429].includes(e.status) || e.status >= 500) return false;
    x.attempts += 1;
    x.error = e.message || String(e.status);
    await inStore(WAITING, 'readwrite', (s) => s.put(x));
    return true; // refused: the next one may still go
  }
}

/** Send this user's waiting reports, oldest first, one pass at a time across the tabs of the page
 * (a Web Lock where the browser has them); stops at the first network failure. Resolves with
 * the number sent. */
export function flush() {
  if (flushing) return flushing;
  const pass = async () => {
    let n = 0;
    if (!navigator.onLine) return 0;
    const list = (await waiting()).filter((x) => !x.error);
    for (const x of list) {
      if (!(await sendOne(x))) break;
      n += 1;
    }
    return n;
  };
  flushing = (async () => {
    try {
      return navigator.locks ? await navigator.locks.request('gridgov-offline-send', pass) : await pass();
    } finally {
      flushing = null;
      changed();
    }
  })();
  return flushing;
}

/** The header's link to 待发送 with the count, hidden while nothing waits. */
export function badge() {
  const a = h('a', { href: '#/offline', id: 'offline-badge', class: 'offline-badge', hidden: true });
  const update = () => waiting().then((l) => {
    a.hidden = l.length === 0;
    a.textContent = t('offline.badge', { n: l.length });
  }).catch(() => {});
  const off = onChange(() => (a.isConnected ? update() : off()));
  update();
  return a;
}

/** At start: the service worker, and sending when the network returns. */
export function startOffline() {
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js').catch(() => { /* the page works without it */ });
  }
  window.addEventListener('online', () => flush());
  waiting().then((l) => l.length && flush()).catch(() => {});
}
