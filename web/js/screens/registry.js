// registry.js - one screen for every register (台账: residents, households, new-resident
// registrations, compounds, departments, and whatever the server adds), driven entirely by the
// schema of GET /registries (registries.js):
//   #/r/NAME?q=&place=     the list: search, place filter, "more" by cursor, export, and (with
//                          the pii verb) the unmasked view for a stated purpose
//   #/r/NAME/KEY           one record: every field, edit, delete, the unmasked view
//   #/r/NAME/new           the form of a new record; #/r/NAME/KEY/edit changes one (PATCH sends
//                          only the changed fields)
//   #/r/NAME/import        a CSV file: dry run, import (optionally of the valid rows only) and the
//                          report of the bad rows
// Personal fields (identity number, phone) come masked from the server; the page never unmasks
// anything itself, it only asks again with ?purpose=. Beyond the fields' types the schema may say
// immutable (set on create only), unique, filter (an exact ?name=value filter), csv: false (not
// an import column), min/max, and archive on the registry (DELETE archives; ?archived=true).
import { h, replace, field, select, link, newId, fmtTime } from '../dom.js';
import { t, tOr } from '../i18n.js';
import { pageTitle, errorBox, clearMessages, loading } from '../ui.js';
import { loadRegistries, label, can } from '../registries.js';

const PAGE = 50;
const PLACE_PATTERN = '\\d{6}|\\d{9}|\\d{12}|\\d{15}|\\d{17}';

/* ---- the schema ---- */

async function registryOf(ctx) {
  const regs = await loadRegistries(ctx.api);
  return { reg: regs.find((r) => r.name === ctx.params.reg) || null, regs };
}

function notFound(ctx) {
  replace(ctx.root, pageTitle(t('reg.notfound')), h('p', null, t('reg.notfound.text')),
    h('p', null, link('#/', t('app.home'))));
}

const keyOf = (reg) => reg.key || 'id';
const enc = encodeURIComponent;
const apiPath = (reg, key) => (key === undefined ? `/${enc(reg.name)}` : `/${enc(reg.name)}/${enc(key)}`);
export const hashOf = (reg, key) => (key === undefined ? `#/r/${enc(reg.name)}` : `#/r/${enc(reg.name)}/${enc(key)}`);
const formFields = (reg) => reg.fields.filter((f) => !f.readonly);
const hasPersonal = (reg) => reg.fields.some((f) => f.personal);

function listFields(reg) {
  const l = reg.fields.filter((f) => f.list);
  return l.length ? l : reg.fields.slice(0, 5);
}

/** Options as [{value, label}] whether the server sent objects or plain strings. */
export function optionsOf(f) {
  return (Array.isArray(f.options) ? f.options : []).map((o) => (o && typeof o === 'object' ? o : { value: o, label: String(o) }));
}

/** The plain text field that names a record: "name" if there is one, else the first text
 * column of the list; null when the list starts with something else (a reference, a date). */
function nameField(reg) {
  const plain = (f) => f && f.type === 'text' && !f.personal;
  const byName = reg.fields.find((f) => f.name === 'name' && plain(f));
  if (byName) return byName;
  const first = listFields(reg)[0];
  return plain(first) ? first : null;
}

/** The words that name a record: its name field, else "register #key". */
function titleOf(reg, rec) {
  const f = nameField(reg);
  return f && !empty(rec[f.name]) ? String(rec[f.name]) : `${label(reg)} #${rec[keyOf(reg)]}`;
}

function empty(v) {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

/* ---- values as text ---- */

export function fmtMoney(fen) {
  const n = Number(fen);
  if (!Number.isFinite(n)) return String(fen);
  const neg = n < 0;
  const a = Math.abs(Math.round(n));
  const yuan = `${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
  return t('reg.yuan', { v: (neg ? '-' : '') + yuan });
}

/** "12.5" -> 1250 (fen), without floating-point rounding; null for blank. */
export function parseMoney(s) {
  const m = /^\s*(-?)(\d+)(?:\.(\d{1,2}))?\s*$/.exec(String(s));
  if (!m) return NaN;
  const fen = Number(m[2]) * 100 + Number((m[3] || '').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

const placeNames = new Map();
/** The name of a place code from the public search, cached: the place itself, or (a town, the
 * district) the path of a place under it. */
export function placeName(api, code) {
  if (!/^\d{6,17}$/.test(code)) return Promise.resolve(null);
  if (!placeNames.has(code)) {
    placeNames.set(code, api.get('/public/places', { q: code }, { auth: false })
      .then((r) => {
        const items = r.items || [];
        const hit = items.find((p) => p.code === code) ||
          items.flatMap((p) => p.path || []).find((p) => p && p.code === code);
        return (hit && hit.name) || null;
      })
      .catch(() => null));
  }
  return placeNames.get(code);
}

/** A place code, replaced by its name once known (the code stays in the tooltip or brackets). */
export function placeNode(api, code, long) {
  const el = h('span', { class: 'place', dataset: { code: String(code) } }, String(code));
  placeName(api, String(code)).then((name) => {
    if (!name) return;
    el.textContent = long ? `${name}（${code}）` : name;
    if (!long) el.title = String(code);
  });
  return el;
}

const refTitles = new Map();
function refTitle(api, target, key) {
  const k = `${target.name}/${key}`;
  if (!refTitles.has(k)) {
    refTitles.set(k, api.get(apiPath(target, key)).then((r) => (nameField(target) ? titleOf(target, r) : null)).catch(() => null));
  }
  return refTitles.get(k);
}

export function chips(values) {
  return h('span', { class: 'chips' }, values.map((v) => h('span', { class: 'chip' }, String(v))));
}

/** A field's value for the list and the detail: text or a node; null when empty. */
function fmtValue(ctx, regs, f, v, long) {
  if (empty(v)) return null;
  switch (f.type) {
    case 'bool':
      return v ? t('common.yes') : t('common.no');
    case 'money':
      return fmtMoney(v);
    case 'enum': {
      const o = optionsOf(f).find((x) => String(x.value) === String(v));
      return o ? label(o) : String(v);
    }
    case 'tags':
      return Array.isArray(v) ? chips(v) : String(v);
    case 'codes':
      return Array.isArray(v) ? h('span', null, v.map((c, i) => [i ? '、' : '', placeNode(ctx.api, c, long)])) : String(v);
    case 'place':
      return placeNode(ctx.api, v, long);
    case 'ref': {
      const target = regs.find((r) => r.name === f.ref);
      if (!target) return `#${v}`;
      const a = link(hashOf(target, v), `#${v}`);
      // on a record's page, the referenced record by its name (one request per reference)
      if (long) refTitle(ctx.api, target, v).then((name) => { if (name) a.textContent = `${name}（#${v}）`; });
      return a;
    }
    default:
      return Array.isArray(v) ? v.join('、') : String(v);
  }
}

