// cadres.js - the screens of cadres and alliances (issue 11): the cadres and a cadre's page with
// its postings, training and competitions (#/cadres/people, #/cadres/people/ID), who was on the
// front line in a period by kind of posting (#/cadres/frontline), competitions with their live ranking and a
// judge's scoring form (#/cadres/competitions, #/cadres/competitions/ID), the mentor and review
// boards (#/cadres/boards) and an alliance with its members on the place tree and its figures as
// ECharts trends (#/cadres/alliances, #/cadres/alliances/ID). Records themselves are edited in the
// generic register screens (#/r/NAME); the server decides every request.
import { h, replace, field, link } from './dom.js';
import { getLang } from './i18n.js';
import { pageTitle, errorBox, loading, showError, showNotice, clearMessages } from './ui.js';
import { loadRegistries, can } from './registries.js';
import { placeNode } from './screens/registry.js';

const enc = encodeURIComponent;
/** Chinese, or English when the page speaks English. */
const L = (zh, en) => (getLang() === 'en' ? en : zh);

const KINDS = { village: ['农村一线', 'Villages'], demolition: ['拆迁地', 'Demolition'], project_site: ['重大项目工地', 'Project sites'] };
const UNITS = { person_time: ['人次', 'visits'], person: ['人', 'people'], yuan: ['元', 'yuan'], job: ['个岗位', 'jobs'], household: ['户', 'households'], item: ['个', 'items'] };
const word = (table, v) => (table[v] ? L(table[v][0], table[v][1]) : String(v ?? ''));

async function regsBy(api) {
  const regs = await loadRegistries(api);
  return Object.fromEntries(regs.map((r) => [r.name, r]));
}

