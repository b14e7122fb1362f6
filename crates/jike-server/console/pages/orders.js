// 工单列表: filters (kept in the URL fragment, so a view can be bookmarked), sort, search and
// "load more" with the cursor.

import { t, v, codes, fmtTime } from '../i18n.js';
import { api } from '../api.js';
import { h, mount, badge, emptyState, errorPanel, spinner, table, addRows, select } from '../dom.js';
import { can, me } from '../session.js';
import { go, hashWith } from '../nav.js';

const FILTERS = ['kind', 'state', 'grade', 'region', 'contractor', 'lead_room', 'breached', 'open', 'q', 'sort', 'customer', 'circuit', 'element', 'assignee', 'mine'];
const SORTS = [['-created_at', 'sort_newest'], ['created_at', 'sort_oldest'], ['-occurred_at', 'sort_occurred_desc'], ['occurred_at', 'sort_occurred_asc'], ['-updated_at', 'sort_updated'], ['code', 'sort_code']];

let refCache = null;
/** Regions and contractors for the filter menus (those the role may read). */
async function refs() {
  if (refCache) return refCache;
  const get = (path, ok) => (ok ? api.get(path, { limit: 500, sort: 'code' }).then((p) => p.items).catch(() => []) : Promise.resolve([]));
  const [regions, contractors] = await Promise.all([get('/regions', can('regions')), get('/contractors', can('contractors'))]);
  refCache = { regions, contractors };
  return refCache;
}

export function orderColumns(opts = {}) {
  return [
    { label: t('col_code'), class: 'nowrap', cell: (o) => h('a', { href: `#/orders/${o.id}`, class: 'mono', testid: 'order-link' }, o.code) },
    { label: t('f_grade'), cell: (o) => badge('grade', o.grade) },
    { label: t('f_kind'), cell: (o) => v('kind', o.kind) },
    { label: t('col_title'), class: 'wrap', cell: (o) => o.title },
    opts.noCustomer ? null : { label: t('col_customer'), class: 'wrap', cell: (o) => (o.customer_code ? h('a', { href: `#/customers/${encodeURIComponent(o.customer_code)}` }, o.customer_name || o.customer_code) : null) },
    { label: t('f_state'), class: 'nowrap', cell: (o) => h('span', null, badge('state', o.state), o.breached ? h('span', { class: 'badge b-breached', testid: 'breached-flag' }, t('order_breached_flag')) : null) },
    { label: t('f_lead_room'), class: 'nowrap', cell: (o) => (o.lead_room ? v('room', o.lead_room) : null) },
    { label: t('f_contractor'), class: 'wrap', cell: (o) => o.contractor_name || o.contractor_code },
    { label: t('col_assignee'), class: 'nowrap', cell: (o) => (o.assignee_code ? h('span', { testid: 'order-assignee', title: o.assignee_code }, o.assignee_name || o.assignee_code) : null) },
    { label: t('col_occurred'), class: 'nowrap', cell: (o) => fmtTime(o.occurred_at, 'short') },
  ].filter(Boolean);
}

/** A paged list of orders for a query, with "load more". */
export function orderList(query, opts = {}) {
  const box = h('div', { class: 'order-list' }, spinner());
  const cols = orderColumns(opts);
  let tbody = null;
  const more = h('button', { class: 'btn', type: 'button', testid: 'load-more' }, t('load_more'));
  const foot = h('div', { class: 'list-foot' });
  let cursor = null;
  async function page(first) {
    more.disabled = true;
    try {
      const res = await api.get('/orders', { ...query, limit: opts.limit || 50, cursor: first ? undefined : cursor });
      cursor = res.next_cursor;
      if (first) {
        if (!res.items.length) { mount(box, emptyState(opts.empty || t('orders_none'), 'orders-empty')); return; }
        const tbl = table(cols, res.items, { testid: opts.testid || 'orders-table', rowTestid: 'order-row', rowData: (o) => ({ code: o.code, id: String(o.id) }) });
        tbody = tbl.querySelector('tbody');
        mount(box, tbl, foot);
      } else {
        addRows(tbody, cols, res.items, { rowTestid: 'order-row', rowData: (o) => ({ code: o.code, id: String(o.id) }) });
      }
      mount(foot, cursor ? more : h('span', { class: 'muted small' }, t('no_more')));
      more.disabled = false;
    } catch (e) {
      if (first) mount(box, errorPanel(e, () => page(true)));
      else { more.disabled = false; mount(foot, more, h('span', { class: 'field-error' }, e.message)); }
    }
  }
  more.addEventListener('click', () => page(false));
  page(true);
  return box;
}