/* ---- shared pieces ---- */

/** Errors of a form: a 422 goes next to its field, a 409 names the existing record. */
function showFormError(form, reg, e) {
  clearFieldErrors(form);
  clearMessages(form);
  let box;
  let focus = null;
  if (e && e.status === 409) {
    box = h('div', { class: 'msg msg-error', role: 'alert' }, h('strong', null, t('reg.err.conflict')),
      e.message ? h('div', { class: 'detail' }, e.message) : null);
    focus = markField(form, e);
  } else if (e && e.field) {
    const f = reg.fields.find((x) => x.name === e.field);
    focus = markField(form, e);
    box = h('div', { class: 'msg msg-error', role: 'alert' },
      h('strong', null, `${t('err.title')}：${t('reg.err.field', { field: f ? label(f) : e.field })}`),
      e.message ? h('div', { class: 'detail' }, t('err.detail', { msg: e.message })) : null);
  } else {
    box = errorBox(e);
  }
  form.prepend(box);
  if (focus) focus.focus();
  else box.scrollIntoView({ block: 'nearest' });
}

/** The server's message under the control of the field it names; the control, or null. */
export function markField(form, e) {
  if (!e || !e.field) return null;
  const holder = form.querySelector(`[data-field="${CSS.escape(e.field)}"]`);
  const ctl = holder && holder.querySelector('input, select, textarea');
  if (!ctl || ctl.disabled) return null;
  const id = `${ctl.id}-error`;
  holder.appendChild(h('p', { class: 'field-error', id }, e.message || t('err.invalid')));
  ctl.setAttribute('aria-invalid', 'true');
  ctl.setAttribute('aria-describedby', [ctl.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
  return ctl;
}

export function clearFieldErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    const ids = (el.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !x.endsWith('-error'));
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  }
}

function errorIn(container, e) {
  clearMessages(container);
  const box = errorBox(e);
  container.prepend(box);
  box.scrollIntoView({ block: 'nearest' });
}

function okIn(container, text) {
  clearMessages(container);
  container.prepend(h('div', { class: 'msg msg-ok', role: 'status' }, text));
}

/**
 * The question before an unmasked view: what for (用途). onPurpose(text) runs on submit;
 * returns {el, open()}.
 */
function purposeForm(idPrefix, onPurpose) {
  const input = h('input', { type: 'text', id: `${idPrefix}-purpose`, name: 'purpose', maxlength: 100, required: true, autocomplete: 'off' });
  const dl = h('datalist', { id: `${idPrefix}-purposes` },
    ['reg.purpose.visit', 'reg.purpose.check', 'reg.purpose.mediate', 'reg.purpose.emergency', 'reg.purpose.correct']
      .map((k) => h('option', { value: t(k) })));
  input.setAttribute('list', dl.id);
  const form = h('form', { class: 'card form purpose', id: `${idPrefix}-form`, hidden: true },
    h('p', { class: 'hint' }, t('reg.purpose.why')),
    field(t('reg.purpose'), input, { required: true, hint: t('reg.purpose.hint') }), dl,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn primary', id: `${idPrefix}-go` }, t('reg.pii.show')),
      h('button', { type: 'button', class: 'btn secondary', onclick: () => { form.hidden = true; } }, t('common.cancel'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const p = input.value.trim();
    if (!p) return;
    const go = form.querySelector('button[type="submit"]');
    go.disabled = true;
    try {
      await onPurpose(p);
    } finally {
      go.disabled = false;
    }
  });
  return {
    el: form,
    open() {
      form.hidden = false;
      input.focus();
    },
  };
}

/** GET /NAME/export?format=&place= as a file the browser saves. */
async function download(ctx, reg, params, btn, where) {
  btn.disabled = true;
  try {
    const r = await ctx.api.download(`${apiPath(reg)}/export`, params);
    const a = h('a', { href: URL.createObjectURL(r.blob), download: r.filename || `${reg.name}.${params.format}`, hidden: true });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  } catch (e) {
    errorIn(where, e);
  } finally {
    btn.disabled = false;
  }
}

/** A place-code input with suggestions by name (GET /places?q=) as the user types. */
export function placeAssist(ctx, input) {
  const dl = h('datalist', { id: newId('places') });
  input.setAttribute('list', dl.id);
  let timer = null;
  let last = '';
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const v = input.value.trim();
    if (v.length < 2 || v === last || /^\d{15,}$/.test(v)) return; // a whole grid code needs no help
    timer = setTimeout(async () => {
      last = v;
      try {
        const r = await ctx.api.get('/places', { q: v, limit: 20 });
        replace(dl, (r.items || []).map((p) => h('option', { value: p.code }, p.name)));
      } catch {
        /* no suggestions */
      }
    }, 300);
  });
  return dl;
}

