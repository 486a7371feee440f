// track.js - the public follows a case by its tracking code: status, the public timeline and the
// photos; once the case is verified the reporter confirms and rates it, and after closing may
// reopen it; a comment is always possible.
import { h, replace, field, fmtTime, photoUrl, newId } from '../dom.js';
import { t } from '../i18n.js';
import { pageTitle, showError, clearMessages, statusBadge, facts, loading, attrPairs } from '../ui.js';
import { rememberedTokens } from './report.js';

export async function render(ctx) {
  const { root, params } = ctx;
  if (!params.token) return renderLookup(ctx);
  replace(root, pageTitle(t('track.title')), loading());
  let c;
  try {
    c = await ctx.api.get(`/track/${encodeURIComponent(params.token)}`, null, { auth: false });
  } catch (e) {
    if (!ctx.current()) return;
    replace(root, pageTitle(t('track.title')));
    showError(root, e);
    root.appendChild(lookupForm(ctx, params.token));
    return;
  }
  const pairs = await attrPairs(ctx.api, c.category, c.attributes);
  if (!ctx.current()) return;
  renderCase(ctx, c, pairs);
}

function lookupForm(ctx, value) {
  const input = h('input', { type: 'text', id: 'track-token', name: 'token', autocomplete: 'off', spellcheck: 'false', minlength: 20, maxlength: 64, value: value || '' });
  const form = h('form', { class: 'card form' },
    field(t('track.token'), input, { required: true, hint: t('track.token.hint'), wide: true }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, t('track.go'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = input.value.trim();
    if (v) ctx.navigate(`track/${encodeURIComponent(v)}`);
  });
  return form;
}

function renderLookup(ctx) {
  const mine = rememberedTokens();
  const parts = [pageTitle(t('track.title')), lookupForm(ctx)];
  if (mine.length) {
    parts.push(h('section', { class: 'card' }, h('h2', null, t('track.mine')),
      h('ul', { class: 'plain' }, mine.map((m) => h('li', null,
        h('a', { href: `#/track/${encodeURIComponent(m.token)}` }, t('track.case', { no: m.case_no || '' })),
        ' ', h('span', { class: 'hint' }, fmtTime(m.at)))))));
  }
  replace(ctx.root, ...parts);
}

function renderCase(ctx, c, attrList) {
  const { root, params } = ctx;
  const token = params.token;
  const actionsBox = h('section', { class: 'card', id: 'track-actions' });
  const allowed = c.allowed_actions || [];

  const photos = (c.photos || []).map((p, i) => {
    const u = photoUrl(p.url);
    const stage = t(`case.photo.stage.${p.stage}`);
    return u ? h('figure', null, h('a', { href: u, target: '_blank', rel: 'noopener' }, h('img', { src: u, alt: t('case.photo.alt', { n: i + 1 }) })),
      h('figcaption', null, stage.startsWith('case.') ? '' : stage)) : null;
  });

  const timeline = h('ol', { class: 'timeline' }, (c.timeline || []).map((ev) => h('li', null,
    h('div', { class: 'tl-head' }, h('time', { datetime: ev.at }, fmtTime(ev.at)), ' ',
      h('strong', null, t(`action.${ev.action}`) === `action.${ev.action}` ? ev.action_label : t(`action.${ev.action}`)),
      ev.to && ev.from !== ev.to ? h('span', { class: 'hint' }, ` → ${t(`status.${ev.to}`)}`) : null),
    ev.note ? h('p', { class: 'tl-note' }, ev.note) : null)));

  // actions of the reporter
  if (allowed.includes('confirm')) actionsBox.appendChild(confirmForm(ctx, token));
  if (allowed.includes('reopen')) actionsBox.appendChild(textAction(ctx, token, 'reopen', 'track.reopen', 'track.reopen.reason', 'reason'));
  if (allowed.includes('comment')) actionsBox.appendChild(textAction(ctx, token, 'comment', 'track.comment', 'track.comment.note', 'note'));
  if (c.rating) actionsBox.prepend(h('p', { class: 'rated' }, t('track.rated', { n: c.rating }), ' ', stars(c.rating)));
  else if (!allowed.includes('confirm') && !['closed', 'rejected', 'merged'].includes(c.status)) {
    actionsBox.prepend(h('p', { class: 'hint' }, t('track.waiting')));
  }

  replace(root,
    pageTitle(t('track.case', { no: c.case_no }), statusBadge(c.status, c.overdue)),
    h('section', { class: 'card' },
      h('h2', null, c.category_name || c.category),
      h('p', { class: 'description', id: 'case-description' }, c.description || ''),
      facts([
        [t('case.place'), c.place_name ? `${c.place_name}（${c.place}）` : c.place],
        [t('case.address'), c.address],
        [t('case.department'), c.department_name],
        [t('case.created'), fmtTime(c.created_at)],
        [t('case.due'), fmtTime(c.due_at)],
        [t('case.closed'), fmtTime(c.closed_at)],
        ...attrList,
      ])),
    photos.length ? h('section', { class: 'card' }, h('h2', null, t('track.photos')), h('div', { class: 'thumbs' }, photos)) : null,
    actionsBox.childNodes.length ? actionsBox : null,
    h('section', { class: 'card' }, h('h2', null, t('track.timeline')), timeline));
}

function stars(n) {
  return h('span', { class: 'stars', 'aria-hidden': 'true' }, '★'.repeat(n) + '☆'.repeat(5 - n));
}

/** Five radio buttons as stars; arrow keys move between them as in any radio group. */
export function ratingInput(name) {
  const fs = h('fieldset', { class: 'rating' }, h('legend', null, t('track.rate'), h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')));
  const row = h('div', { class: 'star-row' });
  for (let i = 1; i <= 5; i++) {
    const id = newId('star');
    row.appendChild(h('input', { type: 'radio', name, id, value: String(i), required: i === 1 }));
    row.appendChild(h('label', { for: id, title: t('track.stars', { n: i }) },
      h('span', { 'aria-hidden': 'true' }, '★'), h('span', { class: 'sr' }, t('track.stars', { n: i }))));
  }
  fs.appendChild(row);
  return fs;
}

async function send(ctx, form, token, body) {
  const btn = form.querySelector('button[type=submit]');
  btn.disabled = true;
  clearMessages(form);
  try {
    await ctx.api.post(`/track/${encodeURIComponent(token)}/actions`, body, { auth: false });
    ctx.navigate(`track/${encodeURIComponent(token)}`, t('track.done'));
  } catch (e) {
    showError(form, e);
    btn.disabled = false;
  }
}

function confirmForm(ctx, token) {
  const note = h('textarea', { name: 'note', rows: 2, maxlength: 2000 });
  const form = h('form', { class: 'form', id: 'confirm-form' }, h('h2', null, t('track.confirm')),
    ratingInput('rating'), field(t('track.confirm.note'), note, { wide: true }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, t('action.confirm'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const r = form.querySelector('input[name=rating]:checked');
    if (!r) return;
    const body = { action: 'confirm', rating: Number(r.value) };
    if (note.value.trim()) body.note = note.value.trim();
    send(ctx, form, token, body);
  });
  return form;
}

function textAction(ctx, token, action, titleKey, labelKey, fieldName) {
  const ta = h('textarea', { name: fieldName, rows: 3, maxlength: fieldName === 'reason' ? 1000 : 2000 });
  const form = h('form', { class: 'form', id: `${action}-form` }, h('h2', null, t(titleKey)),
    field(t(labelKey), ta, { required: true, wide: true }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: action === 'reopen' ? 'btn warn' : 'btn secondary' }, t(`action.${action}`))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    send(ctx, form, token, { action, [fieldName]: ta.value.trim() });
  });
  return form;
}

