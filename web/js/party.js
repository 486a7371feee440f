// party.js - pieces the party screens (screens/party-*.js) share: the words of the party
// registers' choices, the place chooser (the caller's place, the way down to the place shown and
// the places right below it), every organisation the caller may read, service hours, and the
// registers' schema. The server decides every request; these only shape the page.
import { h, select, field } from './dom.js';
import { t, tOr } from './i18n.js';
import { homePlace } from './ui.js';
import { loadRegistries, label } from './registries.js';
import { optionsOf } from './screens/registry.js';

/** The registers the caller may read, by name: {"party-orgs": {...}, ...}. */
export async function partyRegs(api) {
  const regs = await loadRegistries(api);
  return { regs, by: Object.fromEntries(regs.map((r) => [r.name, r])) };
}

/**
 * The word of a register's choice: the page's own ("party.kind.branch") when it has one, else
 * the label the server's schema gives, else the value.
 */
export function choiceWord(prefix, value, reg, fieldName) {
  if (value === null || value === undefined || value === '') return '';
  const f = reg && (reg.fields || []).find((x) => x.name === fieldName);
  const o = f && optionsOf(f).find((x) => String(x.value) === String(value));
  return tOr(`${prefix}.${value}`, o ? label(o) : String(value));
}

export const kindWord = (v, reg) => choiceWord('party.kind', v, reg, 'kind');
export const memberStatusWord = (v, reg) => choiceWord('party.mstatus', v, reg, 'status');
export const matchStatusWord = (v, reg) => choiceWord('party.match.status', v, reg, 'status');

/** A badge of a kind of organisation or a status. */
export function badge(cls, text) {
  return h('span', { class: `badge ${cls}` }, text);
}

const DEPTH = { 6: 0, 9: 1, 12: 2, 15: 3, 17: 4 };

/**
 * The places to choose from, [{code, name, depth}]: the way from the caller's place down to
 * current, then the places right below current (none below a grid).
 */
export async function placeChoices(api, user, current) {
  const home = homePlace(user);
  const [here, kids] = await Promise.all([
    api.get(`/places/${encodeURIComponent(current)}`).catch(() => null),
    current.length < 15 ? api.get(`/places/${encodeURIComponent(current)}/children`).catch(() => null) : null,
  ]);
  const out = [];
  const way = here ? [...(here.path || []), here] : [];
  for (const p of way) if (p && p.code && (p.code.startsWith(home) || !current.startsWith(home))) out.push(p);
  if (!out.some((p) => p.code === current)) out.push({ code: current, name: here ? here.name : current });
  for (const k of (kids && kids.items) || []) out.push(k);
  const base = DEPTH[out[0].code.length] || 0;
  return {
    place: here,
    items: out.map((p) => ({ code: p.code, name: p.name || p.code, level: p.level, depth: Math.max(0, (DEPTH[p.code.length] ?? 0) - base) })),
  };
}

/** A labelled <select> of placeChoices' items; onPick(code) runs on a change. */
export function placeSelect(id, labelText, items, current, onPick, hint) {
  const sel = select(items.map((p) => ({ value: p.code, label: `${'\u3000'.repeat(p.depth)}${p.name}` })), { value: current });
  sel.id = id;
  sel.name = 'place';
  if (onPick) sel.addEventListener('change', () => onPick(sel.value));
  return { el: sel, holder: field(labelText, sel, { hint }) };
}

/** Every organisation the caller may read (all pages of GET /party-orgs), at most 20000. */
export async function allOrgs(api) {
  let items = [];
  let cursor;
  for (let i = 0; i < 20; i++) {
    const r = await api.get('/party-orgs', { limit: 1000, cursor });
    items = items.concat(r.items || []);
    cursor = r.next_cursor;
    if (!cursor) break;
  }
  return items;
}

/** 150 -> "2.5 小时" */
export function hours(minutes) {
  const n = Number(minutes) || 0;
  const v = Math.round((n / 60) * 10) / 10;
  return t('party.hours', { h: String(v) });
}

/** "covered of grids" as a percentage with one decimal, "-" without grids. */
export function share(covered, grids) {
  if (!grids) return '-';
  return `${((100 * covered) / grids).toFixed(1).replace(/\.0$/, '')}%`;
}

/** A bar of covered / grids for a table cell (the numbers stay as text beside it). */
export function shareBar(covered, grids) {
  const pct = grids ? Math.round((100 * covered) / grids) : 0;
  const bar = h('span', { class: 'bar', 'aria-hidden': 'true' }, h('span', { class: 'bar-fill' }));
  bar.firstChild.style.width = `${pct}%`;
  return h('span', { class: 'share' }, bar, h('span', null, share(covered, grids)));
}