/* ---- the list: #/r/NAME?q=&place= ---- */

const RESERVED = ['q', 'place', 'cursor', 'limit', 'purpose', 'archived', 'format'];
let carried = null; // {reg, values}: the personal filters of the last search, for the next list

/** Fields the list can filter on exactly: choices, yes/no, and whole personal values. */
function filterFields(reg) {
  return reg.fields.filter((f) => f.filter && !RESERVED.includes(f.name) &&
    (f.type === 'enum' || f.type === 'bool' || (f.type === 'text' && f.personal)));
}

function filterLabel(f) {
  return f.personal ? t('reg.filter.exact', { field: label(f) }) : label(f);
}

function filterControl(f, value) {
  const id = `filter-${f.name}`;
  let el;
  if (f.type === 'enum') el = select(optionsOf(f).map((o) => ({ value: String(o.value), label: label(o) })), { empty: t('common.all'), value: value || '' });
  else if (f.type === 'bool') el = select([{ value: 'true', label: t('common.yes') }, { value: 'false', label: t('common.no') }], { empty: t('common.all'), value: value || '' });
  else el = h('input', { type: 'search', maxlength: Number(f.max) > 0 ? Number(f.max) : 40, autocomplete: 'off', value: value || '' });
  el.id = id;
  el.name = f.name;
  return el;
}

