// 资源: search customers, circuits, elements and sites; a page per row. A circuit page draws
// its path (A end → elements and segments → Z end) with each hop's domain and contractor; a
// customer page lists its lines, grade history and orders.

import { t, v, codes, fmtTime, serverText } from '../i18n.js';
import { api, getRow } from '../api.js';
import { h, mount, badge, card, fields, emptyState, errorPanel, spinner, table, addRows, select, toast } from '../dom.js';
import { can } from '../session.js';
import { go, hashWith } from '../nav.js';
import { orderList } from './orders.js';
import { configCard } from './configs.js';

const KINDS = {
  customers: {
    label: 'inv_customers',
    filters: () => [['grade', t('f_grade'), [['', t('all')], ...codes('grade').map((g) => [g, v('grade', g)])]]],
    cols: () => [
      { label: t('code'), class: 'nowrap', cell: (r) => h('a', { href: `#/customers/${encodeURIComponent(r.code)}`, class: 'mono', testid: 'row-link' }, r.code) },
      { label: t('name'), class: 'wrap', cell: (r) => r.name },
      { label: t('f_grade'), cell: (r) => badge('grade', r.grade) },
      { label: t('industry'), cell: (r) => r.industry },
      { label: t('region'), cell: (r) => r.region_name || r.region_code },
      { label: t('account_manager'), cell: (r) => r.account_manager },
    ],
  },
  circuits: {
    label: 'inv_circuits',
    filters: () => [
      ['business_type', t('business_type'), [['', t('all')], ...codes('business_type').map((g) => [g, v('business_type', g)])]],
      ['grade', t('f_grade'), [['', t('all')], ...codes('grade').map((g) => [g, v('grade', g)])]],
      ['status', t('status'), [['', t('all')], ...codes('circuit_status').map((g) => [g, v('circuit_status', g)])]],
    ],
    cols: () => [
      { label: t('code'), class: 'nowrap', cell: (r) => h('a', { href: `#/circuits/${encodeURIComponent(r.code)}`, class: 'mono', testid: 'row-link' }, r.code) },
      { label: t('customer'), class: 'wrap', cell: (r) => h('a', { href: `#/customers/${encodeURIComponent(r.customer_code)}` }, r.customer_name || r.customer_code) },
      { label: t('business_type'), cell: (r) => v('business_type', r.business_type) },
      { label: t('bandwidth'), cell: (r) => r.bandwidth },
      { label: `${t('a_end')} → ${t('z_end')}`, class: 'wrap', cell: (r) => `${r.a_end} → ${r.z_end}` },
      { label: t('assurance_level'), cell: (r) => v('assurance', r.assurance_level) },
      { label: t('status'), cell: (r) => v('circuit_status', r.status) },
    ],
  },
  elements: {
    label: 'inv_elements',
    network: true,
    filters: () => [
      ['type', t('element_type'), [['', t('all')], ...codes('element_type').map((g) => [g, v('element_type', g)])]],
      ['domain', t('domain'), [['', t('all')], ...codes('domain').map((g) => [g, v('domain', g)])]],
    ],
    cols: () => [
      { label: t('code'), class: 'nowrap', cell: (r) => h('a', { href: `#/elements/${encodeURIComponent(r.code)}`, class: 'mono', testid: 'row-link' }, r.code) },
      { label: t('name'), class: 'wrap', cell: (r) => r.name },
      { label: t('element_type'), cell: (r) => v('element_type', r.type) },
      { label: t('vendor'), cell: (r) => `${r.vendor || ''} ${r.model || ''}`.trim() },
      { label: t('site'), class: 'wrap', cell: (r) => h('a', { href: `#/sites/${encodeURIComponent(r.site_code)}` }, r.site_name || r.site_code) },
      { label: t('domain'), cell: (r) => v('domain', r.domain) },
      { label: t('contractor'), cell: (r) => r.contractor_name || r.contractor_code },
    ],
  },
  contractors: {
    label: 'inv_contractors',
    network: true,
    filters: () => [['domain', t('domain'), [['', t('all')], ...codes('domain').map((g) => [g, v('domain', g)])]]],
    cols: () => [
      { label: t('code'), class: 'nowrap', cell: (r) => h('a', { href: `#/contractors/${encodeURIComponent(r.code)}`, class: 'mono', testid: 'row-link' }, r.code) },
      { label: t('name'), class: 'wrap', cell: (r) => r.name },
      { label: t('contract_period'), class: 'nowrap', cell: (r) => `${r.contract_start} ~ ${r.contract_end}` },
      { label: t('contract_regions'), class: 'wrap', cell: (r) => (r.region_codes || []).join('、') },
    ],
  },
  sites: {
    label: 'inv_sites',
    network: true,
    filters: () => [['kind', t('site_kind'), [['', t('all')], ...codes('site_kind').map((g) => [g, v('site_kind', g)])]]],
    cols: () => [
      { label: t('code'), class: 'nowrap', cell: (r) => h('a', { href: `#/sites/${encodeURIComponent(r.code)}`, class: 'mono', testid: 'row-link' }, r.code) },
      { label: t('name'), class: 'wrap', cell: (r) => r.name },
      { label: t('site_kind'), cell: (r) => v('site_kind', r.kind) },
      { label: t('region'), cell: (r) => r.region_name || r.region_code },
      { label: t('address'), class: 'wrap', cell: (r) => r.address },
    ],
  },
};

