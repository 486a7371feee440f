// admin-calendar.js - the working-day calendar that every deadline counts on: the year's public
// holidays and make-up working days (调休), shown month by month, with exceptions to add or
// remove (GET /calendar?year=, PUT and DELETE /calendar/{day}).
import { h, replace, field, select } from '../dom.js';
import { t, tOr } from '../i18n.js';
import { pageTitle, showError, clearMessages, loading } from '../ui.js';

export async function render(ctx, notice) {
  const { root, api, query } = ctx;
  const thisYear = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();
  const year = /^\d{4}$/.test(query.get('year') || '') ? Number(query.get('year')) : thisYear;
  replace(root, pageTitle(t('calendar.title')), loading());
  const cal = await api.get('/calendar', { year });
  if (!ctx.current()) return;
  const byDay = new Map((cal.items || []).map((d) => [d.day, d]));

  const yearSel = select([year - 1, year, year + 1, thisYear].filter((v, i, a) => a.indexOf(v) === i).sort()
    .map((y) => ({ value: String(y), label: String(y) })), { value: String(year) });
  yearSel.id = 'cal-year';
  yearSel.addEventListener('change', () => ctx.navigate(`admin/calendar?year=${yearSel.value}`));

  const day = h('input', { type: 'date', id: 'cal-day', min: `${year}-01-01`, max: `${year}-12-31` });
  const kind = select(['holiday', 'workday'].map((k) => ({ value: k, label: t(`calendar.kind.${k}`) })));
  kind.id = 'cal-kind';
  const name = h('input', { type: 'text', id: 'cal-name', maxlength: 40 });
  const form = h('form', { class: 'card form', id: 'calendar-form' }, h('h2', null, t('calendar.set')),
    h('div', { class: 'row' }, field(t('calendar.day'), day, { required: true }), field(t('calendar.kind'), kind, { required: true }),
      field(t('calendar.name'), name)),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, t('common.save'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    try {
      const body = { kind: kind.value };
      if (name.value.trim()) body.name = name.value.trim();
      await api.put(`/calendar/${day.value}`, body);
      await render(ctx, t('common.saved'));
    } catch (e) {
      showError(form, e);
    }
  });

  const table = h('table', { class: 'list', id: 'calendar-days' },
    h('thead', null, h('tr', null, ['calendar.day', 'calendar.kind', 'calendar.name', 'calendar.source'].map((k) => h('th', { scope: 'col' }, t(k))),
      h('th', null, h('span', { class: 'sr' }, t('common.delete'))))),
    h('tbody', null, (cal.items || []).map((d) => h('tr', { class: `k-${d.kind}` },
      h('td', { 'data-label': t('calendar.day') }, d.day),
      h('td', { 'data-label': t('calendar.kind') }, tOr(`calendar.kind.${d.kind}`, d.kind)),
      h('td', { 'data-label': t('calendar.name') }, d.name || ''),
      h('td', { 'data-label': t('calendar.source') }, tOr(`calendar.source.${d.source}`, d.source)),
      h('td', null, h('button', {
        type: 'button', class: 'btn small secondary', 'aria-label': `${t('common.delete')} ${d.day}`,
        onclick: async () => {
          try {
            await api.del(`/calendar/${d.day}`);
            await render(ctx, t('calendar.deleted', { day: d.day }));
          } catch (e) {
            showError(root, e);
          }
        },
      }, t('common.delete')))))));

  replace(root, pageTitle(t('calendar.title')),
    notice ? h('div', { class: 'msg msg-ok', role: 'status' }, notice) : null,
    h('div', { class: 'row' }, (() => { const f = field(t('calendar.year'), yearSel); f.classList.add('short'); return f; })(),
      h('p', { class: 'lead', id: 'cal-summary' }, t('calendar.summary', { year: cal.year, days: cal.days, workdays: cal.workdays }))),
    h('p', { class: 'hint' }, t('calendar.hint')),
    h('div', { class: 'months', 'aria-hidden': 'true' }, Array.from({ length: 12 }, (_, m) => month(year, m, byDay))),
    form,
    h('section', { class: 'card scroll-x' }, table));
}

const WEEK = ['一', '二', '三', '四', '五', '六', '日'];
const WEEK_EN = ['M', 'T', 'W', 'T', 'F', 'S', 'S'];

/** One month as a small grid: weekends grey, holidays red, make-up working days blue. */
function month(year, m, byDay) {
  const first = new Date(Date.UTC(year, m, 1));
  const days = new Date(Date.UTC(year, m + 1, 0)).getUTCDate();
  const lead = (first.getUTCDay() + 6) % 7; // Monday first
  const cells = [];
  for (let i = 0; i < lead; i++) cells.push(h('span', { class: 'd empty' }));
  for (let d = 1; d <= days; d++) {
    const iso = `${year}-${String(m + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    const wd = (lead + d - 1) % 7;
    const ex = byDay.get(iso);
    const cls = ex ? (ex.kind === 'holiday' ? 'holiday' : 'workday') : wd >= 5 ? 'weekend' : '';
    cells.push(h('span', { class: `d ${cls}`, title: ex ? `${iso} ${ex.name || ''}` : iso }, String(d)));
  }
  const names = document.documentElement.lang === 'en' ? WEEK_EN : WEEK;
  return h('div', { class: 'month' }, h('div', { class: 'month-name' }, document.documentElement.lang === 'en' ? `${year}-${m + 1}` : `${m + 1}月`),
    h('div', { class: 'mgrid' }, names.map((n) => h('span', { class: 'd head' }, n)), cells));
}
