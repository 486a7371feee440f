// party-matches.js - #/party/matches?place=&status=candidate&id=: the review queue of mobile
// party members (流动党员排查). 开始排查 compares the new residents under a place with the
// rosters other places sent (POST /mobile-matches/run) and shows the run's figures; the list
// holds the candidates (or the confirmed, the rejected, all), best score first; one candidate
// (&id=) is shown above the list with the new resident's side and the roster's side by side, the
// score and its reasons, and the decisions: 确认 into a local organisation at or above its place,
// 排除 with a reason. After a decision the queue is loaded again.
import { h, replace, link, field, select, fmtTime } from '../dom.js';
import { t, tOr } from '../i18n.js';
import { pageTitle, errorBox, loading, homePlace, clearMessages, facts } from '../ui.js';
import { can } from '../registries.js';
import { hashOf, placeNode, chips, markField, clearFieldErrors } from './registry.js';
import { partyRegs, matchStatusWord, badge, placeChoices, placeSelect } from '../party.js';

const enc = encodeURIComponent;
const STATUSES = ['candidate', 'confirmed', 'rejected', 'all'];
const LEVELS = [6, 9, 12, 15, 17];
const PAGE = 100;
let lastRun = null; // {place, stats}: the figures of the last run, shown again on its place

export async function render(ctx) {
  const { root, api, query, user } = ctx;
  const place = (query.get('place') || '').trim() || homePlace(user);
  const status = STATUSES.includes(query.get('status')) ? query.get('status') : 'candidate';
  const selId = (query.get('id') || '').trim();
  replace(root, pageTitle(t('party.match.title')), loading());
  const { by } = await partyRegs(api);
  const reg = by['mobile-matches'];
  if (!ctx.current()) return;
  if (!reg) {
    replace(root, pageTitle(t('err.forbidden')), h('p', null, t('app.forbidden')));
    return;
  }
  const canWrite = can(reg, 'write');
  const [choices, selected] = await Promise.all([
    placeChoices(api, user, place),
    selId ? api.get(`/mobile-matches/${enc(selId)}`).catch((e) => ({ error: e })) : null,
  ]);
  if (!ctx.current()) return;

  const hrefOf = (over) => {
    const p = new URLSearchParams();
    const v = { place, status, id: '', ...over };
    for (const k of ['place', 'status', 'id']) if (v[k]) p.set(k, v[k]);
    return `party/matches?${p}`;
  };

  // the run: a place (the caller's by default) and its button
  const chooser = placeSelect('run-place', t('party.run.place'), choices.items, place,
    (code) => ctx.navigate(hrefOf({ place: code })), t('party.run.place.hint'));
  const runBtn = canWrite ? h('button', { type: 'submit', class: 'btn primary', id: 'run-start' }, t('party.run.start')) : null;
  const runStats = h('div', { id: 'run-stats', 'aria-live': 'polite' });
  const runForm = h('form', { class: 'card', id: 'run-form' },
    h('p', { class: 'hint' }, t('party.run.intro')),
    h('div', { class: 'filters' }, chooser.holder, runBtn ? h('div', { class: 'actions' }, runBtn) : null),
    runStats);
  if (lastRun && lastRun.place === place) replace(runStats, statsView(ctx, lastRun.stats));
  runForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!runBtn) return;
    const at = chooser.el.value;
    runBtn.disabled = true;
    runBtn.textContent = t('party.run.running');
    clearMessages(runForm);
    try {
      const stats = await api.post('/mobile-matches/run', undefined, { params: { place: at } });
      lastRun = { place: at, stats: stats || {} };
      if (!ctx.current()) return;
      const n = Number((stats || {}).proposed);
      ctx.navigate(hrefOf({ place: at, status: 'candidate' }),
        Number.isFinite(n) ? t('party.run.done', { n }) : t('party.run.done.plain'));
    } catch (e) {
      runForm.prepend(errorBox(e));
    } finally {
      runBtn.disabled = false;
      runBtn.textContent = t('party.run.start');
    }
  });

  // the queue's filter by status
  const tabs = h('nav', { class: 'tabs', id: 'match-status', 'aria-label': t('party.match.status') },
    h('ul', null, STATUSES.map((s) => h('li', null, h('a', {
      href: `#/${hrefOf({ status: s })}`, 'aria-current': s === status ? 'page' : null, dataset: { status: s },
    }, s === 'all' ? t('common.all') : matchStatusWord(s, reg))))));

  const box = h('section', { class: 'card', id: 'match-list', 'aria-labelledby': 'match-list-h' });
  const view = selId ? await matchView(ctx, reg, by, selected, hrefOf) : null;
  if (!ctx.current()) return;

  replace(root, pageTitle(t('party.match.title')), view, runForm, tabs, box);
  await loadList(ctx, reg, box, { place, status, selId, hrefOf });
}

