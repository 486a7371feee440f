// platform.js - industry platforms and projects (产业平台与项目): #/platforms lists the platforms,
// #/platforms/ID is a platform's page (its joint party committee, sub-domain bodies, member
// enterprises, supply and demand listings with the candidates matching finds for each, and the
// chain's short-board table), #/projects lists projects with their party-branch flag (红领项目:
// every project of 1亿元 or more has a branch) and the seed's query of those still without one.
// The server decides every request; these screens only read and link to the registers.
import { h, replace, link, field } from './dom.js';
import { t, tOr } from './i18n.js';
import { pageTitle, errorBox, loading } from './ui.js';
import { loadRegistries, can, label } from './registries.js';
import { hashOf, placeNode, optionsOf, chips } from './screens/registry.js';

const enc = encodeURIComponent;
const MAJOR_FEN = 10000000000; // 1亿元

async function regsBy(api) {
  const regs = await loadRegistries(api);
  return Object.fromEntries(regs.map((r) => [r.name, r]));
}

/** The word of a register's choice: the page's own when it has one, else the server's label. */
function choice(reg, fieldName, value) {
  if (value === null || value === undefined || value === '') return '';
  const f = reg && (reg.fields || []).find((x) => x.name === fieldName);
  const o = f && optionsOf(f).find((x) => String(x.value) === String(value));
  return tOr(`pf.${fieldName}.${value}`, o ? label(o) : String(value));
}

/** Fen as 亿元 or 万元: 15000000000 -> "1.5 亿元". */
export function money(fen) {
  const n = Number(fen) || 0;
  const trim = (x) => x.toFixed(2).replace(/\.?0+$/, '');
  if (n >= MAJOR_FEN) return t('pf.yi', { n: trim(n / MAJOR_FEN) });
  return t('pf.wan', { n: trim(n / 1000000) });
}

function forbidden(root) {
  replace(root, pageTitle(t('err.forbidden')), h('p', null, t('app.forbidden')));
}

function cell(key, ...children) {
  return h('td', { 'data-label': t(key) }, ...children);
}