export async function render(ctx) {
  const { root, api, query } = ctx;
  replace(root, pageTitle(t('reg.title')), loading());
  const { reg, regs } = await registryOf(ctx);
  if (!ctx.current()) return;
  if (!reg) {
    notFound(ctx);
    return;
  }
  const q = (query.get('q') || '').trim();
  const place = (query.get('place') || '').trim();
  const archived = reg.archive && query.get('archived') === 'true';
  const filters = filterFields(reg);
  // a personal value (an identity number) is never put in the address, so not in the history
  // either: it comes from the submitted form through `carried`
  const carry = carried && carried.reg === reg.name ? carried.values : {};
  carried = null;
  const filterValues = {};
  for (const f of filters) {
    const v = f.personal ? carry[f.name] : (query.get(f.name) || '').trim();
    if (v) filterValues[f.name] = v;
  }
  const filtered = !!(q || place || Object.keys(filterValues).length);
  let purpose = null;

  const head = h('div', { class: 'head-actions' });
  if (can(reg, 'write')) head.appendChild(h('a', { class: 'btn primary', id: 'reg-new', href: `${hashOf(reg)}/new` }, t('reg.new')));
  if (can(reg, 'import')) head.appendChild(h('a', { class: 'btn secondary', id: 'reg-import', href: `${hashOf(reg)}/import` }, t('reg.import')));
  const box = h('div', { id: 'reg-list' });
  if (can(reg, 'export')) {
    for (const [format, key] of [['csv', 'reg.export.csv'], ['xlsx', 'reg.export.xlsx']]) {
      const b = h('button', { type: 'button', class: 'btn secondary', id: `export-${format}` }, t(key));
      // the file is masked like the list; an unmasked file is not offered (one view is not a
      // reason for a whole register in full)
      b.addEventListener('click', () => download(ctx, reg, { format, place: place || undefined }, b, box));
      head.appendChild(b);
    }
  }

  // hints as placeholders here: on a phone the list should start near the top
  const qIn = h('input', { type: 'search', id: 'reg-q', name: 'q', maxlength: 40, value: q, placeholder: t('reg.q.hint') });
  const placeIn = h('input', { type: 'text', id: 'reg-place', name: 'place', maxlength: 17, pattern: PLACE_PATTERN, value: place, autocomplete: 'off', placeholder: t('reg.place.short'), title: t('reg.place.hint') });
  let placeField = null;
  if (place || reg.fields.some((f) => f.type === 'place' || f.type === 'codes')) {
    placeField = field(t('reg.place'), placeIn);
    placeField.appendChild(placeAssist(ctx, placeIn));
  }
  // the registry's exact filters (choices, and whole personal values such as an identity
  // number), folded away unless one is in use
  const filterInputs = filters.map((f) => ({ f, el: filterControl(f, filterValues[f.name]) }));
  const archivedIn = reg.archive ? h('input', { type: 'checkbox', id: 'reg-archived', checked: archived }) : null;
  const moreFilters = filterInputs.length || archivedIn ? h('details', { class: 'more-filters wide', open: filterInputs.some((x) => filterValues[x.f.name]) || archived },
    h('summary', null, t('reg.filters.more')),
    h('div', { class: 'filters' }, filterInputs.map(({ f, el }) => field(filterLabel(f), el)),
      archivedIn ? h('div', { class: 'field check-field' }, h('label', { class: 'check', for: 'reg-archived' }, archivedIn, ' ', t('reg.archived.show'))) : null)) : null;
  const search = h('form', { class: 'card', id: 'reg-search', role: 'search' },
    h('div', { class: 'filters' }, field(t('reg.q'), qIn), placeField,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, t('common.search')),
        filtered || archived ? h('a', { class: 'btn secondary', href: hashOf(reg), id: 'reg-clear' }, t('reg.clear')) : null)),
    moreFilters);
  search.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    if (qIn.value.trim()) p.set('q', qIn.value.trim());
    if (placeField && placeIn.value.trim()) p.set('place', placeIn.value.trim());
    const personal = {};
    for (const { f, el } of filterInputs) {
      if (!el.value.trim()) continue;
      if (f.personal) personal[f.name] = el.value.trim();
      else p.set(f.name, el.value.trim());
    }
    if (archivedIn && archivedIn.checked) p.set('archived', 'true');
    carried = Object.keys(personal).length ? { reg: reg.name, values: personal } : null;
    const s = p.toString();
    ctx.navigate(`r/${enc(reg.name)}${s ? `?${s}` : ''}`);
  });

  const count = h('p', { class: 'count', 'aria-live': 'polite', id: 'reg-count' });
  const tableBox = h('div', { class: 'scroll-x', id: 'reg-table' });
  const more = h('button', { type: 'button', class: 'btn secondary', id: 'reg-more', hidden: true }, t('common.more'));
  const piiNote = h('div', { id: 'pii-state' });
  let items = [];
  let next = null;

  /** A page of records (the first again when reset); false when the server said no. */
  async function load(reset) {
    more.disabled = true;
    try {
      const params = { limit: PAGE, ...filterValues };
      if (q) params.q = q;
      if (place) params.place = place;
      if (archived) params.archived = 'true';
      if (purpose) params.purpose = purpose;
      if (!reset && next) params.cursor = next;
      const r = await api.get(apiPath(reg), params);
      if (!ctx.current()) return false;
      items = reset ? (r.items || []) : items.concat(r.items || []);
      next = r.next_cursor || null;
      replace(tableBox, recordTable(ctx, reg, regs, items, filtered));
      count.textContent = t('reg.count', { n: items.length });
      more.hidden = !next;
      clearMessages(box);
      return true;
    } catch (e) {
      errorIn(box, e);
      return false;
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', () => load(false));

  let pii = null;
  if (can(reg, 'pii') && hasPersonal(reg)) {
    const show = h('button', { type: 'button', class: 'btn secondary', id: 'pii-view' }, t('reg.pii.view'));
    pii = purposeForm('pii', async (p) => {
      purpose = p;
      if (!await load(true)) {
        purpose = null;
        return;
      }
      pii.el.hidden = true;
      replace(piiNote, h('div', { class: 'msg msg-warn', role: 'status' }, t('reg.pii.shown', { purpose: p }), ' ',
        h('button', { type: 'button', class: 'link', id: 'pii-hide', onclick: async () => {
          purpose = null;
          replace(piiNote);
          await load(true);
          show.focus();
        } }, t('reg.pii.hide'))));
    });
    show.addEventListener('click', () => pii.open());
    head.appendChild(show);
  }

  replace(root, pageTitle(label(reg), head), search, pii ? pii.el : null, piiNote,
    h('section', { class: 'card', 'aria-label': label(reg) }, box, count, tableBox, more));
  await load(true);
}

function recordTable(ctx, reg, regs, items, filtered) {
  if (!items.length) return h('p', { class: 'empty' }, filtered ? t('reg.nomatch') : t('common.empty'));
  const cols = listFields(reg);
  const key = keyOf(reg);
  // the record's link is its name, or a number column of its own when the list starts with
  // something that has a link of its own (a reference) or no name (a date)
  const named = nameField(reg) === cols[0];
  const archived = (rec) => (rec.archived_at ? [' ', h('span', { class: 'badge archived' }, t('reg.archived'))] : null);
  return h('table', { class: 'list records', id: 'records' },
    h('thead', null, h('tr', null, named ? null : h('th', { scope: 'col' }, t('reg.key')), cols.map((f) => h('th', { scope: 'col' }, label(f))))),
    h('tbody', null, items.map((rec) => h('tr', { dataset: { key: String(rec[key]) } },
      named ? null : h('td', { 'data-label': t('reg.key'), dataset: { field: key } }, link(hashOf(reg, rec[key]), `#${rec[key]}`), archived(rec)),
      cols.map((f, i) => {
        const v = fmtValue(ctx, regs, f, rec[f.name], false);
        const cell = h('td', { 'data-label': label(f), dataset: { field: f.name }, class: f.personal ? 'personal' : null });
        if (i === 0 && named) cell.append(link(hashOf(reg, rec[key]), v === null ? `#${rec[key]}` : v), ...(archived(rec) || []));
        else if (v !== null) cell.append(v);
        return cell;
      })))));
}

/* ---- one record: #/r/NAME/KEY ---- */

export async function renderRecord(ctx, notice) {
  const { root, api, params } = ctx;
  replace(root, pageTitle(t('reg.title')), loading());
  const { reg, regs } = await registryOf(ctx);
  if (!ctx.current()) return;
  if (!reg) {
    notFound(ctx);
    return;
  }
  const rec = await api.get(apiPath(reg, params.key));
  if (!ctx.current()) return;
  const key = keyOf(reg);
  const k = empty(rec[key]) ? params.key : rec[key];
  const title = titleOf(reg, rec);
  const main = h('section', { class: 'card' });
  const note = h('div', { id: 'pii-state' });

  function facts(r) {
    const dl = h('dl', { class: 'facts', id: 'record' });
    if (!reg.fields.some((f) => f.name === key)) {
      dl.append(h('dt', null, t('reg.key')), h('dd', { dataset: { field: key } }, String(empty(r[key]) ? k : r[key])));
    }
    for (const f of reg.fields) {
      const v = fmtValue(ctx, regs, f, r[f.name], true);
      dl.append(h('dt', null, label(f)), h('dd', { dataset: { field: f.name }, class: f.personal ? 'personal' : null }, v === null ? '—' : v));
    }
    // what the server keeps beside the fields
    for (const [k, lk] of [['created_at', 'reg.created_at'], ['updated_at', 'reg.updated_at'], ['archived_at', 'reg.archived_at']]) {
      if (typeof r[k] === 'string' && r[k] && !reg.fields.some((f) => f.name === k)) {
        dl.append(h('dt', null, t(lk)), h('dd', { dataset: { field: k } }, fmtTime(r[k])));
      }
    }
    return dl;
  }
  replace(main, facts(rec));

  const actions = h('div', { class: 'actions', id: 'record-actions' });
  const confirm = h('div', { class: 'card confirm', id: 'delete-confirm', hidden: true, role: 'alertdialog', 'aria-labelledby': 'delete-q' },
    h('p', { id: 'delete-q' }, reg.archive ? t('reg.archive.confirm', { name: title }) : t('reg.delete.confirm', { name: title })),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'btn warn', id: 'delete-yes' }, reg.archive ? t('reg.archive.yes') : t('reg.delete.yes')),
      h('button', { type: 'button', class: 'btn secondary', id: 'delete-no' }, t('common.cancel'))));
  const archive = !!reg.archive;
  if (can(reg, 'write') && !rec.archived_at) {
    actions.appendChild(h('a', { class: 'btn primary', id: 'record-edit', href: `${hashOf(reg, k)}/edit` }, t('common.edit')));
    const del = h('button', { type: 'button', class: 'btn secondary', id: 'record-delete', 'aria-expanded': 'false' }, archive ? t('reg.archive') : t('common.delete'));
    del.addEventListener('click', () => {
      confirm.hidden = false;
      del.setAttribute('aria-expanded', 'true');
      confirm.querySelector('#delete-no').focus();
    });
    confirm.querySelector('#delete-no').addEventListener('click', () => {
      confirm.hidden = true;
      del.setAttribute('aria-expanded', 'false');
      del.focus();
    });
    confirm.querySelector('#delete-yes').addEventListener('click', async (ev) => {
      ev.target.disabled = true;
      try {
        await api.del(apiPath(reg, k));
        ctx.navigate(`r/${enc(reg.name)}`, t(archive ? 'reg.archived.done' : 'reg.deleted', { name: title }));
      } catch (e) {
        errorIn(confirm, e);
        ev.target.disabled = false;
      }
    });
    actions.appendChild(del);
  }
  let pii = null;
  if (can(reg, 'pii') && reg.fields.some((f) => f.personal && !empty(rec[f.name]))) {
    const show = h('button', { type: 'button', class: 'btn secondary', id: 'pii-view' }, t('reg.pii.view'));
    pii = purposeForm('pii', async (p) => {
      try {
        const full = await api.get(apiPath(reg, k), { purpose: p });
        if (!ctx.current()) return;
        replace(main, facts(full));
        pii.el.hidden = true;
        show.hidden = true;
        replace(note, h('div', { class: 'msg msg-warn', role: 'status' }, t('reg.pii.shown', { purpose: p }), ' ',
          h('button', { type: 'button', class: 'link', id: 'pii-hide', onclick: () => {
            replace(main, facts(rec));
            replace(note);
            show.hidden = false;
            show.focus();
          } }, t('reg.pii.hide'))));
      } catch (e) {
        errorIn(pii.el, e);
      }
    });
    show.addEventListener('click', () => pii.open());
    actions.appendChild(show);
  }

  replace(root,
    crumbs(reg, title),
    pageTitle(title, rec.archived_at ? h('span', { class: 'badge archived' }, t('reg.archived')) : null),
    notice ? h('div', { class: 'msg msg-ok', role: 'status' }, notice) : null,
    note, main, actions, confirm, pii ? pii.el : null);
}

