// standards.js - the grid-management standards (网格管理十条标准) and the index's early warnings:
//   #/standards?place=&month=   a grid's month: the district's checklist with each item ticked
//                               达标 or not, a note and the evidence; a community (or street)
//                               office saves the sheet (one check per item), others read it;
//                               above a grid, the grids below to pick from
//   warningsCard(items)         the warnings of the caller's places for the queue screen
// The server decides every write; the checklist itself is the district's (#/r/grid-standards).
import { h, replace, field } from './dom.js';
import { t, addTexts } from './i18n.js';
import { pageTitle, loading, homePlace, showError, showNotice, errorBox } from './ui.js';
import { loadRegistries, can } from './registries.js';
import { placeChoices, placeSelect, badge } from './party.js';

addTexts({
  'std.title': ['网格管理十条标准', 'Grid-management standards'],
  'std.title.of': ['{place} {month} 标准考评', '{place}: standards of {month}'],
  'std.place': ['网格', 'Grid'],
  'std.month': ['考评月份', 'Month'],
  'std.pick': ['请选择一个网格。', 'Pick a grid.'],
  'std.met': ['达标', 'Met'],
  'std.note': ['说明', 'Note'],
  'std.evidence': ['佐证', 'Evidence'],
  'std.save': ['保存考评', 'Save the checks'],
  'std.saved': ['已保存 {n} 项考评', '{n} checks saved'],
  'std.nochange': ['没有改动', 'Nothing changed'],
  'std.summary': ['达标 {met} / {of} 项', '{met} of {of} met'],
  'std.unchecked': ['未考评', 'Not checked'],
  'std.unmet': ['未达标', 'Not met'],
  'std.by': ['考评人：{who}', 'Checked by {who}'],
  'std.readonly': ['只读：考评由社区（村）或街道微治办填写。', 'Read only: the community or street office ticks the items.'],
  'std.default': ['清单为区里可编辑的默认十条，见台账“网格管理标准”。', 'A default of ten the district edits (register "Grid-management standards").'],
  'warn.title': ['指数预警', 'Index warnings'],
  'warn.lead': ['以下网格、村社或镇街的智治指数较上月下降 5 分及以上。', 'These places scored 5 points or more below the month before.'],
  'warn.row': ['{period}：{score} 分（{grade}），上月 {previous} 分，下降 {drop} 分', '{period}: {score} ({grade}), last month {previous}, down {drop}'],
  'warn.level.grid': ['网格', 'Grid'],
  'warn.level.community': ['村社', 'Community'],
  'warn.level.town': ['镇街', 'Town'],
  'queue.due_soon.hours': ['{h} 个工作小时内', 'within {h} working hours'],
});

const enc = encodeURIComponent;
const thisMonth = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7);

/** The warnings section of the queue screen (GET /queues' warnings), or null when none. */
export function warningsCard(items) {
  if (!items || !items.length) return null;
  return h('section', { class: 'card warnings', id: 'index-warnings', 'aria-labelledby': 'warn-h' },
    h('h2', { id: 'warn-h' }, t('warn.title'), ' ', badge('overdue', String(items.length))),
    h('p', { class: 'hint' }, t('warn.lead')),
    h('ul', { class: 'warn-list' }, items.map((w) => h('li', { dataset: { place: w.place } },
      badge('internal', t(`warn.level.${w.level}`)), ' ',
      h('a', { href: `#/standards?place=${enc(w.place)}&month=${enc(w.period)}` }, w.name), ' ',
      h('span', null, t('warn.row', {
        period: w.period, score: w.score, grade: w.grade, previous: w.previous, drop: Math.round(-w.change * 10) / 10,
      }))))));
}

async function allPages(api, path, params) {
  let items = [];
  let cursor;
  for (let i = 0; i < 10; i++) {
    const r = await api.get(path, { ...params, limit: 200, cursor });
    items = items.concat(r.items || []);
    cursor = r.next_cursor;
    if (!cursor) break;
  }
  return items;
}

