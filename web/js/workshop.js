// workshop.js - the screens of the community economy and the task boards:
//   #/econ/workshops          the 共富工坊 the caller may read
//   #/econ/workshops/ID?year= a workshop: its enterprises and party organisation, participants with
//                             their tags, income per month and per head, each participant's months
//                             (GET /workshops/ID/income)
//   #/tasks/board?place=      the micro-governance task board: per area its tasks with progress
//                             bars, the roll-up per street and community, and the overdue queue
//                             (GET /tasks/board, GET /tasks/overdue)
// Records are kept in the generic register screens (#/r/NAME); these only read across them.
import { h, replace, link } from './dom.js';
import { t, addTexts } from './i18n.js';
import { pageTitle, errorBox, loading, homePlace, facts } from './ui.js';
import { loadRegistries, can, label } from './registries.js';
import { hashOf, placeNode, optionsOf } from './screens/registry.js';
import { placeChoices, placeSelect, badge } from './party.js';

addTexts({
  'ws.list.title': ['共富工坊', 'Common-prosperity workshops'],
  'ws.list.intro': ['村社联合企业、由党组织牵头建设的共富工坊：在册人员与务工收入。', 'Workshops run by villages and communities with enterprises, led by a party organisation: participants and their income.'],
  'ws.list.none': ['您的辖区内暂无共富工坊。', 'No workshop in your area.'],
  'ws.register': ['工坊台账', 'Workshop register'],
  'ws.new': ['新建工坊', 'New workshop'],
  'ws.community': ['所在村社', 'Community'],
  'ws.org': ['牵头党组织', 'Party organisation'],
  'ws.mode': ['运行模式', 'Mode'],
  'ws.products': ['加工产品', 'What is made'],
  'ws.opened': ['建成日期', 'Opened on'],
  'ws.address': ['地址', 'Address'],
  'ws.enterprises': ['入驻企业', 'Enterprises'],
  'ws.participants': ['在册人数', 'Participants'],
  'ws.year': ['年度', 'Year'],
  'ws.stat.participants': ['在册人员', 'participants'],
  'ws.stat.paid': ['有收入人员', 'paid'],
  'ws.stat.amount': ['务工收入合计', 'income in all'],
  'ws.stat.perhead': ['人均月收入', 'income per head per month'],
  'ws.months.title': ['月度收入', 'Income per month'],
  'ws.months.hint': ['人均月收入 = 当月收入 ÷ 当月有收入人数；全年人均月收入 = 收入合计 ÷ 有收入的人月数。', 'Per head: the month\'s income over the people paid that month; for the year: the income over the person-months paid.'],
  'ws.month': ['月份', 'Month'],
  'ws.paid': ['有收入人数', 'Paid'],
  'ws.amount': ['收入', 'Income'],
  'ws.perhead': ['人均', 'Per head'],
  'ws.hours': ['工时', 'Hours'],
  'ws.pieces': ['件数', 'Pieces'],
  'ws.people.title': ['参与人员（{n}）', 'Participants ({n})'],
  'ws.name': ['姓名', 'Name'],
  'ws.tags': ['标签', 'Tags'],
  'ws.status': ['状态', 'Status'],
  'ws.status.active': ['在册', 'active'],
  'ws.status.left': ['已退出', 'left'],
  'ws.months_paid': ['有收入月数', 'Months paid'],
  'ws.total': ['合计', 'Total'],
  'ws.per_month': ['月均', 'Per month'],
  'ws.matrix.title': ['每人每月收入（元）', 'Income per participant and month (yuan)'],
  'ws.tags.title': ['人员构成', 'Who takes part'],
  'ws.none': ['本年度暂无收入记录。', 'No income recorded this year.'],
  'ws.add.income': ['登记收入', 'Record income'],
  'ws.add.person': ['添加人员', 'Add a participant'],
  'board.title': ['微治任务看板', 'Micro-governance task board'],
  'board.intro': ['{name}：各领域任务的目标完成情况，按街道和村社汇总；超期未完成的目标列入督办清单。', '{name}: the targets of each area\'s tasks, rolled up per street and community; targets past their due date are on the overdue list.'],
  'board.place': ['范围', 'Place'],
  'board.rollup': ['完成情况汇总', 'Roll-up'],
  'board.towns': ['按街道（乡镇）', 'Per street or town'],
  'board.communities': ['按村社', 'Per community'],
  'board.total': ['合计', 'Total'],
  'board.targets': ['目标数', 'Targets'],
  'board.done': ['已完成', 'Done'],
  'board.in_progress': ['推进中', 'In progress'],
  'board.not_started': ['未开始', 'Not started'],
  'board.overdue': ['已超期', 'Overdue'],
  'board.completion': ['完成率', 'Completion'],
  'board.task': ['任务', 'Task'],
  'board.owner': ['承办', 'Owner'],
  'board.due': ['截止', 'Due'],
  'board.progress': ['进度', 'Progress'],
  'board.area.count': ['{n} 项任务 · {d}/{all} 个目标完成', '{n} tasks · {d} of {all} targets done'],
  'board.none': ['该范围内暂无任务目标。', 'No task targets here.'],
  'board.overdue.title': ['超期督办（{n}）', 'Overdue ({n})'],
  'board.overdue.none': ['没有超期未完成的目标。', 'No target is overdue.'],
  'board.target': ['目标', 'Target'],
  'board.late': ['超期天数', 'Days late'],
  'board.late.n': ['{n} 天', '{n} days'],
  'board.targets.link': ['目标台账', 'Targets register'],
});

