// case.js - one case for staff: description, place, photos, attributes, the hash-chained
// timeline, and a button for exactly each action the server allows this user now
// (allowed_actions). Each button opens the small form its action needs; the joint meeting form
// is here too. A 409 answer re-reads the case and says what state it is in and what one may do.
import { h, replace, field, select, fmtTime, photoUrl, link } from '../dom.js';
import { t, tOr } from '../i18n.js';
import { pageTitle, showError, clearMessages, statusBadge, fmtDue, facts, loading, attrPairs, dupList, errorBox } from '../ui.js';
import { ratingInput } from './track.js';

export async function render(ctx, opts = {}) {
  const { root, api, params } = ctx;
  const id = params.id;
  if (!/^\d+$/.test(id)) throw Object.assign(new Error('no such case'), { code: 'not_found' });
  if (!opts.keep) replace(root, pageTitle(t('case.title', { no: `#${id}` })), loading());
  const [c, tl] = await Promise.all([api.get(`/cases/${id}`), api.get(`/cases/${id}/timeline`)]);
  const pairs = await attrPairs(api, c.category, c.attributes);
  let dups = null;
  if ((c.allowed_actions || []).includes('merge')) {
    try {
      dups = (await api.get(`/cases/${id}/duplicates`)).items || [];
    } catch {
      dups = null;
    }
  }
  if (!ctx.current()) return;

  const actions = h('section', { class: 'card', id: 'actions', 'aria-labelledby': 'actions-h' }, h('h2', { id: 'actions-h' }, t('case.actions')));
  const panel = h('div', { id: 'action-panel' });
  const allowed = c.allowed_actions || [];
  if (allowed.length) {
    const bar = h('div', { class: 'action-bar', role: 'group', 'aria-label': t('case.actions') });
    for (const a of allowed) {
      const b = h('button', {
        type: 'button', class: `btn ${PRIMARY.includes(a) ? 'primary' : 'secondary'}`, dataset: { action: a }, 'aria-expanded': 'false', 'aria-controls': 'action-panel',
        onclick: () => {
          for (const x of bar.querySelectorAll('button')) x.setAttribute('aria-expanded', 'false');
          b.setAttribute('aria-expanded', 'true');
          openForm(ctx, c, a, panel);
        },
      }, t(`action.${a}`));
      bar.appendChild(b);
    }
    actions.append(bar, panel);
  } else {
    actions.appendChild(h('p', { class: 'hint' }, t('case.actions.none')));
  }
  if (opts.conflict) actions.insertBefore(errorBox(opts.conflict), actions.children[1] || null);

  const photos = (c.photos || []).map((p, i) => {
    const u = photoUrl(p.url);
    return u ? h('figure', null, h('a', { href: u, target: '_blank', rel: 'noopener' }, h('img', { src: u, alt: t('case.photo.alt', { n: i + 1 }) })),
      h('figcaption', null, t(`case.photo.stage.${p.stage}`) === `case.photo.stage.${p.stage}` ? p.stage : t(`case.photo.stage.${p.stage}`))) : null;
  });

  const ext = c.pending_extensions || [];
  const reporter = c.reporter || {};
  replace(root,
    h('p', { class: 'back' }, link('#/queues', '← ', t('case.back'))),
    pageTitle(t('case.title', { no: c.case_no }), statusBadge(c.status, c.overdue)),
    opts.notice ? h('div', { class: 'msg msg-ok', role: 'status' }, opts.notice) : null,
    h('div', { class: 'cols' },
      h('div', { class: 'col-main' },
        h('section', { class: 'card' }, h('h2', null, t('case.description')),
          h('p', { class: 'description', id: 'case-description' }, c.description || ''),
          c.merged_into ? h('p', null, link(`#/cases/${c.merged_into}`, t('case.merged_into', { id: c.merged_into }))) : null),
        actions,
        ext.length ? h('section', { class: 'card' }, h('h2', null, t('case.extensions')),
          h('ul', { class: 'plain' }, ext.map((x) => h('li', null, t('case.extension', x))))) : null,
        dups && dups.length ? h('section', { class: 'card' }, h('h2', null, t('case.dups')), dupList(dups)) : null),
      h('div', { class: 'col-tl' },
        h('section', { class: 'card' }, h('h2', null, t('case.timeline')), timeline(tl))),
      h('div', { class: 'col-side' },
        h('section', { class: 'card' }, h('h2', null, t('case.facts')), facts([
          [t('case.category'), c.category_name || c.category],
          [t('case.place'), c.place_name ? `${c.place_name}（${c.place}）` : c.place],
          [t('case.grid'), c.grid && c.grid !== c.place ? c.grid : null],
          [t('case.address'), c.address],
          [t('case.compound'), c.compound ? `#${c.compound}` : null],
          [t('case.point'), c.lat !== undefined && c.lon !== undefined ? `${c.lat}, ${c.lon}` : null],
          [t('case.department'), c.to_grid ? t('case.to_grid') : c.department_name],
          [t('case.channel'), c.channel ? t(`channel.${c.channel}`) : null],
          [t('case.reporter'), [reporter.name, reporter.phone, reporter.email].filter(Boolean).join(' ') || null],
          [t('case.created'), fmtTime(c.created_at)],
          [t('case.due'), fmtDue(c)],
          [t('case.closed'), fmtTime(c.closed_at)],
          [t('case.rating'), c.rating ? h('span', { class: 'stars', title: t('track.stars', { n: c.rating }) }, '★'.repeat(c.rating) + '☆'.repeat(5 - c.rating)) : null],
          [t('case.confirmed'), c.confirmed ? t('common.yes') : null],
          ['', t('case.counts', { rework: c.rework_count || 0, reopen: c.reopen_count || 0, esc: c.escalations || 0 })],
        ])),
        pairs.length ? h('section', { class: 'card' }, h('h2', null, t('case.attributes')), facts(pairs)) : null,
        photos.length ? h('section', { class: 'card' }, h('h2', null, t('case.photos')), h('div', { class: 'thumbs' }, photos)) : null)));
}

