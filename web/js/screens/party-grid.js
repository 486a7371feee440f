// party-grid.js - a grid's party page, #/party/grid/CODE (GET /places/CODE/party): its branch
// and secretary, the members living in it, the mobile members found there (confirmed matches,
// for the roles that may read them), and the volunteers with their hours of service. Without a
// code (#/party/grid?place=) it picks a grid: by search, or down the tree of places; a caller
// whose place is one grid goes straight to it.
import { h, replace, link, field } from '../dom.js';
import { t, tOr } from '../i18n.js';
import { pageTitle, loading, homePlace, facts, showError } from '../ui.js';
import { can } from '../registries.js';
import { hashOf, chips } from './registry.js';
import { partyRegs, kindWord, memberStatusWord, badge, hours } from '../party.js';

const enc = encodeURIComponent;

/* ---- #/party/grid?place=: pick a grid ---- */

export async function renderPicker(ctx) {
  const { root, api, query, user } = ctx;
  const home = homePlace(user);
  const place = (query.get('place') || '').trim();
  if (!place && home.length >= 15) {
    // one grid: its page, without a step in the history
    await render({ ...ctx, params: { code: home.slice(0, 15) } });
    return;
  }
  const at = place || home;
  replace(root, pageTitle(t('party.grid.pick')), loading());
  const [here, kids] = await Promise.all([api.get(`/places/${enc(at)}`), api.get(`/places/${enc(at)}/children`)]);
  if (!ctx.current()) return;
  const crumbs = h('nav', { class: 'crumbs', 'aria-label': t('places.title') },
    h('ol', null, [...(here.path || []), here].map((p, i, all) => h('li', null,
      i === all.length - 1 ? h('span', { 'aria-current': 'page' }, p.name) : link(`#/party/grid?place=${enc(p.code)}`, p.name)))));
  const target = (p) => (p.level === 'grid' || String(p.code).length === 15 ? `#/party/grid/${enc(p.code)}` : `#/party/grid?place=${enc(p.code)}`);

  const q = h('input', { type: 'search', id: 'grid-q', maxlength: 40 });
  const results = h('ul', { class: 'picklist', id: 'grid-results' });
  const search = h('form', { class: 'row', role: 'search' }, field(t('party.grid.search'), q, { hint: t('party.grid.search.hint') }),
    h('button', { type: 'submit', class: 'btn secondary' }, t('common.search')));
  search.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!q.value.trim()) return;
    try {
      const r = await api.get('/places', { q: q.value.trim(), limit: 20 });
      const items = (r.items || []).filter((p) => String(p.code).length <= 15);
      replace(results, items.length ? items.map((p) => h('li', null, link(target(p), `${p.name}（${p.code}）`), ' ',
        h('span', { class: 'hint' }, tOr(`level.${p.level}`, p.level)))) : h('li', null, t('common.empty')));
    } catch (e) {
      showError(root, e);
    }
  });
  const items = (kids.items || []).filter((p) => String(p.code).length <= 15);
  replace(root, pageTitle(t('party.grid.pick')), crumbs,
    h('section', { class: 'card' }, search, results),
    h('section', { class: 'card' }, h('h2', null, t('places.children', { n: items.length })),
      items.length ? h('ul', { class: 'picklist', id: 'grid-children' }, items.map((p) => h('li', { dataset: { code: String(p.code) } },
        link(target(p), p.name), ' ', h('span', { class: 'hint' }, `${tOr(`level.${p.level}`, p.level)} · ${p.code}`))))
        : h('p', { class: 'empty' }, t('common.empty'))));
}

/* ---- #/party/grid/CODE ---- */

