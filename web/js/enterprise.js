// enterprise.js - the screens of the enterprise service (驻企服务):
//   #/ent              the enterprises the caller may read, with search, and (for offices) the
//                      enterprise figures of their place (GET /enterprise-figures)
//   #/ent/mine         a cadre's "我的企业": its enterprises, the problems waiting for its check,
//                      each enterprise with a button to record a visit
//   #/ent/:id          an enterprise's page: facts, cadres, visits with their problems, cases,
//                      and the projects it owns (investment in 万元/亿元, milestones, party branch)
//   #/ent/:id/visit    the visit form: date, kind, notes, outcome and the problems it raised, all
//                      in one step (POST /enterprises/ID/visits); usable on a phone
// The server decides every request (a cadre sees only its enterprises); these only shape the page.
import { h, replace, field, select, link } from './dom.js';
import { t } from './i18n.js';
import { pageTitle, loading, facts, showError, caseTable, homePlace, clearMessages } from './ui.js';
import { loadRegistries, can, label } from './registries.js';
import { optionsOf, markField, clearFieldErrors, placeNode, hashOf } from './screens/registry.js';
import { money, progress, branchFlag } from './platform.js';

const enc = encodeURIComponent;

async function regsBy(api) {
  const regs = await loadRegistries(api);
  return Object.fromEntries(regs.map((r) => [r.name, r]));
}

/** The label of a choice of a register's field, from the server's schema. */
function choice(reg, fieldName, value) {
  const f = reg && (reg.fields || []).find((x) => x.name === fieldName);
  const o = f && optionsOf(f).find((x) => String(x.value) === String(value));
  return o ? label(o) : String(value ?? '');
}

const isCadre = (user) => ((user && user.roles) || []).some((r) => r.role === 'enterprise_cadre');

/** Today in Asia/Shanghai, YYYY-MM-DD. */
function today() {
  const d = new Date(Date.now() + 8 * 3600 * 1000);
  return d.toISOString().slice(0, 10);
}

/** "2 / 1": problems raised / solved, as a small badge pair. */
function solvedBadge(problems, solved) {
  const p = Number(problems) || 0;
  const s = Number(solved) || 0;
  if (!p) return h('span', { class: 'hint' }, t('ent.noproblems'));
  return h('span', { class: 'badges' },
    h('span', { class: `badge ${s >= p ? 'st-closed' : 'st-dispatched'}` }, t('ent.solved.n', { s, p })));
}

/* ---- #/ent: the list ---- */

export async function render(ctx) {
  const { root, api, query, user } = ctx;
  replace(root, pageTitle(t('ent.title')), loading());
  const by = await regsBy(api);
  const reg = by.enterprises;
  const q = (query.get('q') || '').trim();
  const r = await api.get('/enterprises', { q: q || undefined, limit: 100 });
  if (!ctx.current()) return;
  const input = h('input', { type: 'search', id: 'ent-q', name: 'q', maxlength: 40, value: q });
  const form = h('form', { class: 'row', role: 'search' },
    field(t('ent.search'), input, { hint: t('ent.search.hint') }),
    h('button', { type: 'submit', class: 'btn secondary' }, t('common.search')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.navigate(input.value.trim() ? `ent?q=${enc(input.value.trim())}` : 'ent');
  });
  const parts = [pageTitle(t('ent.title'),
    isCadre(user) ? link('#/ent/mine', t('nav.ent.mine')) : null), h('section', { class: 'card' }, form)];
  parts.push(h('section', { class: 'card', 'aria-labelledby': 'ent-list-h' },
    h('h2', { id: 'ent-list-h' }, t('ent.list', { n: (r.items || []).length })), entTable(r.items || [], reg)));
  // offices see the figures of their place; cadres have no place to report on (403)
  const figs = h('section', { class: 'card', id: 'ent-figures', hidden: true });
  parts.splice(1, 0, figs);
  replace(root, ...parts);
  if (!isCadre(user)) loadFigures(ctx, figs, homePlace(user));
}

