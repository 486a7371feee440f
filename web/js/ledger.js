// ledger.js - the accounts of villages and communities under the street's approval (社账街管):
//   #/ledger?place=&year=     a village's book (its entries and the form to add one) or, for a
//                             street or the district, the year's figures per place below
//   #/ledger/queue            the street's approval queue: 通过 in one tap, 退回 with a reason
//   #/ledger/e/:id            one entry: its facts, vouchers, hash-chained history and the steps
//                             the server allows now (submit, approve, reject, delete, reverse)
//   #/ledger/income?place=&year=  income charts (ECharts): per category, per month, collective
//                             income per village over three years against the weak-village line
// Amounts travel in fen (integers); the page shows and takes yuan. The server decides every step.
import { h, replace, field, select, link, fmtTime } from './dom.js';
import { t } from './i18n.js';
import { pageTitle, errorBox, loading, homePlace, showError, showNotice, facts } from './ui.js';
import { loadRegistries, can } from './registries.js';
import { placeChoices, placeSelect, badge } from './party.js';
import { loadECharts } from './screens/dashboard.js';

const enc = encodeURIComponent;
const thisYear = () => Number(new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 4));

/** 1234567 (fen) -> "12,345.67" */
export function yuan(fen) {
  const n = Number(fen) || 0;
  const neg = n < 0;
  const a = Math.abs(n);
  const whole = Math.floor(a / 100).toLocaleString('en-US');
  return `${neg ? '-' : ''}${whole}.${String(a % 100).padStart(2, '0')}`;
}

/** "12345.6" (yuan) -> 1234560 (fen), or null when it is not an amount of at most 2 decimals. */
export function fenOf(text) {
  const m = /^\s*(\d{1,10})(?:\.(\d{1,2}))?\s*$/.exec(String(text || ''));
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
}

function statusBadge(s) {
  return badge(`st-ledger-${s}`, t(`ledger.status.${s}`));
}

async function ledgerReg(api) {
  const regs = await loadRegistries(api);
  return regs.find((r) => r.name === 'ledger-entries') || null;
}

function yearSelect(current, onPick) {
  const now = thisYear();
  const years = [];
  for (let y = now; y >= now - 4; y--) years.push({ value: String(y), label: t('ledger.year.n', { y }) });
  const sel = select(years, { value: String(current) });
  sel.id = 'l-year';
  sel.addEventListener('change', () => onPick(Number(sel.value)));
  return field(t('ledger.year'), sel);
}

function figures(s) {
  const tile = (label, v, cls) => h('div', { class: `stat${cls ? ` ${cls}` : ''}` },
    h('div', { class: 'stat-value' }, v), h('div', { class: 'stat-label' }, label));
  const p = s.pending || {};
  return h('div', { class: 'stats', id: 'l-figures' },
    tile(t('ledger.income'), yuan(s.income)),
    tile(t('ledger.expense'), yuan(s.expense)),
    tile(t('ledger.balance'), yuan(s.balance)),
    tile(t('ledger.operating'), yuan(s.operating_income)),
    tile(t('ledger.closing'), yuan(s.closing_balance)),
    tile(t('ledger.waiting'), String((p.submitted || 0)), p.submitted ? 'alert' : ''),
    tile(t('ledger.rejected'), String((p.rejected || 0)), p.rejected ? 'alert' : ''));
}

/* ---- the book ---- */

export async function render(ctx) {
  const { root, api, query, user } = ctx;
  const place = (query.get('place') || '').trim() || homePlace(user);
  const year = Number(query.get('year')) || thisYear();
  replace(root, pageTitle(t('ledger.title')), loading());
  const reg = await ledgerReg(api);
  if (!ctx.current()) return;
  if (!reg) {
    replace(root, pageTitle(t('err.forbidden')), h('p', null, t('app.forbidden')));
    return;
  }
  const go = (p, y) => ctx.navigate(`ledger?place=${enc(p)}&year=${y}`);
  const [choices, sum] = await Promise.all([
    placeChoices(api, user, place),
    api.get('/ledgers/summary', { place, year }).catch((e) => ({ error: e })),
  ]);
  if (!ctx.current()) return;
  const pick = placeSelect('l-place', t('ledger.place'), choices.items, place, (p) => go(p, year));
  const head = h('div', { class: 'card filters' }, pick.holder, yearSelect(year, (y) => go(place, y)));
  if (sum.error) {
    replace(root, pageTitle(t('ledger.title')), head, errorBox(sum.error));
    return;
  }
  const out = [pageTitle(t('ledger.title.of', { place: sum.place.name, year })), head, figures(sum)];
  if (place.length === 12) {
    const list = h('div', { id: 'l-entries' }, loading());
    if (can(reg, 'write')) out.push(await entryForm(ctx, place, () => render(ctx)));
    out.push(h('h2', null, t('ledger.entries')), list);
    replace(root, ...out);
    loadEntries(ctx, place, year, list);
  } else {
    out.push(h('h2', null, t('ledger.below')), childTable(sum.children || [], year));
    replace(root, ...out);
  }
}

