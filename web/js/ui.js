// ui.js - pieces several screens share: error boxes, status badges, the case list, capability
// checks from the user's roles, and short notices.
import { h, replace, link, fmtTime } from './dom.js';
import { t, tOr } from './i18n.js';

const OFFICE_ROLES = ['district_admin', 'street_office', 'community_office'];

/** A stage deadline as people read it: a day deadline as its last day ("12月7日(周一)当天"),
 * an hour deadline as its time. */
export function fmtDue(c) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec((c && c.due_date) || '');
  if (!m) return fmtTime(c && c.due_at);
  const wd = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).getUTCDay();
  return t('case.due_date', { m: +m[2], d: +m[3], wd: t(`weekday.${wd}`) });
}

/** What the user may see in the menu, from the roles of the session (the server decides). */
export function capsOf(user) {
  const roles = (user && user.roles) || [];
  const has = (...names) => roles.some((r) => names.includes(r.role));
  return {
    login: !!user,
    office: has(...OFFICE_ROLES),
    userAdmin: has(...OFFICE_ROLES),
    ops: has('district_admin'),
    handle: has('dept_handler', 'grid_leader'),
    verify: has('grid_worker', 'grid_leader'),
    cadre: has('enterprise_cadre'),
    // the dashboard reports on a place; department handlers, commissioners and enterprise
    // cadres (whose scope is their enterprises) have none
    stats: roles.some((r) => !['dept_handler', 'commissioner', 'enterprise_cadre'].includes(r.role)),
  };
}

/** The widest place of the user's roles (the shortest code): the root of trees and stats. */
export function homePlace(user) {
  const places = ((user && user.roles) || []).map((r) => r.place).filter((p) => /^\d{6,17}$/.test(p || ''));
  places.sort((a, b) => a.length - b.length);
  return places[0] || '330604';
}

/** Chinese (or English) words for an API error, the field it names and the server's message. */
export function errorBox(err, extra) {
  const code = (err && err.code) || 'http';
  const box = h('div', { class: 'msg msg-error', role: 'alert' },
    h('strong', null, t('err.title') + '：' + tOr(`err.${code}`, t('err.http'))));
  if (err && err.field) box.appendChild(h('div', null, t('err.field', { field: fieldLabel(err.field) })));
  if (err && err.message && code !== 'network') {
    box.appendChild(h('div', { class: 'detail' }, t('err.detail', { msg: err.message })));
  }
  if (code === 'network') box.appendChild(h('div', null, t('err.network')));
  const c = err && err.body && err.body.case;
  if (err && err.status === 409 && c) {
    const acts = (c.allowed_actions || []).map((a) => t(`action.${a}`));
    box.appendChild(h('div', { class: 'conflict-now' }, t('err.conflict.now', {
      status: t(`status.${c.status}`),
      actions: acts.length ? acts.join('、') : t('err.conflict.none'),
    })));
  }
  if (extra) box.appendChild(extra);
  return box;
}

const FIELD_KEYS = {
  place: 'report.place', description: 'report.description', category: 'report.category',
  address: 'report.address', photo: 'report.photos', reason: 'form.reason', note: 'form.note',
  department: 'form.dispatch.to', days: 'form.days', rating: 'form.rating', into: 'form.merge.into',
  username: 'login.username', password: 'login.password', deadline: 'form.dispatch.deadline',
  extension_id: 'form.extension', meeting: 'meeting.title', held_at: 'meeting.held_at',
  participants: 'meeting.participants', year: 'calendar.year', token: 'track.token',
  version: 'field.version', geometry: 'places.boundary.file', org: 'party.match.org',
};

/** "attribute[building]" and friends, in words where the table knows them. */
export function fieldLabel(f) {
  if (FIELD_KEYS[f]) return t(FIELD_KEYS[f]);
  return f;
}

/** Put an error box at the top of container (replacing an earlier one). */
export function showError(container, err) {
  clearMessages(container);
  const box = errorBox(err);
  container.prepend(box);
  box.scrollIntoView({ block: 'nearest' });
  return box;
}

export function showNotice(container, text) {
  clearMessages(container);
  const box = h('div', { class: 'msg msg-ok', role: 'status' }, text);
  container.prepend(box);
  return box;
}

export function clearMessages(container) {
  for (const el of Array.from(container.children)) {
    if (el.classList.contains('msg')) el.remove();
  }
}

export function statusBadge(status, overdue) {
  const wrap = h('span', { class: 'badges' },
    h('span', { class: `badge st-${status}` }, t(`status.${status}`)));
  if (overdue) wrap.appendChild(h('span', { class: 'badge overdue' }, t('cases.overdue.badge')));
  return wrap;
}