/** A paged list of rows with "load more". */
function pagedList(path, query, cols, testid, emptyText) {
  const box = h('div', null, spinner());
  const more = h('button', { class: 'btn', type: 'button', testid: 'load-more' }, t('load_more'));
  const foot = h('div', { class: 'list-foot' });
  let cursor = null;
  let tbody = null;
  async function page(first) {
    more.disabled = true;
    try {
      const res = await api.get(path, { ...query, limit: 50, cursor: first ? undefined : cursor });
      cursor = res.next_cursor;
      if (first) {
        if (!res.items.length) { mount(box, emptyState(emptyText || t('inv_none'))); return; }
        const tbl = table(cols, res.items, { testid, rowTestid: 'inv-row' });
        tbody = tbl.querySelector('tbody');
        mount(box, tbl, foot);
      } else addRows(tbody, cols, res.items, { rowTestid: 'inv-row' });
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
  document.title = `${t('nav_inventory')} · ${t('app_name')}`;
  const p = ctx.route.params;
  const avail = Object.keys(KINDS).filter((k) => !KINDS[k].network || can('inventory_network'));
  const first = ctx.route.parts[0];
  const kind = avail.includes(first) ? first : avail.includes(p.get('kind')) ? p.get('kind') : 'customers';
  const def = KINDS[kind];
  const q = h('input', { type: 'search', name: 'q', value: p.get('q') || '', placeholder: t('inv_q'), testid: 'inv-q' });
  const sels = def.filters().map(([name, label, options]) => [name, label, select(name, options, p.get(name) || '', { testid: `inv-filter-${name}` })]);
  const apply = (e) => {
    if (e) e.preventDefault();
    const next = { kind, q: q.value.trim() };
    for (const [name, , s] of sels) next[name] = s.value;
    go(hashWith('/inventory', next), true);
  };
  sels.forEach(([, , s]) => s.addEventListener('change', apply));
  const query = { q: p.get('q') || undefined, sort: 'code' };
  for (const [name] of sels) if (p.get(name)) query[name] = p.get(name);
  mount(root,
    h('div', { class: 'page-head' }, h('h1', null, t('inv_title'))),
    h('div', { class: 'tabs', testid: 'inv-tabs' }, avail.map((k) => h('a', { href: hashWith('/inventory', { kind: k }), class: ['tab', k === kind && 'active'], testid: `inv-tab-${k}` }, t(KINDS[k].label)))),
    h('form', { class: 'filters', onsubmit: apply, testid: 'inv-filters' },
      h('label', { class: 'filter filter-q' }, h('span', null, t('search')), q),
      sels.map(([, label, s]) => h('label', { class: 'filter' }, h('span', null, label), s)),
      h('div', { class: 'filter-buttons' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'inv-search' }, t('search')))),
    h('section', { class: 'card' }, h('div', { class: 'card-body flush' }, pagedList(`/${kind}`, query, def.cols(), `inv-table-${kind}`))));
}

async function loadOr(root, kind, key, back) {
  try { return await getRow(kind, key); } catch (e) {
    mount(root, h('div', { class: 'page-head' }, h('a', { href: back, class: 'back' }, `← ${t('nav_inventory')}`)), errorPanel(e));
    return null;
  }
}

function head(back, title, code, badges) {
  return h('div', { class: 'page-head' }, h('div', null,
    h('a', { href: back, class: 'back' }, `← ${t('nav_inventory')}`),
    h('h1', null, h('span', { class: 'mono code' }, code), ' ', h('span', { testid: 'page-title' }, title)),
    badges ? h('div', { class: 'badges' }, badges) : null));
}

export async function render_customers(root, ctx) {
  const c = await loadOr(root, 'customers', ctx.route.parts[1], '#/inventory?kind=customers');
  if (!c) return;
  document.title = `${c.name} · ${t('app_name')}`;
  let history = [];
  try { history = await api.get(`/customers/${c.id}/grade-history`); } catch { history = []; }
  if (history && history.items) history = history.items;
  const gh = (history || []).length
    ? table([
      { label: t('f_grade'), cell: (g) => badge('grade', g.grade) },
      { label: t('valid_from'), cell: (g) => fmtTime(g.valid_from, 'dt') },
      { label: t('valid_to'), cell: (g) => (g.valid_to ? fmtTime(g.valid_to, 'dt') : t('current')) },
    ], history, { testid: 'grade-history', cards: false })
    : emptyState();
  mount(root,
    head('#/inventory?kind=customers', c.name, c.code, [badge('grade', c.grade)]),
    h('div', { class: 'grid-2', testid: 'customer-page' },
      h('div', { class: 'col-main' },
        card(t('lines'), pagedList('/circuits', { customer: c.code, sort: 'code' }, KINDS.circuits.cols().filter((_, i) => i !== 1), 'customer-circuits'), { class: 'flush-card', testid: 'card-lines' }),
        card(t('orders_of'), orderList({ customer: c.code, sort: '-created_at' }, { noCustomer: true, testid: 'customer-orders', limit: 20 }), { class: 'flush-card', testid: 'card-orders' })),
      h('div', { class: 'col-side' },
        card(t('customer'), fields([
          [t('code'), c.code], [t('name'), c.name], [t('f_grade'), badge('grade', c.grade)], [t('industry'), c.industry],
          [t('region'), c.region_name || c.region_code], [t('account_manager'), c.account_manager],
          [t('contact'), h('span', null, c.contact_name, c.contact_masked ? h('span', { class: 'muted small' }, `（${t('masked')}）`) : null)],
          [t('contact_phone'), c.contact_phone],
          [t('created_at'), fmtTime(c.created_at)],
        ]), { testid: 'card-customer' }),
        card(t('grade_history'), gh, { testid: 'card-grade-history' }))));
}

/** The path of a circuit: A end → hops → Z end; each hop with its domain and contractor. */
function pathView(c) {
  const hops = c.path || [];
  const end = (label, text) => h('li', { class: 'path-end' }, h('div', { class: 'path-end-label' }, label), h('div', { class: 'path-end-name' }, text));
  if (!hops.length) return h('div', null, emptyState(t('path_none')));
  return h('ol', { class: 'path', testid: 'circuit-path' },
    end(t('a_end'), c.a_end),
    hops.map((hop) => {
      const isSeg = !hop.element_code;
      return h('li', { class: ['hop', isSeg ? 'hop-seg' : 'hop-el', `dom-${hop.domain}`], testid: 'path-hop', dataset: { seq: String(hop.seq), domain: hop.domain } },
        h('div', { class: 'hop-seq' }, t('hop', { n: hop.seq })),
        isSeg
          ? h('div', { class: 'hop-main' }, h('span', { class: 'hop-kind' }, t('segment')), h('span', { class: 'mono' }, hop.segment))
          : h('div', { class: 'hop-main' }, h('span', { class: 'hop-kind' }, v('element_type', hop.element_type)),
            h('a', { class: 'mono', href: `#/elements/${encodeURIComponent(hop.element_code)}` }, hop.element_code),
            hop.element_name ? h('span', { class: 'hop-name' }, hop.element_name) : null),
        h('div', { class: 'hop-meta' },
          h('span', { class: 'dom-tag' }, v('domain', hop.domain)),
          h('span', { class: 'hop-contractor' }, hop.contractor_name || hop.contractor_code || '—')));
    }),
    end(t('z_end'), c.z_end));
}

export async function render_circuits(root, ctx) {
  const c = await loadOr(root, 'circuits', ctx.route.parts[1], '#/inventory?kind=circuits');
  if (!c) return;
  document.title = `${c.code} · ${t('app_name')}`;
  mount(root,
    head('#/inventory?kind=circuits', `${c.customer_name} · ${v('business_type', c.business_type)} ${c.bandwidth}`, c.code,
      [h('span', { class: 'badge' }, v('circuit_status', c.status)), h('span', { class: 'badge' }, v('assurance', c.assurance_level)),
        h('span', { class: 'badge', testid: 'circuit-acceptance' }, v('acceptance', c.acceptance || 'final_accepted'))]),
    h('div', { testid: 'circuit-page' },
      card(t('path'), pathView(c), { testid: 'card-path' }),
      h('div', { class: 'grid-2' },
        h('div', { class: 'col-main' },
          card(t('orders_of'), orderList({ circuit: c.code, sort: '-created_at' }, { testid: 'circuit-orders', limit: 20 }), { class: 'flush-card' })),
        h('div', { class: 'col-side' },
          card(t('circuit'), fields([
            [t('code'), c.code],
            [t('customer'), h('a', { href: `#/customers/${encodeURIComponent(c.customer_code)}`, testid: 'link-customer' }, c.customer_name || c.customer_code)],
            [t('business_type'), v('business_type', c.business_type)], [t('scope'), v('scope', c.scope)], [t('bandwidth'), c.bandwidth],
            [t('a_end'), c.a_end], [t('z_end'), c.z_end], [t('assurance_level'), v('assurance', c.assurance_level)],
            [t('status'), v('circuit_status', c.status)], [t('region'), c.region_name || c.region_code],
            [t('acceptance'), v('acceptance', c.acceptance || 'final_accepted')],
            // Seed 6.4.1: the builder handles the faults of a line not finally accepted.
            c.builder_name ? [t('builder'), `${c.builder_name}${c.builder_phone ? ` · ${c.builder_phone}` : ''}`] : null,
          ]))))));
}

export async function render_elements(root, ctx) {
  const e = await loadOr(root, 'elements', ctx.route.parts[1], '#/inventory?kind=elements');
  if (!e) return;
  document.title = `${e.code} · ${t('app_name')}`;
  mount(root,
    head('#/inventory?kind=elements', e.name, e.code, [h('span', { class: 'badge' }, v('element_type', e.type)), h('span', { class: 'badge' }, v('domain', e.domain))]),
    h('div', { class: 'grid-2', testid: 'element-page' },
      h('div', { class: 'col-main' },
        configCard(e),
        card(t('inv_circuits'), pagedList('/circuits', { element: e.code, sort: 'code' }, KINDS.circuits.cols(), 'element-circuits'), { class: 'flush-card' }),
        card(t('orders_of'), orderList({ element: e.code, sort: '-created_at' }, { limit: 20 }), { class: 'flush-card' })),
      h('div', { class: 'col-side' },
        card(t('element'), fields([
          [t('code'), e.code], [t('name'), e.name], [t('element_type'), v('element_type', e.type)],
          [t('vendor'), e.vendor], [t('model'), e.model], [t('mgmt_ip'), e.management_ip],
          [t('site'), h('a', { href: `#/sites/${encodeURIComponent(e.site_code)}` }, e.site_name || e.site_code)],
          [t('owner'), v('owner', e.owner)], [t('domain'), v('domain', e.domain)],
          [t('contractor'), e.contractor_name || e.contractor_code],
        ])))));
}

export async function render_sites(root, ctx) {
  const s = await loadOr(root, 'sites', ctx.route.parts[1], '#/inventory?kind=sites');
  if (!s) return;
  document.title = `${s.name} · ${t('app_name')}`;
  mount(root,
    head('#/inventory?kind=sites', s.name, s.code, [h('span', { class: 'badge' }, v('site_kind', s.kind))]),
    h('div', { class: 'grid-2', testid: 'site-page' },
      h('div', { class: 'col-main' },
        card(t('elements_at'), pagedList('/elements', { site: s.code, sort: 'code' }, KINDS.elements.cols(), 'site-elements'), { class: 'flush-card' })),
      h('div', { class: 'col-side' },
        card(t('site'), fields([
          [t('code'), s.code], [t('name'), s.name], [t('site_kind'), v('site_kind', s.kind)],
          [t('region'), s.region_name || s.region_code], [t('address'), s.address],
          [t('coords'), s.longitude !== null && s.longitude !== undefined ? `${s.longitude}, ${s.latitude}` : null],
        ])))));
}

/** 合同区域 the regions a contractor's contract covers, editable by an administrator: the
 *  counties and grids of the network as checkboxes, saved with the rest of the contractor. */
function contractRegions(c, regions, onSaved) {
  const mine = new Set(c.region_codes || []);
  if (!can('admin')) {
    return fields((c.region_codes || []).map((code) => {
      const r = regions.find((x) => x.code === code);
      return [code, r ? r.name : ''];
    }), 'contractor-regions');
  }
  const levels = ['city', 'county', 'grid'];
  const boxes = regions
    .filter((r) => levels.includes(r.level))
    .map((r) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', value: r.code, checked: mine.has(r.code), testid: `region-option-${r.code}` }),
      h('span', null, r.name), h('span', { class: 'muted small mono' }, ` ${r.code}`)));
  const error = h('div', { class: 'form-error', testid: 'form-error', role: 'alert' });
  const save = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'regions-save' }, t('save'));
  const form = h('form', { class: 'regions-editor', testid: 'contractor-regions-form', novalidate: true },
    h('div', { class: 'check-list', testid: 'contractor-regions' }, boxes),
    error, h('div', { class: 'form-buttons' }, save));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    const region_codes = [...form.querySelectorAll('input[type=checkbox]:checked')].map((b) => b.value);
    if (!region_codes.length) { error.textContent = t('contract_regions_none'); return; }
    save.disabled = true;
    try {
      const body = { code: c.code, name: c.name, contract_start: c.contract_start, contract_end: c.contract_end, region_codes, domains: c.domains };
      const saved = await api.put(`/contractors/${c.id}`, body);
      toast(t('saved'));
      onSaved(saved);
    } catch (err) {
      error.textContent = [serverText(err.message), ...(err.errors || []).map((fe) => `${fe.field}: ${serverText(fe.reason)}`)].join(' ');
    } finally { save.disabled = false; }
  });
  return form;
}