function table(id, heads, rows) {
  return h('div', { class: 'scroll-x' }, h('table', { class: 'list', id },
    h('thead', null, h('tr', null, heads.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', null, rows.map((cells) => h('tr', null, cells.map((c, i) => h('td', { 'data-label': heads[i] }, c)))))));
}

function stat(key, value, label, alert) {
  return h('div', { class: `stat ${alert ? 'alert' : ''}`, dataset: { stat: key } },
    h('span', { class: 'stat-value' }, String(value)), h('span', { class: 'stat-label' }, label));
}

/* ---- the front line ---- */

/** A posting's project: a link to the project's record (the registry), or the text of a
 * posting written before postings named one. */
function projectCell(d) {
  if (d.project) return link(`#/r/projects/${enc(d.project)}`, String(d.project_name || `#${d.project}`));
  return d.project_name || '';
}

export async function renderFrontline(ctx) {
  const { root, api, query } = ctx;
  const params = { from: query.get('from') || `${new Date().getFullYear()}-01-01`, to: query.get('to') || `${new Date().getFullYear()}-12-31` };
  if (query.get('place')) params.place = query.get('place');
  replace(root, pageTitle(L('一线历练', 'Front line')), loading());
  const sum = await api.get('/deployments/summary', params).catch((e) => ({ error: e }));
  if (!ctx.current()) return;
  const from = h('input', { type: 'date', id: 'fl-from', value: params.from });
  const to = h('input', { type: 'date', id: 'fl-to', value: params.to });
  const form = h('form', { class: 'card filters', id: 'fl-form' }, field(L('开始', 'From'), from), field(L('结束', 'To'), to),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, L('查询', 'Show'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams({ from: from.value, to: to.value });
    if (params.place) p.set('place', params.place);
    ctx.navigate(`cadres/frontline?${p}`);
  });
  if (sum.error) {
    replace(root, pageTitle(L('一线历练', 'Front line')), form, errorBox(sum.error));
    return;
  }
  const kinds = h('div', { class: 'stats', id: 'fl-kinds' }, stat('total', sum.total, L('合计（人次）', 'Postings')),
    (sum.by_kind || []).map((k) => stat(k.kind, k.count, word(KINDS, k.kind))));
  const rows = (sum.items || []).map((d) => [link(`#/r/cadres/${enc(d.cadre)}`, String(d.name || d.cadre)), word(KINDS, d.kind),
    placeNode(api, String(d.place)), projectCell(d), `${d.from} ~ ${d.to || L('至今', 'now')}`, d.tasks || '']);
  replace(root, pageTitle(L('一线历练', 'Front line'), h('a', { class: 'btn secondary', href: '#/r/deployments' }, L('派驻台账', 'Postings register'))),
    form, h('section', { class: 'card', id: 'fl-summary' }, h('h2', null, L('按一线类型', 'By kind of posting')), kinds,
      rows.length ? table('fl-list', [L('姓名', 'Name'), L('类型', 'Kind'), L('地点', 'Place'), L('项目', 'Project'), L('期间', 'Period'), L('任务', 'Tasks')], rows)
        : h('p', { class: 'hint' }, L('这一期间没有派驻记录。', 'No postings in this period.'))));
}

/* ---- cadres and their page ---- */

export async function renderCadres(ctx) {
  const { root, api, query } = ctx;
  const q = query.get('q') || '';
  replace(root, pageTitle(L('干部', 'Cadres')), loading());
  const [list, by] = await Promise.all([api.get('/cadres', { limit: 200, q: q || undefined }).catch((e) => ({ error: e })), regsBy(api)]);
  if (!ctx.current()) return;
  const input = h('input', { type: 'search', id: 'cadre-q', value: q, maxlength: 40 });
  const form = h('form', { class: 'card filters', role: 'search' }, field(L('姓名、单位或职务', 'Name, unit or post'), input),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, L('查找', 'Search'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.navigate(`cadres/people${input.value.trim() ? `?q=${enc(input.value.trim())}` : ''}`);
  });
  const head = can(by.cadres, 'write') ? h('a', { class: 'btn secondary', href: '#/r/cadres/new' }, L('新增干部', 'New cadre')) : null;
  if (list.error) {
    replace(root, pageTitle(L('干部', 'Cadres'), head), form, errorBox(list.error));
    return;
  }
  const rows = (list.items || []).map((c) => [link(`#/cadres/people/${enc(c.id)}`, String(c.name)), String(c.unit || ''), String(c.post || ''),
    c.age_group || '', placeNode(api, String(c.place))]);
  replace(root, pageTitle(L('干部', 'Cadres'), head), form, h('section', { class: 'card' }, rows.length
    ? table('cadre-list', [L('姓名', 'Name'), L('单位', 'Unit'), L('职务', 'Post'), L('年龄段', 'Age group'), L('所属区域', 'Place')], rows)
    : h('p', { class: 'hint' }, L('没有符合条件的干部。', 'No cadres found.'))));
}

export async function renderCadre(ctx) {
  const { root, api, params } = ctx;
  const id = params.id;
  replace(root, pageTitle(L('干部', 'Cadre')), loading());
  const [cadre, posts, trains, entries, comps] = await Promise.all([
    api.get(`/cadres/${enc(id)}`).catch((e) => ({ error: e })),
    api.get('/deployments', { cadre: id, limit: 100 }).catch(() => ({ items: [] })),
    api.get('/trainings', { cadre: id, limit: 100 }).catch(() => ({ items: [] })),
    api.get('/competition-entries', { cadre: id, limit: 100 }).catch(() => ({ items: [] })),
    api.get('/competitions', { limit: 1000 }).catch(() => ({ items: [] })),
  ]);
  const round = new Map((comps.items || []).map((c) => [String(c.id), c]));
  if (!ctx.current()) return;
  if (cadre.error) {
    replace(root, pageTitle(L('干部', 'Cadre')), errorBox(cadre.error));
    return;
  }
  const facts = h('dl', { class: 'facts', id: 'cadre-facts' },
    [[L('单位', 'Unit'), cadre.unit], [L('职务', 'Post'), cadre.post], [L('年龄段', 'Age group'), cadre.age_group], [L('出生年份', 'Born'), cadre.birth_year]]
      .filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => [h('dt', null, k), h('dd', null, String(v))]),
    h('dt', null, L('所属区域', 'Place')), h('dd', null, placeNode(api, String(cadre.place), true)));
  const section = (id2, title, rows, heads, empty) => h('section', { class: 'card', id: id2 }, h('h2', null, title),
    rows.length ? table(`${id2}-list`, heads, rows) : h('p', { class: 'hint' }, empty));
  replace(root, pageTitle(String(cadre.name), h('a', { class: 'btn secondary', href: `#/r/cadres/${enc(id)}` }, L('干部档案', 'Record'))),
    h('section', { class: 'card' }, facts, (cadre.tags || []).length ? h('p', { class: 'hint' }, cadre.tags.join('、')) : null),
    section('cadre-posts', L('一线历练', 'Frontline postings'), (posts.items || []).map((d) => [word(KINDS, d.kind), placeNode(api, String(d.place)),
      projectCell(d), `${d.from} ~ ${d.to || L('至今', 'now')}`, d.evaluation ? String(d.evaluation) : '']),
    [L('类型', 'Kind'), L('地点', 'Place'), L('项目', 'Project'), L('期间', 'Period'), L('考评', 'Evaluation')], L('暂无派驻记录。', 'No postings.')),
    section('cadre-trainings', L('教育培训', 'Training'), (trains.items || []).map((x) => [String(x.title), `${x.from}${x.to ? ` ~ ${x.to}` : ''}`,
      x.attendance !== null && x.attendance !== undefined ? `${x.attendance}%` : '', String(x.result || '')]),
    [L('名称', 'Title'), L('日期', 'Dates'), L('出勤', 'Attendance'), L('结果', 'Result')], L('暂无培训记录。', 'No training.')),
    section('cadre-competitions', L('参加评比', 'Competitions'), (entries.items || []).map((x) => {
      const c = round.get(String(x.competition));
      return [link(`#/cadres/competitions/${enc(x.competition)}`, c ? String(c.name) : `#${x.competition}`), c ? String(c.period) : '',
        c && c.status === 'published' ? L('已发布', 'Published') : L('评分中', 'Scoring')];
    }),
      [L('评比', 'Competition'), L('期次', 'Period'), L('状态', 'Status')], L('暂无参评记录。', 'No competitions.')));
}

/* ---- competitions ---- */

export async function renderCompetitions(ctx) {
  const { root, api } = ctx;
  replace(root, pageTitle(L('评比竞赛', 'Competitions')), loading());
  const [list, by] = await Promise.all([api.get('/competitions', { limit: 200 }).catch((e) => ({ error: e })), regsBy(api)]);
  if (!ctx.current()) return;
  const head = can(by.competitions, 'write') ? h('a', { class: 'btn secondary', href: '#/r/competitions/new' }, L('新建评比', 'New competition')) : null;
  if (list.error) {
    replace(root, pageTitle(L('评比竞赛', 'Competitions'), head), errorBox(list.error));
    return;
  }
  const rows = (list.items || []).map((c) => [link(`#/cadres/competitions/${enc(c.id)}`, String(c.name)), c.series || '', String(c.period),
    h('span', { class: `badge ${c.status === 'published' ? 'ok' : ''}` }, c.status === 'published' ? L('已发布', 'Published') : L('评分中', 'Scoring'))]);
  replace(root, pageTitle(L('评比竞赛', 'Competitions'), head),
    h('section', { class: 'card' }, rows.length ? table('comp-list', [L('名称', 'Name'), L('系列', 'Series'), L('期次', 'Period'), L('状态', 'Status')], rows)
      : h('p', { class: 'hint' }, L('还没有评比。', 'No competitions yet.'))));
}

export async function renderCompetition(ctx) {
  const { root, api, params } = ctx;
  const id = params.id;
  replace(root, pageTitle(L('评比', 'Competition')), loading());
  const [ranking, by] = await Promise.all([
    api.get(`/competitions/${enc(id)}/ranking`).catch((e) => ({ error: e })),
    regsBy(api),
  ]);
  // the score sheet is a judge's: organisers ask for it when the ranking names them, others
  // (judges before publication, who may not see the live ranking) ask anyway
  const me = ctx.user && ctx.user.id;
  const judging = ranking.error ? true : (ranking.judges || []).some((j) => j.user === me);
  const sheet = judging ? await api.get(`/competitions/${enc(id)}/sheet`).catch(() => null) : null;
  if (!ctx.current()) return;
  const comp = (ranking && ranking.competition) || (sheet && sheet.competition);
  if (!comp) {
    replace(root, pageTitle(L('评比', 'Competition')), errorBox(ranking.error));
    return;
  }
  const published = comp.status === 'published';
  const msgs = h('div', { id: 'comp-msgs' });
  const head = h('div', { class: 'head-actions' });
  if (!published && !ranking.error && can(by.competitions, 'write')) {
    head.appendChild(h('button', { type: 'button', class: 'btn primary', id: 'comp-publish', onclick: async () => {
      clearMessages(msgs);
      try {
        await api.post(`/competitions/${enc(id)}/publish`, {});
        ctx.navigate(`cadres/competitions/${enc(id)}`);
      } catch (e) {
        showError(msgs, e);
      }
    } }, L('发布结果', 'Publish')));
  }
  head.appendChild(h('a', { class: 'btn secondary', href: `#/r/competitions/${enc(id)}` }, L('评比设置', 'Set-up')));
  replace(root, pageTitle(`${comp.name}（${comp.period}）`, head), msgs,
    h('p', { class: 'hint', id: 'comp-status' }, published ? L('结果已发布，评分已冻结并记入哈希链。', 'Published: the scores are frozen and on the hash chain.')
      : L('评分进行中，排名由服务器实时计算。', 'Scoring: the server ranks live.')),
    ranking.error ? null : rankingCard(ranking),
    sheet && !published ? sheetCard(ctx, id, sheet, msgs) : null);
}

function rankingCard(r) {
  const crit = r.criteria || [];
  const heads = [L('名次', 'Rank'), L('参评对象', 'Entry'), L('总分', 'Total'), ...crit.map((c) => `${c.name}（${c.weight}%）`)];
  const rows = (r.ranking || []).map((e) => [String(e.rank), String(e.name), String(Number(e.total).toFixed(2)),
    ...(e.values || []).map((v) => `${Number(v.value).toFixed(2)}${v.scores !== undefined ? ` · ${v.scores}${L(' 份评分', ' scores')}` : ''}`)]);
  return h('section', { class: 'card', id: 'comp-ranking' }, h('h2', null, L('排名', 'Ranking')),
    r.weights !== 100 ? h('p', { class: 'msg msg-error' }, L(`各指标权重之和为 ${r.weights}，须为 100。`, `The weights sum to ${r.weights}, not 100.`)) : null,
    table('ranking', heads, rows),
    h('p', { class: 'hint' }, L('评委打分去掉一个最高分和一个最低分后取平均。', 'Judges\' scores: the highest and the lowest dropped, the rest averaged.'), ' ', String(r.tie_rule || '')));
}

function sheetCard(ctx, id, sheet, msgs) {
  const mine = new Map((sheet.scores || []).map((s) => [`${s.entry}:${s.criterion}`, s.score]));
  const inputs = [];
  const rows = (sheet.entries || []).map((en) => [String(en.name), ...(sheet.criteria || []).map((c) => {
    const inp = h('input', { type: 'number', min: 0, max: 100, step: 0.1, inputmode: 'decimal', class: 'score',
      'aria-label': `${en.name} ${c.name}`, value: mine.has(`${en.id}:${c.id}`) ? mine.get(`${en.id}:${c.id}`) : '' });
    inputs.push({ inp, entry: en.id, criterion: c.id });
    return inp;
  })]);
  // novalidate: the server checks every score and its 422 names the field in Chinese
  const form = h('form', { class: 'card', id: 'comp-sheet', novalidate: true }, h('h2', null, L('我的评分表', 'My score sheet')),
    h('p', { class: 'hint' }, L('每项 0 到 100 分，可保留一位小数；发布前可修改。', '0 to 100, one decimal; change them until publication.')),
    table('sheet', [L('参评对象', 'Entry'), ...(sheet.criteria || []).map((c) => `${c.name}（${c.weight}%）`)], rows),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary', id: 'sheet-save' }, L('提交评分', 'Save scores'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(msgs);
    const scores = inputs.filter((x) => x.inp.value !== '').map((x) => ({ entry: x.entry, criterion: x.criterion, score: Number(x.inp.value) }));
    if (!scores.length) return;
    try {
      await ctx.api.post(`/competitions/${enc(id)}/scores`, { scores });
      showNotice(msgs, L(`已保存 ${scores.length} 项评分。`, `${scores.length} scores saved.`));
    } catch (e) {
      showError(msgs, e);
    }
  });
  return form;
}

/* ---- mentors and the review ---- */

export async function renderBoards(ctx) {
  const { root, api, query } = ctx;
  const round = query.get('round') || String(new Date().getFullYear());
  replace(root, pageTitle(L('导师与回头看', 'Mentors and review')), loading());
  const [ships, follow, roll] = await Promise.all([
    api.get('/mentorships', { limit: 200 }).catch((e) => ({ error: e })),
    api.get('/mentor-followups', { status: 'open', limit: 200 }).catch((e) => ({ error: e })),
    api.get('/reviews/rollup', { round }).catch((e) => ({ error: e })),
  ]);
  if (!ctx.current()) return;
  const mentors = h('section', { class: 'card', id: 'mentor-board' }, h('h2', null, L('兴村治社导师', 'Village mentors')));
  if (ships.error) mentors.appendChild(errorBox(ships.error));
  else {
    mentors.appendChild(table('mentor-list', [L('导师', 'Mentor'), L('结对书记', 'Secretary'), L('村社', 'Place'), L('开始', 'From')],
      (ships.items || []).map((s) => [String(s.mentor_name), link(`#/r/mentorships/${enc(s.id)}`, String(s.secretary_name)), placeNode(api, String(s.place)), String(s.from)])));
    if (!follow.error) {
      mentors.append(h('h3', null, L('待跟进事项', 'Open follow-ups')), (follow.items || []).length
        ? table('followups', [L('事项', 'Item'), L('责任人', 'Owner'), L('时限', 'Due')], follow.items.map((f) => [link(`#/r/mentor-followups/${enc(f.id)}`, String(f.item)), f.owner || '', f.due_on || '']))
        : h('p', { class: 'hint' }, L('没有待跟进事项。', 'Nothing open.')));
    }
  }
  const input = h('input', { type: 'text', id: 'rv-round', value: round, maxlength: 20 });
  const rform = h('form', { class: 'filters' }, field(L('轮次', 'Round'), input), h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn secondary' }, L('查询', 'Show'))));
  rform.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.navigate(`cadres/boards?round=${enc(input.value.trim())}`);
  });
  const review = h('section', { class: 'card', id: 'review-board' }, h('h2', null, L('换届回头看（按街道）', 'Re-election review by street')), rform);
  if (roll.error) review.appendChild(errorBox(roll.error));
  else {
    const tt = roll.totals || {};
    review.append(h('div', { class: 'stats' }, stat('reviews', tt.reviews ?? 0, L('检查村社', 'Reviewed')), stat('rectifying', tt.rectifying ?? 0, L('整改中', 'Rectifying')),
      stat('done', tt.done ?? 0, L('已完成', 'Done')), stat('overdue', tt.overdue_followups ?? 0, L('整改超期', 'Overdue'), (tt.overdue_followups || 0) > 0)),
    table('review-streets', [L('街道', 'Street'), L('检查', 'Reviews'), L('整改中', 'Rectifying'), L('已完成', 'Done'), L('发现问题', 'Findings'), L('未整改', 'Open'), L('超期', 'Overdue')],
      (roll.streets || []).map((s) => [String(s.name), String(s.reviews), String(s.rectifying), String(s.done), String(s.findings), String(s.open_followups), String(s.overdue_followups)])));
  }
  replace(root, pageTitle(L('导师与回头看', 'Mentors and review')), mentors, review);
}

/* ---- alliances ---- */

let echartsPromise = null;
let charts = [];

function loadECharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  if (!echartsPromise) {
    echartsPromise = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/ui/vendor/echarts.min.js';
      s.onload = () => (window.echarts ? resolve(window.echarts) : reject(new Error('echarts')));
      s.onerror = () => {
        echartsPromise = null;
        reject(new Error('echarts'));
      };
      document.head.appendChild(s);
    });
  }
  return echartsPromise;
}