/** Register › [record ›] here. */
function crumbs(reg, here, record) {
  return h('nav', { class: 'crumbs', 'aria-label': t('nav.registries') },
    h('ol', null, h('li', null, link(hashOf(reg), label(reg))),
      record ? h('li', null, link(record[0], record[1])) : null,
      h('li', null, h('span', { 'aria-current': 'page' }, here))));
}

/* ---- the form: #/r/NAME/new, #/r/NAME/KEY/edit ---- */

/** A control for a field: {el, holder, get()} where get() gives the value to send. */
function control(ctx, regs, f, value, isNew, isKey) {
  const id = `rf-${f.name}`;
  const common = { id, name: f.name };
  const masked = !isNew && f.personal && typeof value === 'string' && value.includes('*');
  const required = !!f.required && !masked;
  let el;
  let get;
  const extra = [];
  const hints = [];
  switch (f.type) {
    case 'bool':
      el = select([{ value: 'true', label: t('common.yes') }, { value: 'false', label: t('common.no') }],
        { empty: t('common.choose'), value: value === true ? 'true' : value === false ? 'false' : '' });
      get = () => (el.value === '' ? null : el.value === 'true');
      break;
    case 'enum': {
      const opts = optionsOf(f);
      el = select(opts.map((o) => ({ value: String(o.value), label: label(o) })), { empty: t('common.choose'), value: empty(value) ? '' : String(value) });
      get = () => {
        const o = opts.find((x) => String(x.value) === el.value);
        return o ? o.value : null;
      };
      break;
    }
    case 'int':
      el = h('input', { type: 'number', step: 1, inputmode: 'numeric', min: Number.isFinite(f.min) ? f.min : null, max: Number.isFinite(f.max) ? f.max : null, value: empty(value) ? '' : value });
      get = () => (el.value.trim() === '' ? null : Number(el.value));
      break;
    case 'money':
      el = h('input', { type: 'text', inputmode: 'decimal', pattern: '-?\\d+(\\.\\d{1,2})?', value: empty(value) ? '' : fmtMoneyPlain(value) });
      hints.push(t('reg.money.hint'));
      get = () => (el.value.trim() === '' ? null : parseMoney(el.value));
      break;
    case 'date':
      el = h('input', { type: 'date', value: empty(value) ? '' : value });
      get = () => el.value || null;
      break;
    case 'place':
      el = h('input', { type: 'text', inputmode: 'numeric', maxlength: 17, pattern: PLACE_PATTERN, autocomplete: 'off', value: empty(value) ? '' : value });
      extra.push(placeAssist(ctx, el));
      hints.push(t('reg.place.hint'));
      get = () => el.value.trim() || null;
      break;
    case 'codes':
      el = h('input', { type: 'text', autocomplete: 'off', value: Array.isArray(value) ? value.join(', ') : '' });
      hints.push(t('reg.codes.hint'));
      get = () => splitList(el.value);
      break;
    case 'tags': {
      el = h('input', { type: 'text', autocomplete: 'off', value: Array.isArray(value) ? value.join(', ') : '' });
      hints.push(t('reg.tags.hint'));
      const sugg = optionsOf(f);
      if (sugg.length) {
        extra.push(h('div', { class: 'chips suggest', role: 'group', 'aria-label': t('reg.tags.suggest') }, sugg.map((o) =>
          h('button', { type: 'button', class: 'chip', onclick: () => {
            const now = splitList(el.value);
            if (!now.includes(String(o.value))) el.value = [...now, String(o.value)].join(', ');
            el.focus();
          } }, `+ ${label(o)}`))));
      }
      get = () => splitList(el.value);
      break;
    }
    case 'ref': {
      el = h('input', { type: 'number', min: 1, step: 1, inputmode: 'numeric', value: empty(value) ? '' : value });
      const target = regs.find((r) => r.name === f.ref);
      if (target) {
        hints.push(t('reg.ref.hint', { name: label(target) }));
        extra.push(refLookup(ctx, target, el));
      }
      get = () => (el.value.trim() === '' ? null : Number(el.value));
      break;
    }
    default: {
      const long = Number(f.max) > 200;
      el = long ? h('textarea', { rows: 3 }) : h('input', { type: 'text' });
      if (Number(f.max) > 0) el.maxLength = Number(f.max);
      if (f.personal) el.autocomplete = 'off';
      el.value = masked || empty(value) ? '' : String(value);
      get = () => el.value.trim() || null;
    }
  }
  for (const [k, v] of Object.entries(common)) el.setAttribute(k, v);
  if (masked) {
    el.placeholder = value;
    hints.push(t('reg.masked.hint'));
  }
  if (!isNew && (isKey || f.immutable)) {
    el.disabled = true; // set when the record was made
    hints.push(t('reg.immutable.hint'));
  }
  const holder = field(label(f), el, { required: required && !el.disabled, hint: hints.join(' ') || null, wide: f.type === 'tags' || f.type === 'codes' || (f.type === 'text' && Number(f.max) > 200) });
  holder.dataset.field = f.name;
  holder.append(...extra);
  return { el, holder, get, masked };
}