function childTable(items, year) {
  if (!items.length) return h('p', { class: 'empty' }, t('common.empty'));
  const cols = ['ledger.place', 'ledger.income', 'ledger.expense', 'ledger.balance', 'ledger.operating', 'ledger.pending'];
  return h('div', { class: 'scroll-x' }, h('table', { class: 'list', id: 'l-children' },
    h('thead', null, h('tr', null, cols.map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, items.map((c) => h('tr', null,
      h('td', { 'data-label': t('ledger.place') }, link(`#/ledger?place=${enc(c.code)}&year=${year}`, c.name)),
      h('td', { 'data-label': t('ledger.income') }, yuan(c.income)),
      h('td', { 'data-label': t('ledger.expense') }, yuan(c.expense)),
      h('td', { 'data-label': t('ledger.balance') }, yuan(c.balance)),
      h('td', { 'data-label': t('ledger.operating') }, yuan(c.operating_income)),
      h('td', { 'data-label': t('ledger.pending') }, String(c.pending)))))));
}

async function loadEntries(ctx, place, year, box) {
  try {
    const r = await ctx.api.get('/ledger-entries', { place, limit: 1000 });
    if (!ctx.current()) return;
    const items = (r.items || []).filter((x) => String(x.date).startsWith(String(year)));
    items.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : b.id - a.id));
    replace(box, entryTable(items));
  } catch (e) {
    replace(box, errorBox(e));
  }
}

