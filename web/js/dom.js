// dom.js - build elements without ever parsing HTML: strings become text nodes, attributes are
// set one by one. Every value that came from the server goes through here (or textContent), so a
// description holding "<script>" shows as those characters.

/**
 * h('div', {class: 'x', onclick: fn}, 'text', child, [more, children])
 * Attribute rules: on* functions become listeners; `dataset` is an object; booleans toggle the
 * attribute; null/undefined/false are skipped; everything else is setAttribute(String(value)).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') {
        el.addEventListener(k.slice(2), v);
      } else if (k === 'dataset') {
        Object.assign(el.dataset, v);
      } else if (k === 'value' && ('value' in el)) {
        el.value = String(v);
      } else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'required' ||
                 k === 'multiple' || k === 'hidden' || k === 'open') {
        el[k] = !!v;
        if (v === true && k !== 'checked' && k !== 'selected') el.setAttribute(k, '');
      } else {
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
  }
  append(el, children);
  return el;
}

/** Append children: nodes as they are, strings and numbers as text, arrays flattened. */
export function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

/** Remove every child of el, then append the given ones. */
export function replace(el, ...children) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return append(el, children);
}

let uid = 0;
/** A fresh id for label/for pairs. */
export function newId(prefix = 'f') {
  uid += 1;
  return `${prefix}-${uid}`;
}

/**
 * A labelled form control: field(label, control, {hint, required}) -> <div class="field">.
 * The control gets an id if it has none, and the label points at it.
 */
export function field(label, control, opts = {}) {
  if (!control.id) control.id = newId();
  const lab = h('label', { for: control.id }, label);
  if (opts.required) {
    control.required = true;
    lab.appendChild(h('span', { class: 'req', 'aria-hidden': 'true' }, ' *'));
  }
  const parts = [lab, control];
  if (opts.hint) {
    const hid = newId('hint');
    control.setAttribute('aria-describedby', hid);
    parts.push(h('div', { class: 'hint', id: hid }, opts.hint));
  }
  return h('div', { class: 'field' + (opts.wide ? ' wide' : '') }, parts);
}

/** <select> from [{value, label}] with an optional empty first option. */
export function select(options, opts = {}) {
  const el = h('select', { name: opts.name, id: opts.id });
  if (opts.empty !== undefined) el.appendChild(h('option', { value: '' }, opts.empty));
  for (const o of options) {
    el.appendChild(h('option', { value: o.value, selected: o.value === opts.value }, o.label));
  }
  if (opts.value !== undefined) el.value = opts.value;
  return el;
}

/** "2026-11-29T09:52:36+08:00" -> "2026-11-29 09:52" (times arrive in Asia/Shanghai). */
export function fmtTime(iso) {
  if (!iso || typeof iso !== 'string') return '';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

/** 0.8333 -> "83.3%" */
export function pct(x) {
  if (typeof x !== 'number' || !isFinite(x)) return '-';
  return `${(x * 100).toFixed(1)}%`;
}

/** A safe in-app link: only '#/...' hrefs. */
export function link(href, ...children) {
  const safe = typeof href === 'string' && href.startsWith('#/') ? href : '#/';
  return h('a', { href: safe }, ...children);
}

/** Only photo URLs of this server. */
export function photoUrl(url) {
  return typeof url === 'string' && /^\/api\/v1\/photos\/[0-9a-f]{64}$/.test(url) ? url : null;
}
