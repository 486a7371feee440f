// app.js - the shell of the page: header and menu, language switch, session, and the router on
// location.hash ("#/cases/12?x=1"), which loads the screen module of the route from the registry
// (screens/index.js) and hands it a context.
import { h, replace } from './dom.js';
import { api, session, onSessionLost } from './api.js';
import { calendarBanner } from './calendar-banner.js';
import { t, setLang, getLang, languages } from './i18n.js';
import { capsOf, errorBox, loading, pageTitle } from './ui.js';
import { screens, groups } from './screens/index.js';
import { knownRegistries, loadRegistries, label as regLabel } from './registries.js';
import { startOffline, badge as offlineBadge } from './offline.js';

const main = document.getElementById('main');
const top = document.getElementById('top');
const notice = document.getElementById('notice');
const foot = document.getElementById('foot');
let generation = 0;
let pendingNotice = null;
let refocusLang = false;
let firstRoute = true; // on a fresh load the browser's own focus order starts at the skip link

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const qi = raw.indexOf('?');
  const path = (qi >= 0 ? raw.slice(0, qi) : raw).replace(/\/+$/, '');
  const query = new URLSearchParams(qi >= 0 ? raw.slice(qi + 1) : '');
  return { path, query };
}

function match(path) {
  const parts = path.split('/').filter(Boolean);
  for (const s of screens) {
    const sp = s.path.split('/');
    if (sp.length !== parts.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < sp.length && ok; i++) {
      if (sp[i].startsWith(':')) {
        try {
          params[sp[i].slice(1)] = decodeURIComponent(parts[i]);
        } catch {
          ok = false;
        }
      } else if (sp[i] !== parts[i]) {
        ok = false;
      }
    }
    if (ok) return { screen: s, params };
  }
  return null;
}

export function navigate(path, noticeText) {
  if (noticeText) pendingNotice = noticeText;
  const target = `#/${path.replace(/^#?\/?/, '')}`;
  if (location.hash === target) route();
  else location.hash = target;
}

function notify(text) {
  replace(notice, text ? h('div', { class: 'msg msg-ok', role: 'status' }, text,
    h('button', { type: 'button', class: 'link', 'aria-label': t('app.close'), onclick: () => replace(notice) }, '×')) : null);
}

function renderShell() {
  const user = session.user;
  const caps = capsOf(user);
  const { path } = parseHash();
  const nav = h('nav', { id: 'nav', class: 'nav', 'aria-label': t('app.menu') });
  const ul = h('ul');
  // the registers (台账) the caller may read, from the server's schema, after the places, and
  // the groups of screens over registers (党建) after them; none when the list is empty or the
  // call fails
  const group = user ? h('li', { class: 'nav-group', id: 'nav-registries', hidden: true }) : null;
  const more = user ? groups.map((g) => ({ g, li: h('li', { class: 'nav-group', id: `nav-${g.name}`, hidden: true }) })) : [];
  for (const s of screens) {
    if (!s.nav || s.group || !s.show(caps)) continue;
    const active = path === s.path || path.startsWith(`${s.path}/`);
    ul.appendChild(h('li', null, h('a', { href: `#/${s.path}`, 'aria-current': active ? 'page' : null }, t(s.nav))));
    if (group && s.path === 'places') ul.append(group, ...more.map((x) => x.li));
  }
  if (group) {
    if (!group.parentNode) ul.append(group, ...more.map((x) => x.li));
    const fill = (items, here) => {
      fillRegistryMenu(group, items, here);
      for (const { g, li } of more) fillScreenGroup(li, g, items, here);
    };
    const known = knownRegistries();
    if (known) fill(known, path);
    else loadRegistries(api).then((items) => group.isConnected && fill(items, parseHash().path));
  }
  nav.appendChild(ul);
  const menuBtn = h('button', {
    type: 'button', class: 'menu-btn', 'aria-controls': 'nav', 'aria-expanded': 'false',
    onclick: () => {
      const open = top.classList.toggle('menu-open');
      menuBtn.setAttribute('aria-expanded', String(open));
    },
  }, h('span', { 'aria-hidden': 'true' }, '☰ '), t('app.menu'));
  const langSel = h('select', { id: 'lang', 'aria-label': t('app.lang') });
  for (const l of languages) langSel.appendChild(h('option', { value: l.value, selected: l.value === getLang() }, l.label));
  langSel.addEventListener('change', () => {
    setLang(langSel.value);
    refocusLang = true;
    renderShell();
    route();
  });
  const tools = h('div', { class: 'tools' }, langSel);
  if (user) {
    tools.appendChild(h('span', { class: 'who', title: user.username }, user.display_name || user.username));
    tools.appendChild(h('button', { type: 'button', class: 'btn small secondary', id: 'logout', onclick: logout }, t('nav.logout')));
  }
  replace(top,
    h('a', { class: 'brand', href: '#/' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '网'),
      h('span', { class: 'brand-text' }, h('span', { class: 'brand-name' }, t('app.name')),
        h('span', { class: 'brand-sub' }, t('app.sub')))),
    offlineBadge(), menuBtn, nav, tools);
  replace(foot, h('p', null, t('app.footer')));
  calendarBanner(user, document.getElementById('banner'));
  document.getElementById('skip').textContent = t('app.skip');
}