function fmtMoneyPlain(fen) {
  const n = Math.round(Number(fen));
  if (!Number.isFinite(n)) return '';
  const a = Math.abs(n);
  return `${n < 0 ? '-' : ''}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

function splitList(s) {
  return String(s).split(/[,，、;；\n]/).map((x) => x.trim()).filter(Boolean);
}

/** A ref field's helper: search the referenced register by q and pick a record's key. */
function refLookup(ctx, target, input) {
  const q = h('input', { type: 'search', maxlength: 40, 'aria-label': t('reg.lookup.q', { name: label(target) }) });
  const results = h('ul', { class: 'picklist' });
  const panel = h('div', { class: 'lookup', hidden: true }, h('div', { class: 'row' }, q,
    h('button', { type: 'button', class: 'btn small secondary', onclick: () => run() }, t('common.search'))), results);
  const btn = h('button', { type: 'button', class: 'btn small secondary', 'aria-expanded': 'false' }, t('reg.lookup', { name: label(target) }));
  btn.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    btn.setAttribute('aria-expanded', String(!panel.hidden));
    if (!panel.hidden) q.focus();
  });
  q.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault(); // not the record's form
      run();
    }
  });
  async function run() {
    if (!q.value.trim()) return;
    try {
      const r = await ctx.api.get(apiPath(target), { q: q.value.trim(), limit: 10 });
      const key = keyOf(target);
      const items = r.items || [];
      replace(results, items.length ? items.map((rec) => h('li', null, h('button', {
        type: 'button', class: 'link', onclick: () => {
          input.value = String(rec[key]);
          panel.hidden = true;
          btn.setAttribute('aria-expanded', 'false');
          input.focus();
        },
      }, `#${rec[key]} ${titleOf(target, rec)}`))) : h('li', null, t('common.empty')));
    } catch (e) {
      replace(results, h('li', null, errorBox(e)));
    }
  }
  return h('div', { class: 'ref-lookup' }, btn, panel);
}

