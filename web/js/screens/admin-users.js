// admin-users.js - users and their roles inside the administrator's scope: list, create, and
// change name, phone, password, roles or disable an account (GET/POST/PATCH /users, GET /roles).
import { h, replace, field, select } from '../dom.js';
import { t, tOr } from '../i18n.js';
import { pageTitle, showError, clearMessages, loading } from '../ui.js';

export async function render(ctx, notice) {
  const { root, api } = ctx;
  replace(root, pageTitle(t('users.title')), loading());
  const [users, roles] = await Promise.all([api.get('/users'), api.get('/roles')]);
  if (!ctx.current()) return;
  const roleList = roles.items || [];
  const editor = h('div', { id: 'user-editor' });

  const table = h('table', { class: 'list', id: 'users' },
    h('thead', null, h('tr', null, ['users.username', 'users.display', 'users.roles'].map((k) => h('th', { scope: 'col' }, t(k))),
      h('th', null, h('span', { class: 'sr' }, t('common.edit'))))),
    h('tbody', null, (users.items || []).map((u) => h('tr', null,
      h('td', { 'data-label': t('users.username') }, u.username),
      h('td', { 'data-label': t('users.display') }, u.display_name),
      h('td', { 'data-label': t('users.roles') }, (u.roles || []).map((r, i) => [i ? '；' : '', `${tOr(`role.${r.role}`, r.label)} @ ${r.scope}`])),
      h('td', null, h('button', {
        type: 'button', class: 'btn small secondary', 'aria-label': `${t('common.edit')} ${u.username}`,
        onclick: () => userForm(ctx, editor, roleList, u),
      }, t('common.edit')))))));

  replace(root, pageTitle(t('users.title'),
    h('button', { type: 'button', class: 'btn primary', id: 'user-new', onclick: () => userForm(ctx, editor, roleList, null) }, t('users.new'))),
  notice ? h('div', { class: 'msg msg-ok', role: 'status' }, notice) : null,
  editor, h('section', { class: 'card scroll-x' }, table));
}

function roleRows(roleList, initial) {
  const box = h('div', { class: 'role-rows' });
  function add(v = {}) {
    const n = box.children.length + 1;
    const role = select(roleList.map((r) => ({ value: r.role, label: tOr(`role.${r.role}`, r.label) })), { value: v.role || roleList[0]?.role });
    role.setAttribute('aria-label', `${t('users.role')} ${n}`);
    const scope = h('input', { type: 'text', maxlength: 40, required: true, value: v.scope || '', 'aria-label': `${t('users.scope')} ${n}`, placeholder: '330604002007' });
    const row = h('div', { class: 'row role-row' }, role, scope,
      h('button', { type: 'button', class: 'btn small secondary', onclick: () => { if (box.children.length > 1) row.remove(); } }, t('common.remove')));
    box.appendChild(row);
    return role;
  }
  for (const r of initial.length ? initial : [{}]) add(r);
  return {
    el: h('fieldset', { class: 'group wide' }, h('legend', null, t('users.roles')), box,
      h('p', { class: 'hint' }, t('users.scope.hint')),
      h('button', { type: 'button', class: 'btn small secondary', onclick: () => add().focus() }, t('users.addrole'))),
    value: () => Array.from(box.querySelectorAll('.role-row')).map((row) => ({ role: row.querySelector('select').value, scope: row.querySelector('input').value.trim() })),
  };
}

function userForm(ctx, editor, roleList, u) {
  const isNew = !u;
  const username = h('input', { type: 'text', name: 'username', maxlength: 32, autocomplete: 'off', value: u ? u.username : '', disabled: !isNew });
  const display = h('input', { type: 'text', name: 'display_name', maxlength: 40, value: u ? u.display_name : '' });
  const pw = h('input', { type: 'password', name: 'password', maxlength: 128, autocomplete: 'new-password' });
  const phone = h('input', { type: 'tel', name: 'phone', maxlength: 20 });
  const state = select([{ value: '', label: t('users.state.keep') }, { value: 'on', label: t('users.state.on') }, { value: 'off', label: t('users.state.off') }]);
  const roles = roleRows(roleList, u ? u.roles.map((r) => ({ role: r.role, scope: r.scope })) : []);
  const form = h('form', { class: 'card form', id: 'user-form' },
    h('h2', null, isNew ? t('users.new') : t('users.edit', { name: u.username })),
    h('div', { class: 'grid2' },
      field(t('users.username'), username, { required: isNew }),
      field(t('users.display'), display, { required: isNew }),
      field(isNew ? t('users.password') : t('users.password.new'), pw, { required: isNew }),
      field(t('users.phone'), phone),
      isNew ? null : field(t('users.state'), state),
      roles.el),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, t('common.save')),
      h('button', { type: 'button', class: 'btn secondary', onclick: () => replace(editor) }, t('common.cancel'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    const body = { display_name: display.value.trim(), roles: roles.value() };
    if (phone.value.trim()) body.phone = phone.value.trim();
    if (pw.value) body.password = pw.value;
    try {
      if (isNew) {
        body.username = username.value.trim();
        await ctx.api.post('/users', body);
      } else {
        if (!body.display_name) delete body.display_name;
        if (state.value) body.disabled = state.value === 'off';
        await ctx.api.patch(`/users/${u.id}`, body);
      }
      await render(ctx, isNew ? t('users.created', { name: body.username }) : t('common.saved'));
    } catch (e) {
      showError(form, e);
    }
  });
  replace(editor, form);
  (isNew ? username : display).focus();
}

