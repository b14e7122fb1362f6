// 系统管理: users and roles, SLA policy versions (view, load a new one), working-day calendars.

import { t, v, codes, fmtTime, serverText } from '../i18n.js';
import { api, request } from '../api.js';
import { h, mount, card, errorPanel, formRow, select, showErrors, table, toast, spinner, emptyState } from '../dom.js';
import { can } from '../session.js';
import { go } from '../nav.js';

const TABS = [['users', 'adm_users'], ['policies', 'adm_policies'], ['calendars', 'adm_calendars']];

function tabs(active) {
  return h('div', { class: 'tabs', testid: 'admin-tabs' }, TABS.map(([k, label]) => h('a', { href: `#/admin/${k}`, class: ['tab', k === active && 'active'], testid: `admin-tab-${k}` }, t(label))));
}

function fieldErrorsOf(err) {
  const map = {};
  for (const fe of err.errors || []) map[fe.field] = serverText(fe.reason);
  return map;
}

function userScope(u) {
  return [u.room && v('room', u.room), u.contractor_code, u.customer_code, u.account_manager, ...(u.region_codes || [])].filter(Boolean).join(' · ');
}

async function users(body) {
  const list = h('div', null, spinner());
  async function load() {
    try {
      const res = await api.get('/users');
      const items = Array.isArray(res) ? res : res.items || [];
      mount(list, table([
        { label: t('user_name'), cell: (u) => h('span', { class: 'mono' }, u.name) },
        { label: t('display_name'), cell: (u) => u.display_name },
        { label: t('role'), cell: (u) => h('span', { class: `badge b-role-${u.role}` }, v('role', u.role)) },
        { label: t('user_scope'), class: 'wrap', cell: (u) => userScope(u) },
        { label: t('user_state'), cell: (u) => (u.disabled ? h('span', { class: 'badge b-breached' }, t('user_disabled'))
          : u.locked_until && Date.parse(u.locked_until) > Date.now() ? h('span', { class: 'badge b-warning' }, t('user_locked'))
            : h('span', { class: 'badge b-ok' }, t('user_active'))) },
        { label: t('created_at'), class: 'nowrap', cell: (u) => fmtTime(u.created_at) },
        { label: '', cell: (u) => h('div', { class: 'row-actions' },
          h('button', { class: 'btn btn-sm', type: 'button', testid: `user-toggle-${u.name}`, onclick: async (e) => {
            e.target.disabled = true;
            try { await api.patch(`/users/${encodeURIComponent(u.name)}`, { disabled: !u.disabled }); toast(t('saved')); load(); } catch (err) { e.target.disabled = false; toast(serverText(err.message), 'bad'); }
          } }, u.disabled ? t('user_enable') : t('user_disable')),
          h('button', { class: 'btn btn-sm', type: 'button', onclick: () => resetPassword(u) }, t('user_reset_pw'))) },
      ], items, { testid: 'users-table', rowTestid: 'user-row' }));
    } catch (e) { mount(list, errorPanel(e, load)); }
  }
  function resetPassword(u) {
    const pw = h('input', { type: 'password', name: 'password', autocomplete: 'new-password' });
    const f = h('form', { class: 'inline-form', novalidate: true },
      h('h3', null, `${t('user_reset_pw')}：${u.name}`),
      formRow(t('user_new_pw'), pw, { name: 'password', required: true, hint: t('v_password') }),
      h('div', { class: 'form-buttons' }, h('button', { class: 'btn btn-primary', type: 'submit' }, t('save')), h('button', { class: 'btn', type: 'button', onclick: () => f.remove() }, t('cancel'))));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!/^(?=.*[A-Za-z])(?=.*\d).{10,}$/.test(pw.value)) { showErrors(f, { password: t('v_password') }); return; }
      try { await api.patch(`/users/${encodeURIComponent(u.name)}`, { password: pw.value }); toast(t('saved')); f.remove(); } catch (err) { showErrors(f, { password: serverText(err.errors?.[0]?.reason || err.message) }); }
    });
    mount(formBox, f);
  }
  const formBox = h('div');
  // New user form.
  const name = h('input', { type: 'text', name: 'name', testid: 'user-name', autocomplete: 'off' });
  const display = h('input', { type: 'text', name: 'display_name' });
  const roleSel = select('role', codes('role').map((r) => [r, v('role', r)]), 'monitoring', { testid: 'user-role' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'new-password', testid: 'user-password' });
  const room = select('room', [['', '—'], ...codes('room').filter((r) => r !== 'monitoring').map((r) => [r, v('room', r)])], '');
  const contractor = h('input', { type: 'text', name: 'contractor_code' });
  const customer = h('input', { type: 'text', name: 'customer_code' });
  const manager = h('input', { type: 'text', name: 'account_manager' });
  const rows = {
    room: formRow(t('user_room'), room, { name: 'room', required: true }),
    contractor_code: formRow(t('user_contractor'), contractor, { name: 'contractor_code', required: true }),
    customer_code: formRow(t('user_customer'), customer, { name: 'customer_code', required: true }),
    account_manager: formRow(t('user_manager'), manager, { name: 'account_manager' }),
  };
  const needs = { lead_room: 'room', contractor: 'contractor_code', customer: 'customer_code', account_manager: 'account_manager' };
  const sync = () => { for (const [k, row] of Object.entries(rows)) row.hidden = needs[roleSel.value] !== k; };
  roleSel.addEventListener('change', sync);
  sync();
  const formError = h('div', { class: 'form-error', role: 'alert' });
  const create = h('form', { class: 'user-form', novalidate: true, testid: 'user-form' },
    h('div', { class: 'form-grid' },
      formRow(t('user_name'), name, { name: 'name', required: true }),
      formRow(t('display_name'), display, { name: 'display_name' }),
      formRow(t('role'), roleSel, { name: 'role', required: true }),
      formRow(t('user_password'), password, { name: 'password', required: true, hint: t('v_password') }),
      Object.values(rows)),
    formError,
    h('div', { class: 'form-buttons' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'user-submit' }, t('user_new'))));
  create.addEventListener('submit', async (e) => {
    e.preventDefault();
    formError.textContent = '';
    const errors = {};
    const b = { name: name.value.trim(), role: roleSel.value };
    if (!b.name) errors.name = t('v_required'); else if (!/^[A-Za-z0-9._-]{1,64}$/.test(b.name)) errors.name = t('v_name');
    if (display.value.trim()) b.display_name = display.value.trim();
    if (!password.value) errors.password = t('v_required');
    else if (!/^(?=.*[A-Za-z])(?=.*\d).{10,}$/.test(password.value)) errors.password = t('v_password');
    b.password = password.value;
    const need = needs[b.role];
    if (need === 'room') { if (!room.value) errors.room = t('v_required'); else b.room = room.value; }
    if (need === 'contractor_code') { if (!contractor.value.trim()) errors.contractor_code = t('v_required'); else b.contractor_code = contractor.value.trim(); }
    if (need === 'customer_code') { if (!customer.value.trim()) errors.customer_code = t('v_required'); else b.customer_code = customer.value.trim(); }
    if (need === 'account_manager' && manager.value.trim()) b.account_manager = manager.value.trim();
    if (showErrors(create, errors)) { formError.textContent = t('err_validation'); return; }
    try {
      await api.post('/users', b);
      toast(t('user_created', { n: b.name }));
      create.reset(); sync(); showErrors(create, {});
      load();
    } catch (err) {
      const map = fieldErrorsOf(err);
      showErrors(create, map);
      formError.textContent = Object.keys(map).length ? t('err_validation') : serverText(err.message);
    }
  });
  mount(body, card(t('adm_users'), h('div', null, list, formBox), { testid: 'card-users', class: 'flush-card' }), card(t('user_new'), create, { testid: 'card-user-new' }));
  load();
}