function entryTable(items) {
  if (!items.length) return h('p', { class: 'empty' }, t('common.empty'));
  const cols = ['ledger.date', 'ledger.category', 'ledger.amount', 'ledger.counterparty', 'ledger.voucher', 'ledger.status'];
  return h('table', { class: 'list ledger' },
    h('thead', null, h('tr', null, cols.map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, items.map((x) => h('tr', { dataset: { id: String(x.id), status: x.status } },
      h('td', { 'data-label': t('ledger.date') }, link(`#/ledger/e/${x.id}`, x.date)),
      h('td', { 'data-label': t('ledger.category') }, `${t(`ledger.kind.${x.kind}`)} · ${x.category_name || x.category}`),
      h('td', { 'data-label': t('ledger.amount'), class: `amount ${x.kind}` },
        `${x.reverses ? '−' : ''}${yuan(x.amount)}`),
      h('td', { 'data-label': t('ledger.counterparty') }, x.counterparty || ''),
      h('td', { 'data-label': t('ledger.voucher') }, x.voucher_no || ''),
      h('td', { 'data-label': t('ledger.status') }, statusBadge(x.status))))));
}

/** The form of a new entry: save as a draft, or save and submit to the street at once. */
async function entryForm(ctx, place, done) {
  const { api } = ctx;
  const cats = await api.get('/ledger-categories', { limit: 100 }).then((r) => r.items || []).catch(() => []);
  const date = h('input', { type: 'date', name: 'date', value: new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10), required: true });
  const kind = select([{ value: 'income', label: t('ledger.kind.income') }, { value: 'expense', label: t('ledger.kind.expense') }], { name: 'kind', value: 'income' });
  const cat = h('select', { name: 'category' });
  const fillCats = () => replace(cat, cats.filter((c) => c.kind === kind.value)
    .sort((a, b) => (a.sort || 0) - (b.sort || 0)).map((c) => h('option', { value: c.code }, c.name)));
  kind.addEventListener('change', fillCats);
  fillCats();
  const amount = h('input', { type: 'text', name: 'amount', inputmode: 'decimal', autocomplete: 'off', placeholder: '0.00', required: true });
  const party = h('input', { type: 'text', name: 'counterparty', maxlength: 100 });
  const voucher = h('input', { type: 'text', name: 'voucher_no', maxlength: 40 });
  const note = h('input', { type: 'text', name: 'note', maxlength: 500 });
  const files = h('input', { type: 'file', name: 'file', accept: 'image/jpeg,image/png,image/webp,application/pdf', multiple: true });
  const holder = (name, label, ctl, opts) => {
    const f = field(label, ctl, opts);
    f.dataset.field = name;
    return f;
  };
  const draftBtn = h('button', { type: 'submit', class: 'btn secondary', value: 'draft' }, t('ledger.save'));
  const submitBtn = h('button', { type: 'submit', class: 'btn primary', value: 'submit', id: 'l-save-submit' }, t('ledger.save.submit'));
  const form = h('form', { class: 'card form grid2', id: 'l-form', novalidate: true },
    h('h2', { class: 'wide' }, t('ledger.new')),
    holder('date', t('ledger.date'), date, { required: true }),
    holder('kind', t('ledger.kind'), kind),
    holder('category', t('ledger.category'), cat),
    holder('amount', t('ledger.amount.yuan'), amount, { required: true, hint: t('ledger.amount.hint') }),
    holder('counterparty', t('ledger.counterparty'), party),
    holder('voucher_no', t('ledger.voucher'), voucher),
    holder('note', t('ledger.note'), note, { wide: true }),
    holder('file', t('ledger.attachments'), files, { hint: t('ledger.attachments.hint') }),
    h('div', { class: 'actions wide' }, submitBtn, draftBtn));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const andSubmit = !ev.submitter || ev.submitter.value === 'submit';
    const fen = fenOf(amount.value);
    if (fen === null || fen <= 0) {
      showError(form, { code: 'invalid', field: 'amount', message: t('ledger.amount.bad') });
      amount.focus();
      return;
    }
    const body = { place, date: date.value, kind: kind.value, category: cat.value, amount: fen };
    if (party.value.trim()) body.counterparty = party.value.trim();
    if (voucher.value.trim()) body.voucher_no = voucher.value.trim();
    if (note.value.trim()) body.note = note.value.trim();
    draftBtn.disabled = submitBtn.disabled = true;
    try {
      const e = await api.post('/ledger-entries', body);
      if (files.files.length) {
        const fd = new FormData();
        for (const f of files.files) fd.append('file', f, f.name || 'voucher');
        await api.post(`/ledger-entries/${e.id}/attachments`, undefined, { form: fd });
      }
      if (andSubmit) await api.post(`/ledger-entries/${e.id}/actions`, { action: 'submit' });
      ctx.notify(t(andSubmit ? 'ledger.done.submitted' : 'ledger.done.saved'));
      done();
    } catch (err) {
      showError(form, err.body && err.body.error ? err.body.error : err);
    } finally {
      draftBtn.disabled = submitBtn.disabled = false;
    }
  });
  return form;
}

/* ---- the street's queue ---- */

/** One tap approves; 退回 opens a reason box, and the reason is required. */

/* A voucher: a photo shown as a thumbnail, or a PDF document (not an image: the thumbnail fails to
 * load and becomes a link that downloads it). */
