// login.js - staff log in with username and password; the session token lives in
// sessionStorage, so it ends with the browser tab.
import { h, replace, field } from '../dom.js';
import { t } from '../i18n.js';
import { pageTitle, showError, clearMessages } from '../ui.js';

export async function render(ctx) {
  const { root, api, query } = ctx;
  const user = h('input', { type: 'text', id: 'username', name: 'username', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', maxlength: 64 });
  const pw = h('input', { type: 'password', id: 'password', name: 'password', autocomplete: 'current-password', maxlength: 256 });
  const btn = h('button', { type: 'submit', class: 'btn primary', id: 'login-submit' }, t('login.submit'));
  const form = h('form', { class: 'card form narrow', id: 'login-form' },
    field(t('login.username'), user, { required: true }),
    field(t('login.password'), pw, { required: true }),
    h('div', { class: 'actions' }, btn));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    btn.disabled = true;
    try {
      const u = await api.login(user.value.trim(), pw.value);
      const next = query.get('next');
      const safe = next && /^[a-z0-9/_-]+$/i.test(next) ? next : 'queues';
      ctx.refreshShell();
      ctx.navigate(safe, t('login.welcome', { name: u.display_name || u.username }));
    } catch (e) {
      showError(form, e);
      pw.select();
    } finally {
      btn.disabled = false;
    }
  });
  replace(root, pageTitle(t('login.title')), form,
    h('p', { class: 'hint' }, t('login.public'), h('a', { href: '#/report' }, t('nav.report')), ' · ',
      h('a', { href: '#/track' }, t('nav.track'))));
}
