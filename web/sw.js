// sw.js - the service worker of the page (served at /sw.js, so its scope is the whole site): the
// page's files are kept in a cache when they load, so the page opens on patrol without a network
// (network first: online, every file comes fresh from the server and refreshes the cache;
// offline, the cached copy answers). Only GET requests of the page itself, the public catalogue,
// the map's settings and gridgov's own base-map tiles are touched; every other API call goes to
// the network untouched, and reports written offline wait in IndexedDB (js/offline.js).
const CACHE = 'gridgov-shell-1';
const SHELL = [
  '/', '/ui/app.css', '/ui/manifest.webmanifest', '/ui/icon.svg',
  '/ui/js/app.js', '/ui/js/api.js', '/ui/js/dom.js', '/ui/js/i18n.js', '/ui/js/ui.js',
  '/ui/js/registries.js', '/ui/js/party.js', '/ui/js/offline.js', '/ui/js/map.js',
  '/ui/js/screens/index.js', '/ui/js/screens/report.js', '/ui/js/screens/offline.js',
  '/ui/js/screens/login.js', '/ui/js/screens/queues.js', '/ui/js/screens/track.js',
];
const API = ['/api/v1/categories', '/api/v1/map']; // public, and needed by the report form

self.addEventListener('install', (ev) => {
  ev.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (ev) => {
  ev.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (ev) => {
  const req = ev.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  const page = url.pathname === '/';
  const tile = url.pathname.startsWith('/tiles/'); // gridgov's own base map, kept once seen
  if (!page && !tile && !url.pathname.startsWith('/ui/') && !API.includes(url.pathname)) return;
  const key = page ? '/' : url.pathname + url.search;
  ev.respondWith(fetch(req).then((res) => {
    if (res.ok) {
      const copy = res.clone();
      ev.waitUntil(caches.open(CACHE).then((c) => c.put(key, copy)));
    }
    return res;
  }).catch(() => caches.match(key).then((hit) => hit || Response.error())));
});