const enc = encodeURIComponent;

/** 123456 fen -> "1,234.56 元" */
export function yuan(fen) {
  const n = Number(fen) || 0;
  const s = (Math.abs(n) / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${n < 0 ? '-' : ''}${s} 元`;
}

/** A bar of part / whole, with its percentage beside it. */
export function progressBar(part, whole) {
  const pct = whole ? Math.round((100 * part) / whole) : 0;
  const bar = h('span', { class: 'bar', 'aria-hidden': 'true' }, h('span', { class: 'bar-fill' }));
  bar.firstChild.style.width = `${Math.max(0, Math.min(100, pct))}%`;
  return h('span', { class: 'share', dataset: { pct: String(pct) } }, bar, h('span', null, whole ? `${pct}%` : '-'));
}

function stat(key, value, text, alert) {
  return h('div', { class: `stat${alert ? ' alert' : ''}`, dataset: { stat: key } },
    h('span', { class: 'stat-value' }, String(value)), h('span', { class: 'stat-label' }, text));
}

function table(id, cols, rows, cls = 'list') {
  return h('div', { class: 'scroll-x' }, h('table', { class: cls, id },
    h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, rows)));
}

const td = (labelText, ...children) => h('td', { 'data-label': labelText }, ...children);

async function regsByName(api) {
  const regs = await loadRegistries(api);
  return Object.fromEntries(regs.map((r) => [r.name, r]));
}

function forbidden(root) {
  replace(root, pageTitle(t('err.forbidden')), h('p', null, t('app.forbidden')));
}

/* ---- #/econ/workshops ---- */

export async function renderWorkshops(ctx) {
  const { root, api } = ctx;
  replace(root, pageTitle(t('ws.list.title')), loading());
  const by = await regsByName(api);
  const reg = by.workshops;
  if (!ctx.current()) return;
  if (!reg) return forbidden(root);
  const r = await api.get('/workshops', { limit: 1000 });
  if (!ctx.current()) return;
  const items = r.items || [];
  const head = h('div', { class: 'head-actions' });
  if (can(reg, 'write')) head.appendChild(h('a', { class: 'btn secondary', href: `${hashOf(reg)}/new` }, t('ws.new')));
  head.appendChild(h('a', { class: 'btn secondary', href: hashOf(reg) }, t('ws.register')));
  const modeOf = (v) => {
    const f = (reg.fields || []).find((x) => x.name === 'mode');
    const o = f && optionsOf(f).find((x) => x.value === v);
    return o ? label(o) : String(v || '');
  };
  replace(root, pageTitle(t('ws.list.title'), head),
    h('p', { class: 'hint' }, t('ws.list.intro')),
    h('section', { class: 'card' }, items.length ? table('workshops', [t('common.name'), t('ws.community'), t('ws.org'), t('ws.mode'), t('ws.participants')],
      items.map((w) => h('tr', { dataset: { id: String(w.id) } },
        td(t('common.name'), link(`#/econ/workshops/${enc(w.id)}`, String(w.name))),
        td(t('ws.community'), placeNode(api, String(w.community))),
        td(t('ws.org'), String(w.party_org_name || '')),
        td(t('ws.mode'), modeOf(w.mode)),
        td(t('ws.participants'), String(w.participants ?? 0)))))
      : h('p', { class: 'empty', id: 'workshops-none' }, t('ws.list.none'))));
}