export async function render(ctx) {
  const { root, api, params } = ctx;
  const code = params.code;
  replace(root, pageTitle(t('party.grid.title')), loading());
  const { by } = await partyRegs(api);
  const [page, place] = await Promise.all([
    api.get(`/places/${enc(code)}/party`),
    api.get(`/places/${enc(code)}`).catch(() => null),
  ]);
  if (!ctx.current()) return;
  const p = page.place || place || { code, name: code };
  const orgReg = by['party-orgs'];
  const memberReg = by['party-members'];
  const orgs = page.orgs || [];
  const orgName = new Map(orgs.map((o) => [String(o.id), String(o.name)]));

  const path = place && place.path ? [...place.path, place] : [p];
  const crumbs = h('nav', { class: 'crumbs', 'aria-label': t('places.title') },
    h('ol', null, path.map((x, i, all) => h('li', null,
      i === all.length - 1 ? h('span', { 'aria-current': 'page' }, x.name) : link(`#/party/orgs?place=${enc(x.code)}`, x.name)))));

  // the branch(es) of the grid and their secretaries
  const orgCard = h('section', { class: 'card', id: 'grid-orgs', 'aria-labelledby': 'grid-orgs-h' },
    h('h2', { id: 'grid-orgs-h' }, t('party.grid.orgs', { n: orgs.length })));
  if (!orgs.length) {
    orgCard.appendChild(h('div', { class: 'msg msg-warn', id: 'grid-noorg' }, t('party.grid.noorg'),
      orgReg && can(orgReg, 'write') ? [' ', link(`${hashOf(orgReg)}/new`, t('party.orgs.new'))] : null));
  } else {
    orgCard.appendChild(h('ul', { class: 'org-cards' }, orgs.map((o) => h('li', { dataset: { id: String(o.id) } },
      h('div', { class: 'org-name' }, orgReg ? link(hashOf(orgReg, o.id), String(o.name)) : String(o.name), ' ', badge(`kind-${o.kind}`, kindWord(o.kind, orgReg))),
      facts([
        [t('party.org.secretary.label'), o.secretary ? String(o.secretary) : '—'],
        [t('party.org.members.label'), String(Number(o.members) || 0)],
        [t('party.org.founded'), o.founded_on ? String(o.founded_on) : null],
      ])))));
  }
  // the organisations above the grid: its community's, town's and district's
  const above = page.orgs_above || [];
  if (above.length) {
    orgCard.appendChild(h('p', { class: 'muted', id: 'grid-orgs-above' }, t('party.grid.above'), ' ',
      above.map((o, i) => [i ? ' › ' : '', String(o.name),
        o.secretary ? ` (${t('party.org.secretary.label')} ${String(o.secretary)})` : ''])));
  }

  // the members living in the grid
  const members = page.members || [];
  const memberCard = h('section', { class: 'card', id: 'grid-members', 'aria-labelledby': 'grid-members-h' },
    h('h2', { id: 'grid-members-h' }, t('party.grid.members', { n: members.length })));
  memberCard.appendChild(members.length ? h('div', { class: 'scroll-x' }, h('table', { class: 'list', id: 'grid-member-list' },
    h('thead', null, h('tr', null, ['party.col.name', 'party.col.org', 'party.col.status', 'party.col.joined'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, members.map((m) => h('tr', { dataset: { id: String(m.id) } },
      h('td', { 'data-label': t('party.col.name') }, memberReg ? link(hashOf(memberReg, m.id), String(m.name || `#${m.id}`)) : String(m.name || `#${m.id}`)),
      h('td', { 'data-label': t('party.col.org') }, m.org ? (orgName.get(String(m.org)) || (orgReg ? link(hashOf(orgReg, m.org), `#${m.org}`) : `#${m.org}`)) : '—'),
      h('td', { 'data-label': t('party.col.status') }, badge(`pm-${m.status}`, memberStatusWord(m.status, memberReg))),
      h('td', { 'data-label': t('party.col.joined') }, m.joined_on ? String(m.joined_on) : '—'))))))
    : h('p', { class: 'empty' }, t('party.grid.nomembers')));

  // mobile members found here (confirmed matches): only for the roles that may read matches
  let mobileCard = null;
  if (Array.isArray(page.mobile_found)) {
    const found = page.mobile_found;
    mobileCard = h('section', { class: 'card', id: 'grid-mobile', 'aria-labelledby': 'grid-mobile-h' },
      h('h2', { id: 'grid-mobile-h' }, t('party.grid.mobile', { n: found.length })),
      h('p', { class: 'hint' }, t('party.grid.mobile.hint')));
    mobileCard.appendChild(found.length ? h('div', { class: 'scroll-x' }, h('table', { class: 'list', id: 'grid-mobile-list' },
      h('thead', null, h('tr', null, ['party.col.name', 'party.match.row.origin_org', 'party.match.score', 'party.match.reasons', 'party.match.decision', 'party.match.member'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', null, found.map((m) => h('tr', { dataset: { id: String(m.id) } },
        h('td', { 'data-label': t('party.col.name') }, by['mobile-matches'] ? link(`#/party/matches?place=${enc(code)}&status=confirmed&id=${enc(m.id)}`, String(m.name || `#${m.id}`)) : String(m.name || `#${m.id}`)),
        h('td', { 'data-label': t('party.match.row.origin_org') }, String(m.roster_origin_org || m.roster_origin || '—')),
        h('td', { 'data-label': t('party.match.score') }, String(m.score ?? '')),
        h('td', { 'data-label': t('party.match.reasons') }, Array.isArray(m.reasons) && m.reasons.length ? chips(m.reasons) : '—'),
        h('td', { 'data-label': t('party.match.decision') }, m.decision ? String(m.decision) : '—'),
        h('td', { 'data-label': t('party.match.member') }, m.member ? (memberReg ? link(hashOf(memberReg, m.member), `#${m.member}`) : `#${m.member}`) : '—'))))))
      : h('p', { class: 'empty' }, t('party.grid.nomobile')));
  }

  // volunteers and their hours: the residents tagged 志愿者 (masked), and whoever has hours here
  const volunteerCard = await volunteers(ctx, by, code, page);
  if (!ctx.current()) return;

  const links = h('p', { class: 'links' }, link(`#/places/${enc(code)}`, t('party.grid.place')), ' · ',
    link(`#/party/orgs?place=${enc(code.slice(0, 12))}`, t('party.grid.coverage')));
  replace(root, crumbs, pageTitle(t('party.grid.of', { name: String(p.name || code) })),
    h('section', { class: 'card' }, facts([
      [t('common.code'), String(p.code || code)],
      [t('places.households'), p.households ? String(p.households) : null],
    ]), links),
    orgCard, memberCard, mobileCard, volunteerCard);
}

async function volunteers(ctx, by, code, page) {
  const minutes = page.volunteer_minutes && typeof page.volunteer_minutes === 'object' ? page.volunteer_minutes : {};
  const rows = new Map();
  for (const r of page.volunteers || []) rows.set(String(r.id), { id: String(r.id), name: r.name, tags: r.tags, minutes: Number(minutes[r.id]) || 0 });
  const missing = Object.keys(minutes).filter((id) => !rows.has(id));
  // hours of residents the caller cannot read: their names from the service records
  let names = new Map();
  if (missing.length && by['volunteer-hours']) {
    try {
      const r = await ctx.api.get('/volunteer-hours', { place: code, limit: 1000 });
      names = new Map((r.items || []).map((x) => [String(x.resident), x.name]));
    } catch {
      /* the ids then */
    }
  }
  for (const id of missing) rows.set(id, { id, name: names.get(id) || null, minutes: Number(minutes[id]) || 0 });
  const list = [...rows.values()].sort((a, b) => b.minutes - a.minutes || Number(a.id) - Number(b.id));
  const total = list.reduce((n, r) => n + r.minutes, 0);
  const residents = by.residents;
  const card = h('section', { class: 'card', id: 'grid-volunteers', 'aria-labelledby': 'grid-volunteers-h' },
    h('h2', { id: 'grid-volunteers-h' }, t('party.grid.volunteers', { n: list.length })),
    list.length ? h('p', { class: 'hint' }, t('party.grid.volunteers.total', { h: hours(total) })) : null);
  // the residents' tags, when the caller may read them (the residents register)
  const tags = list.some((r) => Array.isArray(r.tags) && r.tags.length);
  card.appendChild(list.length ? h('div', { class: 'scroll-x' }, h('table', { class: 'list', id: 'grid-volunteer-list' },
    h('thead', null, h('tr', null, ['party.col.name', 'party.col.hours', tags ? 'party.col.tags' : null].filter(Boolean).map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, list.map((r) => h('tr', { dataset: { id: r.id } },
      h('td', { 'data-label': t('party.col.name') }, residents ? link(hashOf(residents, r.id), String(r.name || `#${r.id}`)) : String(r.name || t('party.col.resident', { id: r.id }))),
      h('td', { 'data-label': t('party.col.hours'), dataset: { minutes: String(r.minutes) } }, r.minutes ? hours(r.minutes) : '—'),
      tags ? h('td', { 'data-label': t('party.col.tags') }, Array.isArray(r.tags) && r.tags.length ? chips(r.tags) : '—') : null)))))
    : h('p', { class: 'empty' }, t('party.grid.novolunteers')));
  if (by['volunteer-hours']) card.appendChild(h('p', null, link(hashOf(by['volunteer-hours']), t('party.grid.hours.register'))));
  return card;
}
