// 运行总览: open orders by state and grade, live countdowns, joint handling, breaches today.
// Polls every 10 s and swaps the content in place (no reload, no flicker). Issue 14: a
// technician (an account linked to a staff member) sees its own orders first (我的工单,
// `mine=true`), and its company's with one click (`#/dashboard?all=true`).

import { t, v, codes, fmtTime } from '../i18n.js';
import { api } from '../api.js';
import { h, mount, badge, card, emptyState, errorPanel, spinner, table } from '../dom.js';
import { clockChip, instantChip, syncServerTime, worstStatus, clockStatus, serverNow } from '../clock.js';
import { me } from '../session.js';

const POLL_MS = 10000;

/** The dashboard document; falls back to the order list when the server has no /dashboard. */
async function load(mine) {
  const only = mine ? { mine: true } : {};
  try {
    const d = await api.get('/dashboard', only);
    syncServerTime(d.at);
    return d;
  } catch (e) {
    if (![404, 405].includes(e.status)) throw e;
  }
  // Fallback: open orders and their details (clocks).
  const page = await api.get('/orders', { open: true, limit: 100, sort: '-occurred_at', ...only });
  const details = await Promise.all(page.items.slice(0, 40).map((o) => api.get(`/orders/${o.id}`).catch(() => null)));
  const orders = details.filter(Boolean);
  if (orders[0] && orders[0].sla) syncServerTime(orders[0].sla.at);
  const counts = {};
  for (const o of page.items) { const k = `${o.state}|${o.grade}`; counts[k] = (counts[k] || 0) + 1; }
  const today = new Date(serverNow() + 8 * 3600e3).toISOString().slice(0, 10);
  const breachedToday = orders.filter((o) => (o.sla?.clocks || []).some((c) => c.deadline && c.state === 'breached'
    && new Date(Date.parse(c.deadline) + 8 * 3600e3).toISOString().slice(0, 10) === today));
  return {
    at: new Date(serverNow()).toISOString(),
    open_total: page.items.length,
    by_state_grade: Object.entries(counts).map(([k, count]) => { const [state, grade] = k.split('|'); return { state, grade, count }; }),
    orders,
    joint_handling: orders.filter((o) => o.joint_handling_at).map((o) => ({
      id: o.id, code: o.code, title: o.title, grade: o.grade, joint_handling_at: o.joint_handling_at,
      next_update_due: (o.sla?.next_due || []).find((d) => d.kind === 'update')?.at || null,
    })),
    breached_today: { count: breachedToday.length, orders: breachedToday.map((o) => ({ id: o.id, code: o.code, title: o.title, grade: o.grade, state: o.state })) },
    fallback: true,
  };
}

function kpi(label, value, cls, testid) {
  return h('div', { class: ['kpi', cls], testid }, h('div', { class: 'kpi-value' }, String(value)), h('div', { class: 'kpi-label' }, label));
}

/** The order list's fragment for a part of the overview, kept to mine when the overview is. */
function listHref(d, query) {
  return `#/orders?open=true${query}${d.assignee_code ? '&mine=true' : ''}`;
}

function matrix(d) {
  const grades = codes('grade');
  const states = codes('state').filter((s) => s !== 'closed' && d.by_state_grade.some((x) => x.state === s));
  if (!states.length) return emptyState(t('dash_none_open'));
  const n = (s, g) => d.by_state_grade.filter((x) => x.state === s && x.grade === g).reduce((a, x) => a + x.count, 0);
  const rowTotal = (s) => grades.reduce((a, g) => a + n(s, g), 0);
  return h('div', { class: 'tbl-wrap' }, h('table', { class: 'tbl matrix', testid: 'state-grade-matrix' },
    h('thead', null, h('tr', null, h('th', null, `${t('f_state')} \\ ${t('f_grade')}`), grades.map((g) => h('th', { class: 'num' }, v('grade', g))), h('th', { class: 'num' }, t('dash_total')))),
    h('tbody', null, states.map((s) => h('tr', null,
      h('th', null, h('a', { href: listHref(d, `&state=${s}`) }, v('state', s))),
      grades.map((g) => { const c = n(s, g); return h('td', { class: ['num', c ? 'has' : 'zero'] }, c ? h('a', { href: listHref(d, `&state=${s}&grade=${g}`) }, String(c)) : '·'); }),
      h('td', { class: 'num total' }, String(rowTotal(s))))))));
}

function orderRows(d) {
  if (!d.orders.length) return emptyState(t('dash_none_open'), 'dashboard-empty');
  const cols = [
    { label: t('col_code'), class: 'nowrap', cell: (o) => h('a', { href: `#/orders/${o.id}`, class: 'mono', testid: 'order-link' }, o.code) },
    { label: t('f_grade'), cell: (o) => badge('grade', o.grade) },
    { label: t('f_kind'), cell: (o) => v('kind', o.kind) },
    { label: t('col_title'), class: 'wrap', cell: (o) => h('span', null, o.title, o.customer_name ? h('span', { class: 'sub' }, ` · ${o.customer_name}`) : null) },
    { label: t('f_state'), cell: (o) => badge('state', o.state) },
    { label: t('clocks'), class: 'clocks-cell', cell: (o) => {
      const clocks = (o.sla?.clocks || []).filter((c) => c.state !== 'pending');
      return clocks.length ? h('div', { class: 'chips' }, clocks.map((c) => clockChip(c))) : h('span', { class: 'muted' }, '—');
    } },
  ];
  return table(cols, d.orders, {
    testid: 'dashboard-orders', rowTestid: 'dashboard-order',
    rowData: (o) => ({ code: o.code, id: String(o.id) }),
    rowClass: (o) => `row-${worstStatus(o.sla?.clocks)}`,
  });
}