export async function render(root, ctx) {
  document.title = `${t('nav_orders')} · ${t('app_name')}`;
  const p = ctx.route.params;
  const cur = Object.fromEntries(FILTERS.map((k) => [k, p.get(k) || '']));
  if (!p.has('open') && !p.has('state')) cur.open = 'true';
  if (!cur.sort) cur.sort = '-created_at';
  const { regions, contractors } = await refs();

  const opt = (vocab) => [['', t('all')], ...codes(vocab).map((c) => [c, v(vocab, c)])];
  const controls = {
    q: h('input', { name: 'q', type: 'search', value: cur.q, placeholder: t('f_q'), testid: 'filter-q' }),
    kind: select('kind', opt('kind'), cur.kind, { testid: 'filter-kind' }),
    state: select('state', opt('state'), cur.state, { testid: 'filter-state' }),
    grade: select('grade', opt('grade'), cur.grade, { testid: 'filter-grade' }),
    lead_room: select('lead_room', opt('room'), cur.lead_room, { testid: 'filter-lead-room' }),
    region: regions.length ? select('region', [['', t('all')], ...regions.map((r) => [r.code, `${r.name}`])], cur.region, { testid: 'filter-region' }) : null,
    contractor: contractors.length ? select('contractor', [['', t('all')], ...contractors.map((c) => [c.code, c.name])], cur.contractor, { testid: 'filter-contractor' }) : null,
    open: select('open', [['', t('all')], ['true', t('f_open_only')], ['false', t('f_closed_only')]], cur.open, { testid: 'filter-open' }),
    breached: select('breached', [['', t('all')], ['true', t('yes')], ['false', t('no')]], cur.breached, { testid: 'filter-breached' }),
    sort: select('sort', SORTS.map(([val, k]) => [val, t(k)]), cur.sort, { testid: 'filter-sort' }),
  };
  const labels = { q: t('search'), kind: t('f_kind'), state: t('f_state'), grade: t('f_grade'), lead_room: t('f_lead_room'), region: t('f_region'), contractor: t('f_contractor'), open: t('f_open'), breached: t('f_breached'), sort: t('f_sort') };
  const apply = (e) => {
    if (e) e.preventDefault();
    const next = { ...cur };
    for (const [k, c] of Object.entries(controls)) if (c) next[k] = c.value.trim();
    go(hashWith('/orders', next), true);
  };
  for (const [k, c] of Object.entries(controls)) if (c && k !== 'q') c.addEventListener('change', apply);
  const form = h('form', { class: 'filters', testid: 'order-filters', onsubmit: apply },
    Object.entries(controls).filter(([, c]) => c).map(([k, c]) => h('label', { class: ['filter', k === 'q' && 'filter-q'] }, h('span', null, labels[k]), c)),
    h('div', { class: 'filter-buttons' },
      h('button', { class: 'btn btn-primary', type: 'submit', testid: 'filter-apply' }, t('search')),
      h('a', { class: 'btn', href: '#/orders', testid: 'filter-reset' }, t('reset'))));

  const query = {};
  for (const k of FILTERS) if (cur[k]) query[k] = cur[k];
  const extra = ['customer', 'circuit', 'element', 'assignee'].filter((k) => cur[k]).map((k) => h('span', { class: 'chip-filter' }, `${{ customer: t('customer'), circuit: t('circuit'), element: t('element'), assignee: t('col_assignee') }[k]}: ${cur[k]}`));
  // Issue 14: 我的工单, the orders assigned to the staff member this account is linked to.
  const mine = cur.mine === 'true';
  const u = me() && me().user;
  if (mine && u && u.staff_code) extra.unshift(h('span', { class: 'chip-filter', testid: 'mine-chip' }, t('mine_hint', { n: u.staff_name || u.staff_code, c: u.staff_code })));
  mount(root,
    h('div', { class: 'page-head' }, h('h1', { testid: 'orders-title' }, mine ? t('mine_title') : t('orders_title')),
      h('div', { class: 'page-actions' }, can('create_order') ? h('a', { class: 'btn btn-primary', href: '#/orders/new', testid: 'new-order' }, `+ ${t('order_new')}`) : null)),
    form, extra.length ? h('div', { class: 'chips' }, extra) : null,
    h('section', { class: 'card' }, h('div', { class: 'card-body flush' }, orderList(query, mine ? { empty: t('mine_none') } : {}))));
}