/* ---- #/econ/workshops/ID ---- */

export async function renderWorkshop(ctx) {
  const { root, api, params, query } = ctx;
  const id = params.id;
  const thisYear = new Date().getFullYear();
  const year = Number(query.get('year')) || thisYear;
  replace(root, pageTitle(t('ws.list.title')), loading());
  const by = await regsByName(api);
  if (!ctx.current()) return;
  if (!by.workshops) return forbidden(root);
  const inc = await api.get(`/workshops/${enc(id)}/income`, { from: `${year}-01`, to: `${year}-12` });
  if (!ctx.current()) return;
  const ws = inc.workshop || {};
  const modeField = (by.workshops.fields || []).find((x) => x.name === 'mode');
  const mode = modeField && optionsOf(modeField).find((x) => x.value === ws.mode);

  // enterprises by their credit codes: their names where the caller may read them
  const ents = h('ul', { class: 'plain', id: 'ws-enterprises' });
  for (const code of ws.enterprises || []) {
    const li = h('li', { dataset: { code } }, code);
    ents.appendChild(li);
    if (by.enterprises) {
      api.get('/enterprises', { credit_code: code }).then((r) => {
        const e = (r.items || [])[0];
        if (e) replace(li, link(hashOf(by.enterprises, e.id), String(e.name)), h('span', { class: 'hint' }, ` ${code}`));
      }, () => {});
    }
  }

  const years = [thisYear, thisYear - 1, thisYear - 2];
  if (!years.includes(year)) years.push(year);
  const yearSel = h('select', { id: 'ws-year', 'aria-label': t('ws.year') },
    years.map((y) => h('option', { value: String(y), selected: y === year }, String(y))));
  yearSel.addEventListener('change', () => ctx.navigate(`econ/workshops/${enc(id)}?year=${yearSel.value}`));
  const head = h('div', { class: 'head-actions' }, yearSel);
  if (can(by['workshop-incomes'], 'write')) head.appendChild(h('a', { class: 'btn secondary', href: `${hashOf(by['workshop-incomes'])}/new` }, t('ws.add.income')));
  if (can(by['workshop-participants'], 'write')) head.appendChild(h('a', { class: 'btn secondary', href: `${hashOf(by['workshop-participants'])}/new` }, t('ws.add.person')));

  const tot = inc.totals || {};
  const info = h('section', { class: 'card', id: 'ws-info' }, facts([
    [t('ws.community'), placeNode(api, String(ws.community || ''), true)],
    [t('ws.org'), ws.party_org_name ? String(ws.party_org_name) : null],
    [t('ws.mode'), mode ? label(mode) : ws.mode],
    [t('ws.products'), ws.products],
    [t('ws.opened'), ws.opened_on],
    [t('ws.address'), ws.address],
    [t('ws.enterprises'), (ws.enterprises || []).length ? ents : null],
  ]), h('p', null, link(hashOf(by.workshops, ws.id), t('ws.register'))));

  const stats = h('div', { class: 'stats', id: 'ws-stats' },
    stat('participants', tot.participants ?? 0, t('ws.stat.participants')),
    stat('paid', tot.paid ?? 0, t('ws.stat.paid')),
    stat('amount', yuan(tot.amount), t('ws.stat.amount')),
    stat('per_head', yuan(tot.per_head_per_month), t('ws.stat.perhead')));

  const months = inc.months || [];
  const maxHead = Math.max(1, ...months.map((m) => Number(m.per_head) || 0));
  const monthCard = h('section', { class: 'card', 'aria-labelledby': 'ws-months-h' },
    h('h2', { id: 'ws-months-h' }, t('ws.months.title')),
    h('p', { class: 'hint' }, t('ws.months.hint')),
    months.length ? table('ws-months', [t('ws.month'), t('ws.paid'), t('ws.amount'), t('ws.perhead')],
      months.map((m) => h('tr', { dataset: { period: String(m.period) } },
        td(t('ws.month'), String(m.period)),
        td(t('ws.paid'), String(m.participants)),
        td(t('ws.amount'), yuan(m.amount)),
        td(t('ws.perhead'), h('span', { class: 'share' }, (() => {
          const bar = h('span', { class: 'bar', 'aria-hidden': 'true' }, h('span', { class: 'bar-fill' }));
          bar.firstChild.style.width = `${Math.round((100 * (Number(m.per_head) || 0)) / maxHead)}%`;
          return bar;
        })(), h('span', { dataset: { perHead: String(m.per_head) } }, yuan(m.per_head)))))))
      : h('p', { class: 'empty' }, t('ws.none')));

  const people = inc.participants || [];
  const tagsLine = (inc.tags || []).length ? h('p', { id: 'ws-tags' }, h('strong', null, `${t('ws.tags.title')}：`),
    (inc.tags || []).map((x, i) => [i ? '，' : '', `${x.tag} ${x.participants}`])) : null;
  const peopleCard = h('section', { class: 'card', 'aria-labelledby': 'ws-people-h' },
    h('h2', { id: 'ws-people-h' }, t('ws.people.title', { n: people.length })), tagsLine,
    people.length ? table('ws-people', [t('ws.name'), t('ws.tags'), t('ws.status'), t('ws.months_paid'), t('ws.total'), t('ws.per_month')],
      people.map((p) => h('tr', { dataset: { id: String(p.id) } },
        td(t('ws.name'), by['workshop-participants'] ? link(hashOf(by['workshop-participants'], p.id), String(p.name)) : String(p.name)),
        td(t('ws.tags'), h('span', { class: 'badges' }, (p.tags || []).map((x) => badge('tag', String(x))))),
        td(t('ws.status'), t(`ws.status.${p.status}`)),
        td(t('ws.months_paid'), String(p.months_paid)),
        td(t('ws.total'), yuan(p.amount)),
        td(t('ws.per_month'), yuan(p.per_month))))) : h('p', { class: 'empty' }, t('common.empty')));

  // each participant's months side by side (scrolls sideways on a phone)
  const periods = months.map((m) => String(m.period));
  const matrix = periods.length ? h('section', { class: 'card', 'aria-labelledby': 'ws-matrix-h' },
    h('h2', { id: 'ws-matrix-h' }, t('ws.matrix.title')),
    h('div', { class: 'scroll-x' }, h('table', { class: 'matrix', id: 'ws-matrix' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('ws.name')), periods.map((p) => h('th', { scope: 'col' }, p.slice(5))))),
      h('tbody', null, people.map((p) => {
        const byMonth = Object.fromEntries((p.months || []).map((m) => [m.period, m.amount]));
        return h('tr', null, h('th', { scope: 'row' }, String(p.name)),
          periods.map((x) => h('td', { class: 'num' }, byMonth[x] === undefined ? '-' : (Number(byMonth[x]) / 100).toFixed(0))));
      }))))) : null;

  replace(root, pageTitle(String(ws.name || t('ws.list.title')), head), info, stats, monthCard, peopleCard, matrix);
}

