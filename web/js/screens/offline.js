// screens/offline.js - 待发送: the reports this device keeps until the network returns (written
// offline, or whose answer was lost), each with its photos and state, a button to send now, and
// the ones sent from here lately with their case numbers (and, for the public, tracking codes).
import { h, replace, fmtTime } from '../dom.js';
import { t } from '../i18n.js';
import { pageTitle } from '../ui.js';
import { waiting, sent, flush, remove, onChange } from '../offline.js';

export async function render(ctx) {
  const { root } = ctx;
  const draw = async () => {
    if (!ctx.current()) return;
    const [list, done] = await Promise.all([waiting(), sent()]);
    if (!ctx.current()) return;
    const items = list.map((x) => h('li', { class: 'card offline-item', dataset: { key: x.key } },
      h('p', { class: 'desc' }, x.body.description || ''),
      h('p', { class: 'hint' }, t('offline.meta', { at: fmtTime(x.created), n: x.photos.length })),
      h('p', { class: x.error ? 'msg msg-err' : 'hint state' },
        x.error ? t('offline.refused', { msg: x.error }) : t(navigator.onLine ? 'offline.ready' : 'offline.waiting')),
      h('div', { class: 'actions' }, h('button', {
        type: 'button', class: 'btn small secondary',
        onclick: async () => { await remove(x.key); },
      }, t('offline.delete')))));
    const sendBtn = h('button', {
      type: 'button', class: 'btn primary', id: 'offline-send', disabled: !list.length || !navigator.onLine,
      onclick: async () => {
        sendBtn.disabled = true;
        await flush();
      },
    }, t('offline.send'));
    const sentItems = done.map((x) => h('li', { dataset: { caseNo: x.case_no } },
      x.id && !x.token ? h('a', { href: `#/cases/${encodeURIComponent(x.id)}` }, x.case_no) : h('strong', null, x.case_no),
      ' ', x.token ? h('a', { href: `#/track/${encodeURIComponent(x.token)}` }, t('offline.track')) : null,
      h('span', { class: 'hint' }, ` ${t('offline.sent.at', { at: fmtTime(x.sent) })} ${x.description || ''}`)));
    replace(root, pageTitle(t('offline.title')),
      h('p', { class: 'lead', id: 'offline-count' }, list.length ? t('offline.count', { n: list.length }) : t('offline.none')),
      list.length ? h('ul', { class: 'offline-list', id: 'offline-list' }, items) : null,
      list.length ? h('div', { class: 'actions' }, sendBtn) : null,
      sentItems.length ? h('h2', null, t('offline.sent')) : null,
      sentItems.length ? h('ul', { class: 'offline-sent', id: 'offline-sent' }, sentItems) : null);
  };
  const off = onChange(() => { if (ctx.current()) draw(); else off(); });
  const net = () => { if (ctx.current()) draw(); else { window.removeEventListener('online', net); window.removeEventListener('offline', net); } };
  window.addEventListener('online', net);
  window.addEventListener('offline', net);
  await draw();
}