export async function renderForm(ctx) {
  const { root, api, params } = ctx;
  replace(root, pageTitle(t('reg.title')), loading());
  const { reg, regs } = await registryOf(ctx);
  if (!ctx.current()) return;
  if (!reg) {
    notFound(ctx);
    return;
  }
  const isNew = params.key === undefined;
  const key = keyOf(reg);
  if (!can(reg, 'write')) {
    replace(root, crumbs(reg, isNew ? t('reg.new') : params.key), pageTitle(t('err.forbidden')), h('p', null, t('app.forbidden')));
    return;
  }
  const rec = isNew ? {} : await api.get(apiPath(reg, params.key));
  if (!ctx.current()) return;
  const title = isNew ? t('reg.new.title', { name: label(reg) }) : t('reg.edit.title', { name: titleOf(reg, rec) });
  const controls = formFields(reg).map((f) => ({ f, c: control(ctx, regs, f, rec[f.name], isNew, f.name === key) }));
  const cancelHref = isNew ? hashOf(reg) : hashOf(reg, params.key);
  const submit = h('button', { type: 'submit', class: 'btn primary', id: 'record-save' }, t('common.save'));
  const form = h('form', { class: 'card form', id: 'record-form' },
    h('p', { class: 'hint' }, t('reg.required.hint')),
    h('div', { class: 'grid2' }, controls.map((x) => x.c.holder)),
    h('div', { class: 'actions' }, submit, h('a', { class: 'btn secondary', href: cancelHref }, t('common.cancel'))));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    clearMessages(form);
    const body = {};
    for (const { f, c } of controls) {
      if (c.el.disabled) continue;
      const v = c.get();
      if (isNew) {
        if (!empty(v)) body[f.name] = v;
      } else if (c.masked && empty(v)) {
        continue; // a masked value left blank stays as it is
      } else if (JSON.stringify(empty(v) ? null : v) !== JSON.stringify(empty(rec[f.name]) ? null : rec[f.name])) {
        body[f.name] = empty(v) ? (f.type === 'tags' || f.type === 'codes' ? [] : null) : v;
      }
    }
    if (!isNew && Object.keys(body).length === 0) {
      okIn(form, t('reg.nochange'));
      return;
    }
    submit.disabled = true;
    try {
      const r = isNew ? await api.post(apiPath(reg), body) : await api.patch(apiPath(reg, params.key), body);
      const k = r && !empty(r[key]) ? r[key] : isNew ? body[key] : params.key;
      if (empty(k)) ctx.navigate(`r/${enc(reg.name)}`, t('reg.created'));
      else ctx.navigate(`r/${enc(reg.name)}/${enc(k)}`, isNew ? t('reg.created') : t('common.saved'));
    } catch (e) {
      showFormError(form, reg, e);
    } finally {
      submit.disabled = false;
    }
  });

  replace(root, isNew ? crumbs(reg, t('reg.new')) : crumbs(reg, t('common.edit'), [hashOf(reg, params.key), titleOf(reg, rec)]),
    pageTitle(title), form);
}

/* ---- import: #/r/NAME/import ---- */

function csvCell(s) {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function renderImport(ctx) {
  const { root, api } = ctx;
  replace(root, pageTitle(t('reg.title')), loading());
  const { reg, regs } = await registryOf(ctx);
  if (!ctx.current()) return;
  if (!reg) {
    notFound(ctx);
    return;
  }
  const title = t('reg.import.title', { name: label(reg) });
  if (!can(reg, 'import')) {
    replace(root, crumbs(reg, t('reg.import')), pageTitle(t('err.forbidden')), h('p', null, t('app.forbidden')));
    return;
  }
  const cols = formFields(reg).filter((f) => f.csv !== false);
  const colTable = h('table', { class: 'list', id: 'import-columns' },
    h('thead', null, h('tr', null, ['reg.col.label', 'reg.col.name', 'reg.col.note'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, cols.map((f) => h('tr', null,
      h('td', { 'data-label': t('reg.col.label') }, label(f), f.required ? h('span', { class: 'req', title: t('reg.required') }, ' *') : null),
      h('td', { 'data-label': t('reg.col.name') }, h('code', null, f.name)),
      h('td', { 'data-label': t('reg.col.note') }, colNote(f, regs))))));
  const template = h('button', { type: 'button', class: 'btn small secondary', id: 'import-template' }, t('reg.import.template'));
  template.addEventListener('click', () => {
    const text = `\ufeff${cols.map((f) => csvCell(f.label || f.name)).join(',')}\r\n`;
    const a = h('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' })), download: `${reg.label || reg.name}.csv`, hidden: true });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  });

  const file = h('input', { type: 'file', id: 'import-file', name: 'file', accept: '.csv,text/csv' });
  const validOnly = h('input', { type: 'checkbox', id: 'import-valid-only', name: 'valid_only' });
  const dry = h('button', { type: 'submit', class: 'btn secondary', id: 'import-dry', value: 'dry' }, t('reg.import.dry'));
  const run = h('button', { type: 'submit', class: 'btn primary', id: 'import-run', value: 'run' }, t('reg.import.run'));
  const report = h('section', { id: 'import-report', 'aria-live': 'polite' });
  const form = h('form', { class: 'card form', id: 'import-form' },
    field(t('reg.import.file'), file, { required: true, hint: t('reg.import.file.hint'), wide: true }),
    h('div', { class: 'field' }, h('label', { class: 'check', for: 'import-valid-only' }, validOnly, ' ', t('reg.import.valid_only')),
      h('div', { class: 'hint' }, t('reg.import.valid_only.hint'))),
    h('div', { class: 'actions' }, dry, run));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const isDry = !(ev.submitter && ev.submitter.value === 'run');
    const f = file.files && file.files[0];
    clearMessages(form);
    if (!f) {
      file.focus();
      return;
    }
    dry.disabled = true;
    run.disabled = true;
    replace(report, loading());
    try {
      const r = await api.postFile(`${apiPath(reg)}/import`, f, 'text/csv', { dry_run: isDry ? 'true' : 'false', valid_only: validOnly.checked ? 'true' : 'false' });
      replace(report, importReport(ctx, reg, r, null));
      if (!isDry && r && r.stored > 0) okIn(form, t('reg.import.stored', { n: r.stored }));
    } catch (e) {
      const rep = e && e.body && e.body.report;
      replace(report, rep ? importReport(ctx, reg, rep, e) : errorBox(e));
    } finally {
      dry.disabled = false;
      run.disabled = false;
    }
  });

  replace(root, crumbs(reg, t('reg.import')), pageTitle(title),
    h('section', { class: 'card' }, h('div', { class: 'section-head' }, h('h2', null, t('reg.import.columns')), template),
      h('p', { class: 'hint' }, t('reg.import.intro')), h('div', { class: 'scroll-x' }, colTable)),
    form, report);
}