function jointList(d) {
  if (!d.joint_handling.length) return emptyState(t('dash_none_joint'));
  return h('ul', { class: 'plain-list', testid: 'joint-handling' }, d.joint_handling.map((j) => h('li', null,
    h('div', { class: 'pl-main' }, h('a', { href: `#/orders/${j.id}`, class: 'mono' }, j.code), ' ', badge('grade', j.grade), h('span', { class: 'pl-title' }, j.title)),
    h('div', { class: 'pl-sub' },
      h('span', null, `${t('dash_escalated')} ${fmtTime(j.joint_handling_at, 'short')}`),
      j.next_update_due ? h('span', null, ` · ${t('dash_next_update')} `, instantChip(j.next_update_due)) : null))));
}

function breachedList(d) {
  const b = d.breached_today;
  if (!b.orders.length) return emptyState(t('dash_none_breached'));
  return h('ul', { class: 'plain-list', testid: 'breached-today' }, b.orders.map((o) => h('li', null,
    h('div', { class: 'pl-main' }, h('a', { href: `#/orders/${o.id}`, class: 'mono' }, o.code), ' ', badge('grade', o.grade), ' ', badge('state', o.state)),
    h('div', { class: 'pl-title' }, o.title))));
}

function view(d) {
  const warning = d.orders.filter((o) => worstStatus(o.sla?.clocks) === 'warning').length;
  const breachedNow = d.orders.filter((o) => (o.sla?.clocks || []).some((c) => clockStatus(c).status === 'breached')).length;
  return [
    h('div', { class: 'kpis' },
      kpi(t('dash_open'), d.open_total, 'kpi-plain', 'kpi-open'),
      kpi(t('dash_warning'), warning, warning ? 'kpi-warning' : 'kpi-plain', 'kpi-warning'),
      kpi(t('clock_breached'), breachedNow, breachedNow ? 'kpi-breached' : 'kpi-plain', 'kpi-breached-now'),
      kpi(t('dash_breached_today'), d.breached_today.count, d.breached_today.count ? 'kpi-breached' : 'kpi-plain', 'kpi-breached-today'),
      kpi(t('dash_joint'), d.joint_handling.length, d.joint_handling.length ? 'kpi-joint' : 'kpi-plain', 'kpi-joint')),
    h('div', { class: 'grid-2' },
      h('div', { class: 'col-main' }, card(t('dash_urgent'), h('div', null, orderRows(d),
        d.truncated ? h('div', { class: 'hint list-foot' }, h('a', { href: listHref(d, '') }, t('dash_truncated', { n: d.orders.length }))) : null), { testid: 'card-urgent' })),
      h('div', { class: 'col-side' },
        card(t('dash_by_state_grade'), matrix(d), { testid: 'card-matrix' }),
        card(t('dash_joint'), jointList(d), { testid: 'card-joint' }),
        card(`${t('dash_breached_today')}（${d.breached_today.count}）`, breachedList(d), { testid: 'card-breached' }))),
  ];
}

export async function render(root, ctx) {
  document.title = `${t('nav_dashboard')} · ${t('app_name')}`;
  const stamp = h('span', { class: 'muted', testid: 'last-refresh' });
  const status = h('span', { class: 'refresh-status', testid: 'refresh-status' });
  const u = me() && me().user;
  // A technician's own orders first; the company's at `?all=true`.
  const technician = !!(u && u.staff_code);
  const mine = technician && ctx.route.params.get('all') !== 'true';
  const body = h('div', { class: 'dash-body', testid: 'dashboard', dataset: { mine: String(mine) } }, spinner());
  const scope = technician
    ? h('div', { class: 'chips', testid: 'dash-scope' },
      h('a', { href: '#/dashboard', class: ['chip-filter', mine && 'active'], testid: 'dash-scope-mine', 'aria-current': mine ? 'page' : null }, t('dash_mine')),
      h('a', { href: '#/dashboard?all=true', class: ['chip-filter', !mine && 'active'], testid: 'dash-scope-company', 'aria-current': mine ? null : 'page' }, t('dash_company')),
      mine ? h('span', { class: 'muted small', testid: 'dash-mine-hint' }, t('dash_mine_hint', { n: u.staff_name || u.staff_code, c: u.staff_code })) : null)
    : null;
  mount(root, h('div', { class: 'page-head' }, h('h1', null, mine ? `${t('dash_title')} · ${t('dash_mine')}` : t('dash_title')),
    h('div', { class: 'page-actions' }, status, stamp, h('span', { class: 'muted small' }, ` · ${t('dash_auto')}`))), scope, body);
  let timer = null;
  let stopped = false;
  let loaded = false;
  async function refresh() {
    try {
      const d = await load(mine);
      if (stopped || !ctx.isCurrent()) return;
      mount(body, view(d));
      body.dataset.refreshedAt = String(Date.now());
      stamp.textContent = t('dash_refreshed', { t: fmtTime(new Date(), 'time') });
      status.textContent = '';
      loaded = true;
    } catch (e) {
      if (stopped) return;
      if (e.status === 401) return;
      if (!loaded) mount(body, errorPanel(e, refresh));
      else status.textContent = t('dash_refresh_failed');
    }
  }
  await refresh();
  timer = setInterval(refresh, POLL_MS);
  return () => { stopped = true; clearInterval(timer); };
}