function entTable(items, reg) {
  if (!items.length) return h('p', { class: 'empty' }, t('common.empty'));
  const cols = ['ent.col.name', 'ent.col.code', 'ent.col.industry', 'ent.col.chain', 'ent.col.cadres', 'ent.col.visits', 'ent.col.problems'];
  return h('table', { class: 'list', id: 'ent-table' },
    h('thead', null, h('tr', null, cols.map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, items.map((e) => h('tr', { dataset: { id: String(e.id) } },
      h('td', { 'data-label': t('ent.col.name') }, link(`#/ent/${enc(e.id)}`, e.name), e.listed ? h('span', { class: 'badge st-accepted' }, t('ent.listed')) : null),
      h('td', { 'data-label': t('ent.col.code') }, e.credit_code),
      h('td', { 'data-label': t('ent.col.industry') }, choice(reg, 'industry', e.industry)),
      h('td', { 'data-label': t('ent.col.chain') }, e.chain || '-'),
      h('td', { 'data-label': t('ent.col.cadres') }, String(e.cadres ?? 0)),
      h('td', { 'data-label': t('ent.col.visits') }, String(e.visits ?? 0)),
      h('td', { 'data-label': t('ent.col.problems') }, solvedBadge(e.problems, e.solved))))));
}

const FIGS = ['enterprises', 'enterprises_served', 'visits', 'problems_raised', 'problems_solved', 'cadres'];

async function loadFigures(ctx, box, place) {
  const { api } = ctx;
  const from = h('input', { type: 'date', id: 'fig-from', name: 'from' });
  const to = h('input', { type: 'date', id: 'fig-to', name: 'to' });
  const out = h('div', { id: 'fig-out' });
  const show = async () => {
    try {
      const r = await api.get('/enterprise-figures', { place, from: from.value || undefined, to: to.value || undefined });
      if (!ctx.current()) return;
      const tiles = h('ul', { class: 'tiles', id: 'fig-tiles' }, FIGS.map((k) => h('li', null,
        h('span', { class: 'tile', dataset: { figure: k } }, h('span', { class: 'tile-count' }, String(r.totals[k])),
          h('span', { class: 'tile-label' }, t(`ent.fig.${k}`))))));
      const rows = (r.items || []).filter((x) => FIGS.some((k) => x[k]));
      const table = rows.length ? h('table', { class: 'list', id: 'fig-table' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('ent.col.place')), FIGS.map((k) => h('th', { scope: 'col' }, t(`ent.fig.${k}`))))),
        h('tbody', null, rows.map((x) => h('tr', null, h('td', { 'data-label': t('ent.col.place') }, x.name),
          FIGS.map((k) => h('td', { 'data-label': t(`ent.fig.${k}`) }, String(x[k]))))))) : null;
      replace(out, tiles, table);
      box.hidden = false;
    } catch (e) {
      box.hidden = e && e.status === 403;
      if (!box.hidden) replace(out, h('p', { class: 'empty' }, t('err.http')));
    }
  };
  const form = h('form', { class: 'row' }, field(t('ent.fig.from'), from), field(t('ent.fig.to'), to),
    h('button', { type: 'submit', class: 'btn secondary' }, t('ent.fig.show')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    show();
  });
  replace(box, h('h2', null, t('ent.figures')), form, out);
  await show();
}

/* ---- #/ent/mine: a cadre's enterprises ---- */

export async function renderMine(ctx) {
  const { root, api, user } = ctx;
  replace(root, pageTitle(t('nav.ent.mine')), loading());
  const [ents, check] = await Promise.all([
    api.get('/enterprises', { limit: 200 }),
    api.get('/cases', { queue: 'to_verify', limit: 50 }).catch(() => ({ items: [] })),
  ]);
  if (!ctx.current()) return;
  const items = ents.items || [];
  const mine = check.items || [];
  const cards = items.length ? h('ul', { class: 'ent-cards', id: 'ent-mine' }, items.map((e) => h('li', { class: 'card', dataset: { id: String(e.id) } },
    h('h3', null, link(`#/ent/${enc(e.id)}`, e.name)),
    h('p', { class: 'hint' }, `${e.credit_code} · ${e.chain || t('ent.nochain')}`),
    h('p', null, t('ent.mine.counts', { v: e.visits ?? 0 }), ' ', solvedBadge(e.problems, e.solved)),
    h('a', { class: 'btn primary', href: `#/ent/${enc(e.id)}/visit`, dataset: { visit: String(e.id) } }, t('ent.visit.new')))))
    : h('p', { class: 'empty' }, t('ent.mine.none'));
  replace(root, pageTitle(t('nav.ent.mine')),
    h('p', { class: 'lead' }, t('ent.mine.hello', { name: user.display_name || user.username, n: items.length })),
    h('section', { class: 'card', 'aria-labelledby': 'ent-check-h', id: 'ent-check' },
      h('h2', { id: 'ent-check-h' }, t('ent.mine.check', { n: mine.length })), caseTable(mine)),
    h('section', { 'aria-labelledby': 'ent-mine-h' }, h('h2', { id: 'ent-mine-h' }, t('ent.mine.list')), cards));
}