function colNote(f, regs) {
  const parts = [tOr(`reg.type.${f.type}`, f.type)];
  const opts = optionsOf(f);
  if (f.type === 'enum' && opts.length) parts.push(t('reg.col.options', { list: opts.map((o) => label(o)).join('、') }));
  if (f.type === 'ref' && f.ref) parts.push(t('reg.col.ref', { name: label(regs.find((r) => r.name === f.ref)) || f.ref }));
  if (f.type === 'text' && Number(f.max) > 0) parts.push(t('reg.col.max', { n: f.max }));
  if (f.type === 'int' && (Number.isFinite(f.min) || Number.isFinite(f.max))) parts.push(t('reg.col.range', { min: f.min ?? '', max: f.max ?? '' }));
  if (f.type === 'bool') parts.push(t('reg.col.bool'));
  if (f.unique) parts.push(t('reg.col.unique'));
  return parts.join('；');
}

/** The import report: figures, then one highlighted line per bad cell (row, column, reason). */
function importReport(ctx, reg, r, err) {
  const errors = Array.isArray(r.errors) ? r.errors : [];
  const badRows = new Set(errors.map((e) => e.row));
  const byField = new Map(reg.fields.map((f) => [f.name, f]));
  const summary = h('dl', { class: 'facts', id: 'import-summary' },
    h('dt', null, t('reg.import.mode')), h('dd', { dataset: { k: 'mode' } }, r.dry_run ? t('reg.import.mode.dry') : t('reg.import.mode.run')),
    h('dt', null, t('reg.import.rows')), h('dd', { dataset: { k: 'rows' } }, String(r.rows ?? '-')),
    h('dt', null, t('reg.import.valid')), h('dd', { dataset: { k: 'valid' } }, String(r.valid ?? '-')),
    h('dt', null, t('reg.import.bad')), h('dd', { dataset: { k: 'bad' } }, String(badRows.size)),
    h('dt', null, t('reg.import.stored.label')), h('dd', { dataset: { k: 'stored' } }, String(r.stored ?? 0)),
    r.encoding ? h('dt', null, t('reg.import.encoding')) : null, r.encoding ? h('dd', { dataset: { k: 'encoding' } }, String(r.encoding)) : null);
  const parts = [];
  if (err) {
    parts.push(h('div', { class: 'msg msg-error', role: 'alert' }, h('strong', null, t('reg.import.refused')),
      err.message ? h('div', { class: 'detail' }, t('err.detail', { msg: err.message })) : null));
  }
  parts.push(h('h2', null, r.dry_run ? t('reg.import.report.dry') : t('reg.import.report')), summary);
  if (errors.length) {
    const sorted = errors.slice().sort((a, b) => (a.row || 0) - (b.row || 0));
    parts.push(h('h3', null, t('reg.import.errors', { n: badRows.size })), h('p', { class: 'hint' }, t('reg.import.rowhint')),
      h('div', { class: 'scroll-x' }, h('table', { class: 'list import-errors', id: 'import-errors' },
        h('thead', null, h('tr', null, ['reg.import.col.row', 'reg.import.col.column', 'reg.import.col.reason'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', null, sorted.map((e) => {
          const f = e.field && byField.get(e.field);
          return h('tr', { class: 'bad', dataset: { row: String(e.row ?? '') } },
            h('td', { 'data-label': t('reg.import.col.row') }, String(e.row ?? '-')),
            h('td', { 'data-label': t('reg.import.col.column') }, e.column || (f ? label(f) : e.field || '-')),
            h('td', { 'data-label': t('reg.import.col.reason') }, String(e.message || '')));
        })))));
    if (r.dry_run && r.valid > 0) parts.push(h('p', { class: 'hint' }, t('reg.import.next', { n: r.valid })));
  } else if (r.dry_run) {
    parts.push(h('p', { class: 'msg msg-ok', role: 'status' }, t('reg.import.clean')));
  }
  if (!r.dry_run && r.stored > 0) parts.push(h('p', null, link(hashOf(reg), t('reg.import.tolist', { name: label(reg) }))));
  return h('div', { class: 'card' }, parts);
}