const PRIMARY = ['accept', 'dispatch', 'start', 'resolve', 'verify', 'close', 'confirm'];

function timeline(tl) {
  const items = (tl && tl.items) || [];
  return h('div', null,
    h('ol', { class: 'timeline', id: 'timeline' }, items.map((ev) => h('li', { class: ev.public === false ? 'internal' : null },
      h('div', { class: 'tl-head' },
        h('time', { datetime: ev.at }, fmtTime(ev.at)), ' ',
        h('strong', null, t(`action.${ev.action}`) === `action.${ev.action}` ? ev.action_label : t(`action.${ev.action}`)),
        ev.to && ev.from !== ev.to ? h('span', { class: 'hint' }, ` → ${t(`status.${ev.to}`)}`) : null,
        ev.actor ? h('span', { class: 'actor' }, ` · ${tOr(`actor.${ev.actor}`, ev.actor)}`) : null,
        ev.public === false ? h('span', { class: 'badge internal' }, t('case.timeline.internal')) : null),
      ev.note ? h('p', { class: 'tl-note' }, ev.note) : null,
      dataLine(ev.data),
      ev.hash ? h('div', { class: 'hash', title: ev.hash }, `#${ev.seq} ${ev.hash.slice(0, 12)}`) : null))),
    tl && tl.head ? h('p', { class: 'hash' }, t('case.chain', { head: tl.head.slice(0, 16) })) : null);
}

function dataLine(d) {
  if (!d || typeof d !== 'object') return null;
  const keys = Object.keys(d).filter((k) => k !== 'meeting');
  const parts = keys.map((k) => {
    const v = d[k];
    const name = tOr(`data.${k}`, k);
    if (typeof v === 'boolean') return `${name}: ${v ? t('common.yes') : t('common.no')}`;
    return `${name}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`;
  });
  const out = [];
  if (parts.length) out.push(h('div', { class: 'tl-data' }, parts.join('；')));
  if (d.meeting && typeof d.meeting === 'object') out.push(meetingRecord(d.meeting));
  return out.length ? out : null;
}

/** A joint meeting as recorded on the timeline. */
function meetingRecord(m) {
  const people = Array.isArray(m.participants) ? m.participants : [];
  return h('div', { class: 'meeting-record' }, facts([
    [t('meeting.held_at'), fmtTime(String(m.held_at || ''))],
    [t('meeting.location'), m.location],
    [t('meeting.topic'), m.topic],
    [t('meeting.participants'), people.map((p) => [p.role, p.org, p.name].filter(Boolean).join(' ')).join('；')],
    [t('meeting.decisions'), m.decisions],
    [t('meeting.follow_up'), m.follow_up],
  ]));
}

/* ---- the forms of the actions ---- */

function textArea(labelKey, name, required, max = 1000) {
  const el = h('textarea', { name, rows: 3, maxlength: max });
  return {
    el: field(t(labelKey), el, { required, wide: true }),
    focus: el,
    apply(body) {
      const v = el.value.trim();
      if (v) body[name] = v;
    },
  };
}