function voucherLink(sha) {
  const url = `/api/v1/photos/${sha}`;
  // loaded at once (at most 9): a lazy one out of view would never fail and turn into its link
  const img = h('img', { src: url, alt: t('ledger.voucher.photo') });
  const a = h('a', { href: url, target: '_blank', rel: 'noopener' }, img);
  img.addEventListener('error', () => {
    a.classList.add('doc');
    a.replaceChildren(t('ledger.voucher.document'));
  }, { once: true });
  return a;
}
function decisionCard(ctx, x, onDone, decider) {
  const { api } = ctx;
  const reason = h('textarea', { name: 'reason', rows: 2, maxlength: 500 });
  const rejectForm = h('form', { class: 'action-form', hidden: true },
    field(t('ledger.reason'), reason, { required: true }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn warn' }, t('ledger.reject.confirm'))));
  const card = h('li', { class: 'card ledger-card', dataset: { id: String(x.id) } });
  const act = async (body) => {
    for (const b of card.querySelectorAll('button')) b.disabled = true;
    try {
      await api.post(`/ledger-entries/${x.id}/actions`, body);
      onDone(card, body.action);
    } catch (err) {
      showError(card, err.body && err.body.error ? err.body.error : err);
      for (const b of card.querySelectorAll('button')) b.disabled = false;
    }
  };
  rejectForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!reason.value.trim()) {
      showError(rejectForm, { code: 'invalid', field: 'reason', message: t('ledger.reason.need') });
      reason.focus();
      return;
    }
    act({ action: 'reject', reason: reason.value.trim() });
  });
  const rejectBtn = h('button', { type: 'button', class: 'btn secondary', 'aria-expanded': 'false', onclick: () => {
    rejectForm.hidden = !rejectForm.hidden;
    rejectBtn.setAttribute('aria-expanded', String(!rejectForm.hidden));
    if (!rejectForm.hidden) reason.focus();
  } }, t('ledger.reject'));
  const thumbs = (x.attachments || []).map(voucherLink);
  replace(card,
    h('div', { class: 'section-head' }, h('strong', null, x.place_name || x.place), ' ', statusBadge(x.status)),
    h('p', { class: `amount ${x.kind}` }, `${t(`ledger.kind.${x.kind}`)} ${x.reverses ? '−' : ''}¥${yuan(x.amount)}`),
    facts([[t('ledger.date'), x.date], [t('ledger.category'), x.category_name || x.category],
      [t('ledger.counterparty'), x.counterparty], [t('ledger.voucher'), x.voucher_no], [t('ledger.note'), x.note],
      [t('ledger.reverses'), x.reverses ? link(`#/ledger/e/${x.reverses}`, `#${x.reverses}`) : null]]),
    thumbs.length ? h('div', { class: 'thumbs' }, thumbs) : null,
    decider ? h('div', { class: 'action-bar' },
      h('button', { type: 'button', class: 'btn primary', onclick: () => act({ action: 'approve' }) }, t('ledger.approve')),
      rejectBtn, link(`#/ledger/e/${x.id}`, t('ledger.detail'))) : h('p', null, link(`#/ledger/e/${x.id}`, t('ledger.detail'))),
    decider ? rejectForm : null);
  return card;
}

export async function renderQueue(ctx) {
  const { root, api } = ctx;
  replace(root, pageTitle(t('ledger.queue.title')), loading());
  const r = await api.get('/ledger-entries', { status: 'submitted', limit: 200 });
  if (!ctx.current()) return;
  const items = r.items || [];
  const count = h('p', { class: 'count', 'aria-live': 'polite', id: 'l-queue-count' }, t('ledger.queue.count', { n: items.length }));
  const list = h('ul', { class: 'plain ledger-queue', id: 'l-queue' });
  let left = items.length;
  const done = (card, action) => {
    card.remove();
    left -= 1;
    count.textContent = t('ledger.queue.count', { n: left });
    showNotice(root, t(action === 'approve' ? 'ledger.done.approved' : 'ledger.done.rejected'));
  };
  // the street's and the district's offices decide; a community sees what waits for them
  const decider = ((ctx.user && ctx.user.roles) || []).some((g) => ['street_office', 'district_admin'].includes(g.role));
  for (const x of items) list.appendChild(decisionCard(ctx, x, done, decider));
  replace(root, pageTitle(t('ledger.queue.title')), h('p', { class: 'lead' }, t('ledger.queue.lead')), count,
    items.length ? list : h('p', { class: 'empty' }, t('ledger.queue.empty')));
}

/* ---- one entry ---- */

