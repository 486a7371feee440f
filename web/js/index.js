// index.js - the grid smart-governance index (党建统领网格智治指数, docs/index.md):
//   #/index?level=grid|community|town&period=YYYY-MM|YYYY-Qn|YYYY&place=
//       the ranking of one level (tabs 网格 / 社区(村) / 街道(镇)) for a month, quarter or year (月/季/年):
//       rank, score, the grade as a letter on its colour (a legend says what each means), the change
//       against the period before with an arrow and the warning mark when the score fell 5 points or more; below it a
//       map coloured by grade where the places have boundaries (GET /stats/map of their parents)
//   #/index/CODE?period=
//       a place's breakdown: each indicator with numerator, denominator, value, target, weight,
//       the points earned and lost (a bar), the cases behind lost points as links to the case
//       screen, and the last six periods as a chart
// The server computes everything (GET /index, GET /index/{code}); the page only shows it.
import { h, replace, field, link, pct, fmtTime } from './dom.js';
import { t, addTexts } from './i18n.js';
import { pageTitle, errorBox, loading, homePlace, statusBadge } from './ui.js';
import { loadECharts } from './screens/dashboard.js';
import { mapConfig, mercator, baseLayer } from './map.js';

addTexts({
  'idx.title': ['党建统领网格智治指数', 'Grid smart-governance index'],
  'idx.intro': ['按月、季、年以指标为网格、社区(村)、街道(镇)打分排名；点击地点查看失分明细和对应案件。',
    'Every grid, community and town scored and ranked each month; open a place to see where it lost points and the cases behind them.'],
  'idx.level': ['层级', 'Level'],
  'idx.level.grid': ['网格', 'Grids'],
  'idx.level.community': ['社区(村)', 'Communities'],
  'idx.level.town': ['街道(镇)', 'Towns'],
  'idx.period': ['期间', 'Period'],
  'idx.kind': ['周期', 'By'],
  'idx.kind.month': ['月', 'month'],
  'idx.kind.quarter': ['季', 'quarter'],
  'idx.kind.year': ['年', 'year'],
  'idx.quarter': ['{y}年第{q}季度', 'Q{q} {y}'],
  'idx.year': ['{y}年', '{y}'],
  'idx.show': ['查看', 'Show'],
  'idx.col.rank': ['排名', 'Rank'],
  'idx.col.place': ['地点', 'Place'],
  'idx.col.score': ['得分', 'Score'],
  'idx.col.grade': ['等级', 'Grade'],
  'idx.col.change': ['较上期', 'vs the period before'],
  'idx.col.warning': ['预警', 'Warning'],
  'idx.none': ['本层级暂无地点。', 'No place at this level.'],
  'idx.nodata': ['无数据', 'no data'],
  'idx.up': ['上升 {n}', 'up {n}'],
  'idx.down': ['下降 {n}', 'down {n}'],
  'idx.same': ['持平', 'unchanged'],
  'idx.warning': ['预警', 'Warning'],
  'idx.warning.hint': ['得分较上期下降 5 分及以上', 'the score fell 5 points or more since the period before'],
  'idx.legend': ['等级', 'Grades'],
  'idx.grade.A': ['A 优秀（≥90）', 'A excellent (≥90)'],
  'idx.grade.B': ['B 良好（75–89.9）', 'B good (75–89.9)'],
  'idx.grade.C': ['C 合格（60–74.9）', 'C fair (60–74.9)'],
  'idx.grade.D': ['D 较差（40–59.9）', 'D poor (40–59.9)'],
  'idx.grade.E': ['E 差（<40）', 'E failing (<40)'],
  'idx.grade.none': ['无数据：本期及之前没有记录，或没有适用的指标', 'no data: nothing recorded in or before the period, or no indicator applied'],
  'idx.within': ['范围：{name}', 'Within {name}'],
  'idx.all': ['查看全部', 'Show all'],
  'idx.count': ['共 {n} 个地点', '{n} places'],
  'idx.map': ['得分地图', 'Scores on the map'],
  'idx.map.none': ['这些地点尚未导入边界，暂无地图（可在“网格”页面导入边界）。', 'These places have no boundaries yet, so there is no map (boundaries are imported on the Places page).'],
  'idx.map.own': ['本层级只有您所辖的地点；地图请在下级（社区(村)、网格）排名中查看。', 'Only your own place is ranked at this level; see the map in the rankings below it.'],
  'idx.map.label': ['{name}：{score} 分，{grade}', '{name}: {score}, {grade}'],
  'idx.back': ['返回排名', 'Back to the ranking'],
  'idx.place.title': ['{name} 智治指数', '{name}: governance index'],
  'idx.rank': ['第 {rank} 名 / 共 {of} 个', 'rank {rank} of {of}'],
  'idx.score': ['得分', 'Score'],
  'idx.grade': ['等级', 'Grade'],
  'idx.place.rank': ['排名', 'Rank'],
  'idx.indicators': ['指标明细', 'Indicators'],
  'idx.ind.name': ['指标', 'Indicator'],
  'idx.ind.formula': ['分子 / 分母', 'Numerator / denominator'],
  'idx.ind.value': ['实际值', 'Value'],
  'idx.ind.target': ['目标', 'Target'],
  'idx.ind.weight': ['权重', 'Weight'],
  'idx.ind.points': ['得分', 'Points'],
  'idx.ind.lost': ['失分', 'Points lost'],
  'idx.ind.na': ['不适用', 'n/a'],
  'idx.ind.na.hint': ['本期没有可计算的记录，不计入得分', 'nothing to count in the period: left out of the score'],
  'idx.ind.lower': ['越低越好', 'lower is better'],
  'idx.ind.source': ['口径：{s}', 'Definition: {s}'],
  'idx.records': ['失分对应的案件', 'Cases behind the points lost'],
  'idx.records.of': ['{name}（失 {lost} 分）', '{name} ({lost} points lost)'],
  'idx.records.none': ['没有失分，或失分不对应具体案件。', 'No points lost, or none tied to cases.'],
  'idx.trend': ['近六期得分', 'The last six periods'],
  'idx.lower.levels': ['下级排名', 'The places below'],
  'idx.lower.grid': ['查看所辖网格排名', 'Rank its grids'],
  'idx.lower.community': ['查看所辖社区(村)排名', 'Rank its communities'],
  'idx.nochart': ['图表组件未能加载。', 'The chart library did not load.'],
});