function disposeCharts() {
  for (const c of charts) c.dispose();
  charts = [];
}
window.addEventListener('resize', () => charts.forEach((c) => c.resize()));
window.addEventListener('hashchange', () => {
  if (!location.hash.startsWith('#/cadres/alliances/')) disposeCharts();
});

export async function renderAlliances(ctx) {
  const { root, api } = ctx;
  replace(root, pageTitle(L('党建联建', 'Alliances')), loading());
  const list = await api.get('/alliances', { limit: 200 }).catch((e) => ({ error: e }));
  if (!ctx.current()) return;
  if (list.error) {
    replace(root, pageTitle(L('党建联建', 'Alliances')), errorBox(list.error));
    return;
  }
  replace(root, pageTitle(L('党建联建', 'Alliances'), h('a', { class: 'btn secondary', href: '#/r/alliances' }, L('联建台账', 'Register'))),
    h('section', { class: 'card' }, table('alliance-list', [L('名称', 'Name'), L('品牌', 'Brand'), L('牵头区域', 'Lead place')],
      (list.items || []).map((a) => [link(`#/cadres/alliances/${enc(a.id)}`, String(a.name)), a.brand || '', placeNode(api, String(a.place))]))));
}

/** Money in fen shown in 万元; other units as they are. */
function shown(unit, v) {
  if (v === null || v === undefined) return null;
  return unit === 'yuan' ? Math.round(Number(v) / 100) / 10000 : Number(v);
}