const reason = () => textArea('form.reason', 'reason', true, 1000);
const noteOpt = () => textArea('form.note.optional', 'note', false, 2000);
const noteReq = (key = 'form.note') => textArea(key, 'note', true, 2000);

function extensionPick(c) {
  const s = select((c.pending_extensions || []).map((x) => ({ value: String(x.id), label: t('case.extension', x) })), { empty: t('common.choose') });
  s.name = 'extension_id';
  return { el: field(t('form.extension'), s, { required: true, wide: true }), focus: s, apply: (b) => { b.extension_id = Number(s.value); } };
}

function numberIn(labelKey, name, min, max) {
  const el = h('input', { type: 'number', name, min, max, step: 1, inputmode: 'numeric' });
  return { el: field(t(labelKey), el, { required: true }), focus: el, apply: (b) => { b[name] = Number(el.value); } };
}

/** The place step: the community, grid or micro-grid code a clerk assigns (12, 15 or 17 digits). */
function placeIn() {
  const el = h('input', { type: 'text', name: 'place', inputmode: 'numeric', pattern: '\\d{12}(\\d{3}(\\d{2})?)?', maxlength: 17 });
  return { el: field(t('form.place'), el, { required: true, hint: t('form.place.hint') }), focus: el, apply: (b) => { b.place = el.value.trim(); } };
}

async function dispatchPick(ctx, c) {
  let deps = [];
  try {
    deps = (await ctx.api.get('/departments')).items || [];
  } catch (e) {
    showError(ctx.root, e);
  }
  const opts = deps.map((d) => ({ value: `dept:${d.code}`, label: `${d.name}（${d.code}）` }));
  if (c.grid) opts.unshift({ value: 'grid', label: t('form.dispatch.grid') });
  const s = select(opts, { empty: t('common.choose') });
  s.name = 'department';
  s.id = 'dispatch-to';
  const deadline = h('input', { type: 'text', name: 'deadline', id: 'dispatch-deadline', pattern: '\\d{1,3}[dh]', maxlength: 8, placeholder: '5d' });
  return [{
    el: field(t('form.dispatch.to'), s, { required: true, wide: true }), focus: s,
    apply(b) {
      if (s.value === 'grid') b.to_grid = true;
      else b.department = s.value.replace(/^dept:/, '');
    },
  }, {
    el: field(t('form.dispatch.deadline'), deadline, { hint: t('form.dispatch.deadline.hint') }),
    apply(b) {
      if (deadline.value.trim()) b.deadline = deadline.value.trim();
    },
  }];
}

function photosIn() {
  const el = h('input', { type: 'file', name: 'photo', accept: 'image/jpeg,image/png,image/webp', multiple: true });
  return { el: field(t('form.resolve.photos'), el, { hint: t('report.photos.hint'), wide: true }), files: el, apply() {} };
}

function ratingIn() {
  const fs = ratingInput('rating');
  return {
    el: fs, focus: fs.querySelector('input'),
    apply(b) {
      const r = fs.querySelector('input:checked');
      if (r) b.rating = Number(r.value);
    },
  };
}