function fillRegistryMenu(group, items, path) {
  if (!items.length) return;
  const here = /^r\/([^/]+)/.exec(path);
  const current = here ? here[1] : null;
  const sub = h('ul', { class: 'nav-sub' }, items.map((r) => h('li', null,
    h('a', { href: `#/r/${encodeURIComponent(r.name)}`, 'aria-current': r.name === current ? 'page' : null, dataset: { registry: r.name } }, regLabel(r)))));
  const det = h('details', null,
    h('summary', { class: items.some((r) => r.name === current) ? 'current' : null }, t('nav.registries')), sub);
  replace(group, det);
  group.hidden = false;
}

/** A group of screens (党建): the ones whose register the caller may read (`reg` in
 * screens/index.js), under one heading; hidden when none is left. */
function fillScreenGroup(li, g, regs, path) {
  const caps = capsOf(session.user);
  const mine = screens.filter((s) => s.group === g.name && s.nav && (!s.reg || regs.some((r) => r.name === s.reg)) && (!s.show || s.show(caps)));
  if (!mine.length) return;
  const isHere = (s) => path === s.path || path.startsWith(`${s.path}/`);
  const sub = h('ul', { class: 'nav-sub' }, mine.map((s) => h('li', null,
    h('a', { href: `#/${s.path}`, 'aria-current': isHere(s) ? 'page' : null, dataset: { screen: s.path } }, t(s.nav)))));
  replace(li, h('details', null, h('summary', { class: mine.some(isHere) ? 'current' : null }, t(g.nav)), sub));
  li.hidden = false;
}

// the registers' menu folds away on a click elsewhere and on Escape
document.addEventListener('click', (ev) => {
  for (const d of top.querySelectorAll('.nav-group details[open]')) if (!d.contains(ev.target)) d.open = false;
});
document.addEventListener('keydown', (ev) => {
  if (ev.key !== 'Escape') return;
  const d = top.querySelector('.nav-group details[open]');
  if (d) {
    d.open = false;
    d.querySelector('summary').focus();
  }
});

async function logout() {
  try {
    await api.logout();
  } catch {
    /* the session is gone either way */
  }
  renderShell();
  navigate('login');
}

async function route() {
  const my = ++generation;
  const { path, query } = parseHash();
  top.classList.remove('menu-open');
  renderShell();
  if (pendingNotice) {
    notify(pendingNotice);
    pendingNotice = null;
  } else {
    notify(null);
  }
  const user = session.user;
  const caps = capsOf(user);
  if (path === '') {
    navigate(user ? 'queues' : 'report');
    return;
  }
  const m = match(path);
  if (!m) {
    replace(main, pageTitle(t('app.notfound')), h('p', null, t('app.notfound.text')),
      h('p', null, h('a', { href: '#/' }, t('app.home'))));
    focusTitle();
    return;
  }
  const { screen, params } = m;
  if (screen.needs && !caps.login) {
    navigate(`login?next=${encodeURIComponent(path)}`, t('app.needlogin'));
    return;
  }
  if (screen.needs && screen.needs !== 'login' && !caps[screen.needs]) {
    replace(main, pageTitle(t('err.forbidden')), h('p', null, t('app.forbidden')));
    focusTitle();
    return;
  }
  replace(main, loading());
  const ctx = {
    root: main, params, query, path, user, caps, api, t, navigate, notify,
    current: () => my === generation,
    refreshShell: renderShell,
  };
  try {
    const mod = await screen.load();
    if (my !== generation) return;
    const fn = mod[screen.view || 'render'];
    await fn(ctx);
    if (my !== generation) return;
    document.title = `${(main.querySelector('h1') || {}).textContent || t('app.name')} - ${t('app.name')}`;
    focusTitle();
  } catch (e) {
    if (my !== generation) return;
    replace(main, pageTitle(t('err.title')), errorBox(e));
  }
}

function focusTitle() {
  if (refocusLang) {
    // the language switch re-drew the page: stay on the switch
    refocusLang = false;
    const l = document.getElementById('lang');
    if (l) l.focus();
    return;
  }
  if (firstRoute) {
    firstRoute = false;
    return;
  }
  const h1 = main.querySelector('h1');
  if (h1) h1.focus({ preventScroll: true });
}

document.getElementById('skip').addEventListener('click', (ev) => {
  ev.preventDefault();
  main.focus();
});

onSessionLost(() => {
  renderShell();
  navigate('login', t('err.unauthorized'));
});

window.addEventListener('hashchange', route);

async function start() {
  setLang(getLang());
  startOffline();
  if (session.token) {
    try {
      const r = await api.get('/session');
      session.setUser(r.user);
    } catch {
      /* a lost session is handled by onSessionLost; a network error leaves the old user */
    }
  }
  route();
}

start();