const LEVELS = ['grid', 'community', 'town'];
const LEVEL_LEN = { town: 9, community: 12, grid: 15 };
const GRADES = ['A', 'B', 'C', 'D', 'E'];
// grade colours: the table's badges (app.css .grade-X) and the map use the same ones
const GRADE_COLORS = { A: '#2b8a3e', B: '#1c7ed6', C: '#e8a100', D: '#e8590c', E: '#c92a2a' };
const NONE_COLOR = '#ced4da';
const FONT = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif';
const enc = encodeURIComponent;
let charts = [];

function disposeCharts() {
  for (const c of charts) if (!c.isDisposed()) c.dispose();
  charts = [];
}
window.addEventListener('resize', () => {
  for (const c of charts) if (!c.isDisposed()) c.resize();
});
window.addEventListener('hashchange', () => {
  if (!location.hash.startsWith('#/index')) disposeCharts();
});

/** This month in Asia/Shanghai, YYYY-MM. */
function thisMonth() {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7);
}

const monthOk = (m) => /^\d{4}-(0[1-9]|1[0-2])$/.test(m || '');
/** A month (2026-11), a quarter (2026-Q4) or a year (2026): what GET /index takes. */
const periodOk = (p) => monthOk(p) || /^\d{4}(-Q[1-4])?$/.test(p || '');
const periodKind = (p) => (/^\d{4}$/.test(p) ? 'year' : /^\d{4}-Q[1-4]$/.test(p) ? 'quarter' : 'month');

/** This month, quarter or year in Asia/Shanghai. */
function thisPeriod(kind) {
  const m = thisMonth();
  if (kind === 'year') return m.slice(0, 4);
  if (kind === 'quarter') return `${m.slice(0, 4)}-Q${Math.ceil(Number(m.slice(5)) / 3)}`;
  return m;
}