export async function renderAlliance(ctx) {
  const { root, api, params, query } = ctx;
  disposeCharts();
  const now = new Date();
  const last = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
  const firstDate = new Date(now.getFullYear(), now.getMonth() - 11, 1);
  const first = `${firstDate.getFullYear()}-${String(firstDate.getMonth() + 1).padStart(2, '0')}`;
  const from = query.get('from') || first;
  const to = query.get('to') || last;
  replace(root, pageTitle(L('党建联建', 'Alliance')), loading());
  const [fig, echarts] = await Promise.all([
    api.get(`/alliances/${enc(params.id)}/figures`, { from, to }).catch((e) => ({ error: e })),
    loadECharts().catch((e) => e),
  ]);
  if (!ctx.current()) return;
  if (fig.error) {
    replace(root, pageTitle(L('党建联建', 'Alliance')), errorBox(fig.error));
    return;
  }
  const al = fig.alliance || {};
  const fromIn = h('input', { type: 'month', id: 'al-from', value: from });
  const toIn = h('input', { type: 'month', id: 'al-to', value: to });
  const form = h('form', { class: 'card filters' }, field(L('起', 'From'), fromIn), field(L('止', 'To'), toIn),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, L('查询', 'Show'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.navigate(`cadres/alliances/${enc(params.id)}?from=${enc(fromIn.value)}&to=${enc(toIn.value)}`);
  });
  const members = h('section', { class: 'card', id: 'al-members' }, h('h2', null, L('成员村社', 'Members')),
    h('p', null, L('牵头：', 'Lead: '), placeNode(api, String(al.place), true), al.brand ? `　${L('品牌', 'Brand')}：${al.brand}` : ''),
    (al.themes || []).length ? h('p', { class: 'hint' }, `${L('主题', 'Themes')}：${al.themes.join('、')}`) : null,
    h('ul', { class: 'tree' }, (fig.members || []).map((m) => h('li', null, link(`#/places/${enc(m.place)}`, placeNode(api, String(m.place), true)), m.brand ? `（${m.brand}）` : ''))));
  const figures = h('section', { class: 'card', id: 'al-figures' }, h('h2', null, L('成效数据', 'Figures')));
  if (!(fig.metrics || []).length) figures.appendChild(h('p', { class: 'hint' }, L('这一期间没有填报数据。', 'No figures in this period.')));
  const pending = [];
  for (const m of fig.metrics || []) {
    const unit = m.unit === 'yuan' ? L('万元', '10k yuan') : word(UNITS, m.unit);
    const sum = (m.total || []).reduce((a, v) => a + (Number(v) || 0), 0);
    const box = h('div', { class: 'chart', style: 'height:280px' });
    const rows = (m.periods || []).map((p, i) => [p, String(shown(m.unit, m.total[i])), ...(m.by_member || []).map((b) => String(shown(m.unit, b.values[i]) ?? '-'))]);
    figures.append(h('h3', null, `${m.metric}（${unit}）`, h('span', { class: 'hint' }, `　${L('合计', 'Total')} ${m.unit === 'yuan' ? shown(m.unit, sum).toFixed(2) : shown(m.unit, sum)}`)), box,
      h('details', null, h('summary', null, L('数据表', 'Table')),
        table(`al-table-${m.metric}`, [L('期间', 'Period'), L('合计', 'Total'), ...(m.by_member || []).map((b) => String(b.name))], rows)));
    pending.push({ box, m });
  }
  replace(root, pageTitle(String(al.name || ''), h('a', { class: 'btn secondary', href: `#/r/alliances/${enc(params.id)}` }, L('联建档案', 'Record'))), form, members, figures);
  if (echarts instanceof Error) {
    figures.prepend(h('p', { class: 'hint' }, L('图表库未加载，仅显示数据表。', 'Charts unavailable: tables only.')));
    return;
  }
  for (const { box, m } of pending) {
    const chart = echarts.init(box);
    charts.push(chart);
    chart.setOption({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 12, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: m.periods },
      yAxis: { type: 'value' },
      series: [
        ...(m.by_member || []).map((b) => ({ name: String(b.name), type: 'bar', stack: 'members', data: b.values.map((v) => shown(m.unit, v)) })),
        { name: L('合计', 'Total'), type: 'line', data: (m.total || []).map((v) => shown(m.unit, v)) },
      ],
    });
  }
}