/** The joint meeting record: time, place, topic, participants {role, org, name}, decisions. */
export function meetingFields() {
  const now = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 16); // Beijing time
  const held = h('input', { type: 'datetime-local', name: 'held_at', id: 'm-held', value: now });
  const loc = h('input', { type: 'text', name: 'location', id: 'm-location', maxlength: 100 });
  const topic = h('input', { type: 'text', name: 'topic', id: 'm-topic', maxlength: 200 });
  const decisions = h('textarea', { name: 'decisions', id: 'm-decisions', rows: 3, maxlength: 2000 });
  const follow = h('textarea', { name: 'follow_up', id: 'm-follow', rows: 2, maxlength: 500 });
  const rows = h('tbody');
  function addRow(v = {}) {
    const n = rows.children.length + 1;
    const role = h('input', { type: 'text', maxlength: 40, required: true, value: v.role || '', 'aria-label': `${t('meeting.role')} ${n}` });
    const org = h('input', { type: 'text', maxlength: 100, required: true, value: v.org || '', 'aria-label': `${t('meeting.org')} ${n}` });
    const name = h('input', { type: 'text', maxlength: 40, value: v.name || '', 'aria-label': `${t('meeting.person')} ${n}` });
    const tr = h('tr', { class: 'participant' },
      h('td', { 'data-label': t('meeting.role') }, role), h('td', { 'data-label': t('meeting.org') }, org),
      h('td', { 'data-label': t('meeting.person') }, name),
      h('td', null, h('button', {
        type: 'button', class: 'btn small secondary', 'aria-label': `${t('common.remove')} ${n}`,
        onclick: () => {
          if (rows.children.length > 1) tr.remove();
        },
      }, t('common.remove'))));
    rows.appendChild(tr);
    return role;
  }
  addRow();
  const table = h('table', { class: 'participants' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('meeting.role')), h('th', { scope: 'col' }, t('meeting.org')),
      h('th', { scope: 'col' }, t('meeting.person')), h('th', null, h('span', { class: 'sr' }, t('common.remove'))))), rows);
  const add = h('button', { type: 'button', class: 'btn small secondary', id: 'm-add', onclick: () => addRow().focus() }, t('meeting.add'));
  return [{
    el: h('div', { class: 'grid2 wide' },
      field(t('meeting.held_at'), held, { required: true }), field(t('meeting.location'), loc, { required: true }),
      field(t('meeting.topic'), topic, { required: true, wide: true }),
      h('fieldset', { class: 'group wide' }, h('legend', null, t('meeting.participants')), table, add),
      field(t('meeting.decisions'), decisions, { required: true, wide: true }),
      field(t('meeting.follow_up'), follow, { wide: true })),
    focus: held,
    apply(b) {
      const v = held.value;
      b.meeting = {
        held_at: `${v.length === 16 ? v + ':00' : v}+08:00`,
        location: loc.value.trim(),
        topic: topic.value.trim(),
        decisions: decisions.value.trim(),
        participants: Array.from(rows.querySelectorAll('tr')).map((tr) => {
          const [r, o, n] = tr.querySelectorAll('input');
          const p = { role: r.value.trim(), org: o.value.trim() };
          if (n.value.trim()) p.name = n.value.trim();
          return p;
        }),
      };
      if (follow.value.trim()) b.meeting.follow_up = follow.value.trim();
    },
  }];
}

async function fieldsFor(ctx, c, a) {
  switch (a) {
    case 'reject': case 'return': case 'verify_fail': case 'reopen': return [reason()];
    case 'merge': return [numberIn('form.merge.into', 'into', 1, 1e15), noteOpt()];
    case 'dispatch': return [...await dispatchPick(ctx, c), noteOpt()];
    case 'extend': return [numberIn('form.days', 'days', 1, 30), reason()];
    case 'approve_extension': return [extensionPick(c), noteOpt()];
    case 'deny_extension': return [extensionPick(c), reason()];
    case 'resolve': return [noteReq('form.resolve.note'), photosIn()];
    case 'confirm': return [ratingIn(), noteOpt()];
    case 'comment': case 'note': return [noteReq()];
    case 'meeting': return meetingFields();
    case 'place': return [placeIn(), noteOpt()];
    default: return [noteOpt()]; // accept, start, verify, close, escalate
  }
}

async function openForm(ctx, c, a, panel) {
  const fields = await fieldsFor(ctx, c, a);
  const btn = h('button', { type: 'submit', class: 'btn primary', id: 'action-submit' }, t('form.confirm.do', { action: t(`action.${a}`) }));
  const form = h('form', { class: 'form action-form', id: `form-${a}`, dataset: { action: a } },
    h('h3', null, a === 'meeting' ? t('meeting.title') : t(`action.${a}`)),
    h('div', { class: 'grid2' }, fields.map((f) => f.el)),
    h('div', { class: 'actions' }, btn,
      h('button', { type: 'button', class: 'btn secondary', onclick: () => { replace(panel); } }, t('common.cancel'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    const body = { action: a, version: c.version };
    for (const f of fields) f.apply(body);
    const files = fields.find((f) => f.files);
    btn.disabled = true;
    try {
      const path = `/cases/${c.id}/actions`;
      if (files && files.files.files.length) await ctx.api.postWithPhotos(path, body, files.files.files);
      else await ctx.api.post(path, body);
      if (!ctx.current()) return;
      await render(ctx, { keep: true, notice: t('case.done', { action: t(`action.${a}`) }) });
      const h1 = ctx.root.querySelector('h1');
      if (h1) h1.focus();
    } catch (e) {
      if (e.status === 409 && ctx.current()) {
        await render(ctx, { keep: true, conflict: e });
        const box = ctx.root.querySelector('#actions .msg-error');
        if (box) box.scrollIntoView({ block: 'nearest' });
        return;
      }
      showError(form, e);
      btn.disabled = false;
    }
  });
  replace(panel, form);
  const first = fields.find((f) => f.focus);
  if (first) first.focus.focus();
  else btn.focus();
}