/** The last twelve quarters or six years, newest first, and the one shown if older. */
function periodChoices(kind, value) {
  const now = thisPeriod(kind);
  let y = Number(now.slice(0, 4));
  const out = [];
  if (kind === 'year') {
    for (let i = 0; i < 6; i++) out.push(String(y - i));
  } else {
    let q = Number(now.slice(-1));
    for (let i = 0; i < 12; i++) {
      out.push(`${y}-Q${q}`);
      q -= 1;
      if (q === 0) { q = 4; y -= 1; }
    }
  }
  if (periodKind(value) === kind && !out.includes(value)) out.push(value);
  return out;
}

function periodLabel(p) {
  if (periodKind(p) === 'year') return t('idx.year', { y: p });
  if (periodKind(p) === 'quarter') return t('idx.quarter', { y: p.slice(0, 4), q: p.slice(-1) });
  return p;
}

/** 月/季/年 and the period (#idx-kind, #idx-period): go(period) on 查看. */
function periodForm(period, go) {
  const kind = h('select', { id: 'idx-kind', name: 'kind' },
    ['month', 'quarter', 'year'].map((k) => h('option', { value: k, selected: k === periodKind(period) }, t(`idx.kind.${k}`))));
  const slot = h('div', { class: 'field' }); /* its label and the control of the kind */
  let input;
  const draw = (k, value) => {
    input = k === 'month'
      ? h('input', { type: 'month', id: 'idx-period', name: 'period', value, max: thisMonth(), required: true })
      : h('select', { id: 'idx-period', name: 'period' },
        periodChoices(k, value).map((p) => h('option', { value: p, selected: p === value }, periodLabel(p))));
    replace(slot, h('label', { for: 'idx-period' }, t('idx.period')), input);
  };
  draw(periodKind(period), period);
  kind.addEventListener('change', () => draw(kind.value, thisPeriod(kind.value)));
  const form = h('form', { class: 'filters idx-filters', id: 'idx-form' }, field(t('idx.kind'), kind),
    slot,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, t('idx.show'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (periodOk(input.value)) go(input.value);
  });
  return form;
}

/** The grade as text on its colour (the letter is always there: never colour alone). */
function gradeBadge(grade) {
  if (!grade) return h('span', { class: 'grade grade-none', title: t('idx.grade.none') }, t('idx.nodata'));
  return h('span', { class: `grade grade-${grade}`, title: t(`idx.grade.${grade}`) }, grade);
}

const fmtScore = (s) => (typeof s === 'number' ? s.toFixed(1).replace(/\.0$/, '') : '-');

/** ▲ 3.2 / ▼ 5.1 / – with the words for screen readers. */
function changeMark(change) {
  if (typeof change !== 'number') return h('span', { class: 'chg chg-none' }, '-');
  const n = fmtScore(Math.abs(change));
  if (change > 0) return h('span', { class: 'chg chg-up', title: t('idx.up', { n }) }, h('span', { 'aria-hidden': 'true' }, '▲ '), h('span', { class: 'sr-only' }, t('idx.up', { n: '' })), n);
  if (change < 0) return h('span', { class: 'chg chg-down', title: t('idx.down', { n }) }, h('span', { 'aria-hidden': 'true' }, '▼ '), h('span', { class: 'sr-only' }, t('idx.down', { n: '' })), n);
  return h('span', { class: 'chg chg-same' }, t('idx.same'));
}

function warningMark(on) {
  if (!on) return '';
  return h('span', { class: 'badge idx-warning', title: t('idx.warning.hint') }, h('span', { 'aria-hidden': 'true' }, '⚠ '), t('idx.warning'));
}

function legend() {
  return h('div', { class: 'grade-legend', id: 'grade-legend', 'aria-label': t('idx.legend'), role: 'group' },
    h('span', { class: 'legend-title' }, t('idx.legend'), '：'),
    GRADES.map((g) => h('span', { class: 'legend-item' }, gradeBadge(g), ' ', t(`idx.grade.${g}`).slice(2))),
    h('span', { class: 'legend-item' }, gradeBadge(null)));
}

