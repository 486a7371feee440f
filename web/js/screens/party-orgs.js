// party-orgs.js - #/party/orgs?place=CODE: the party organisations under a place as a tree
// (committee › general branch › branch), each linked to its record in the generic register
// screen, and the coverage of grids by organisations ("支部建在网格上"): the grids without one,
// and the counts per town and community (GET /party-orgs/coverage).
import { h, replace, link } from '../dom.js';
import { t } from '../i18n.js';
import { pageTitle, errorBox, loading, homePlace } from '../ui.js';
import { can } from '../registries.js';
import { hashOf, placeNode } from './registry.js';
import { partyRegs, kindWord, badge, placeChoices, placeSelect, allOrgs, share, shareBar } from '../party.js';

const enc = encodeURIComponent;
const RANK = { committee: 0, general_branch: 1, branch: 2 };

export async function render(ctx) {
  const { root, api, query, user } = ctx;
  const place = (query.get('place') || '').trim() || homePlace(user);
  replace(root, pageTitle(t('party.orgs.title')), loading());
  const { by } = await partyRegs(api);
  const reg = by['party-orgs'];
  if (!ctx.current()) return;
  if (!reg) {
    replace(root, pageTitle(t('err.forbidden')), h('p', null, t('app.forbidden')));
    return;
  }
  const [choices, coverage, orgs] = await Promise.all([
    placeChoices(api, user, place),
    api.get('/party-orgs/coverage', { place }).catch((e) => ({ error: e })),
    allOrgs(api).catch((e) => ({ error: e })),
  ]);
  if (!ctx.current()) return;

  const chooser = placeSelect('orgs-place', t('party.place'), choices.items, place,
    (code) => ctx.navigate(`party/orgs?place=${enc(code)}`));
  const head = h('div', { class: 'head-actions' });
  if (can(reg, 'write')) head.appendChild(h('a', { class: 'btn secondary', id: 'org-new', href: `${hashOf(reg)}/new` }, t('party.orgs.new')));
  head.appendChild(h('a', { class: 'btn secondary', href: hashOf(reg) }, t('party.orgs.register')));

  replace(root, pageTitle(t('party.orgs.title'), head),
    h('form', { class: 'card', id: 'orgs-form', role: 'search', onsubmit: (ev) => ev.preventDefault() },
      h('div', { class: 'filters' }, chooser.holder),
      choices.place ? h('p', { class: 'hint' }, t('party.orgs.intro', { name: choices.place.name })) : null),
    coverageCard(ctx, place, coverage),
    treeCard(ctx, reg, place, orgs));
}

/* ---- coverage ---- */