export async function render(ctx) {
  const { root, api, query, user } = ctx;
  const place = (query.get('place') || '').trim() || homePlace(user);
  const month = /^\d{4}-\d{2}$/.test(query.get('month') || '') ? query.get('month') : thisMonth();
  replace(root, pageTitle(t('std.title')), loading());
  const regs = await loadRegistries(api);
  if (!ctx.current()) return;
  const reg = regs.find((r) => r.name === 'standard-checks');
  if (!reg) {
    replace(root, pageTitle(t('err.forbidden')), h('p', null, t('app.forbidden')));
    return;
  }
  const go = (p, m) => ctx.navigate(`standards?place=${enc(p)}&month=${enc(m)}`);
  const choices = await placeChoices(api, user, place);
  if (!ctx.current()) return;
  const monthIn = h('input', { type: 'month', id: 'std-month', value: month, max: thisMonth() });
  const pick = placeSelect('std-place', t('std.place'), choices.items, place, (p) => go(p, monthIn.value || month));
  monthIn.addEventListener('change', () => monthIn.value && go(place, monthIn.value));
  const head = h('div', { class: 'card filters' }, pick.holder, field(t('std.month'), monthIn));
  const parts = [pageTitle(t('std.title')), head];
  if (place.length !== 15) {
    replace(root, ...parts, h('p', null, t('std.pick')), h('p', { class: 'hint' }, t('std.default')));
    return;
  }
  let standards;
  let checks;
  try {
    [standards, checks] = await Promise.all([
      allPages(api, '/grid-standards', {}),
      allPages(api, '/standard-checks', { grid: place, month }),
    ]);
  } catch (e) {
    replace(root, ...parts, errorBox(e));
    return;
  }
  if (!ctx.current()) return;
  standards.sort((a, b) => (a.sort_order - b.sort_order) || (a.id - b.id));
  const byStd = new Map(checks.map((c) => [c.standard, c]));
  const writable = can(reg, 'write');
  const name = (choices.place && choices.place.name) || place;
  const rows = standards.map((s) => {
    const c = byStd.get(s.id);
    const met = h('input', { type: 'checkbox', id: `std-met-${s.id}`, checked: !!(c && c.met), disabled: !writable });
    const note = h('input', { type: 'text', id: `std-note-${s.id}`, maxlength: 500, value: (c && c.note) || '', disabled: !writable, 'aria-label': `${s.name} ${t('std.note')}` });
    const row = h('li', { class: 'std-item', dataset: { code: s.code } },
      h('label', { class: 'check', for: met.id }, met, ' ', h('strong', null, `${s.code.toUpperCase()} ${s.name}`)),
      c ? badge(c.met ? 'std-met' : 'overdue', c.met ? t('std.met') : t('std.unmet')) : badge('internal', t('std.unchecked')),
      s.requirement ? h('p', { class: 'hint' }, s.requirement) : null,
      note,
      c && c.checked_by ? h('p', { class: 'hint' }, t('std.by', { who: c.checked_by })) : null);
    return { s, c, met, note, row };
  });
  const metN = checks.filter((c) => c.met).length;
  const list = h('ul', { class: 'std-list', id: 'std-list' }, rows.map((r) => r.row));
  const summary = h('p', { class: 'lead', id: 'std-summary' }, t('std.summary', { met: metN, of: checks.length }));
  const form = h('form', { class: 'card', id: 'std-form' }, summary, list);
  if (writable) {
    form.appendChild(h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary', id: 'std-save' }, t('std.save'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      let n = 0;
      try {
        for (const r of rows) {
          const met = r.met.checked;
          const note = r.note.value.trim();
          if (!r.c) {
            await api.post('/standard-checks', { grid: place, month, standard: r.s.id, met, note });
            n++;
          } else if (r.c.met !== met || (r.c.note || '') !== note) {
            await api.patch(`/standard-checks/${r.c.id}`, { met, note });
            n++;
          }
        }
      } catch (e) {
        showError(root, e);
        return;
      }
      await render(ctx);
      showNotice(root, n ? t('std.saved', { n }) : t('std.nochange'));
    });
  } else {
    form.appendChild(h('p', { class: 'hint' }, t('std.readonly')));
  }
  replace(root, pageTitle(t('std.title.of', { place: name, month })), head, form, h('p', { class: 'hint' }, t('std.default')));
}