/** The levels to rank: those at or below the place asked for, else the caller's widest place. */
function levelsFor(user, place) {
  const root = place || homePlace(user);
  return LEVELS.filter((l) => LEVEL_LEN[l] >= root.length);
}

function rankingHash(level, period, place) {
  const p = new URLSearchParams({ level, period });
  if (place) p.set('place', place);
  return `index?${p}`;
}

/* ---- the ranking ---- */

export async function renderRanking(ctx) {
  const { root, api, query, user } = ctx;
  disposeCharts();
  const period = periodOk(query.get('period')) ? query.get('period') : thisMonth();
  const place = /^\d{6,15}$/.test(query.get('place') || '') ? query.get('place') : '';
  const levels = levelsFor(user, place);
  const level = levels.includes(query.get('level')) ? query.get('level') : levels[0] || 'grid';
  replace(root, pageTitle(t('idx.title')), loading());
  const params = { level, period };
  if (place) params.place = place;
  let r;
  let within = null;
  try {
    [r, within] = await Promise.all([
      api.get('/index', params),
      place ? api.get(`/places/${enc(place)}`).catch(() => null) : null,
    ]);
  } catch (e) {
    if (!ctx.current()) return;
    replace(root, pageTitle(t('idx.title')), errorBox(e));
    return;
  }
  if (!ctx.current()) return;
  const items = r.items || [];

  const tabs = h('nav', { class: 'tabs', id: 'idx-levels', 'aria-label': t('idx.level') },
    h('ul', null, levels.map((l) => h('li', null,
      h('a', { href: `#/${rankingHash(l, period, place)}`, 'aria-current': l === level ? 'page' : null, dataset: { level: l } }, t(`idx.level.${l}`))))));
  const form = periodForm(period, (p) => ctx.navigate(rankingHash(level, p, place)));

  const table = items.length ? rankingTable(items, period) : h('p', { class: 'empty' }, t('idx.none'));
  const mapCard = h('section', { class: 'card chart-card wide', id: 'idx-map-card' }, h('h2', null, t('idx.map')),
    h('p', { class: 'hint', id: 'idx-map-note' }, t('app.loading')));
  const scope = place ? h('p', { class: 'idx-scope', id: 'idx-scope' }, t('idx.within', { name: (within && within.name) || place }), '　',
    link(`#/${rankingHash(level, period)}`, t('idx.all'))) : null;
  replace(root, pageTitle(t('idx.title')), h('p', { class: 'hint' }, t('idx.intro')), scope, tabs, form, legend(),
    h('p', { class: 'count', id: 'idx-count' }, t('idx.count', { n: items.length })),
    h('div', { class: 'scroll-x idx-table-wrap', tabindex: '0', role: 'region', 'aria-label': t(`idx.level.${level}`) }, table),
    mapCard);
  drawMap(ctx, items, level, period, mapCard);
}

function rankingTable(items, period) {
  const num = ['rank', 'score', 'change'];
  const head = h('tr', null, ['rank', 'place', 'score', 'grade', 'change', 'warning'].map((k) => h('th', { scope: 'col', class: num.includes(k) ? 'num' : null }, t(`idx.col.${k}`))));
  const body = h('tbody', null, items.map((it) => h('tr', { dataset: { code: it.code, grade: it.grade || '' }, class: it.warning ? 'idx-warn' : null },
    h('td', { class: 'num' }, String(it.rank)),
    h('th', { scope: 'row' }, link(`#/index/${enc(it.code)}?period=${period}`, it.name || it.code)),
    h('td', { class: 'num idx-score' }, fmtScore(it.score)),
    h('td', null, gradeBadge(it.grade)),
    h('td', { class: 'num' }, changeMark(it.change)),
    h('td', null, warningMark(it.warning)))));
  return h('table', { class: 'idx-ranking', id: 'idx-ranking' }, h('thead', null, head), body);
}

/** The boundaries of the ranked places, from GET /stats/map of their parents inside the
 * caller's scope (at most 40 parents, those of scored places first): [] when none has one. */