export async function render_contractors(root, ctx) {
  const c = await loadOr(root, 'contractors', ctx.route.parts[1], '#/inventory?kind=contractors');
  if (!c) return;
  document.title = `${c.name} · ${t('app_name')}`;
  let regions = [];
  try { regions = (await api.get('/regions', { limit: 1000, sort: 'code' })).items; } catch { /* shown as codes */ }
  const draw = (row) => mount(root,
    head('#/inventory?kind=contractors', row.name, row.code, (row.domains || []).map((d) => h('span', { class: 'badge' }, v('domain', d)))),
    h('div', { class: 'grid-2', testid: 'contractor-page' },
      h('div', { class: 'col-main' },
        card(t('contract_regions'), contractRegions(row, regions, draw), { testid: 'card-contract-regions' }),
        card(t('inv_elements'), pagedList('/elements', { contractor: row.code, sort: 'code' }, KINDS.elements.cols(), 'contractor-elements'), { class: 'flush-card' })),
      h('div', { class: 'col-side' },
        card(t('contractor'), fields([
          [t('code'), row.code], [t('name'), row.name],
          [t('contract_period'), `${row.contract_start} ~ ${row.contract_end}`],
          [t('domain'), (row.domains || []).map((d) => v('domain', d)).join('、')],
        ])))));
  draw(c);
}
