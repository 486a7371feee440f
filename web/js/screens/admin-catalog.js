// admin-catalog.js - for district administrators: the service catalogue (categories with their
// department, handling level, stage deadlines and Open311 attributes; PUT /categories/{code})
// and the departments that handle cases (PUT /departments/{code}).
import { h, replace, field, select } from '../dom.js';
import { t, tOr } from '../i18n.js';
import { pageTitle, showError, clearMessages, loading } from '../ui.js';

const LEVELS = ['community', 'town', 'district'];
const DATATYPES = ['string', 'text', 'number', 'datetime', 'singlevaluelist', 'multivaluelist'];
const SLAS = ['accept', 'dispatch', 'resolve', 'verify'];

export async function render(ctx, notice) {
  const { root, api } = ctx;
  replace(root, pageTitle(t('catalog.title')), loading());
  const [cats, deps] = await Promise.all([api.get('/categories', { all: 1 }), api.get('/departments')]);
  if (!ctx.current()) return;
  const depList = deps.items || [];
  const depName = new Map(depList.map((d) => [d.code, d.name]));
  const editor = h('div', { id: 'catalog-editor' });

  const catTable = h('table', { class: 'list', id: 'categories' },
    h('thead', null, h('tr', null, ['common.code', 'common.name', 'catalog.group', 'catalog.department', 'catalog.level', 'catalog.sla', 'catalog.active']
      .map((k) => h('th', { scope: 'col' }, t(k))), h('th', null, h('span', { class: 'sr' }, t('common.edit'))))),
    h('tbody', null, (cats.items || []).map((c) => h('tr', { class: c.active ? null : 'inactive' },
      h('td', { 'data-label': t('common.code') }, c.code),
      h('td', { 'data-label': t('common.name') }, c.name),
      h('td', { 'data-label': t('catalog.group') }, c.group),
      h('td', { 'data-label': t('catalog.department') }, c.department ? depName.get(c.department) || c.department : '-'),
      h('td', { 'data-label': t('catalog.level') }, tOr(`level.${c.handling_level}`, c.handling_level)),
      h('td', { 'data-label': t('catalog.sla') }, SLAS.map((s) => `${t(`catalog.sla.${s}`)} ${(c.sla || {})[s] || '-'}`).join(' / ')),
      h('td', { 'data-label': t('catalog.active') }, c.active ? t('common.yes') : t('common.no')),
      h('td', null, h('button', {
        type: 'button', class: 'btn small secondary', 'aria-label': `${t('common.edit')} ${c.name}`,
        onclick: () => categoryForm(ctx, editor, depList, c),
      }, t('common.edit')))))));

  const depTable = h('table', { class: 'list', id: 'departments' },
    h('thead', null, h('tr', null, ['common.code', 'common.name', 'catalog.dept.place'].map((k) => h('th', { scope: 'col' }, t(k))),
      h('th', null, h('span', { class: 'sr' }, t('common.edit'))))),
    h('tbody', null, depList.map((d) => h('tr', null,
      h('td', { 'data-label': t('common.code') }, d.code), h('td', { 'data-label': t('common.name') }, d.name),
      h('td', { 'data-label': t('catalog.dept.place') }, d.place_code),
      h('td', null, h('button', { type: 'button', class: 'btn small secondary', 'aria-label': `${t('common.edit')} ${d.name}`, onclick: () => deptForm(ctx, editor, d) }, t('common.edit')))))));

  replace(root, pageTitle(t('catalog.title')),
    notice ? h('div', { class: 'msg msg-ok', role: 'status' }, notice) : null,
    editor,
    h('section', { class: 'card scroll-x' }, h('div', { class: 'section-head' }, h('h2', null, t('catalog.categories')),
      h('button', { type: 'button', class: 'btn small primary', onclick: () => categoryForm(ctx, editor, depList, null) }, t('catalog.new'))), catTable),
    h('section', { class: 'card scroll-x' }, h('div', { class: 'section-head' }, h('h2', null, t('catalog.departments')),
      h('button', { type: 'button', class: 'btn small primary', onclick: () => deptForm(ctx, editor, null) }, t('catalog.dept.new'))), depTable));
}

function attrRows(initial) {
  const body = h('div', { class: 'attr-rows' });
  function add(a = {}) {
    const n = body.children.length + 1;
    const code = h('input', { type: 'text', maxlength: 32, required: true, value: a.code || '', 'aria-label': `${t('catalog.attr.code')} ${n}` });
    const desc = h('input', { type: 'text', maxlength: 100, required: true, value: a.description || '', 'aria-label': `${t('catalog.attr.description')} ${n}` });
    const dt = select(DATATYPES.map((d) => ({ value: d, label: t(`datatype.${d}`) })), { value: a.datatype || 'string' });
    dt.setAttribute('aria-label', `${t('catalog.attr.datatype')} ${n}`);
    const req = h('input', { type: 'checkbox', checked: !!a.required, 'aria-label': `${t('catalog.attr.required')} ${n}` });
    const dtd = h('input', { type: 'text', maxlength: 200, value: a.datatype_description || '', 'aria-label': `${t('catalog.attr.dtdesc')} ${n}` });
    const vals = h('textarea', { rows: 3, 'aria-label': `${t('catalog.attr.values')} ${n}` });
    vals.value = (a.values || []).map((v) => `${v.key}:${v.name}`).join('\n');
    const valsWrap = h('label', { class: 'vals' }, h('span', null, t('catalog.attr.values')), vals);
    const sync = () => { valsWrap.hidden = !/valuelist$/.test(dt.value); };
    dt.addEventListener('change', sync);
    sync();
    const row = h('div', { class: 'attr-row' },
      h('label', null, h('span', null, t('catalog.attr.code')), code),
      h('label', null, h('span', null, t('catalog.attr.description')), desc),
      h('label', null, h('span', null, t('catalog.attr.datatype')), dt),
      h('label', { class: 'check' }, req, ' ', t('catalog.attr.required')),
      h('label', null, h('span', null, t('catalog.attr.dtdesc')), dtd),
      valsWrap,
      h('button', { type: 'button', class: 'btn small secondary', onclick: () => row.remove() }, t('common.remove')));
    row._get = (i) => {
      const out = { code: code.value.trim(), datatype: dt.value, required: req.checked, description: desc.value.trim(), order: i + 1, variable: true };
      if (dtd.value.trim()) out.datatype_description = dtd.value.trim();
      if (/valuelist$/.test(dt.value)) {
        out.values = vals.value.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
          const k = l.indexOf(':') >= 0 ? l.indexOf(':') : l.indexOf('：');
          return k > 0 ? { key: l.slice(0, k).trim(), name: l.slice(k + 1).trim() } : { key: l, name: l };
        });
      }
      return out;
    };
    body.appendChild(row);
    return code;
  }
  for (const a of initial) add(a);
  return {
    el: h('fieldset', { class: 'group wide' }, h('legend', null, t('catalog.attributes')), body,
      h('button', { type: 'button', class: 'btn small secondary', onclick: () => add().focus() }, t('catalog.attr.add'))),
    value: () => Array.from(body.children).map((r, i) => r._get(i)),
  };
}

