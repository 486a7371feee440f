// report.js - report a problem: a category from the catalogue with its own attributes as form
// controls, a description, where it is (community/grid code, a compound for staff, or the
// device's position), photos, and for the public the tracking code to follow it.
import { h, replace, field, select, newId } from '../dom.js';
import { ApiError, idemKey } from '../api.js';
import { queueReport } from '../offline.js';
import { mapConfig, pointMap } from '../map.js';
import { t } from '../i18n.js';
import { pageTitle, showError, clearMessages, loading, dupList } from '../ui.js';

const MINE_KEY = 'gridgov.mytokens';

/** Remember a tracking code on this device (for the public only). */
export function rememberToken(token, caseNo) {
  try {
    const list = JSON.parse(localStorage.getItem(MINE_KEY) || '[]').filter((x) => x.token !== token);
    list.unshift({ token, case_no: caseNo, at: new Date().toISOString() });
    localStorage.setItem(MINE_KEY, JSON.stringify(list.slice(0, 20)));
  } catch {
    /* storage may be off */
  }
}

export function rememberedTokens() {
  try {
    const list = JSON.parse(localStorage.getItem(MINE_KEY) || '[]');
    return Array.isArray(list) ? list.filter((x) => x && typeof x.token === 'string') : [];
  } catch {
    return [];
  }
}

