// figures.js - the figures board (数据一览): the district's figures officials quote, for a place and
// a range of months, in one call (GET /figures?place=&from=&to=): a card per figure with its
// value, unit and definition, and the same as CSV or XLSX (GET /figures?format=).
//   #/figures?place=&from=YYYY-MM&to=YYYY-MM
import { h, replace, field } from './dom.js';
import { t, tOr, addTexts, getLang } from './i18n.js';
import { pageTitle, errorBox, loading, homePlace } from './ui.js';
import { placeChoices, placeSelect } from './party.js';

addTexts({
  'fig.title': ['数据一览', 'Figures'],
  'fig.title.of': ['{place}数据一览', 'Figures: {place}'],
  'fig.intro': ['区里常用的工作数据：每项均注明口径；诉求按登记月份统计，存量指标取期末数。', 'The figures officials quote, each with its definition; cases count in the month they were made, stocks at the end of the range.'],
  'fig.place': ['范围', 'Place'],
  'fig.from': ['开始月份', 'From (month)'],
  'fig.to': ['结束月份', 'To (month, included)'],
  'fig.apply': ['查询', 'Show'],
  'fig.range': ['{from} 至 {to}', '{from} to {to}'],
  'fig.csv': ['导出 CSV', 'Export CSV'],
  'fig.xlsx': ['导出 Excel', 'Export Excel'],
  'fig.group.cases': ['群众诉求', 'Cases'],
  'fig.group.enterprise': ['驻企服务', 'Enterprise service'],
  'fig.group.people': ['人口与党建', 'Residents and the party'],
  'fig.group.economy': ['集体经济与共富', 'Collective economy'],
  'fig.source.counters': ['随业务实时累计', 'kept with every write'],
  'fig.source.records': ['按台账记录汇总', 'summed from the records'],
  'fig.yuan': ['元', 'CNY'],
  'fig.wan': ['万元', '10k CNY'],
  'fig.name.cases_received': ['受理诉求', 'Cases received'],
  'fig.name.cases_closed': ['办结诉求', 'Cases closed'],
  'fig.name.cases_closed_on_time': ['按期办结', 'Closed on time'],
  'fig.name.enterprises_served': ['服务企业', 'Enterprises served'],
  'fig.name.visits': ['走访企业', 'Visits'],
  'fig.name.problems_raised': ['企业反映问题', 'Problems raised'],
  'fig.name.problems_solved': ['解决企业问题', 'Problems solved'],
  'fig.name.cadres_assigned': ['驻企服务员', 'Cadres assigned'],
  'fig.name.new_residents_registered': ['新居民登记', 'New residents registered'],
  'fig.name.mobile_members_found': ['排查流动党员', 'Mobile party members found'],
  'fig.name.compounds_without_property': ['无物业小区', 'Compounds without property management'],
  'fig.name.collective_income': ['村级集体经济收入', 'Collective income'],
  'fig.name.operating_income': ['其中：经营性收入', 'of which operating income'],
  'fig.name.workshop_income': ['共富工坊带动增收', 'Workshop income'],
});

// the cards' groups, by figure code (a figure the page does not know goes to the last group)
const GROUPS = [
  ['cases', ['cases_received', 'cases_closed', 'cases_closed_on_time']],
  ['enterprise', ['enterprises_served', 'visits', 'problems_raised', 'problems_solved', 'cadres_assigned']],
  ['people', ['new_residents_registered', 'mobile_members_found', 'compounds_without_property']],
  ['economy', []],
];

function thisMonth() {
  // Asia/Shanghai, as the server counts
  const d = new Date(Date.now() + 8 * 3600 * 1000);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** A money figure (fen) in yuan, or in 万元 from 100,000 yuan on. */
function money(fen) {
  const yuan = Number(fen) / 100;
  if (Math.abs(yuan) >= 100000) {
    return [(yuan / 10000).toLocaleString(getLang(), { maximumFractionDigits: 2 }), t('fig.wan')];
  }
  return [yuan.toLocaleString(getLang(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }), t('fig.yuan')];
}

function card(f) {
  const [value, unit] = f.unit === '分' ? money(f.value) : [Number(f.value).toLocaleString(getLang()), f.unit];
  return h('div', { class: 'stat fig', dataset: { figure: f.code } },
    h('span', { class: 'stat-value' }, value, h('small', { class: 'fig-unit' }, ` ${unit}`)),
    h('span', { class: 'stat-label' }, tOr(`fig.name.${f.code}`, f.name)),
    h('span', { class: 'fig-def' }, f.definition),
    h('span', { class: 'fig-src' }, t(`fig.source.${f.source}`)));
}

/** GET /figures?format= as a file the browser saves. */
async function download(ctx, params, btn, where) {
  btn.disabled = true;
  try {
    const r = await ctx.api.download('/figures', params);
    const a = h('a', { href: URL.createObjectURL(r.blob), download: r.filename || `figures.${params.format}`, hidden: true });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  } catch (e) {
    replace(where, errorBox(e));
  } finally {
    btn.disabled = false;
  }
}

export async function render(ctx) {
  const { root, api, query, user } = ctx;
  replace(root, pageTitle(t('fig.title')), loading());
  const place = query.get('place') || homePlace(user);
  const params = { place, from: query.get('from') || undefined, to: query.get('to') || undefined };
  const [data, choices] = await Promise.all([
    api.get('/figures', params),
    placeChoices(api, user, place).catch(() => ({ items: [{ code: place, name: place, depth: 0 }] })),
  ]);
  if (!ctx.current()) return;

  const sel = placeSelect('fig-place', t('fig.place'), choices.items, data.place);
  const from = h('input', { type: 'month', id: 'fig-from', value: data.from, max: thisMonth() });
  const to = h('input', { type: 'month', id: 'fig-to', value: data.to });
  const form = h('form', { class: 'card filters', id: 'fig-filters' }, sel.holder, field(t('fig.from'), from), field(t('fig.to'), to),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, t('fig.apply'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams({ place: sel.el.value });
    if (from.value) p.set('from', from.value);
    if (to.value) p.set('to', to.value);
    ctx.navigate(`figures?${p}`);
  });

  const msg = h('div', { id: 'fig-msg' });
  const exports = h('div', { class: 'actions fig-export' });
  for (const [format, key] of [['csv', 'fig.csv'], ['xlsx', 'fig.xlsx']]) {
    const b = h('button', { type: 'button', class: 'btn secondary', id: `fig-export-${format}` }, t(key));
    b.addEventListener('click', () => download(ctx, { place: data.place, from: data.from, to: data.to, format }, b, msg));
    exports.appendChild(b);
  }

  const known = new Set(GROUPS.flatMap(([, codes]) => codes));
  const sections = GROUPS.map(([name, codes]) => {
    const items = (data.items || []).filter((f) => (codes.length ? codes.includes(f.code) : !known.has(f.code)));
    if (!items.length) return null;
    return h('section', { class: 'fig-group', dataset: { group: name } },
      h('h2', null, t(`fig.group.${name}`)),
      h('div', { class: 'stats figs' }, ...items.map(card)));
  });

  replace(root,
    pageTitle(t('fig.title.of', { place: data.name || data.place })),
    h('p', { class: 'lead' }, t('fig.intro')),
    form,
    h('p', { class: 'fig-range', id: 'fig-range' }, t('fig.range', { from: data.from, to: data.to })),
    exports, msg,
    ...sections.filter(Boolean));
}
