// 新建工单: a fault (or other) order. The customer is searched by name or code; its circuits are
// offered; the failed hop of the first circuit chooses the contractor (R-MD). The grade,
// business type, region, lead room and contractor are derived by the server when left out.

import { t, v, codes, fromLocalInput, serverText } from '../i18n.js';
import { api, getRow } from '../api.js';
import { h, mount, formRow, showErrors, select, toast, errorPanel, badge, clear } from '../dom.js';
import { can } from '../session.js';
import { go } from '../nav.js';

const CODE_RE = /^[^\s<>"'`\\]{1,64}$/;

function splitCodes(text) { return text.split(/[,，、;；\s]+/).map((s) => s.trim()).filter(Boolean); }

export async function render(root) {
  document.title = `${t('order_new_title')} · ${t('app_name')}`;
  if (!can('create_order')) { mount(root, errorPanel({ status: 403 })); return; }
  // A customer or an account manager: a fault or a complaint on its own lines, nothing more.
  const full = can('create_any_order');
  const idem = (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`);

  const kinds = full ? codes('kind') : ['fault', 'complaint'];
  const kind = select('kind', kinds.map((k) => [k, v('kind', k)]), 'fault', { testid: 'order-kind' });
  const title = h('input', { type: 'text', name: 'title', maxlength: 200, testid: 'order-title-input' });
  const customer = h('input', { type: 'text', name: 'customer_code', list: 'customer-options', autocomplete: 'off', testid: 'order-customer', placeholder: t('c_customer_hint') });
  const customerOptions = h('datalist', { id: 'customer-options' });
  const customerInfo = h('div', { class: 'hint', testid: 'customer-info' });
  const circuitBox = h('div', { class: 'check-list', testid: 'circuit-options' });
  const otherCircuits = h('input', { type: 'text', name: 'circuit_codes', testid: 'order-circuits', placeholder: 'CIR-0001, …' });
  const failedHop = select('failed_hop', [['', '—']], '', { testid: 'order-failed-hop' });
  const grade = select('grade', [['', t('c_grade_hint')], ...codes('grade').map((g) => [g, v('grade', g)])], '', { testid: 'order-grade' });
  const occurred = h('input', { type: 'text', name: 'occurred_at', testid: 'order-occurred', class: 'time-input', placeholder: 'YYYY-MM-DD HH:mm', maxlength: 19, inputmode: 'numeric', autocomplete: 'off' });
  const alarmId = h('input', { type: 'text', name: 'alarm_id', testid: 'order-alarm-id' });
  const alarmText = h('input', { type: 'text', name: 'alarm_text', testid: 'order-alarm-text' });
  const alarmTx = h('input', { type: 'checkbox', name: 'alarm_tx', testid: 'order-alarm-tx' });
  const elements = h('input', { type: 'text', name: 'element_codes', testid: 'order-elements' });
  const site = h('input', { type: 'text', name: 'site_code', testid: 'order-site' });
  const description = h('textarea', { name: 'description', rows: 3, maxlength: 4000, testid: 'order-description' });

  const selectedCircuits = () => [
    ...[...circuitBox.querySelectorAll('input[type=checkbox]:checked')].map((c) => c.value),
    ...splitCodes(otherCircuits.value),
  ].filter((c, i, a) => a.indexOf(c) === i);

  let pathFor = '';
  async function refreshHops() {
    const first = selectedCircuits()[0] || '';
    if (first === pathFor) return;
    pathFor = first;
    clear(failedHop).appendChild(h('option', { value: '' }, '—'));
    if (!first) return;
    try {
      const c = await getRow('circuits', first);
      if (pathFor !== first) return;
      for (const hop of c.path || []) {
        const what = hop.element_code ? `${hop.element_code}${hop.element_name ? ` ${hop.element_name}` : ''}` : `[${hop.segment}]`;
        failedHop.appendChild(h('option', { value: String(hop.seq) }, `${hop.seq} · ${what} · ${v('domain', hop.domain)}${hop.contractor_name ? ` · ${hop.contractor_name}` : ''}`));
      }
    } catch { /* unknown circuit: the server will say so */ }
  }

  let searchTimer = null;
  let loadedFor = '';
  async function loadCustomer(code) {
    if (code === loadedFor) return;
    loadedFor = code;
    clear(circuitBox);
    customerInfo.textContent = '';
    if (!code) { refreshHops(); return; }
    try {
      let c;
      try {
        c = await getRow('customers', code);
      } catch (e) {
        // Typed by name: the one customer whose name or code matches.
        if (e.status !== 404) throw e;
        const found = await api.get('/customers', { q: code, limit: 2 });
        const exact = found.items.filter((x) => x.name === code);
        const only = exact.length === 1 ? exact[0] : found.items.length === 1 ? found.items[0] : null;
        if (!only) throw e;
        c = only;
        customer.value = c.code;
        loadedFor = c.code;
      }
      if (loadedFor !== c.code) return;
      mount(customerInfo, `${c.name} · `, badge('grade', c.grade), c.region_name ? ` · ${c.region_name}` : '');
      const circuits = await api.get('/circuits', { customer: c.code, limit: 100, sort: 'code' });
      if (loadedFor !== c.code) return;
      if (!circuits.items.length) { circuitBox.appendChild(h('span', { class: 'muted small' }, t('empty'))); }
      circuits.items.forEach((ci, i) => {
        const box = h('input', { type: 'checkbox', value: ci.code, checked: i === 0, testid: `circuit-option-${ci.code}`, onchange: refreshHops });
        circuitBox.appendChild(h('label', { class: 'check' }, box, h('span', { class: 'mono' }, ci.code),
          h('span', { class: 'muted small' }, ` ${v('business_type', ci.business_type)} · ${ci.bandwidth} · ${ci.a_end} → ${ci.z_end}`)));
      });
      refreshHops();
    } catch (e) {
      if (loadedFor !== code) return;
      customerInfo.textContent = e.status === 404 ? t('err_not_found') : serverText(e.message);
    }
  }
  customer.addEventListener('input', () => {
    clearTimeout(searchTimer);
    const q = customer.value.trim();
    searchTimer = setTimeout(async () => {
      if (q.length < 1) return;
      try {
        const res = await api.get('/customers', { q, limit: 20 });
        clear(customerOptions);
        for (const c of res.items) customerOptions.appendChild(h('option', { value: c.code }, `${c.name} · ${v('grade', c.grade)}`));
        if (res.items.some((c) => c.code === q)) loadCustomer(q);
      } catch { /* ignore */ }
    }, 200);
  });
  customer.addEventListener('change', () => loadCustomer(customer.value.trim()));
  otherCircuits.addEventListener('change', refreshHops);

  // 告警编号 becomes required once 告警内容 is filled: its mark shows then.
  const alarmRow = formRow(t('c_alarm_id'), alarmId, { name: 'alarms', required: true });
  const alarmMark = alarmRow.querySelector('.req');
  alarmMark.hidden = true;
  alarmText.addEventListener('input', () => { alarmMark.hidden = !alarmText.value.trim(); });
  const formError = h('div', { class: 'form-error', testid: 'form-error', role: 'alert' });
  const submit = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'order-submit' }, t('c_submit'));
  const form = h('form', { class: 'card order-form', testid: 'order-form', novalidate: true },
    h('div', { class: 'card-body' },
      h('div', { class: 'form-grid' },
        formRow(t('f_kind'), kind, { name: 'kind', required: true }),
        formRow(t('c_title'), title, { name: 'title', required: true }),
        formRow(t('c_customer'), h('div', null, customer, customerOptions), { name: 'customer_code', hint: customerInfo }),
        formRow(t('c_occurred'), occurred, { name: 'occurred_at', hint: t('c_occurred_hint') }),
        formRow(t('c_circuits'), h('div', null, circuitBox, otherCircuits), { name: 'circuit_codes', class: 'span-2', hint: t('c_circuits_hint'), required: !full }),
        full ? formRow(t('c_failed_hop'), failedHop, { name: 'failed_hop', hint: t('c_failed_hop_hint') }) : null,
        full ? formRow(t('c_grade'), grade, { name: 'grade' }) : null,
        full ? alarmRow : null,
        full ? formRow(t('c_alarm_text'), alarmText, { name: 'alarm_text' }) : null,
        full ? h('label', { class: 'check span-2' }, alarmTx, t('c_alarm_tx')) : null,
        full ? formRow(t('c_elements'), elements, { name: 'element_codes' }) : null,
        full ? formRow(t('c_site'), site, { name: 'site_code' }) : null,
        formRow(t('c_description'), description, { name: 'description', class: 'span-2' })),
      formError,
      h('div', { class: 'form-buttons' }, submit, h('a', { class: 'btn', href: '#/orders' }, t('cancel')))));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    formError.textContent = '';
    const errors = {};
    const body = { kind: kind.value, title: title.value.trim() };
    if (!body.title) errors.title = t('v_required');
    else if (body.title.length > 200) errors.title = t('v_too_long', { n: 200 });
    const cust = customer.value.trim();
    if (cust) { if (!CODE_RE.test(cust)) errors.customer_code = t('v_code'); else body.customer_code = cust; }
    const circuits = selectedCircuits();
    if (circuits.some((c) => !CODE_RE.test(c))) errors.circuit_codes = t('v_code');
    if (circuits.length) body.circuit_codes = circuits;
    const els = splitCodes(elements.value);
    if (els.some((c) => !CODE_RE.test(c))) errors.element_codes = t('v_code');
    if (els.length) body.element_codes = els;
    if (site.value.trim()) { if (!CODE_RE.test(site.value.trim())) errors.site_code = t('v_code'); else body.site_code = site.value.trim(); }
    if (occurred.value) {
      const w = fromLocalInput(occurred.value);
      if (!w) errors.occurred_at = t('v_time');
      else if (Date.parse(w) > Date.now() + 60000) errors.occurred_at = t('v_future');
      else body.occurred_at = w;
    }
    if (grade.value) body.grade = grade.value;
    if (full && !body.customer_code && !circuits.length && !body.grade) errors.grade = t('c_need_grade');
    if (!full && !circuits.length) errors.circuit_codes = t('v_required');
    if (failedHop.value) body.failed_hop = Number(failedHop.value);
    if (alarmId.value.trim()) body.alarms = [{ alarm_id: alarmId.value.trim(), text: alarmText.value.trim(), transmission: alarmTx.checked }];
    else if (alarmText.value.trim()) errors.alarms = t('v_required');
    if (description.value.trim()) body.description = description.value.trim();
    if (showErrors(form, errors)) { formError.textContent = t('err_validation'); return; }
    submit.disabled = true;
    try {
      const o = await api.post('/orders', body, { headers: { 'Idempotency-Key': idem } });
      toast(t('order_created_ok', { c: o.code }));
      go(`#/orders/${o.id}`);
    } catch (err) {
      submit.disabled = false;
      if (err.status === 422 && err.errors.length) {
        const map = {};
        const rest = [];
        for (const fe of err.errors) {
          const base = (fe.field || '').replace(/\[\d+\].*$/, '');
          const name = base === 'alarms' ? 'alarms' : base;
          const msg = serverText(fe.reason || '');
          if (form.querySelector(`.form-row[data-field="${CSS.escape(name)}"]`)) map[name] = map[name] ? `${map[name]}；${msg}` : msg;
          else rest.push(`${t('v_field_prefix', { f: fe.field })}${msg}`);
        }
        showErrors(form, map);
        formError.textContent = [t('err_validation'), ...rest].join(' ');
      } else if (err.status === 404) {
        formError.textContent = `${t('err_not_found')}：${serverText(err.message)}`;
      } else {
        formError.textContent = err.status === 403 ? t('err_forbidden') : serverText(err.message);
      }
    }
  });

  mount(root,
    h('div', { class: 'page-head' }, h('div', null, h('a', { href: '#/orders', class: 'back' }, `← ${t('nav_orders')}`), h('h1', null, t('order_new_title')))),
    form);
  // A customer's own record: its lines are offered at once.
  if (!full) {
    api.get('/customers', { limit: 2 }).then((res) => {
      if (res.items.length === 1) { customer.value = res.items[0].code; loadCustomer(res.items[0].code); }
    }).catch(() => {});
  }
  title.focus();
}