async function tomlUpload(label, onSend, testid) {
  const file = h('input', { type: 'file', accept: '.toml,text/plain', name: 'file' });
  const text = h('textarea', { name: 'text', rows: 8, class: 'mono', testid: `${testid}-text` });
  file.addEventListener('change', async () => { const f = file.files[0]; if (f) text.value = await f.text(); });
  const formError = h('div', { class: 'form-error', role: 'alert', testid: `${testid}-error` });
  const f = h('form', { novalidate: true, testid },
    formRow(t('file_toml'), file, { name: 'file' }),
    formRow(t('or_paste'), text, { name: 'text', required: true }),
    formError,
    h('div', { class: 'form-buttons' }, h('button', { class: 'btn btn-primary', type: 'submit' }, t('submit'))));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    formError.textContent = '';
    if (showErrors(f, text.value.trim() ? {} : { text: t('v_required') })) return;
    try { await onSend(text.value); f.reset(); } catch (err) {
      formError.textContent = [serverText(err.message), ...(err.errors || []).map((fe) => `${fe.field}: ${serverText(fe.reason)}`)].join(' ');
    }
  });
  return card(label, f);
}

async function policies(body) {
  const list = h('div', null, spinner());
  const viewer = h('div');
  async function load() {
    try {
      const res = await api.get('/sla/policies');
      const items = Array.isArray(res) ? res : res.items || [];
      mount(list, items.length ? table([
        { label: 'ID', cell: (p) => String(p.id) },
        { label: t('pol_version'), cell: (p) => String(p.version) },
        { label: t('pol_valid_from'), class: 'nowrap', cell: (p) => fmtTime(p.valid_from) },
        { label: t('pol_loaded_at'), class: 'nowrap', cell: (p) => fmtTime(p.loaded_at) },
        { label: t('pol_loaded_by'), cell: (p) => p.loaded_by },
        { label: '', cell: (p) => h('button', { class: 'btn btn-sm', type: 'button', testid: `policy-view-${p.id}`, onclick: async () => {
          try {
            const src = await request('GET', `/sla/policies/${p.id}`, { headers: { Accept: 'application/toml, text/plain' } });
            mount(viewer, card(`${t('adm_policies')} #${p.id} · ${t('pol_version')} ${p.version}`, h('pre', { class: 'code-block', testid: 'policy-source' }, String(src))));
          } catch (err) { mount(viewer, errorPanel(err)); }
        } }, t('pol_view')) },
      ], items, { testid: 'policies-table' }) : emptyState());
    } catch (e) { mount(list, errorPanel(e, load)); }
  }
  mount(body, card(t('adm_policies'), list, { class: 'flush-card', testid: 'card-policies' }), viewer,
    await tomlUpload(t('pol_upload'), async (text) => {
      await request('POST', '/sla/policies', { raw: text, headers: { 'Content-Type': 'application/toml' } });
      toast(t('pol_uploaded')); load();
    }, 'policy-upload'));
  load();
}