function categoryForm(ctx, editor, depList, c) {
  const isNew = !c;
  const code = h('input', { type: 'text', maxlength: 32, pattern: '[a-z0-9_-]{2,32}', value: c ? c.code : '', disabled: !isNew });
  const name = h('input', { type: 'text', maxlength: 64, value: c ? c.name : '' });
  const group = h('input', { type: 'text', maxlength: 32, value: c ? c.group : '' });
  const desc = h('textarea', { rows: 2, maxlength: 500 });
  desc.value = c ? c.description || '' : '';
  const kw = h('input', { type: 'text', maxlength: 200, value: c ? c.keywords || '' : '' });
  const dep = select(depList.map((d) => ({ value: d.code, label: `${d.name}（${d.code}）` })), { empty: t('common.none'), value: c && c.department ? c.department : '' });
  const level = select(LEVELS.map((l) => ({ value: l, label: tOr(`level.${l}`, l) })), { value: c ? c.handling_level : 'community' });
  const sla = {};
  for (const s of SLAS) sla[s] = h('input', { type: 'text', maxlength: 8, pattern: '\\d{1,3}(h|d|cd)', value: c ? (c.sla || {})[s] || '' : '1d' });
  const active = h('input', { type: 'checkbox', id: 'cat-active', checked: c ? !!c.active : true });
  const attrs = attrRows(c ? (c.attributes || []) : []);
  const form = h('form', { class: 'card form', id: 'category-form' },
    h('h2', null, isNew ? t('catalog.new') : t('catalog.edit', { name: c.name })),
    h('div', { class: 'grid2' },
      field(t('common.code'), code, { required: isNew }), field(t('common.name'), name, { required: true }),
      field(t('catalog.group'), group, { required: true }), field(t('catalog.department'), dep),
      field(t('catalog.level'), level, { required: true }), field(t('catalog.keywords'), kw),
      field(t('catalog.description'), desc, { wide: true }),
      h('fieldset', { class: 'group wide' }, h('legend', null, t('catalog.sla')),
        h('div', { class: 'row' }, SLAS.map((s) => field(t(`catalog.sla.${s}`), sla[s], { required: true }))),
        h('p', { class: 'hint' }, t('catalog.sla.hint'))),
      h('div', { class: 'field' }, h('label', { class: 'check', for: 'cat-active' }, active, ' ', t('catalog.active'))),
      attrs.el),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, t('common.save')),
      h('button', { type: 'button', class: 'btn secondary', onclick: () => replace(editor) }, t('common.cancel'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    const body = {
      name: name.value.trim(), group: group.value.trim(), description: desc.value.trim(), keywords: kw.value.trim(),
      handling_level: level.value, active: active.checked, attributes: attrs.value(), sla: {},
    };
    if (dep.value) body.department = dep.value;
    for (const s of SLAS) body.sla[s] = sla[s].value.trim();
    try {
      await ctx.api.put(`/categories/${encodeURIComponent(code.value.trim())}`, body);
      await render(ctx, t('common.saved'));
    } catch (e) {
      showError(form, e);
    }
  });
  replace(editor, form);
  (isNew ? code : name).focus();
}

function deptForm(ctx, editor, d) {
  const code = h('input', { type: 'text', maxlength: 32, value: d ? d.code : '', disabled: !!d });
  const name = h('input', { type: 'text', maxlength: 64, value: d ? d.name : '' });
  const place = h('input', { type: 'text', maxlength: 32, value: d ? d.place_code : '330604' });
  const form = h('form', { class: 'card form', id: 'department-form' },
    h('h2', null, t('catalog.dept.new')),
    h('div', { class: 'grid2' }, field(t('common.code'), code, { required: !d }), field(t('common.name'), name, { required: true }),
      field(t('catalog.dept.place'), place, { required: true })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, t('common.save')),
      h('button', { type: 'button', class: 'btn secondary', onclick: () => replace(editor) }, t('common.cancel'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    try {
      await ctx.api.put(`/departments/${encodeURIComponent(code.value.trim())}`, { name: name.value.trim(), place_code: place.value.trim() });
      await render(ctx, t('common.saved'));
    } catch (e) {
      showError(form, e);
    }
  });
  replace(editor, form);
  (d ? name : code).focus();
}
