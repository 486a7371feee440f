// dashboard.js - the figures officials quote, drawn with Apache ECharts (web/vendor/, from npm):
// cases by status, category, place and day, the on-time closure rate by street and by month,
// overdue cases, and a map of open cases when place boundaries are loaded (GET /stats,
// GET /stats/map).
import { h, replace, field, pct } from '../dom.js';
import { t } from '../i18n.js';
import { pageTitle, showError, loading } from '../ui.js';
import { mapConfig, mercator, baseLayer } from '../map.js';

const FONT = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif';
const COLORS = ['#1f6feb', '#d9480f', '#2f9e44', '#f08c00', '#7048e8', '#0c8599', '#c2255c', '#5c940d', '#868e96'];
let echartsPromise = null;
let charts = [];

/** Load web/vendor/echarts.min.js once, as a classic script (it defines window.echarts). */
export function loadECharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  if (!echartsPromise) {
    echartsPromise = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/ui/vendor/echarts.min.js';
      s.onload = () => (window.echarts ? resolve(window.echarts) : reject(new Error(t('dash.nochart'))));
      s.onerror = () => {
        echartsPromise = null;
        reject(new Error(t('dash.nochart')));
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

window.addEventListener('resize', () => {
  for (const c of charts) c.resize();
});
window.addEventListener('hashchange', () => {
  if (!location.hash.startsWith('#/dashboard')) disposeCharts();
});

export async function render(ctx) {
  const { root, api, query } = ctx;
  disposeCharts();
  replace(root, pageTitle(t('dash.title')), loading());
  const params = {};
  for (const k of ['place', 'from', 'to']) if (query.get(k)) params[k] = query.get(k);
  const [stats, geo, cats, echarts, mapCfg] = await Promise.all([
    api.get('/stats', params),
    api.get('/stats/map', params.place ? { place: params.place } : null).catch(() => null),
    api.get('/categories').then((r) => r.items || []).catch(() => []),
    loadECharts().catch((e) => e),
    mapConfig(api),
  ]);
  if (!ctx.current()) return;
  const s = stats.summary || {};

  // filters
  const place = h('input', { type: 'text', id: 'd-place', inputmode: 'numeric', maxlength: 17, pattern: '\\d{6,17}', value: params.place || stats.place || '' });
  const from = h('input', { type: 'month', id: 'd-from', value: params.from || '' });
  const to = h('input', { type: 'month', id: 'd-to', value: params.to || '' });
  const form = h('form', { class: 'card filters' }, field(t('dash.place'), place), field(t('dash.from'), from), field(t('dash.to'), to),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, t('dash.apply'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    if (place.value.trim()) p.set('place', place.value.trim());
    if (from.value) p.set('from', from.value);
    if (to.value) p.set('to', to.value);
    ctx.navigate(`dashboard${p.toString() ? `?${p}` : ''}`);
  });

  const card = (key, value, cls) => h('div', { class: `stat ${cls || ''}`, dataset: { stat: key } },
    h('span', { class: 'stat-value' }, value), h('span', { class: 'stat-label' }, t(`dash.${key}`)));
  const summary = h('div', { class: 'stats', id: 'summary' },
    card('received', String(s.received ?? 0)), card('cases', String(s.cases ?? 0)), card('open', String(s.open ?? 0)),
    card('overdue', String(s.overdue ?? 0), s.overdue > 0 ? 'alert' : ''),
    card('closure_rate', pct(s.closure_rate)), card('on_time_rate', pct(s.on_time_rate)),
    card('rework_rate', pct(s.rework_rate)),
    card('satisfaction', typeof s.satisfaction === 'number' && s.satisfaction > 0 ? s.satisfaction.toFixed(2) : '-'));

  const boxes = {};
  const chartBox = (key, wide) => {
    const el = h('div', { class: 'chart', id: `chart-${key}`, role: 'img' });
    boxes[key] = el;
    return h('section', { class: `card chart-card${wide ? ' wide' : ''}` }, h('h2', null, t(`dash.${key}`)), el);
  };
  const features = geo && Array.isArray(geo.features) ? geo.features : [];
  replace(root, pageTitle(t('dash.title')), form, summary,
    h('div', { class: 'chart-grid' },
      chartBox('by_status'), chartBox('by_category'), chartBox('by_place'), chartBox('by_day'),
      chartBox('on_time_by_place'), chartBox('trend'),
      features.length ? chartBox('map', true)
        : h('section', { class: 'card chart-card wide' }, h('h2', null, t('dash.map')), h('p', { class: 'hint', id: 'map-note' }, t('dash.map.none')))));

  if (echarts instanceof Error || !echarts) {
    showError(root, { code: 'http', message: t('dash.nochart') });
    return;
  }
  draw(echarts, stats, cats, features, mapCfg);
}

function names(stats, cats) {
  const cat = new Map(cats.map((c) => [c.code, c.name]));
  const place = new Map((stats.by_place || []).map((p) => [p.key, p.name || p.key]));
  return { cat: (k) => cat.get(k) || k, place: (k) => place.get(k) || k };
}

/** Fill the days between the first and last with zeros, so the line has no false slopes. */
function days(byDay) {
  const keys = Object.keys(byDay || {}).sort();
  if (!keys.length) return [];
  const out = [];
  const end = Date.parse(`${keys[keys.length - 1]}T00:00:00Z`);
  for (let d = Date.parse(`${keys[0]}T00:00:00Z`); d <= end && out.length < 800; d += 86400000) {
    const k = new Date(d).toISOString().slice(0, 10);
    out.push([k, byDay[k] || 0]);
  }
  return out;
}

function label(el, text) {
  el.setAttribute('aria-label', text);
}

function draw(echarts, stats, cats, features, mapCfg) {
  const n = names(stats, cats);
  const base = { textStyle: { fontFamily: FONT }, color: COLORS, animationDuration: 300, tooltip: {} };
  const make = (key, option) => {
    const el = document.getElementById(`chart-${key}`);
    if (!el) return;
    const c = echarts.init(el, null, { renderer: 'canvas' });
    c.setOption({ ...base, ...option });
    charts.push(c);
    return c;
  };
  const axisBar = (cat, val, extra = {}) => ({
    grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: cat, axisLabel: { interval: 0, rotate: cat.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    tooltip: { trigger: 'axis' },
    ...extra,
    series: [{ type: 'bar', data: val, barMaxWidth: 36, label: { show: true, position: 'top' } }],
  });

  const st = Object.entries(stats.by_status || {}).map(([k, v]) => ({ name: t(`status.${k}`), value: v }));
  make('by_status', {
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: { bottom: 0, type: 'scroll' },
    series: [{ type: 'pie', radius: ['35%', '65%'], center: ['50%', '45%'], data: st, label: { formatter: '{b}\n{c}' } }],
  });
  label(document.getElementById('chart-by_status'), `${t('dash.by_status')}：${st.map((x) => `${x.name} ${x.value}`).join('，')}`);

  const cat = Object.entries(stats.by_category || {}).sort((a, b) => b[1] - a[1]);
  // horizontal bars: category names are long
  make('by_category', {
    grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: cat.map(([k]) => n.cat(k)) },
    series: [{ type: 'bar', data: cat.map(([, v]) => v), barMaxWidth: 24, label: { show: true, position: 'right' } }],
  });
  label(document.getElementById('chart-by_category'), `${t('dash.by_category')}：${cat.map(([k, v]) => `${n.cat(k)} ${v}`).join('，')}`);

  const pl = Object.entries(stats.open_by_place || {}).sort((a, b) => b[1] - a[1]);
  make('by_place', axisBar(pl.map(([k]) => n.place(k)), pl.map(([, v]) => v)));
  label(document.getElementById('chart-by_place'), `${t('dash.by_place')}：${pl.map(([k, v]) => `${n.place(k)} ${v}`).join('，')}`);

  const dd = days(stats.by_day);
  make('by_day', {
    grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: dd.map((x) => x[0].slice(5)), boundaryGap: dd.length < 2 },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'line', name: t('dash.count'), data: dd.map((x) => x[1]), smooth: true, areaStyle: { opacity: 0.15 }, symbolSize: 8 }],
  });
  label(document.getElementById('chart-by_day'), `${t('dash.by_day')}：${dd.map((x) => `${x[0]} ${x[1]}`).join('，')}`);

  const bp = stats.by_place || [];
  const rate = (x) => Math.round((x || 0) * 1000) / 10;
  make('on_time_by_place', {
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${v}%` },
    xAxis: { type: 'category', data: bp.map((p) => p.name || p.key), axisLabel: { interval: 0, rotate: bp.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      { type: 'bar', name: t('dash.on_time_rate'), data: bp.map((p) => rate(p.on_time_rate)), barMaxWidth: 28, label: { show: true, position: 'top', formatter: '{c}%' } },
      { type: 'bar', name: t('dash.closure_rate'), data: bp.map((p) => rate(p.closure_rate)), barMaxWidth: 28 },
    ],
  });
  label(document.getElementById('chart-on_time_by_place'), `${t('dash.on_time_by_place')}：${bp.map((p) => `${p.name || p.key} ${rate(p.on_time_rate)}%`).join('，')}`);

  const bm = stats.by_month || [];
  make('trend', {
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: bm.map((m) => m.key), boundaryGap: bm.length < 2 },
    yAxis: [{ type: 'value', max: 100, axisLabel: { formatter: '{value}%' } }, { type: 'value', minInterval: 1, splitLine: { show: false } }],
    series: [
      { type: 'line', name: t('dash.on_time_rate'), data: bm.map((m) => rate(m.on_time_rate)), symbolSize: 8 },
      { type: 'line', name: t('dash.closure_rate'), data: bm.map((m) => rate(m.closure_rate)), symbolSize: 8 },
      { type: 'bar', name: t('dash.cases'), yAxisIndex: 1, data: bm.map((m) => m.cases), barMaxWidth: 24, itemStyle: { opacity: 0.35 } },
    ],
  });
  label(document.getElementById('chart-trend'), `${t('dash.trend')}：${bm.map((m) => `${m.key} ${rate(m.on_time_rate)}%`).join('，')}`);

  if (features.length) {
    const mapName = `gridgov-${stats.place || 'area'}`;
    const geo = { type: 'FeatureCollection', features: features.filter((f) => f && f.geometry).map((f) => ({ ...f, properties: { ...f.properties, name: f.properties.name } })) };
    echarts.registerMap(mapName, geo);
    const data = features.map((f) => ({ name: f.properties.name, value: f.properties.open || 0 }));
    const max = Math.max(1, ...data.map((d) => d.value));
    // with a base layer (map.js): Web Mercator like the tiles, and regions you can see through
    const tiled = mapCfg && mapCfg.tiles ? { projection: mercator, itemStyle: { opacity: 0.6 } } : {};
    const chart = make('map', {
      tooltip: { trigger: 'item', formatter: (p) => `${p.name}: ${Number.isFinite(p.value) ? p.value : 0}` },
      visualMap: { min: 0, max, left: 8, bottom: 8, calculable: true, inRange: { color: ['#e7f0ff', '#1f6feb', '#c92a2a'] } },
      series: [{ type: 'map', map: mapName, roam: true, data, label: { show: true, fontSize: 11, color: '#1d2433', textBorderColor: '#fff', textBorderWidth: 2 }, ...tiled }],
    });
    if (chart && tiled.projection) baseLayer(chart, mapCfg);
    label(document.getElementById('chart-map'), `${t('dash.map')}：${data.map((d) => `${d.name} ${d.value}`).join('，')}`);
  }
}