async function boundaries(api, user, items, level) {
  const parentLen = { town: 6, community: 9, grid: 12 }[level];
  const home = homePlace(user);
  const want = new Set(items.map((i) => i.code));
  const scored = items.filter((i) => typeof i.score === 'number');
  const parents = [...new Set([...scored, ...items].map((i) => i.code.slice(0, parentLen)))]
    .filter((p) => p.startsWith(home)).slice(0, 40);
  const out = [];
  const answers = await Promise.all(parents.map((p) => api.get('/stats/map', { place: p }).catch(() => null)));
  for (const fc of answers) {
    for (const f of (fc && fc.features) || []) {
      if (f && f.geometry && f.properties && want.has(f.properties.code)) out.push(f);
    }
  }
  return { features: out, asked: parents.length };
}

async function drawMap(ctx, items, level, period, card) {
  const { api } = ctx;
  const [{ features, asked }, echarts, cfg] = await Promise.all([
    items.length ? boundaries(api, ctx.user, items, level) : { features: [], asked: 0 },
    loadECharts().catch(() => null),
    mapConfig(api),
  ]);
  if (!ctx.current()) return;
  const note = card.querySelector('#idx-map-note');
  if (!features.length) {
    // the caller's own place alone (a street ranking the towns): its parent is not asked
    note.textContent = t(items.length && !asked ? 'idx.map.own' : 'idx.map.none');
    return;
  }
  if (!echarts) {
    note.textContent = t('idx.nochart');
    return;
  }
  const by = new Map(items.map((i) => [i.code, i]));
  // ECharts matches regions by name: the code is the name, the place's name is the label
  const geo = { type: 'FeatureCollection', features: features.map((f) => ({ ...f, properties: { ...f.properties, name: f.properties.code } })) };
  const mapName = `gridgov-index-${level}`;
  echarts.registerMap(mapName, geo);
  const data = features.map((f) => {
    const it = by.get(f.properties.code);
    const color = it && it.grade ? GRADE_COLORS[it.grade] : NONE_COLOR;
    return { name: f.properties.code, value: it && typeof it.score === 'number' ? it.score : null, place: it ? it.name : f.properties.name, grade: it && it.grade, itemStyle: { areaColor: color } };
  });
  const words = data.map((d) => t('idx.map.label', { name: d.place, score: fmtScore(d.value), grade: d.grade || t('idx.nodata') }));
  const el = h('div', { class: 'chart', id: 'idx-map', role: 'img', 'aria-label': `${t('idx.map')}：${words.join('，')}` });
  note.replaceWith(el);
  const tiled = cfg && cfg.tiles ? { projection: mercator, itemStyle: { opacity: 0.7 } } : {};
  const chart = echarts.init(el, null, { renderer: 'canvas' });
  charts.push(chart);
  chart.setOption({
    textStyle: { fontFamily: FONT },
    animationDuration: 300,
    tooltip: { trigger: 'item', formatter: (p) => (p.data ? `${p.data.place}<br>${fmtScore(p.data.value)} · ${p.data.grade || t('idx.nodata')}` : p.name) },
    series: [{
      type: 'map', map: mapName, roam: true, data, selectedMode: false,
      label: { show: true, fontSize: 11, color: '#1d2433', textBorderColor: '#fff', textBorderWidth: 2, formatter: (p) => (p.data ? `${p.data.place}\n${p.data.grade || '-'}` : p.name) },
      emphasis: { label: { show: true } },
      ...tiled,
    }],
  });
  if (tiled.projection) baseLayer(chart, cfg);
  chart.on('click', (p) => {
    if (p && p.name && by.has(p.name)) ctx.navigate(`index/${enc(p.name)}?period=${period}`);
  });
}

/* ---- one place ---- */

function levelOf(code) {
  return { 9: 'town', 12: 'community', 15: 'grid' }[code.length] || 'grid';
}

const isRatio = (ind) => ind.denominator !== null && ind.denominator !== undefined;

function valueText(ind) {
  if (ind.value === null || ind.value === undefined) return '-';
  return isRatio(ind) ? pct(ind.value) : String(ind.value);
}

function targetText(ind) {
  const v = isRatio(ind) || ind.target <= 1 ? pct(ind.target) : String(ind.target);
  return ind.direction === 'lower' ? `≤ ${v}（${t('idx.ind.lower')}）` : `≥ ${v}`;
}