/* ---- #/tasks/board?place= ---- */

const COUNT_KEYS = ['targets', 'done', 'in_progress', 'not_started', 'overdue'];

function countCells(k) {
  return [
    td(t('board.targets'), String(k.targets ?? 0)),
    td(t('board.done'), String(k.done ?? 0)),
    td(t('board.in_progress'), String(k.in_progress ?? 0)),
    td(t('board.not_started'), String(k.not_started ?? 0)),
    td(t('board.overdue'), k.overdue ? h('span', { class: 'badge overdue' }, String(k.overdue)) : '0'),
    td(t('board.completion'), progressBar(Number(k.done) || 0, Number(k.targets) || 0)),
  ];
}

const countHeads = () => COUNT_KEYS.map((k) => t(`board.${k}`)).concat(t('board.completion'));

export async function renderBoard(ctx) {
  const { root, api, query, user } = ctx;
  const place = (query.get('place') || '').trim() || homePlace(user);
  replace(root, pageTitle(t('board.title')), loading());
  const by = await regsByName(api);
  if (!ctx.current()) return;
  if (!by['task-targets']) return forbidden(root);
  const [choices, board, overdue] = await Promise.all([
    placeChoices(api, user, place),
    api.get('/tasks/board', { place }),
    api.get('/tasks/overdue', { place }).catch((e) => ({ error: e })),
  ]);
  if (!ctx.current()) return;
  const chooser = placeSelect('board-place', t('board.place'), choices.items, place, (code) => ctx.navigate(`tasks/board?place=${enc(code)}`));
  const head = h('div', { class: 'head-actions' }, h('a', { class: 'btn secondary', href: hashOf(by['task-targets']) }, t('board.targets.link')));

  const roll = board.rollup || {};
  const total = roll.total || {};
  const rollCard = h('section', { class: 'card', id: 'board-rollup', 'aria-labelledby': 'board-rollup-h' },
    h('h2', { id: 'board-rollup-h' }, t('board.rollup')),
    h('div', { class: 'stats', id: 'board-stats' },
      stat('targets', total.targets ?? 0, t('board.targets')),
      stat('done', total.done ?? 0, t('board.done')),
      stat('completion', `${total.completion ?? 0}%`, t('board.completion')),
      stat('overdue', total.overdue ?? 0, t('board.overdue'), (total.overdue || 0) > 0)));
  const groupTable = (id, rows) => table(id, [t('common.name'), ...countHeads()],
    rows.map((g) => h('tr', { dataset: { code: String(g.code) } },
      td(t('common.name'), String(g.code).length <= 9 ? link(`#/tasks/board?place=${enc(g.code)}`, String(g.name || g.code)) : String(g.name || g.code)),
      ...countCells(g))).concat(h('tr', { class: 'total', dataset: { code: 'total' } }, td(t('common.name'), h('strong', null, t('board.total'))), ...countCells(total))));
  if ((roll.towns || []).length) rollCard.append(h('h3', null, t('board.towns')), groupTable('board-towns', roll.towns));
  if ((roll.communities || []).length) rollCard.append(h('h3', null, t('board.communities')), groupTable('board-communities', roll.communities));

  const areas = board.areas || [];
  const areaCards = areas.map((a) => h('section', { class: 'card board-area', dataset: { area: String(a.id) }, 'aria-labelledby': `area-h-${a.id}` },
    h('h2', { id: `area-h-${a.id}` }, String(a.name), ' ', progressBar(Number(a.done) || 0, Number(a.targets) || 0)),
    h('p', { class: 'hint' }, t('board.area.count', { n: (a.tasks || []).length, d: a.done ?? 0, all: a.targets ?? 0 })),
    table(`board-area-${a.id}`, [t('board.task'), t('board.owner'), t('board.due'), t('board.targets'), t('board.progress'), t('board.in_progress'), t('board.overdue')],
      (a.tasks || []).map((k) => h('tr', { dataset: { task: String(k.id) } },
        td(t('board.task'), by.tasks ? link(hashOf(by.tasks, k.id), String(k.title)) : String(k.title)),
        td(t('board.owner'), k.owner ? String(k.owner) : placeNode(api, String(k.place))),
        td(t('board.due'), String(k.due_on || '')),
        td(t('board.targets'), String(k.targets)),
        td(t('board.progress'), progressBar(Number(k.done) || 0, Number(k.targets) || 0)),
        td(t('board.in_progress'), String(k.in_progress)),
        td(t('board.overdue'), k.overdue ? h('span', { class: 'badge overdue' }, String(k.overdue)) : '0'))), 'list board')));

  const items = overdue.items || [];
  const overdueCard = h('section', { class: 'card', id: 'overdue', 'aria-labelledby': 'overdue-h' },
    h('h2', { id: 'overdue-h' }, t('board.overdue.title', { n: items.length })));
  if (overdue.error) overdueCard.appendChild(errorBox(overdue.error));
  else if (!items.length) overdueCard.appendChild(h('p', { class: 'msg msg-ok', id: 'overdue-none' }, t('board.overdue.none')));
  else {
    overdueCard.appendChild(table('overdue-list', [t('board.target'), t('board.task'), t('board.communities'), t('board.due'), t('board.late'), t('board.progress')],
      items.slice(0, 200).map((x) => h('tr', { dataset: { id: String(x.id) } },
        td(t('board.target'), link(hashOf(by['task-targets'], x.id), String(x.target_name))),
        td(t('board.task'), `${x.area_name} · ${x.title}`),
        td(t('board.communities'), `${x.town_name} ${x.community_name}`),
        td(t('board.due'), String(x.due_on)),
        td(t('board.late'), t('board.late.n', { n: x.days_late })),
        td(t('board.progress'), t(`board.${x.status}`))))));
  }

  replace(root, pageTitle(t('board.title'), head),
    h('form', { class: 'card', id: 'board-form', role: 'search', onsubmit: (ev) => ev.preventDefault() },
      h('div', { class: 'filters' }, chooser.holder),
      choices.place ? h('p', { class: 'hint' }, t('board.intro', { name: choices.place.name })) : null),
    rollCard,
    areas.length ? areaCards : h('section', { class: 'card' }, h('p', { class: 'empty', id: 'board-none' }, t('board.none'))),
    overdueCard);
}