function coverageCard(ctx, place, cov) {
  const card = h('section', { class: 'card', id: 'coverage', 'aria-labelledby': 'coverage-h' },
    h('h2', { id: 'coverage-h' }, t('party.cov.title')));
  if (cov.error) {
    card.appendChild(errorBox(cov.error));
    return card;
  }
  const grids = Number(cov.grids) || 0;
  const covered = Number(cov.covered) || 0;
  const uncovered = cov.uncovered || [];
  card.append(h('p', { class: 'hint' }, t('party.cov.intro')),
    h('div', { class: 'stats', id: 'coverage-stats' },
      stat('grids', grids, t('party.cov.grids')),
      stat('covered', covered, t('party.cov.covered')),
      stat('uncovered', grids - covered, t('party.cov.uncovered'), grids - covered > 0),
      stat('share', share(covered, grids), t('party.cov.share'))));

  const towns = cov.by_town || [];
  const comms = cov.by_community || [];
  const table = (id, caption, rows, withName) => h('div', { class: 'scroll-x' }, h('table', { class: 'list', id },
    h('caption', { class: 'sr' }, caption),
    h('thead', null, h('tr', null, ['common.name', 'party.cov.grids', 'party.cov.covered', 'party.cov.share'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, rows.map((r) => h('tr', { dataset: { code: String(r.code) } },
      h('td', { 'data-label': t('common.name') }, link(`#/party/orgs?place=${enc(r.code)}`, withName && r.name ? String(r.name) : placeNode(ctx.api, String(r.code)))),
      h('td', { 'data-label': t('party.cov.grids') }, String(r.grids ?? 0)),
      h('td', { 'data-label': t('party.cov.covered') }, String(r.covered ?? 0)),
      h('td', { 'data-label': t('party.cov.share') }, shareBar(Number(r.covered) || 0, Number(r.grids) || 0)))))));
  if (towns.length > 1) card.append(h('h3', null, t('party.cov.by_town')), table('coverage-towns', t('party.cov.by_town'), towns, false));
  if (comms.length > 1) card.append(h('h3', null, t('party.cov.by_community')), table('coverage-communities', t('party.cov.by_community'), comms, true));

  card.appendChild(h('h3', null, t('party.cov.list', { n: uncovered.length })));
  if (!uncovered.length) {
    card.appendChild(h('p', { class: 'msg msg-ok', id: 'uncovered-none' }, grids ? t('party.cov.all') : t('party.cov.nogrids')));
    return card;
  }
  card.appendChild(h('div', { class: 'scroll-x' }, h('table', { class: 'list', id: 'uncovered' },
    h('thead', null, h('tr', null, ['party.cov.grid', 'party.cov.community', 'common.code'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, uncovered.map((g) => h('tr', { dataset: { code: String(g.code) } },
      h('td', { 'data-label': t('party.cov.grid') }, link(`#/party/grid/${enc(g.code)}`, String(g.name || g.code))),
      h('td', { 'data-label': t('party.cov.community') }, g.community ? link(`#/party/orgs?place=${enc(g.community)}`, String(g.community_name || g.community)) : ''),
      h('td', { 'data-label': t('common.code') }, String(g.code))))))));
  return card;
}

function stat(key, value, text, alert) {
  return h('div', { class: `stat${alert ? ' alert' : ''}`, dataset: { stat: key } },
    h('span', { class: 'stat-value' }, String(value)), h('span', { class: 'stat-label' }, text));
}

/* ---- the tree ---- */

function treeCard(ctx, reg, place, orgs) {
  const card = h('section', { class: 'card', 'aria-labelledby': 'tree-h' });
  if (orgs.error) {
    card.append(h('h2', { id: 'tree-h' }, t('party.orgs.tree', { n: 0 })), errorBox(orgs.error));
    return card;
  }
  const mine = orgs.filter((o) => typeof o.place === 'string' && o.place.startsWith(place));
  const byId = new Map(orgs.map((o) => [String(o.id), o]));
  const kids = new Map();
  const roots = [];
  const inside = new Set(mine.map((o) => String(o.id)));
  for (const o of mine) {
    const p = o.parent === null || o.parent === undefined ? null : String(o.parent);
    if (p && inside.has(p)) {
      if (!kids.has(p)) kids.set(p, []);
      kids.get(p).push(o);
    } else {
      roots.push(o);
    }
  }
  const order = (a, b) => (RANK[a.kind] ?? 9) - (RANK[b.kind] ?? 9) || String(a.place).localeCompare(String(b.place)) ||
    String(a.name).localeCompare(String(b.name), 'zh-CN');
  const members = mine.reduce((n, o) => n + (Number(o.members) || 0), 0);
  card.append(h('h2', { id: 'tree-h' }, t('party.orgs.tree', { n: mine.length })),
    h('p', { class: 'hint' }, t('party.orgs.tree.hint', { n: members })));
  if (!mine.length) {
    card.appendChild(h('p', { class: 'empty' }, t('party.orgs.none')));
    return card;
  }
  const seen = new Set();
  const node = (o, depth) => {
    seen.add(String(o.id));
    const children = (kids.get(String(o.id)) || []).filter((c) => !seen.has(String(c.id))).sort(order);
    const parent = depth === 0 && o.parent ? byId.get(String(o.parent)) : null;
    return h('li', { dataset: { id: String(o.id), kind: String(o.kind || '') } },
      h('div', { class: 'org' },
        h('span', { class: 'org-name' }, link(hashOf(reg, o.id), String(o.name || `#${o.id}`)), ' ',
          badge(`kind-${o.kind}`, kindWord(o.kind, reg))),
        h('span', { class: 'org-meta' },
          h('span', null, placeNode(ctx.api, String(o.place))),
          o.secretary ? h('span', null, t('party.org.secretary', { name: String(o.secretary) })) : null,
          h('span', { dataset: { k: 'members' } }, t('party.org.members', { n: Number(o.members) || 0 })),
          o.place && o.place.length === 15 ? link(`#/party/grid/${enc(o.place)}`, t('party.grid.link')) : null),
        parent ? h('span', { class: 'hint' }, t('party.org.parent', { name: String(parent.name) })) : null),
      children.length ? h('ul', null, children.map((c) => node(c, depth + 1))) : null);
  };
  card.appendChild(h('ul', { class: 'org-tree', id: 'org-tree' }, roots.sort(order).map((o) => node(o, 0))));
  return card;
}