function table(id, keys, rows, caption) {
  return h('div', { class: 'scroll-x' }, h('table', { class: 'list', id },
    caption ? h('caption', { class: 'sr' }, caption) : null,
    h('thead', null, h('tr', null, keys.map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, rows)));
}

/* ---- #/platforms ---- */

export async function renderPlatforms(ctx) {
  const { root, api } = ctx;
  replace(root, pageTitle(t('pf.list.title')), loading());
  const by = await regsBy(api);
  if (!ctx.current()) return;
  const reg = by.platforms;
  if (!reg) return forbidden(root);
  const r = await api.get('/platforms', { limit: 1000 }).catch((e) => ({ error: e }));
  if (!ctx.current()) return;
  const head = h('div', { class: 'head-actions' });
  if (can(reg, 'write')) head.appendChild(h('a', { class: 'btn secondary', href: `${hashOf(reg)}/new` }, t('pf.new')));
  head.appendChild(h('a', { class: 'btn secondary', href: hashOf(reg) }, t('pf.register')));
  if (r.error) return replace(root, pageTitle(t('pf.list.title'), head), errorBox(r.error));
  const items = r.items || [];
  const tops = items.filter((p) => p.kind !== 'subdomain');
  const subsOf = (id) => items.filter((p) => String(p.parent) === String(id));
  const rows = tops.map((p) => h('tr', { dataset: { id: String(p.id) } },
    cell('pf.name', link(`#/platforms/${enc(p.id)}`, String(p.name))),
    cell('pf.kind', choice(reg, 'kind', p.kind)),
    cell('pf.chain', String(p.chain || '')),
    cell('pf.subdomains', subsOf(p.id).map((s) => String(s.chain || s.name)).join('、') || '-'),
    cell('pf.members', String(p.members ?? 0)),
    cell('pf.committee', p.party_org ? t('pf.committee.yes') : h('span', { class: 'badge no-branch' }, t('pf.committee.no')))));
  replace(root, pageTitle(t('pf.list.title'), head),
    h('section', { class: 'card' },
      h('p', { class: 'hint' }, t('pf.list.intro')),
      tops.length ? table('platforms', ['pf.name', 'pf.kind', 'pf.chain', 'pf.subdomains', 'pf.members', 'pf.committee'], rows)
        : h('p', { class: 'empty' }, t('pf.none'))));
}

/* ---- #/platforms/ID ---- */

export async function renderPlatform(ctx) {
  const { root, api, params } = ctx;
  replace(root, pageTitle(t('pf.list.title')), loading());
  const [by, page] = await Promise.all([
    regsBy(api),
    api.get(`/platforms/${enc(params.id)}/page`).catch((e) => ({ error: e })),
  ]);
  if (!ctx.current()) return;
  if (page.error) return replace(root, pageTitle(t('pf.list.title')), errorBox(page.error));
  const p = page.platform;
  const reg = by.platforms;
  const subs = page.subdomains || [];
  const nameOf = new Map([[String(p.id), String(p.name)], ...subs.map((s) => [String(s.id), String(s.chain || s.name)])]);
  const head = h('div', { class: 'head-actions' },
    reg ? h('a', { class: 'btn secondary', href: hashOf(reg, p.id) }, t('pf.record')) : null);
  replace(root, pageTitle(String(p.name), head),
    summaryCard(ctx, reg, p, page.party_orgs || [], subs),
    subsCard(subs),
    listingsCard(ctx, by.listings, page.listings || [], nameOf),
    boardsCard(ctx, by.shortboards, page.shortboards || [], nameOf, p),
    membersCard(ctx, by.enterprises, page.enterprises || [], nameOf));
}

function summaryCard(ctx, reg, p, orgs, subs) {
  const committee = orgs.find((o) => String(o.platform) === String(p.id));
  const stats = h('div', { class: 'stats', id: 'platform-stats' },
    stat('subdomains', subs.length, t('pf.subdomains')),
    stat('members', p.members ?? 0, t('pf.members')));
  return h('section', { class: 'card', id: 'platform-summary' },
    h('p', null, choice(reg, 'kind', p.kind), p.chain ? ` · ${t('pf.chain')}：${p.chain}` : '',
      p.manager ? ` · ${t('pf.manager')}：${p.manager}` : '', ' · ', placeNode(ctx.api, String(p.place))),
    p.note ? h('p', { class: 'hint' }, String(p.note)) : null,
    h('p', { id: 'platform-committee' }, h('strong', null, `${t('pf.committee')}：`),
      committee ? [link(`#/r/party-orgs/${enc(committee.id)}`, String(committee.name)),
        committee.secretary ? ` ${t('party.org.secretary', { name: String(committee.secretary) })}` : '']
        : h('span', { class: 'badge no-branch' }, t('pf.committee.no'))),
    stats);
}

function stat(key, value, text) {
  return h('div', { class: 'stat', dataset: { stat: key } },
    h('span', { class: 'stat-value' }, String(value)), h('span', { class: 'stat-label' }, text));
}

function subsCard(subs) {
  return h('section', { class: 'card', 'aria-labelledby': 'subs-h' },
    h('h2', { id: 'subs-h' }, t('pf.subdomains.title', { n: subs.length })),
    subs.length ? table('subdomains', ['pf.name', 'pf.chain', 'pf.members'], subs.map((s) => h('tr', { dataset: { id: String(s.id) } },
      cell('pf.name', String(s.name)), cell('pf.chain', String(s.chain || '')), cell('pf.members', String(s.members ?? 0)))))
      : h('p', { class: 'empty' }, t('pf.subdomains.none')));
}

function listingsCard(ctx, reg, listings, nameOf) {
  const panel = h('div', { id: 'matches', 'aria-live': 'polite' });
  const head = h('div', { class: 'head-actions' });
  if (reg && can(reg, 'write')) head.appendChild(h('a', { class: 'btn small secondary', id: 'listing-new', href: `${hashOf(reg)}/new` }, t('pf.listing.new')));
  const rows = listings.map((l) => h('tr', { dataset: { id: String(l.id), side: String(l.side) } },
    cell('pf.side', h('span', { class: `badge side-${l.side}` }, choice(reg, 'side', l.side))),
    cell('pf.title', reg ? link(hashOf(reg, l.id), String(l.title)) : String(l.title)),
    cell('pf.enterprise', String(l.enterprise_name || '')),
    cell('pf.quantity', String(l.quantity || '-')),
    cell('pf.chain', String(l.chain || '-')),
    cell('pf.valid', String(l.valid_until || '')),
    cell('pf.status', choice(reg, 'status', l.status)),
    cell('pf.match', h('button', { type: 'button', class: 'btn small', dataset: { match: String(l.id) },
      onclick: () => showMatches(ctx, reg, l, panel) }, t('pf.match.show')))));
  return h('section', { class: 'card', id: 'listings-card', 'aria-labelledby': 'listings-h' },
    h('div', { class: 'title-row' }, h('h2', { id: 'listings-h' }, t('pf.listings.title', { n: listings.length })), head),
    h('p', { class: 'hint' }, t('pf.listings.intro')),
    listings.length ? table('listings', ['pf.side', 'pf.title', 'pf.enterprise', 'pf.quantity', 'pf.chain', 'pf.valid', 'pf.status', 'pf.match'], rows)
      : h('p', { class: 'empty' }, t('pf.listings.none')),
    panel);
}

async function showMatches(ctx, reg, l, panel) {
  replace(panel, loading());
  const r = await ctx.api.get(`/listings/${enc(l.id)}/matches`).catch((e) => ({ error: e }));
  if (!ctx.current()) return;
  const title = h('h3', { id: 'matches-h', tabindex: '-1' }, t('pf.match.title', { title: String(l.title), side: choice(reg, 'side', l.side) }));
  if (r.error) return replace(panel, title, errorBox(r.error));
  const items = r.items || [];
  const rows = items.map((m) => h('tr', { dataset: { id: String(m.id) } },
    cell('pf.side', choice(reg, 'side', m.side)),
    cell('pf.title', reg ? link(hashOf(reg, m.id), String(m.title)) : String(m.title)),
    cell('pf.enterprise', String(m.enterprise_name || '')),
    cell('pf.quantity', String(m.quantity || '-')),
    cell('pf.score', h('strong', null, String(m.score))),
    cell('pf.reasons', h('ul', { class: 'reasons' }, (m.reasons || []).map((x) => h('li', null, String(x)))))));
  replace(panel, title,
    r.active === false ? h('p', { class: 'msg msg-error' }, t('pf.match.inactive')) : null,
    items.length ? table('match-list', ['pf.side', 'pf.title', 'pf.enterprise', 'pf.quantity', 'pf.score', 'pf.reasons'], rows)
      : h('p', { class: 'empty', id: 'matches-none' }, t('pf.match.none')));
  title.focus({ preventScroll: false });
}

function boardsCard(ctx, reg, boards, nameOf, p) {
  const head = h('div', { class: 'head-actions' });
  if (reg && can(reg, 'write')) head.appendChild(h('a', { class: 'btn small secondary', href: `${hashOf(reg)}/new` }, t('pf.board.new')));
  const rows = boards.map((b) => h('tr', { dataset: { id: String(b.id), status: String(b.status) } },
    cell('pf.chain', String(b.chain || '')),
    cell('pf.link', reg ? link(hashOf(reg, b.id), String(b.link)) : String(b.link)),
    cell('pf.plan', String(b.plan || '-')),
    cell('pf.owner', String(b.owner || '')),
    cell('pf.status', h('span', { class: `badge sb-${b.status}` }, choice(reg, 'status', b.status))),
    cell('pf.attracted', (b.attracted || []).length ? chips(b.attracted) : '-'),
    cell('pf.body', nameOf.get(String(b.platform)) || String(p.name))));
  return h('section', { class: 'card', id: 'boards-card', 'aria-labelledby': 'boards-h' },
    h('div', { class: 'title-row' }, h('h2', { id: 'boards-h' }, t('pf.boards.title', { n: boards.length })), head),
    boards.length ? table('shortboards', ['pf.chain', 'pf.link', 'pf.plan', 'pf.owner', 'pf.status', 'pf.attracted', 'pf.body'], rows)
      : h('p', { class: 'empty' }, t('pf.boards.none')));
}

function membersCard(ctx, reg, firms, nameOf) {
  const rows = firms.map((x) => h('tr', { dataset: { id: String(x.id) } },
    cell('pf.enterprise', reg ? link(hashOf(reg, x.id), String(x.name)) : String(x.name)),
    cell('pf.chain', String(x.chain || '-')),
    cell('pf.body', nameOf.get(String(x.platform)) || ''),
    cell('pf.place', placeNode(ctx.api, String(x.place)))));
  return h('section', { class: 'card', id: 'members-card', 'aria-labelledby': 'members-h' },
    h('h2', { id: 'members-h' }, t('pf.members.title', { n: firms.length })),
    h('p', { class: 'hint' }, t('pf.members.intro')),
    firms.length ? table('members', ['pf.enterprise', 'pf.chain', 'pf.body', 'pf.place'], rows)
      : h('p', { class: 'empty' }, t('pf.members.none')));
}

/* ---- #/projects ---- */

export async function renderProjects(ctx) {
  const { root, api, query } = ctx;
  const gaps = query.get('gaps') === '1';
  const q = (query.get('q') || '').trim();
  replace(root, pageTitle(t('pj.title')), loading());
  const by = await regsBy(api);
  if (!ctx.current()) return;
  const reg = by.projects;
  if (!reg) return forbidden(root);
  const params = { limit: 1000 };
  if (q) params.q = q;
  if (gaps) Object.assign(params, { min_investment: MAJOR_FEN, without_party_org: 'true' });
  const r = await api.get('/projects', params).catch((e) => ({ error: e }));
  if (!ctx.current()) return;
  const head = h('div', { class: 'head-actions' });
  if (can(reg, 'write')) head.appendChild(h('a', { class: 'btn secondary', id: 'project-new', href: `${hashOf(reg)}/new` }, t('pj.new')));
  head.appendChild(h('a', { class: 'btn secondary', href: hashOf(reg) }, t('pj.register')));

  const box = h('input', { type: 'checkbox', id: 'pj-gaps', checked: gaps });
  const text = h('input', { type: 'search', id: 'pj-q', value: q, maxlength: '40' });
  const go = () => {
    const s = new URLSearchParams();
    if (text.value.trim()) s.set('q', text.value.trim());
    if (box.checked) s.set('gaps', '1');
    ctx.navigate(`projects${s.toString() ? `?${s}` : ''}`);
  };
  box.addEventListener('change', go);
  const form = h('form', { class: 'card', role: 'search', id: 'projects-form', onsubmit: (ev) => { ev.preventDefault(); go(); } },
    h('div', { class: 'filters' }, field(t('common.search'), text),
      h('label', { class: 'check', for: 'pj-gaps' }, box, ' ', t('pj.gaps')),
      h('button', { type: 'submit', class: 'btn' }, t('common.search'))),
    h('p', { class: 'hint' }, t('pj.rule')));
  if (r.error) return replace(root, pageTitle(t('pj.title'), head), form, errorBox(r.error));
  const items = r.items || [];
  const missing = items.filter((p) => p.major && !p.party_org).length;
  const rows = items.map((p) => h('tr', { dataset: { id: String(p.id), branch: p.party_org ? 'yes' : p.major ? 'missing' : 'none' } },
    cell('pj.name', link(hashOf(reg, p.id), String(p.name))),
    cell('pj.owner', String(p.owner_name || '-')),
    cell('pj.investment', money(p.investment)),
    cell('pf.place', placeNode(api, String(p.place))),
    cell('pf.status', choice(reg, 'status', p.status)),
    cell('pj.progress', progress(p.progress)),
    cell('pj.branch', branchFlag(p)),
    cell('pj.milestones', link(`#/r/project-milestones?project=${enc(p.id)}`, t('pj.milestones.link')))));
  replace(root, pageTitle(t('pj.title'), head), form,
    h('section', { class: 'card', 'aria-labelledby': 'projects-h' },
      h('h2', { id: 'projects-h' }, gaps ? t('pj.list.gaps', { n: items.length }) : t('pj.list', { n: items.length })),
      !gaps && missing ? h('p', { class: 'msg msg-error', id: 'pj-missing' }, t('pj.missing', { n: missing })) : null,
      items.length ? table('projects', ['pj.name', 'pj.owner', 'pj.investment', 'pf.place', 'pf.status', 'pj.progress', 'pj.branch', 'pj.milestones'], rows)
        : h('p', { class: 'empty', id: 'projects-none' }, gaps ? t('pj.gaps.none') : t('pj.none'))));
}

/** A progress bar with its per cent. */
export function progress(v) {
  const pct = Math.max(0, Math.min(100, Number(v) || 0));
  const bar = h('span', { class: 'bar', 'aria-hidden': 'true' }, h('span', { class: 'bar-fill' }));
  bar.firstChild.style.width = `${pct}%`;
  return h('span', { class: 'share' }, bar, h('span', null, `${pct}%`));
}

/** The party-branch flag of a project: its branch, none yet (1亿元 or more), or not needed. */
export function branchFlag(p) {
  if (p.party_org) return h('span', { class: 'badge has-branch' }, t('pj.branch.yes', { name: String(p.party_org_name || '') }));
  if (p.major) return h('span', { class: 'badge no-branch' }, t('pj.branch.no'));
  return h('span', { class: 'hint' }, t('pj.branch.minor'));
}