/** A bar of the indicator's share of the score: earned (green) and lost (red), scale the widest
 * share of the table; the points lost stay as text beside it. */
function pointsBar(ind, scale) {
  const full = (ind.points || 0) + (ind.points_lost || 0);
  const w = (x) => `${Math.min(100, (100 * (x || 0)) / (scale || 100))}%`;
  const bar = h('span', { class: 'pts-bar', 'aria-hidden': 'true' },
    h('span', { class: 'pts-earned' }), h('span', { class: 'pts-lost' }));
  bar.children[0].style.width = w(ind.points);
  bar.children[1].style.width = w(ind.points_lost);
  return h('span', { class: 'pts', title: `${fmtScore(ind.points)} / ${fmtScore(full)}` }, bar,
    h('span', { class: ind.points_lost > 0 ? 'pts-lost-text' : null }, ind.points_lost > 0 ? `-${fmtScore(ind.points_lost)}` : '0'));
}

export async function renderPlace(ctx) {
  const { root, api, params, query } = ctx;
  disposeCharts();
  const code = params.code;
  const period = periodOk(query.get('period')) ? query.get('period') : thisMonth();
  replace(root, pageTitle(t('idx.title')), loading());
  let b;
  let cats = [];
  try {
    [b, cats] = await Promise.all([
      api.get(`/index/${enc(code)}`, { period }),
      api.get('/categories', null, { auth: false }).then((r) => r.items || []).catch(() => []),
    ]);
  } catch (e) {
    if (!ctx.current()) return;
    replace(root, pageTitle(t('idx.title')), errorBox(e), h('p', null, link(`#/${rankingHash(levelOf(code), period)}`, t('idx.back'))));
    return;
  }
  if (!ctx.current()) return;
  const level = b.level || levelOf(code);
  const back = link(`#/${rankingHash(level, period)}`, '← ', t('idx.back'));
  back.id = 'idx-back';

  const form = periodForm(period, (p) => ctx.navigate(`index/${enc(code)}?period=${p}`));

  const summary = h('div', { class: 'stats', id: 'idx-summary' },
    h('div', { class: 'stat', dataset: { stat: 'score' } }, h('span', { class: 'stat-value' }, fmtScore(b.score)), h('span', { class: 'stat-label' }, t('idx.score'))),
    h('div', { class: 'stat', dataset: { stat: 'grade' } }, h('span', { class: 'stat-value' }, gradeBadge(b.grade)), h('span', { class: 'stat-label' }, b.grade ? t(`idx.grade.${b.grade}`) : t('idx.grade.none'))),
    h('div', { class: 'stat', dataset: { stat: 'rank' } }, h('span', { class: 'stat-value' }, b.rank ? `${b.rank}/${b.of}` : '-'), h('span', { class: 'stat-label' }, b.rank ? t('idx.rank', { rank: b.rank, of: b.of }) : t('idx.place.rank'))));

  const inds = b.indicators || [];
  const scale = Math.max(1, ...inds.map((i) => (i.points || 0) + (i.points_lost || 0)));
  const num = ['formula', 'value', 'target', 'weight', 'points'];
  const head = h('tr', null, ['name', 'formula', 'value', 'target', 'weight', 'points', 'lost'].map((k) => h('th', { scope: 'col', class: num.includes(k) ? 'num' : null }, t(`idx.ind.${k}`))));
  const body = h('tbody', null, inds.map((ind) => h('tr', { dataset: { indicator: ind.code }, class: ind.applicable ? null : 'inactive' },
    h('th', { scope: 'row' }, ind.name, ind.source ? h('div', { class: 'hint' }, t('idx.ind.source', { s: ind.source })) : null),
    h('td', { class: 'num' }, ind.applicable ? (isRatio(ind) ? `${ind.numerator} / ${ind.denominator}` : String(ind.numerator)) : h('span', { title: t('idx.ind.na.hint') }, t('idx.ind.na'))),
    h('td', { class: 'num' }, ind.applicable ? valueText(ind) : '-'),
    h('td', { class: 'num' }, targetText(ind)),
    h('td', { class: 'num' }, String(ind.weight)),
    h('td', { class: 'num' }, ind.applicable ? fmtScore(ind.points) : '-'),
    h('td', null, ind.applicable ? pointsBar(ind, scale) : '-'))));
  const table = h('div', { class: 'scroll-x', tabindex: '0', role: 'region', 'aria-label': t('idx.indicators') },
    h('table', { class: 'idx-indicators', id: 'idx-indicators' }, h('thead', null, head), body));

  const catName = new Map(cats.map((c) => [c.code, c.name]));
  const withRecords = inds.filter((i) => Array.isArray(i.records) && i.records.length);
  const records = h('section', { class: 'card', id: 'idx-records' }, h('h2', null, t('idx.records')),
    withRecords.length ? withRecords.map((ind) => h('div', { class: 'idx-rec', dataset: { indicator: ind.code } },
      h('h3', null, t('idx.records.of', { name: ind.name, lost: fmtScore(ind.points_lost) })),
      h('ul', { class: 'plain idx-rec-list' }, ind.records.map((c) => h('li', null,
        link(`#/cases/${enc(c.id)}`, c.case_no || `#${c.id}`), ' ', statusBadge(c.status), ' ',
        h('span', { class: 'hint' }, [catName.get(c.category) || c.category, fmtTime(c.created_at)].filter(Boolean).join(' · ')))))))
      : h('p', { class: 'empty' }, t('idx.records.none')));

  const lower = level === 'grid' ? null : h('p', { class: 'idx-lower' },
    link(`#/${rankingHash(level === 'town' ? 'community' : 'grid', period, code)}`, t(level === 'town' ? 'idx.lower.community' : 'idx.lower.grid')),
    level === 'town' ? ['　', link(`#/${rankingHash('grid', period, code)}`, t('idx.lower.grid'))] : null);

  const trendBox = h('div', { class: 'chart idx-trend', id: 'idx-trend', role: 'img' });
  replace(root, pageTitle(t('idx.place.title', { name: b.name || code })), h('p', null, back), form, summary, lower,
    h('section', { class: 'card' }, h('h2', null, t('idx.indicators')), table), records,
    h('section', { class: 'card chart-card' }, h('h2', null, t('idx.trend')), trendBox));
  drawTrend(ctx, b.trend || [], trendBox);
}