/* ---- #/ent/:id: an enterprise's page ---- */

export async function renderOne(ctx) {
  const { root, api, params } = ctx;
  const id = params.id;
  replace(root, pageTitle(t('ent.page')), loading());
  const by = await regsBy(api);
  const [e, visits, cases, cadres, projects] = await Promise.all([
    api.get(`/enterprises/${enc(id)}`),
    api.get('/visits', { enterprise: id, limit: 200 }).catch(() => ({ items: [] })),
    api.get('/cases', { enterprise: id, limit: 100 }).catch(() => ({ items: [] })),
    api.get('/cadre-assignments', { enterprise: id, limit: 100 }).catch(() => ({ items: [] })),
    by.projects ? ownedProjects(api, id, by) : null,
  ]);
  if (!ctx.current()) return;
  const reg = by.enterprises;
  const mayVisit = can(by.visits, 'write');
  const head = pageTitle(e.name, mayVisit ? h('a', { class: 'btn primary', href: `#/ent/${enc(id)}/visit`, id: 'ent-visit-btn' }, t('ent.visit.new')) : null);
  const info = h('section', { class: 'card', id: 'ent-facts' }, facts([
    [t('ent.col.code'), e.credit_code],
    [t('ent.col.industry'), choice(reg, 'industry', e.industry)],
    [t('ent.col.chain'), e.chain],
    [t('ent.col.place'), placeNode(api, e.place, true)],
    [t('ent.address'), e.address],
    [t('ent.listed'), e.listed ? t('common.yes') : t('common.no')],
    [t('ent.employees'), String(e.employees ?? '')],
    [t('ent.contact'), [e.contact, e.phone].filter(Boolean).join(' ')],
    [t('ent.col.problems'), solvedBadge(e.problems, e.solved)],
  ]));
  const cadreList = (cadres.items || []).length ? h('ul', { id: 'ent-cadres' }, cadres.items.map((a) => h('li', null, a.cadre_name,
    a.team_name ? h('span', { class: 'hint' }, ` · ${a.team_name}`) : null, a.since ? h('span', { class: 'hint' }, ` · ${t('ent.since', { d: a.since })}`) : null)))
    : h('p', { class: 'empty' }, t('common.empty'));
  const visitList = (visits.items || []).length ? h('table', { class: 'list', id: 'ent-visits' },
    h('thead', null, h('tr', null, ['ent.v.date', 'ent.v.kind', 'ent.v.cadre', 'ent.v.outcome', 'ent.col.problems'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, [...visits.items].reverse().map((v) => h('tr', { dataset: { id: String(v.id) } },
      h('td', { 'data-label': t('ent.v.date') }, v.visited_on),
      h('td', { 'data-label': t('ent.v.kind') }, choice(by.visits, 'kind', v.kind)),
      h('td', { 'data-label': t('ent.v.cadre') }, v.cadre_name || ''),
      h('td', { 'data-label': t('ent.v.outcome') }, v.outcome || ''),
      h('td', { 'data-label': t('ent.col.problems') }, solvedBadge(v.problems, v.solved))))))
    : h('p', { class: 'empty' }, t('common.empty'));
  replace(root, head, info,
    h('section', { class: 'card', 'aria-labelledby': 'ent-cadres-h' }, h('h2', { id: 'ent-cadres-h' }, t('ent.cadres')), cadreList),
    h('section', { class: 'card', 'aria-labelledby': 'ent-visits-h' }, h('h2', { id: 'ent-visits-h' }, t('ent.visits', { n: (visits.items || []).length })), visitList),
    h('section', { class: 'card', 'aria-labelledby': 'ent-cases-h', id: 'ent-cases' }, h('h2', { id: 'ent-cases-h' }, t('ent.cases', { n: (cases.items || []).length })), caseTable(cases.items || [])),
    projects ? projectSection(projects, by) : null);
}

/* ---- the projects an enterprise owns ---- */

/** The projects whose owner is the enterprise, each with its milestones. */
async function ownedProjects(api, id, by) {
  const r = await api.get('/projects', { owner: id, limit: 100 }).catch(() => ({ items: [] }));
  const items = r.items || [];
  const steps = by['project-milestones'] ? await Promise.all(items.map((p) =>
    api.get('/project-milestones', { project: p.id, limit: 100 }).then((m) => m.items || [], () => []))) : items.map(() => []);
  return items.map((p, i) => ({ ...p, milestones: steps[i] }));
}

function milestoneList(steps) {
  if (!steps.length) return h('p', { class: 'hint' }, t('ent.pj.ms.none'));
  return h('ol', { class: 'milestones' }, steps.map((m) => h('li', { dataset: { done: m.done_on ? 'yes' : 'no' } },
    h('span', null, String(m.name)), ' ',
    h('span', { class: 'hint' }, m.done_on ? t('ent.pj.ms.done', { d: m.done_on })
      : [m.due_on ? t('ent.pj.ms.due', { d: m.due_on }) : '', `${Number(m.progress) || 0}%`].filter(Boolean).join(' · ')))));
}

function projectSection(items, by) {
  const reg = by.projects;
  const cards = items.length ? h('ul', { class: 'ent-cards', id: 'ent-project-list' }, items.map((p) => h('li', { class: 'card', dataset: { id: String(p.id), branch: p.party_org ? 'yes' : p.major ? 'missing' : 'none' } },
    h('h3', null, link(hashOf(reg, p.id), String(p.name))),
    facts([
      [t('pj.investment'), h('span', { class: 'pj-investment' }, money(p.investment))],
      [t('pf.status'), choice(reg, 'status', p.status)],
      [t('pj.progress'), progress(p.progress)],
      [t('pj.branch'), branchFlag(p)],
      [t('ent.pj.dates'), [p.start_on, p.planned_end].filter(Boolean).join(' ~ ')],
    ]),
    h('h4', null, t('pj.milestones')), milestoneList(p.milestones || []))))
    : h('p', { class: 'empty' }, t('ent.projects.none'));
  return h('section', { class: 'card', 'aria-labelledby': 'ent-projects-h', id: 'ent-projects' },
    h('h2', { id: 'ent-projects-h' }, t('ent.projects.n', { n: items.length })), cards);
}

/* ---- #/ent/:id/visit: a visit and its problems in one step ---- */

export async function renderVisit(ctx) {
  const { root, api, params } = ctx;
  const id = params.id;
  replace(root, pageTitle(t('ent.visit.new')), loading());
  const [by, e, cats] = await Promise.all([regsBy(api), api.get(`/enterprises/${enc(id)}`), api.get('/categories', null, { auth: false })]);
  if (!ctx.current()) return;
  const visitReg = by.visits;
  const kindField = visitReg && visitReg.fields.find((f) => f.name === 'kind');
  const kinds = kindField ? optionsOf(kindField).map((o) => ({ value: String(o.value), label: label(o) })) : [];
  // the enterprise's problems first (企业诉求), then the rest of the catalogue
  const all = (cats.items || []).filter((c) => c.active !== false);
  const catalog = [...all.filter((c) => c.group === '企业诉求'), ...all.filter((c) => c.group !== '企业诉求')];

  const date = h('input', { type: 'date', name: 'visited_on', id: 'v-date', value: today(), max: today() });
  const kind = select(kinds, { name: 'kind', id: 'v-kind', value: 'on_site' });
  const notes = h('textarea', { name: 'notes', id: 'v-notes', rows: 3, maxlength: 2000 });
  const outcome = h('input', { type: 'text', name: 'outcome', id: 'v-outcome', maxlength: 500 });
  const problems = h('div', { id: 'v-problems' });
  const holder = (name, el) => {
    el.dataset.field = name;
    return el;
  };
  const form = h('form', { class: 'card visit-form', id: 'visit-form', novalidate: true },
    h('p', { class: 'lead' }, e.name),
    h('div', { class: 'row' }, holder('visited_on', field(t('ent.v.date'), date, { required: true })), holder('kind', field(t('ent.v.kind'), kind, { required: true }))),
    holder('notes', field(t('ent.v.notes'), notes, { wide: true })),
    holder('outcome', field(t('ent.v.outcome'), outcome, { wide: true })),
    h('h2', null, t('ent.v.problems')), h('p', { class: 'hint' }, t('ent.v.problems.hint')), problems);
  const addBtn = h('button', { type: 'button', class: 'btn secondary', id: 'v-add-problem' }, t('ent.v.addproblem'));
  const submit = h('button', { type: 'submit', class: 'btn primary', id: 'v-submit' }, t('ent.v.submit'));
  form.append(h('p', null, addBtn), h('div', { class: 'actions' }, submit, ' ', link(`#/ent/${enc(id)}`, t('common.cancel'))));

  let n = 0;
  const rows = [];
  function addProblem() {
    const i = n++;
    const cat = select(catalog.map((c) => ({ value: c.code, label: `${c.name}` })), { name: 'category', id: `p-cat-${i}` });
    const desc = h('textarea', { name: 'description', id: `p-desc-${i}`, rows: 2, maxlength: 4000 });
    const attrs = h('div', { class: 'row p-attrs' });
    const box = h('fieldset', { class: 'problem group', dataset: { problem: String(i) } },
      h('legend', null, t('ent.v.problem', { n: rows.length + 1 })));
    const row = { box, cat, desc, attrs, inputs: [] };
    const fillAttrs = () => {
      const c = catalog.find((x) => x.code === cat.value);
      row.inputs = [];
      replace(attrs);
      // the enterprise's name and credit code are filled by the server
      for (const a of ((c && c.attributes) || []).filter((x) => x.required && !['company_name', 'uscc'].includes(x.code))) {
        let ctl;
        if (a.datatype === 'singlevaluelist') ctl = select((a.values || []).map((v) => ({ value: v.key, label: v.name })), { id: `p-${i}-${a.code}` });
        else ctl = h('input', { type: a.datatype === 'number' ? 'number' : 'text', id: `p-${i}-${a.code}` });
        row.inputs.push({ code: a.code, ctl, number: a.datatype === 'number' });
        attrs.appendChild(holder(`problems[${rows.indexOf(row)}].${a.code}`, field(a.description || a.code, ctl, { required: true })));
      }
    };
    cat.addEventListener('change', fillAttrs);
    const remove = h('button', { type: 'button', class: 'link', onclick: () => {
      rows.splice(rows.indexOf(row), 1);
      box.remove();
      rows.forEach((r, k) => { r.box.querySelector('legend').textContent = t('ent.v.problem', { n: k + 1 }); });
    } }, t('ent.v.removeproblem'));
    box.append(holder(`problems[${rows.length}].category`, field(t('ent.v.category'), cat, { required: true })),
      holder(`problems[${rows.length}].description`, field(t('ent.v.desc'), desc, { required: true, wide: true })), attrs, remove);
    rows.push(row);
    problems.appendChild(box);
    fillAttrs();
    desc.focus();
  }
  addBtn.addEventListener('click', addProblem);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(root);
    clearFieldErrors(form);
    const body = { visited_on: date.value, kind: kind.value };
    if (notes.value.trim()) body.notes = notes.value.trim();
    if (outcome.value.trim()) body.outcome = outcome.value.trim();
    if (rows.length) {
      body.problems = rows.map((r) => {
        const p = { category: r.cat.value, description: r.desc.value.trim() };
        if (r.inputs.length) p.attributes = Object.fromEntries(r.inputs.map((x) => [x.code, x.number && x.ctl.value !== '' ? Number(x.ctl.value) : x.ctl.value]));
        return p;
      });
    }
    submit.disabled = true;
    try {
      const r = await api.post(`/enterprises/${enc(id)}/visits`, body);
      ctx.navigate(`ent/${enc(id)}`, t('ent.v.saved', { n: (r.items || []).length }));
    } catch (err) {
      showError(root, err);
      const ctl = markField(form, err);
      if (ctl) ctl.focus();
    } finally {
      submit.disabled = false;
    }
  });
  replace(root, pageTitle(t('ent.visit.new')), form);
}