/** One form control for a catalogue attribute, by its Open311 datatype. */
function attrControl(a) {
  const name = `attr-${a.code}`;
  const label = a.description || a.code;
  const hint = a.datatype_description || undefined;
  switch (a.datatype) {
    case 'text': {
      const c = h('textarea', { name, rows: 3, maxlength: 1000 });
      return { el: field(label, c, { required: a.required, hint, wide: true }), get: () => c.value.trim() };
    }
    case 'number': {
      const c = h('input', { type: 'number', name, step: 'any', inputmode: 'decimal' });
      return { el: field(label, c, { required: a.required, hint }), get: () => (c.value === '' ? '' : Number(c.value)) };
    }
    case 'datetime': {
      const c = h('input', { type: 'datetime-local', name });
      return {
        el: field(label, c, { required: a.required, hint: hint || t('report.attr.datetime.hint') }),
        get: () => (c.value ? `${c.value.length === 16 ? c.value + ':00' : c.value}+08:00` : ''),
      };
    }
    case 'singlevaluelist': {
      const c = select((a.values || []).map((v) => ({ value: v.key, label: v.name })), { name, empty: t('common.choose') });
      return { el: field(label, c, { required: a.required, hint }), get: () => c.value };
    }
    case 'multivaluelist': {
      const boxes = (a.values || []).map((v) => {
        const id = newId('mv');
        const cb = h('input', { type: 'checkbox', id, name, value: v.key });
        return { cb, el: h('label', { class: 'check', for: id }, cb, ' ', v.name) };
      });
      const legend = h('legend', null, label, a.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
      const fs = h('fieldset', { class: 'field group wide' }, legend, h('div', { class: 'checks' }, boxes.map((b) => b.el)),
        h('div', { class: 'hint' }, hint || t('report.attr.multi.hint')));
      return {
        el: fs, get: () => boxes.filter((b) => b.cb.checked).map((b) => b.cb.value), multi: boxes, required: a.required,
      };
    }
    default: {
      const c = h('input', { type: 'text', name, maxlength: 200 });
      return { el: field(label, c, { required: a.required, hint }), get: () => c.value.trim() };
    }
  }
}

export async function render(ctx) {
  const { root, api, user } = ctx;
  const staff = !!user;
  replace(root, pageTitle(t('report.title')), loading());
  const cats = (await api.get('/categories')).items || [];
  if (!ctx.current()) return;

  const form = h('form', { class: 'card form', novalidate: false, id: 'report-form' });
  const key = idemKey();

  // category, grouped
  const catSel = h('select', { name: 'category', id: 'category' });
  catSel.appendChild(h('option', { value: '' }, t('common.choose')));
  const groups = new Map();
  for (const c of cats) {
    if (!groups.has(c.group)) groups.set(c.group, []);
    groups.get(c.group).push(c);
  }
  for (const [g, list] of groups) {
    const og = h('optgroup', { label: g });
    for (const c of list) og.appendChild(h('option', { value: c.code }, c.name));
    catSel.appendChild(og);
  }
  const catDesc = h('p', { class: 'hint', 'aria-live': 'polite' });
  const attrBox = h('div', { class: 'grid2', id: 'attrs' });
  let attrs = [];
  catSel.addEventListener('change', () => {
    const c = cats.find((x) => x.code === catSel.value);
    catDesc.textContent = c ? c.description : '';
    attrs = c ? (c.attributes || []).slice().sort((a, b) => (a.order || 0) - (b.order || 0)).map((a) => ({ a, ctl: attrControl(a) })) : [];
    replace(attrBox, attrs.map((x) => x.ctl.el));
  });

  const desc = h('textarea', { name: 'description', id: 'description', rows: 4, maxlength: 2000 });

  // where
  const placeIn = h('input', {
    type: 'text', name: 'place', id: 'place', inputmode: 'numeric', autocomplete: 'off',
    pattern: '\\d{12}(\\d{3}(\\d{2})?)?', maxlength: 17,
  });
  const address = h('input', { type: 'text', name: 'address', id: 'address', maxlength: 200 });
  let point = null;
  const pointOut = h('p', { class: 'hint', 'aria-live': 'polite' });
  const pointBox = h('div'); // the tiles around the point, when the server names a base layer
  const mapCfg = mapConfig(api);
  const clearPoint = h('button', {
    type: 'button', class: 'btn small secondary', hidden: true,
    onclick: () => {
      point = null;
      pointOut.textContent = '';
      clearPoint.hidden = true;
      replace(pointBox);
    },
  }, t('report.locate.clear'));
  const locate = h('button', {
    type: 'button', class: 'btn secondary', id: 'report-locate',
    onclick: () => {
      if (!navigator.geolocation) {
        pointOut.textContent = t('report.locate.fail');
        return;
      }
      navigator.geolocation.getCurrentPosition((pos) => {
        point = { lat: +pos.coords.latitude.toFixed(6), lon: +pos.coords.longitude.toFixed(6) };
        pointOut.textContent = t('report.located', point);
        clearPoint.hidden = false;
        mapCfg.then((cfg) => point && replace(pointBox, pointMap(cfg, point.lat, point.lon)));
      }, () => {
        pointOut.textContent = t('report.locate.fail');
      }, { enableHighAccuracy: true, timeout: 15000 });
    },
  }, t('report.locate'));

  const where = h('fieldset', { class: 'group' }, h('legend', null, t('report.where')));
  let compoundSel = null;
  {
    // search places and pick a compound of the community: staff within their scope, the
    // public through the public lookup (names and codes only)
    const base = staff ? '/places' : '/public/places';
    const q = h('input', { type: 'search', id: 'place-q', maxlength: 40 });
    const results = h('ul', { class: 'picklist', 'aria-live': 'polite' });
    compoundSel = h('select', { id: 'compound', name: 'compound' });
    compoundSel.appendChild(h('option', { value: '' }, t('report.compound.none')));
    const chosen = h('p', { class: 'hint', 'aria-live': 'polite' });
    async function loadCompounds(code) {
      replace(compoundSel, h('option', { value: '' }, t('report.compound.none')));
      if (!/^\d{12}(\d{3}(\d{2})?)?$/.test(code)) return;
      try {
        // the compounds of a community, or those overlapping a grid (a micro-grid: its grid)
        const r = await api.get(`${base}/${code.slice(0, 15)}/compounds`);
        for (const c of r.items || []) {
          if (code.length > 12 && !(c.grids || []).some((g) => code.startsWith(g))) continue;
          compoundSel.appendChild(h('option', { value: String(c.id) }, c.name));
        }
      } catch {
        /* no compounds to offer */
      }
    }
    async function search() {
      const v = q.value.trim();
      if (!v) return;
      try {
        const r = await api.get(base, staff ? { q: v, limit: 20 } : { q: v });
        // compounds by name (the public lookup finds 春江花城): the compound in its community
        const compounds = (r.compounds || []).map((c) => h('li', null, h('button', {
          type: 'button', class: 'link', dataset: { compound: String(c.id) },
          onclick: async () => {
            placeIn.value = c.community;
            chosen.textContent = t('report.compound.chosen', { name: c.name, community: c.community_name || c.community });
            replace(results);
            await loadCompounds(c.community);
            compoundSel.value = String(c.id);
          },
        }, t('report.compound.item', { name: c.name, community: c.community_name || c.community }))));
        replace(results, compounds, (r.items || []).map((p) => h('li', null, h('button', {
          type: 'button', class: 'link',
          onclick: () => {
            placeIn.value = p.code;
            chosen.textContent = t('report.place.chosen', { name: p.name, code: p.code });
            replace(results);
            loadCompounds(p.code);
          },
        }, `${p.name}（${p.code}）`))));
      } catch (e) {
        showError(form, e);
      }
    }
    q.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') {
        ev.preventDefault();
        search();
      }
    });
    placeIn.addEventListener('change', () => loadCompounds(placeIn.value.trim()));
    where.append(
      h('div', { class: 'row' }, field(t('report.place.search'), q, { hint: t('report.place.search.hint') }),
        h('button', { type: 'button', class: 'btn secondary', onclick: search }, t('common.search'))),
      results, chosen);
  }
  where.append(field(t('report.place'), placeIn, { hint: t('report.place.hint') }));
  if (compoundSel) where.append(field(t('report.compound'), compoundSel));
  where.append(field(t('report.address'), address, { hint: t('report.address.hint') }),
    h('div', { class: 'row' }, locate, clearPoint), pointOut, pointBox);

  // photos
  const photos = h('input', { type: 'file', name: 'photo', id: 'photos', accept: 'image/jpeg,image/png,image/webp', multiple: true });
  const previews = h('div', { class: 'thumbs' });
  let urls = [];
  photos.addEventListener('change', () => {
    for (const u of urls) URL.revokeObjectURL(u);
    urls = Array.from(photos.files || []).slice(0, 9).map((f) => URL.createObjectURL(f));
    replace(previews, urls.map((u, i) => h('img', { src: u, alt: t('case.photo.alt', { n: i + 1 }) })));
  });

  // contact or channel
  let contact = null;
  let channelSel = null;
  const nameIn = h('input', { type: 'text', id: 'rname', maxlength: 40, autocomplete: 'name' });
  const phoneIn = h('input', { type: 'tel', id: 'rphone', maxlength: 20, autocomplete: 'tel' });
  const relay = h('input', { type: 'checkbox', id: 'relay' });
  if (staff) {
    channelSel = select(['resident', 'commissioner', 'grid_patrol', 'enterprise_visit', 'hotline']
      .map((c) => ({ value: c, label: t(`channel.${c}`) })), { empty: t('report.channel.auto') });
    channelSel.id = 'channel';
    // a commissioner (or anyone on staff) relays a resident's report: the resident confirms it
    contact = h('fieldset', { class: 'group' }, h('legend', null, t('report.relay')),
      h('label', { class: 'check', for: 'relay' }, relay, ' ', t('report.relay.check')),
      h('div', { class: 'grid2' }, field(t('report.name'), nameIn), field(t('report.phone'), phoneIn)),
      h('p', { class: 'hint' }, t('report.relay.hint')));
  } else {
    contact = h('fieldset', { class: 'group' }, h('legend', null, t('report.contact')),
      h('div', { class: 'grid2' }, field(t('report.name'), nameIn), field(t('report.phone'), phoneIn)));
  }

  const submit = h('button', { type: 'submit', class: 'btn primary', id: 'report-submit' }, t('report.submit'));
  form.append(
    field(t('report.category'), catSel, { required: true, hint: t('report.category.hint') }), catDesc, attrBox,
    field(t('report.description'), desc, { required: true, hint: t('report.description.hint'), wide: true }),
    where,
    field(t('report.photos'), photos, { hint: t('report.photos.hint') }), previews,
    channelSel ? field(t('report.channel'), channelSel) : contact,
    ...(channelSel ? [contact] : []),
    h('div', { class: 'actions' }, submit));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    // lists with required checkboxes: the browser does not check those
    for (const x of attrs) {
      if (x.ctl.multi && x.ctl.required && x.ctl.get().length === 0) {
        showError(form, { code: 'invalid', field: x.a.description, message: '' });
        x.ctl.multi[0].cb.focus();
        return;
      }
    }
    const body = { category: catSel.value, description: desc.value.trim() };
    const attributes = {};
    for (const x of attrs) {
      const v = x.ctl.get();
      if (v === '' || (Array.isArray(v) && v.length === 0)) continue;
      attributes[x.a.code] = v;
    }
    if (attrs.length) body.attributes = attributes;
    if (placeIn.value.trim()) body.place = placeIn.value.trim();
    if (compoundSel && compoundSel.value) body.compound = Number(compoundSel.value);
    if (address.value.trim()) body.address = address.value.trim();
    if (point) Object.assign(body, point);
    if (!body.place && !body.compound && !point) {
      showError(form, { code: 'invalid', field: 'place', message: t('report.need.where') });
      placeIn.focus();
      return;
    }
    if (channelSel && channelSel.value) body.channel = channelSel.value;
    if (!staff || relay.checked) {
      if (nameIn.value.trim()) body.name = nameIn.value.trim();
      if (phoneIn.value.trim()) body.phone = phoneIn.value.trim();
    }
    if (staff && relay.checked) body.relay = true;
    submit.disabled = true;
    submit.textContent = t('report.sending');
    try {
      // without a network (or when the answer is lost on the way) the report waits on the device
      // under the same key, so it is filed once however many tries reach the server
      if (!navigator.onLine) throw new ApiError(0, null);
      const r = await api.postWithPhotos('/cases', body, photos.files, { headers: { 'Idempotency-Key': key } });
      if (!ctx.current()) return;
      for (const u of urls) URL.revokeObjectURL(u);
      showResult(ctx, r, staff);
    } catch (e) {
      if (e.status === 0 && (await queued(ctx, body, photos.files, key))) return;
      showError(form, e);
    } finally {
      submit.disabled = false;
      submit.textContent = t('report.submit');
    }
  });

  replace(root, pageTitle(t('report.title')), h('p', { class: 'lead' }, t('report.intro')), form);
}