async function calendars(body) {
  const list = h('div', null, spinner());
  async function load() {
    try {
      const res = await api.get('/calendars/workdays');
      const items = Array.isArray(res) ? res : res.items || [];
      mount(list, items.length ? table([
        { label: t('cal_year'), cell: (y) => h('b', null, String(y.year)) },
        { label: t('cal_origin'), cell: (y) => (y.origin === 'builtin' ? t('cal_builtin') : t('cal_loaded')) },
        { label: t('cal_holidays'), class: 'wrap', cell: (y) => h('div', null, h('div', { class: 'muted small' }, t('days_unit', { n: y.holidays.length })), h('div', { class: 'dates' }, y.holidays.map((d) => d.slice(5)).join(' '))) },
        { label: t('cal_makeup'), class: 'wrap', cell: (y) => h('div', { class: 'dates' }, y.make_up_workdays.map((d) => d.slice(5)).join(' ') || '—') },
        { label: t('pol_loaded_at'), class: 'nowrap', cell: (y) => (y.loaded_at ? `${fmtTime(y.loaded_at)} · ${y.loaded_by || ''}` : '—') },
      ], items, { testid: 'calendars-table' }) : emptyState());
    } catch (e) { mount(list, errorPanel(e, load)); }
  }
  mount(body, card(t('adm_calendars'), list, { class: 'flush-card', testid: 'card-calendars' }),
    await tomlUpload(t('cal_upload'), async (text) => {
      await request('PUT', '/calendars/workdays', { raw: text, headers: { 'Content-Type': 'application/toml' } });
      toast(t('cal_uploaded')); load();
    }, 'calendar-upload'));
  load();
}

export async function render(root, ctx) {
  if (!can('admin')) { mount(root, errorPanel({ status: 403 })); return; }
  const sub = ctx.route.parts[1] || 'users';
  if (!TABS.some(([k]) => k === sub)) { go('#/admin/users', true); return; }
  document.title = `${t(TABS.find(([k]) => k === sub)[1])} · ${t('app_name')}`;
  const body = h('div', { testid: `admin-${sub}` });
  mount(root, h('div', { class: 'page-head' }, h('h1', null, t('nav_admin'))), tabs(sub), body);
  if (sub === 'users') await users(body);
  if (sub === 'policies') await policies(body);
  if (sub === 'calendars') await calendars(body);
}
