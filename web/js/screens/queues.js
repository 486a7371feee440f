// queues.js - each role's work queues with their counts (GET /queues), one queue's cases
// (GET /cases?queue=NAME), and the case list with filters (#/cases?status=&category=&q=&overdue=).
import { h, replace, field, select } from '../dom.js';
import { t, tOr } from '../i18n.js';
import { pageTitle, showError, loading, pagedCases } from '../ui.js';
import { warningsCard } from '../standards.js';

const STATUSES = ['submitted', 'accepted', 'dispatched', 'in_progress', 'resolved', 'verified', 'closed', 'rejected', 'merged'];

export async function render(ctx) {
  const { root, api, user, params } = ctx;
  replace(root, pageTitle(t('queues.title')), loading());
  const r = await api.get('/queues');
  if (!ctx.current()) return;
  const items = r.items || [];
  const active = params.queue || (items.find((q) => q.count > 0) || items[0] || {}).queue;
  const tiles = h('ul', { class: 'tiles', id: 'queue-tiles' }, items.map((q) => h('li', null,
    h('a', {
      href: `#/queues/${encodeURIComponent(q.queue)}`,
      class: 'tile' + (q.queue === active ? ' active' : '') + (q.queue === 'overdue' && q.count > 0 ? ' alert' : '') + (q.hours && q.count > 0 ? ' warn' : ''),
      title: q.hours ? t('queue.due_soon.hours', { h: q.hours }) : null,
      'aria-current': q.queue === active ? 'true' : null,
      dataset: { queue: q.queue },
    }, h('span', { class: 'tile-count' }, String(q.count)), h('span', { class: 'tile-label' }, tOr(`queue.${q.queue}`, q.label)),
    q.hours ? h('span', { class: 'tile-hint' }, t('queue.due_soon.hours', { h: q.hours })) : null))));
  const parts = [pageTitle(t('queues.title')), h('p', { class: 'lead' }, t('queues.hello', { name: user.display_name || user.username }))];
  if (!items.length) {
    parts.push(h('p', null, t('queues.none')));
    replace(root, ...parts);
    return;
  }
  parts.push(tiles);
  const warnings = warningsCard(r.warnings); // the index's early warnings of the caller's places
  if (warnings) parts.push(warnings);
  const q = items.find((x) => x.queue === active);
  if (q) {
    const list = pagedCases(api, { queue: q.queue, sort: 'due', limit: 50 }, (e) => showError(root, e));
    parts.push(h('section', { class: 'card', 'aria-labelledby': 'queue-h' },
      h('h2', { id: 'queue-h' }, t('queues.list', { label: tOr(`queue.${q.queue}`, q.label), n: q.count })), list.el));
    replace(root, ...parts);
    await list.load();
  } else {
    replace(root, ...parts);
  }
}

export async function renderCases(ctx) {
  const { root, api, query } = ctx;
  replace(root, pageTitle(t('cases.title')), loading());
  let cats = [];
  try {
    cats = (await api.get('/categories')).items || [];
  } catch {
    /* the filter works without names */
  }
  if (!ctx.current()) return;
  const status = select(STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) })), { empty: t('common.all'), value: query.get('status') || '' });
  status.id = 'f-status';
  const category = select(cats.map((c) => ({ value: c.code, label: c.name })), { empty: t('common.all'), value: query.get('category') || '' });
  category.id = 'f-category';
  const q = h('input', { type: 'search', id: 'f-q', maxlength: 50, value: query.get('q') || '' });
  const overdue = h('input', { type: 'checkbox', id: 'f-overdue', checked: query.get('overdue') === 'true' });
  const form = h('form', { class: 'card filters', role: 'search' },
    field(t('cases.status'), status), field(t('cases.category'), category),
    field(t('cases.q'), q, { hint: t('cases.q.hint') }),
    h('div', { class: 'field check-field' }, h('label', { class: 'check', for: 'f-overdue' }, overdue, ' ', t('cases.overdue'))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, t('cases.filter'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    if (status.value) p.set('status', status.value);
    if (category.value) p.set('category', category.value);
    if (q.value.trim()) p.set('q', q.value.trim());
    if (overdue.checked) p.set('overdue', 'true');
    const s = p.toString();
    ctx.navigate(s ? `cases?${s}` : 'cases');
  });
  const params = { limit: 50 };
  for (const k of ['status', 'category', 'q', 'overdue', 'place']) if (query.get(k)) params[k] = query.get(k);
  const list = pagedCases(api, params, (e) => showError(root, e));
  replace(root, pageTitle(t('cases.title')), form, h('section', { class: 'card' }, list.el));
  await list.load();
}