export async function renderEntry(ctx) {
  const { root, api, params } = ctx;
  const id = params.id;
  replace(root, pageTitle(t('ledger.entry', { id })), loading());
  const [x, tl, reg] = await Promise.all([
    api.get(`/ledger-entries/${enc(id)}`),
    api.get(`/ledger-entries/${enc(id)}/timeline`),
    ledgerReg(api),
  ]);
  if (!ctx.current()) return;
  const again = () => renderEntry(ctx);
  const bar = h('div', { class: 'action-bar', id: 'l-actions' });
  const step = async (body) => {
    try {
      await api.post(`/ledger-entries/${enc(id)}/actions`, body);
      ctx.notify(t(`ledger.done.${body.action === 'approve' ? 'approved' : body.action === 'reject' ? 'rejected' : 'submitted'}`));
      again();
    } catch (err) {
      showError(root, err.body && err.body.error ? err.body.error : err);
    }
  };
  const allowed = tl.allowed_actions || [];
  if (allowed.includes('submit')) bar.appendChild(h('button', { type: 'button', class: 'btn primary', onclick: () => step({ action: 'submit' }) }, t('ledger.submit')));
  if (allowed.includes('approve')) bar.appendChild(h('button', { type: 'button', class: 'btn primary', onclick: () => step({ action: 'approve' }) }, t('ledger.approve')));
  let rejectForm = null;
  if (allowed.includes('reject')) {
    const reason = h('textarea', { name: 'reason', rows: 2, maxlength: 500 });
    rejectForm = h('form', { class: 'action-form', hidden: true }, field(t('ledger.reason'), reason, { required: true }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn warn' }, t('ledger.reject.confirm'))));
    rejectForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      step({ action: 'reject', reason: reason.value });
    });
    bar.appendChild(h('button', { type: 'button', class: 'btn secondary', onclick: () => {
      rejectForm.hidden = !rejectForm.hidden;
      if (!rejectForm.hidden) reason.focus();
    } }, t('ledger.reject')));
  }
  if (allowed.includes('delete')) {
    bar.appendChild(h('button', { type: 'button', class: 'btn secondary', onclick: async () => {
      try {
        await api.del(`/ledger-entries/${enc(id)}`);
        ctx.navigate(`ledger?place=${enc(x.place)}`, t('ledger.done.deleted'));
      } catch (err) {
        showError(root, err.body && err.body.error ? err.body.error : err);
      }
    } }, t('ledger.delete')));
  }
  if (x.status === 'approved' && !x.reverses && can(reg, 'write')) {
    bar.appendChild(h('button', { type: 'button', class: 'btn secondary', id: 'l-reverse', onclick: async () => {
      try {
        const body = { place: x.place, date: new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10), kind: x.kind,
          category: x.category, amount: x.amount, reverses: x.id, note: t('ledger.reverse.note', { id: x.id }) };
        if (x.counterparty) body.counterparty = x.counterparty;
        const r = await api.post('/ledger-entries', body);
        ctx.navigate(`ledger/e/${r.id}`, t('ledger.done.reversal'));
      } catch (err) {
        showError(root, err.body && err.body.error ? err.body.error : err);
      }
    } }, t('ledger.reverse')));
  }
  const thumbs = (x.attachments || []).map(voucherLink);
  const history = h('ol', { class: 'timeline', id: 'l-timeline' }, (tl.items || []).map((ev) => h('li', null,
    h('div', { class: 'tl-head' }, h('strong', null, ev.action_label), ' ', h('span', { class: 'actor' }, ev.actor), ' ',
      h('time', null, fmtTime(ev.at))),
    ev.note ? h('p', { class: 'tl-note' }, ev.note) : null,
    h('p', { class: 'hash', title: ev.hash }, `#${ev.seq} ${String(ev.hash).slice(0, 16)}…`))));
  replace(root,
    pageTitle(t('ledger.entry', { id }), statusBadge(x.status)),
    h('p', null, link(`#/ledger?place=${enc(x.place)}&year=${String(x.date).slice(0, 4)}`, `← ${x.place_name || x.place}`)),
    h('div', { class: 'card' },
      h('p', { class: `amount big ${x.kind}` }, `${t(`ledger.kind.${x.kind}`)} ${x.reverses ? '−' : ''}¥${yuan(x.amount)}`),
      facts([[t('ledger.date'), x.date], [t('ledger.category'), x.category_name || x.category],
        [t('ledger.counterparty'), x.counterparty], [t('ledger.voucher'), x.voucher_no], [t('ledger.note'), x.note],
        [t('ledger.reason.shown'), x.status === 'rejected' ? x.reason : null],
        [t('ledger.reverses'), x.reverses ? link(`#/ledger/e/${x.reverses}`, `#${x.reverses}`) : null]]),
      thumbs.length ? h('div', { class: 'thumbs' }, thumbs) : null,
      bar, rejectForm),
    h('h2', null, t('ledger.history')),
    (tl.items || []).length ? history : h('p', { class: 'empty' }, t('ledger.history.none')));
}

/* ---- income charts ---- */

let charts = [];
window.addEventListener('resize', () => {
  for (const c of charts) c.resize();
});