/** Keep the report for later (js/offline.js) and say so; false if the device cannot keep it. */
async function queued(ctx, body, files, key) {
  try {
    await queueReport(body, files, key);
  } catch {
    return false;
  }
  if (!ctx.current()) return true;
  replace(ctx.root, pageTitle(t('report.title')),
    h('div', { class: 'card done', role: 'status', id: 'report-queued' },
      h('p', null, t('report.queued')),
      h('p', null, h('a', { class: 'btn primary', href: '#/offline' }, t('report.queued.see')))),
    h('p', null, h('a', { href: '#/report', onclick: (ev) => { ev.preventDefault(); ctx.navigate('report'); } }, t('report.another'))));
  return true;
}

function showResult(ctx, r, staff) {
  const { root } = ctx;
  const again = h('p', null, h('a', { href: '#/report', onclick: (ev) => { ev.preventDefault(); ctx.navigate('report'); } }, t('report.another')));
  if (r.token) {
    // staff relaying a report pass the token on; it is not theirs to keep
    if (!staff) rememberToken(r.token, r.case_no);
    const tok = h('code', { class: 'token', id: 'token' }, r.token);
    const copy = h('button', {
      type: 'button', class: 'btn small secondary',
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(r.token);
          copy.textContent = t('common.copied');
        } catch {
          const sel = window.getSelection();
          const range = document.createRange();
          range.selectNodeContents(tok);
          sel.removeAllRanges();
          sel.addRange(range);
        }
      },
    }, t('common.copy'));
    replace(root, pageTitle(t('report.done')),
      h('div', { class: 'card done', role: 'status' },
        h('p', { class: 'caseno' }, t('report.caseno', { no: r.case_no })),
        h('p', null, h('strong', null, t('report.token'))),
        h('div', { class: 'token-row' }, tok, copy),
        h('p', { class: 'hint' }, t(staff ? 'report.token.pass' : 'report.token.keep')),
        h('p', null, h('a', { class: 'btn primary', id: 'follow-link', href: `#/track/${encodeURIComponent(r.token)}` }, t('report.follow')))),
      again);
  } else {
    const parts = [h('p', { class: 'caseno' }, t('report.staffdone', { no: r.case_no })),
      h('p', null, h('a', { class: 'btn primary', href: `#/cases/${encodeURIComponent(r.id)}` }, t('report.open')))];
    if (r.possible_duplicates && r.possible_duplicates.length) {
      parts.push(h('h2', null, t('report.dups')), dupList(r.possible_duplicates));
    }
    replace(root, pageTitle(t('report.done')), h('div', { class: 'card done', role: 'status' }, parts), again);
  }
}