/** The page heading; focused after navigation so keyboard and screen-reader users land here. */
export function pageTitle(text, ...after) {
  return h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, text), ...after);
}

/** A table of cases; at phone width CSS turns rows into cards. */
export function caseTable(items) {
  if (!items.length) return h('p', { class: 'empty' }, t('common.empty'));
  const head = h('tr', null,
    ['cases.col.no', 'cases.col.category', 'cases.col.desc', 'cases.col.status', 'cases.col.place',
      'cases.col.created', 'cases.col.due'].map((k) => h('th', { scope: 'col' }, t(k))));
  const body = h('tbody');
  for (const c of items) body.appendChild(caseRow(c));
  return h('table', { class: 'cases' }, h('thead', null, head), body);
}

export function caseRow(c) {
  const desc = String(c.description || '');
  return h('tr', { dataset: { id: String(c.id) } },
    h('td', { 'data-label': t('cases.col.no') }, link(`#/cases/${encodeURIComponent(c.id)}`, c.case_no)),
    h('td', { 'data-label': t('cases.col.category') }, c.category_name || c.category),
    h('td', { 'data-label': t('cases.col.desc'), class: 'desc' }, desc.length > 60 ? desc.slice(0, 60) + '…' : desc),
    h('td', { 'data-label': t('cases.col.status') }, statusBadge(c.status, c.overdue)),
    h('td', { 'data-label': t('cases.col.place') }, c.place_name || c.place),
    h('td', { 'data-label': t('cases.col.created') }, fmtTime(c.created_at)),
    h('td', { 'data-label': t('cases.col.due') }, fmtDue(c)));
}

/**
 * A case list that loads pages from GET /cases with params, and a "load more" button while the
 * server gives a next cursor.
 */
export function pagedCases(api, params, onError) {
  const wrap = h('div', { class: 'case-list' });
  const more = h('button', { type: 'button', class: 'btn secondary', hidden: true }, t('common.more'));
  const count = h('p', { class: 'count', 'aria-live': 'polite' });
  let items = [];
  let next = null;
  async function load() {
    try {
      more.disabled = true;
      const r = await api.get('/cases', { ...params, cursor: next || undefined });
      items = items.concat(r.items || []);
      next = r.next || null;
      replace(wrap, caseTable(items));
      count.textContent = t('cases.count', { n: items.length });
      more.hidden = !next;
    } catch (e) {
      onError(e);
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', load);
  return { el: h('div', null, count, wrap, more), load };
}

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, t('app.loading'));
}

/** A definition list from [label, value] pairs, skipping empty values. */
export function facts(pairs) {
  const dl = h('dl', { class: 'facts' });
  for (const [k, v] of pairs) {
    if (v === null || v === undefined || v === '') continue;
    dl.appendChild(h('dt', null, k));
    dl.appendChild(h('dd', null, v));
  }
  return dl;
}

/** Possible duplicates [{id, case_no, description, status, similarity, distance_m}]. */
export function dupList(items) {
  if (!items || !items.length) return h('p', { class: 'empty' }, t('common.empty'));
  return h('ul', { class: 'dups' }, items.map((d) => h('li', null,
    link(`#/cases/${encodeURIComponent(d.id)}`, d.case_no), ' ', statusBadge(d.status), ' ',
    h('span', { class: 'hint' }, t('dup.meta', {
      sim: Math.round((d.similarity || 0) * 100),
      dist: d.distance_m === null || d.distance_m === undefined ? '-' : d.distance_m,
    })),
    h('div', { class: 'desc' }, String(d.description || '')))));
}

const categoryCache = new Map();
/** The catalogue entry of a category (public), cached for the page's life. */
export async function categoryOf(api, code) {
  if (!categoryCache.has(code)) {
    categoryCache.set(code, api.get(`/categories/${encodeURIComponent(code)}`, null, { auth: false }).catch(() => null));
  }
  return categoryCache.get(code);
}

/** A case's attribute values as [label, text] pairs, in the catalogue's words where known. */
export async function attrPairs(api, categoryCode, attributes) {
  const vals = attributes && typeof attributes === 'object' ? attributes : {};
  const cat = await categoryOf(api, categoryCode);
  const defs = new Map(((cat && cat.attributes) || []).map((a) => [a.code, a]));
  return Object.keys(vals).map((k) => {
    const d = defs.get(k);
    const names = new Map(((d && d.values) || []).map((v) => [v.key, v.name]));
    const one = (v) => (names.has(String(v)) ? names.get(String(v)) : String(v));
    const v = vals[k];
    return [d ? d.description || k : k, Array.isArray(v) ? v.map(one).join('、') : one(v)];
  });
}