export async function renderIncome(ctx) {
  const { root, api, query, user } = ctx;
  for (const c of charts) c.dispose();
  charts = [];
  const place = (query.get('place') || '').trim() || homePlace(user);
  const year = Number(query.get('year')) || thisYear();
  replace(root, pageTitle(t('ledger.income.title')), loading());
  const go = (p, y) => ctx.navigate(`ledger/income?place=${enc(p)}&year=${y}`);
  const [choices, sum, inc, echarts] = await Promise.all([
    placeChoices(api, user, place),
    api.get('/ledgers/summary', { place, year }),
    api.get('/ledgers/income', { place, from: year - 2, to: year }),
    loadECharts().catch((e) => e),
  ]);
  if (!ctx.current()) return;
  const pick = placeSelect('l-place', t('ledger.place'), choices.items, place, (p) => go(p, year));
  const cards = h('div', { class: 'chart-grid' },
    h('div', { class: 'card chart-card' }, h('h2', null, t('ledger.chart.category', { year })), h('div', { class: 'chart', id: 'lchart-cat' })),
    h('div', { class: 'card chart-card' }, h('h2', null, t('ledger.chart.month', { year })), h('div', { class: 'chart', id: 'lchart-month' })),
    h('div', { class: 'card chart-card wide' }, h('h2', null, t('ledger.chart.collective', { from: year - 2, to: year })),
      h('div', { class: 'chart', id: 'lchart-years' })));
  const rows = (inc.items || []).map((v) => h('tr', null,
    h('td', { 'data-label': t('ledger.place') }, link(`#/ledger?place=${enc(v.code)}&year=${year}`, v.name)),
    v.years.map((y) => h('td', { 'data-label': String(y.year) }, yuan(y.operating_income), y.weak ? [' ', badge('weak', t('ledger.weak'))] : null)),
    h('td', { 'data-label': t('ledger.trend') }, t(`ledger.trend.${v.trend}`), v.growth !== null ? ` ${v.growth}%` : '')));
  const table = h('div', { class: 'scroll-x' }, h('table', { class: 'list', id: 'l-collective' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('ledger.place')),
      (inc.thresholds || []).map((x) => h('th', { scope: 'col' }, t('ledger.op.year', { y: x.year, line: yuan(x.weak_below) }))),
      h('th', { scope: 'col' }, t('ledger.trend')))),
    h('tbody', null, rows)));
  replace(root, pageTitle(t('ledger.income.title.of', { place: sum.place.name })),
    h('div', { class: 'card filters' }, pick.holder, yearSelect(year, (y) => go(place, y))),
    figures(sum), cards, h('h2', null, t('ledger.collective')), h('p', { class: 'hint' }, t('ledger.collective.hint')),
    rows.length ? table : h('p', { class: 'empty' }, t('common.empty')));
  if (echarts instanceof Error || !echarts) {
    cards.prepend(errorBox({ code: 'http', message: t('dash.nochart') }));
    return;
  }
  const make = (id, option) => {
    const c = echarts.init(document.getElementById(id), null, { renderer: 'canvas' });
    c.setOption({ animationDuration: 300, tooltip: {}, ...option });
    charts.push(c);
  };
  const incomeCats = (sum.by_category || []).filter((c) => c.kind === 'income' && c.amount !== 0);
  make('lchart-cat', {
    tooltip: { trigger: 'item', formatter: (p) => `${p.name}: ¥${yuan(p.value)} (${p.percent}%)` },
    legend: { bottom: 0, type: 'scroll' },
    series: [{ type: 'pie', radius: ['35%', '65%'], center: ['50%', '45%'],
      data: incomeCats.map((c) => ({ name: c.name, value: c.amount })), label: { formatter: '{b}' } }],
  });
  const months = sum.by_month || [];
  make('lchart-month', {
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => `¥${yuan(Math.round(v * 100))}` },
    xAxis: { type: 'category', data: months.map((m) => m.month.slice(5)) },
    yAxis: { type: 'value', name: t('ledger.unit.yuan') },
    series: [
      { name: t('ledger.income'), type: 'bar', data: months.map((m) => m.income / 100) },
      { name: t('ledger.expense'), type: 'bar', data: months.map((m) => m.expense / 100) },
    ],
  });
  const years = (inc.thresholds || []).map((x) => String(x.year));
  make('lchart-years', {
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0, type: 'scroll' },
    tooltip: { trigger: 'axis', valueFormatter: (v) => `¥${yuan(Math.round(v * 100))}` },
    xAxis: { type: 'category', data: years },
    yAxis: { type: 'value', name: t('ledger.unit.yuan') },
    series: [
      ...(inc.items || []).slice(0, 12).map((v) => ({ name: v.name, type: 'bar', data: v.years.map((y) => y.operating_income / 100) })),
      { name: t('ledger.weak.line'), type: 'line', step: 'middle', data: (inc.thresholds || []).map((x) => x.weak_below / 100), lineStyle: { type: 'dashed' } },
    ],
  });
}
