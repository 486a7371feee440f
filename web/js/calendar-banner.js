// calendar-banner.js - a banner for district administrators while the holiday calendar ends
// within 60 days (GET /healthz: calendar.ok false): past its end, deadlines would count holidays
// as working days until the State Council's notice of the next year is imported.
import { h, replace, link } from './dom.js';
import { t } from './i18n.js';

let checked = null; // the user the answer belongs to
let answer = null;

/** Fill host with the banner when user is a district administrator and the calendar runs out. */
export async function calendarBanner(user, host) {
  const admin = user && (user.roles || []).some((r) => r.role === 'district_admin');
  if (!admin) {
    replace(host);
    return;
  }
  if (checked !== user.id) {
    checked = user.id;
    answer = null;
    try {
      const r = await fetch('/healthz', { credentials: 'omit' });
      answer = r.ok ? (await r.json()).calendar || null : null;
    } catch {
      answer = null; /* no banner without an answer */
    }
  }
  if (!answer || answer.ok || !host.isConnected) {
    replace(host);
    return;
  }
  const text = answer.covered_through
    ? t('calendar.banner', { day: answer.covered_through, days: answer.days_left })
    : t('calendar.banner.empty');
  replace(host, h('div', { class: 'msg msg-warn', role: 'status', id: 'calendar-banner' }, text, ' ',
    link('#/admin/calendar', t('calendar.banner.link'))));
}