/** The figures of a run: every key the server sent but the place, in words where known. */
function statsView(ctx, stats) {
  const pairs = Object.entries(stats || {}).filter(([k]) => k !== 'place');
  const tiles = h('div', { class: 'stats', id: 'run-facts' }, pairs.map(([k, v]) => h('div', {
    class: `stat${k === 'proposed' && Number(v) > 0 ? ' alert' : ''}`, dataset: { k },
  }, h('span', { class: 'stat-value' }, v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v)),
  h('span', { class: 'stat-label' }, tOr(`party.run.${k}`, k)))));
  return h('div', { class: 'run-result' },
    h('h2', null, t('party.run.result'), ' ', stats && stats.place ? placeNode(ctx.api, String(stats.place)) : null), tiles);
}

async function loadList(ctx, reg, box, { place, status, selId, hrefOf }) {
  const { api } = ctx;
  const heading = h('h2', { id: 'match-list-h' }, status === 'all' ? t('party.match.list.all') : t('party.match.list', { status: matchStatusWord(status, reg) }));
  const count = h('p', { class: 'count', id: 'match-count', 'aria-live': 'polite' });
  const tableBox = h('div', { class: 'scroll-x', id: 'match-table' });
  const more = h('button', { type: 'button', class: 'btn secondary', id: 'match-more', hidden: true }, t('common.more'));
  replace(box, heading, count, tableBox, more);
  let items = [];
  let next = null;
  async function load() {
    more.disabled = true;
    try {
      const params = { place, limit: PAGE, cursor: next || undefined };
      if (status !== 'all') params.status = status;
      const r = await api.get('/mobile-matches', params);
      if (!ctx.current()) return;
      items = items.concat(r.items || []);
      next = r.next_cursor || null;
      // the best score first, then the oldest
      items.sort((a, b) => (Number(b.score) || 0) - (Number(a.score) || 0) || Number(a.id) - Number(b.id));
      replace(tableBox, matchTable(ctx, reg, items, selId, hrefOf, status));
      count.textContent = t('party.match.count', { n: items.length });
      more.hidden = !next;
    } catch (e) {
      replace(tableBox, errorBox(e));
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', load);
  await load();
}

function scoreBadge(score) {
  const n = Number(score) || 0;
  return h('span', { class: `score ${n >= 100 ? 'score-exact' : n >= 80 ? 'score-high' : 'score-mid'}`, title: t('party.match.score') }, String(n));
}

function matchTable(ctx, reg, items, selId, hrefOf, status) {
  if (!items.length) {
    return h('p', { class: 'empty', id: 'match-empty' }, status === 'candidate' ? t('party.match.none') : t('common.empty'));
  }
  const cols = ['party.match.col.name', 'party.match.col.roster', 'party.match.score', 'party.match.reasons', 'party.match.place', 'party.match.status'];
  return h('table', { class: 'list', id: 'matches' },
    h('thead', null, h('tr', null, cols.map((k) => h('th', { scope: 'col' }, t(k))), h('th', { scope: 'col' }, h('span', { class: 'sr' }, t('party.match.view.open'))))),
    h('tbody', null, items.map((m) => h('tr', {
      dataset: { id: String(m.id), status: String(m.status || '') }, class: String(m.id) === selId ? 'selected' : null,
      'aria-current': String(m.id) === selId ? 'true' : null,
    },
    h('td', { 'data-label': t('party.match.col.name') }, link(`#/${hrefOf({ id: String(m.id) })}`, String(m.name || `#${m.registration}`))),
    h('td', { 'data-label': t('party.match.col.roster') }, String(m.roster_name || `#${m.roster}`)),
    h('td', { 'data-label': t('party.match.score'), dataset: { k: 'score' } }, scoreBadge(m.score)),
    h('td', { 'data-label': t('party.match.reasons'), dataset: { k: 'reasons' } }, Array.isArray(m.reasons) && m.reasons.length ? chips(m.reasons) : '—'),
    h('td', { 'data-label': t('party.match.place') }, m.place ? placeNode(ctx.api, String(m.place)) : ''),
    h('td', { 'data-label': t('party.match.status') }, badge(`mst-${m.status}`, matchStatusWord(m.status, reg))),
    h('td', { 'data-label': t('party.match.view.open') }, link(`#/${hrefOf({ id: String(m.id) })}`, t('party.match.view.open')))))));
}

/* ---- one candidate, side by side ---- */

async function matchView(ctx, reg, by, m, hrefOf) {
  const card = h('section', { class: 'card match-view', id: 'match-view', 'aria-labelledby': 'match-view-h' });
  if (!m || m.error) {
    card.append(h('h2', { id: 'match-view-h' }, t('party.match.view.title')), errorBox(m && m.error),
      h('p', null, link(`#/${hrefOf({})}`, t('party.match.back'))));
    return card;
  }
  const close = link(`#/${hrefOf({})}`, t('party.match.back'));
  close.classList.add('close-view');
  card.append(h('div', { class: 'section-head' },
    h('h2', { id: 'match-view-h' }, t('party.match.view', { name: String(m.name || `#${m.registration}`) })), close));

  const regLink = by.registrations && m.registration ? link(hashOf(by.registrations, m.registration), t('party.match.side.reg')) : t('party.match.side.reg');
  const rosterLink = by['party-rosters'] && m.roster ? link(hashOf(by['party-rosters'], m.roster), t('party.match.side.roster')) : t('party.match.side.roster');
  const rows = [
    ['name', t('party.match.row.name'), m.name, m.roster_name, true],
    ['birth', t('party.match.row.birth'), m.birth_date, m.roster_birth_date, true],
    ['origin', t('party.match.row.origin'), m.origin, m.roster_origin, false],
    ['origin_org', t('party.match.row.origin_org'), null, m.roster_origin_org, false],
  ];
  const cell = (v) => (v === null || v === undefined || v === '' ? h('span', { class: 'hint' }, '—') : String(v));
  const mark = (a, b, compare) => {
    if (!compare || !a || !b) return null;
    const same = String(a) === String(b);
    return h('span', { class: `cmp ${same ? 'same' : 'diff'}` }, same ? t('party.match.same') : t('party.match.diff'));
  };
  card.appendChild(h('table', { class: 'compare', id: 'match-compare' },
    h('thead', null, h('tr', null, h('td'), h('th', { scope: 'col' }, regLink), h('th', { scope: 'col' }, rosterLink))),
    h('tbody', null, rows.map(([k, lab, a, b, cmp]) => h('tr', { dataset: { k } },
      h('th', { scope: 'row' }, lab),
      h('td', { dataset: { side: 'reg' } }, cell(a)),
      h('td', { dataset: { side: 'roster' } }, cell(b), ' ', mark(a, b, cmp)))))));

  card.appendChild(facts([
    [t('party.match.score'), h('span', { id: 'match-score' }, scoreBadge(m.score), ' ', h('span', { class: 'hint' }, t('party.match.score.hint')))],
    [t('party.match.reasons'), h('span', { id: 'match-reasons' }, Array.isArray(m.reasons) && m.reasons.length ? chips(m.reasons) : '—')],
    [t('party.match.place'), m.place ? h('span', null, placeNode(ctx.api, String(m.place), true), ' ', link(`#/party/grid/${enc(m.place)}`, t('party.grid.link'))) : null],
    [t('party.match.status'), h('span', { id: 'match-state' }, badge(`mst-${m.status}`, matchStatusWord(m.status, reg)))],
    [t('party.match.found_at'), fmtTime(m.created_at)],
    [t('party.match.decision'), m.decision ? String(m.decision) : null],
    [t('party.match.member'), m.member && by['party-members'] ? link(hashOf(by['party-members'], m.member), t('party.match.member.link', { id: m.member })) : (m.member ? `#${m.member}` : null)],
  ]));

  if (m.status === 'candidate' && can(reg, 'write')) card.appendChild(await decisions(ctx, m, hrefOf));
  return card;
}

/** The organisations at or above place the caller may read, the nearest first. */
async function orgsAbove(api, place) {
  const codes = LEVELS.filter((n) => n <= place.length).map((n) => place.slice(0, n));
  const lists = await Promise.all(codes.map((c) => api.get('/party-orgs', { place: c, limit: 1000 }).then((r) => r.items || [], () => [])));
  const seen = new Map();
  for (const o of lists.flat()) if (typeof o.place === 'string' && place.startsWith(o.place)) seen.set(String(o.id), o);
  return [...seen.values()].sort((a, b) => b.place.length - a.place.length || String(a.name).localeCompare(String(b.name), 'zh-CN'));
}

/** 确认 and 排除 with their forms. */
async function decisions(ctx, m, hrefOf) {
  const { api } = ctx;
  const wrap = h('div', { class: 'decisions', id: 'match-actions' });
  const orgs = m.place ? await orgsAbove(api, String(m.place)) : [];

  // 确认: a local organisation at or above the place, and a note
  const orgSel = select(orgs.map((o) => ({ value: String(o.id), label: String(o.name) })), { empty: orgs.length ? undefined : t('party.match.noorg') });
  orgSel.id = 'confirm-org';
  orgSel.name = 'org';
  const orgField = field(t('party.match.org'), orgSel, { required: true, hint: t('party.match.org.hint') });
  orgField.dataset.field = 'org';
  const note = h('textarea', { id: 'confirm-note', name: 'note', rows: 2, maxlength: 200 });
  const noteField = field(t('party.match.note'), note, { hint: t('party.match.note.hint') });
  noteField.dataset.field = 'note';
  const confirmForm = h('form', { class: 'action-form', id: 'confirm-form', hidden: true },
    h('h3', null, t('party.match.confirm.title')), orgField, noteField,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary', id: 'confirm-submit' }, t('party.match.confirm')),
      h('button', { type: 'button', class: 'btn secondary', onclick: () => toggle(null) }, t('common.cancel'))));

  // 排除: a reason (required), with common ones to pick
  const reason = h('textarea', { id: 'reject-reason', name: 'reason', rows: 2, maxlength: 200 });
  const reasonField = field(t('party.match.reason'), reason, { required: true, hint: t('party.match.reason.hint') });
  reasonField.dataset.field = 'reason';
  reasonField.appendChild(h('div', { class: 'chips suggest', role: 'group', 'aria-label': t('party.match.reason.common') },
    ['party.match.reason.notsame', 'party.match.reason.wrong', 'party.match.reason.known'].map((k) => h('button', {
      type: 'button', class: 'chip', onclick: () => {
        reason.value = t(k);
        reason.focus();
      },
    }, t(k)))));
  const rejectForm = h('form', { class: 'action-form', id: 'reject-form', hidden: true },
    h('h3', null, t('party.match.reject.title')), reasonField,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn warn', id: 'reject-submit' }, t('party.match.reject')),
      h('button', { type: 'button', class: 'btn secondary', onclick: () => toggle(null) }, t('common.cancel'))));

  const openConfirm = h('button', { type: 'button', class: 'btn primary', id: 'match-confirm-open', 'aria-expanded': 'false', 'aria-controls': 'confirm-form' }, t('party.match.confirm'));
  const openReject = h('button', { type: 'button', class: 'btn secondary', id: 'match-reject-open', 'aria-expanded': 'false', 'aria-controls': 'reject-form' }, t('party.match.reject'));
  function toggle(which) {
    confirmForm.hidden = which !== 'confirm';
    rejectForm.hidden = which !== 'reject';
    openConfirm.setAttribute('aria-expanded', String(which === 'confirm'));
    openReject.setAttribute('aria-expanded', String(which === 'reject'));
    if (which === 'confirm') orgSel.focus();
    else if (which === 'reject') reason.focus();
  }
  openConfirm.addEventListener('click', () => toggle(confirmForm.hidden ? 'confirm' : null));
  openReject.addEventListener('click', () => toggle(rejectForm.hidden ? 'reject' : null));

  const name = String(m.name || `#${m.registration}`);
  async function decide(form, path, body, done) {
    const btn = form.querySelector('button[type="submit"]');
    clearFieldErrors(form);
    clearMessages(form);
    btn.disabled = true;
    try {
      await api.post(`/mobile-matches/${enc(m.id)}/${path}`, body);
      ctx.navigate(hrefOf({}), done);
    } catch (e) {
      showDecisionError(form, e, hrefOf);
    } finally {
      btn.disabled = false;
    }
  }
  confirmForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!orgSel.value) {
      orgSel.focus();
      return;
    }
    const org = orgs.find((o) => String(o.id) === orgSel.value);
    const body = { org: Number(orgSel.value) };
    if (note.value.trim()) body.note = note.value.trim();
    decide(confirmForm, 'confirm', body, t('party.match.confirmed', { name, org: org ? String(org.name) : `#${orgSel.value}` }));
  });
  rejectForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!reason.value.trim()) {
      reason.focus();
      return;
    }
    decide(rejectForm, 'reject', { reason: reason.value.trim() }, t('party.match.rejected', { name }));
  });

  wrap.append(h('div', { class: 'action-bar' }, openConfirm, openReject), confirmForm, rejectForm);
  return wrap;
}

/** A 422 goes under its field; a 409 (decided meanwhile) says so and offers the fresh view. */
function showDecisionError(form, e, hrefOf) {
  let box;
  if (e && e.status === 409) {
    box = h('div', { class: 'msg msg-error', role: 'alert' }, h('strong', null, t('party.match.err.conflict')),
      e.message ? h('div', { class: 'detail' }, t('err.detail', { msg: e.message })) : null,
      h('div', null, h('a', { href: `#/${hrefOf({})}` }, t('party.match.back'))));
  } else {
    box = errorBox(e);
  }
  form.prepend(box);
  const ctl = markField(form, e);
  if (ctl) ctl.focus();
  else box.scrollIntoView({ block: 'nearest' });
}
