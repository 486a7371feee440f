// places.js - the tree of places inside the user's scope: a place with its path, its children
// (towns, communities, grids, micro-grids) and, for communities and grids, the compounds (小区)
// with their property company and owners' committee.
import { h, replace, field, link } from '../dom.js';
import { t, tOr } from '../i18n.js';
import { pageTitle, showError, showNotice, clearMessages, loading, homePlace, facts } from '../ui.js';
import { loadRegistries } from '../registries.js';

export async function render(ctx) {
  const { root, api, user, params } = ctx;
  const code = params.code || homePlace(user);
  replace(root, pageTitle(t('places.title')), loading());
  // a grid links to its party page (党建) when the caller may read the organisations
  const [place, kids, regs] = await Promise.all([api.get(`/places/${encodeURIComponent(code)}`), api.get(`/places/${encodeURIComponent(code)}/children`),
    code.length === 15 ? loadRegistries(api) : []]);
  const party = regs.some((r) => r.name === 'party-orgs');
  let compounds = null;
  if (code.length === 12 || code.length === 15) {
    try {
      const r = await api.get(`/places/${code}/compounds`);
      compounds = (r.items || []).filter((c) => code.length === 12 || (c.grids || []).includes(code));
    } catch {
      compounds = null; // outside the scope of compounds: show none
    }
  }
  if (!ctx.current()) return;

  const crumbs = h('nav', { class: 'crumbs', 'aria-label': t('places.title') },
    h('ol', null, [...(place.path || []), place].map((p, i, all) => h('li', null,
      i === all.length - 1 ? h('span', { 'aria-current': 'page' }, p.name) : link(`#/places/${p.code}`, p.name)))));

  const q = h('input', { type: 'search', id: 'place-q', maxlength: 40 });
  const results = h('ul', { class: 'picklist' });
  const search = h('form', { class: 'row', role: 'search' }, field(t('places.search'), q, { hint: t('report.place.search.hint') }),
    h('button', { type: 'submit', class: 'btn secondary' }, t('common.search')));
  search.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!q.value.trim()) return;
    try {
      const r = await api.get('/places', { q: q.value.trim(), limit: 20 });
      replace(results, (r.items || []).length ? (r.items || []).map((p) => h('li', null, link(`#/places/${p.code}`, `${p.name}（${p.code}）`),
        ' ', h('span', { class: 'hint' }, tOr(`level.${p.level}`, p.level)))) : h('li', null, t('common.empty')));
    } catch (e) {
      showError(root, e);
    }
  });

  const children = kids.items || [];
  const kidsTable = children.length ? h('table', { class: 'list', id: 'children' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('common.name')), h('th', { scope: 'col' }, t('common.code')),
      h('th', { scope: 'col' }, t('places.level')), h('th', { scope: 'col' }, t('places.households')))),
    h('tbody', null, children.map((p) => h('tr', null,
      h('td', { 'data-label': t('common.name') }, link(`#/places/${p.code}`, p.name)),
      h('td', { 'data-label': t('common.code') }, p.code),
      h('td', { 'data-label': t('places.level') }, tOr(`level.${p.level}`, p.level)),
      h('td', { 'data-label': t('places.households') }, p.households ? String(p.households) : '-'))))) : h('p', { class: 'empty' }, t('common.empty'));

  const comp = compounds && compounds.length ? h('table', { class: 'list', id: 'compounds' },
    h('thead', null, h('tr', null, ['common.name', 'places.address', 'places.households', 'places.company', 'places.committee', 'places.grids']
      .map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, compounds.map((c) => h('tr', null,
      h('td', { 'data-label': t('common.name') }, c.name),
      h('td', { 'data-label': t('places.address') }, c.address || ''),
      h('td', { 'data-label': t('places.households') }, String(c.households || 0)),
      h('td', { 'data-label': t('places.company') }, c.property_company || t('places.nocompany')),
      h('td', { 'data-label': t('places.committee') }, c.owners_committee ? t('common.yes') : t('common.no')),
      h('td', { 'data-label': t('places.grids') }, (c.grids || []).map((g, i) => [i ? '、' : '', link(`#/places/${g}`, g)])))))) : null;

  // offices load a boundary (GeoJSON Polygon or MultiPolygon) for the map of the dashboard
  let boundary = null;
  if (ctx.caps.office) {
    const file = h('input', { type: 'file', id: 'boundary-file', accept: '.geojson,.json,application/geo+json,application/json' });
    boundary = h('form', { class: 'card form', id: 'boundary-form' }, h('h2', null, t('places.boundary')),
      field(t('places.boundary.file'), file, { hint: t('places.boundary.hint'), wide: true }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn secondary' }, t('places.boundary.upload'))));
    boundary.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearMessages(boundary);
      const f = file.files && file.files[0];
      if (!f) return;
      try {
        let g;
        try {
          g = JSON.parse(await f.text());
        } catch {
          throw { code: 'invalid', field: 'geometry', message: t('places.boundary.notjson') };
        }
        if (g && g.type === 'FeatureCollection') g = (g.features || [])[0] || {};
        if (g && g.type === 'Feature') g = g.geometry;
        await api.put(`/places/${encodeURIComponent(place.code)}/boundary`, { geometry: g });
        showNotice(boundary, t('places.boundary.done', { name: place.name }));
      } catch (e) {
        showError(boundary, e);
      }
    });
  }

  replace(root, pageTitle(place.name), crumbs,
    h('section', { class: 'card' }, facts([
      [t('common.code'), place.code],
      [t('places.level'), tOr(`level.${place.level}`, place.level)],
      [t('places.households'), place.households ? String(place.households) : null],
    ]), h('p', { class: 'links' }, link(`#/cases?place=${place.code}`, t('places.cases')),
      party ? [' · ', h('a', { href: `#/party/grid/${place.code}`, id: 'place-party' }, t('places.party'))] : null)),
    h('section', { class: 'card' }, search, results),
    h('section', { class: 'card' }, h('h2', null, t('places.children', { n: children.length })), kidsTable),
    comp ? h('section', { class: 'card' }, h('h2', null, t('places.compounds', { n: compounds.length })), comp) : null,
    boundary);
}