async function drawTrend(ctx, trend, el) {
  el.setAttribute('aria-label', `${t('idx.trend')}：${trend.map((p) => `${p.period} ${typeof p.score === 'number' ? `${fmtScore(p.score)} ${p.grade || ''}` : t('idx.nodata')}`).join('，')}`);
  const echarts = await loadECharts().catch(() => null);
  if (!ctx.current() || !el.isConnected) return;
  if (!echarts) {
    el.replaceWith(h('p', { class: 'hint' }, el.getAttribute('aria-label')));
    return;
  }
  const chart = echarts.init(el, null, { renderer: 'canvas' });
  charts.push(chart);
  chart.setOption({
    textStyle: { fontFamily: FONT },
    animationDuration: 300,
    grid: { left: 8, right: 36, top: 28, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: trend.map((p) => p.period), boundaryGap: false },
    yAxis: { type: 'value', min: 0, max: 100 },
    series: [{
      type: 'line', name: t('idx.score'), symbolSize: 10,
      data: trend.map((p) => ({ value: typeof p.score === 'number' ? p.score : null, itemStyle: { color: p.grade ? GRADE_COLORS[p.grade] : NONE_COLOR } })),
      label: { show: true, position: 'top', formatter: (p) => (typeof p.value === 'number' ? `${fmtScore(p.value)} ${trend[p.dataIndex].grade || ''}` : '') },
      lineStyle: { color: '#1f5fbf' },
      markArea: {
        silent: true,
        data: [[{ yAxis: 90, itemStyle: { color: 'rgba(43,138,62,0.06)' } }, { yAxis: 100 }], [{ yAxis: 0, itemStyle: { color: 'rgba(201,42,42,0.05)' } }, { yAxis: 40 }]],
      },
    }],
  });
}
