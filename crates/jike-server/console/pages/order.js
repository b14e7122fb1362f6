// 工单详情: clocks, links, timeline, and the actions the state allows and the caller may record
// (the server's allowed_events, issue 14's assignment rights included), each as a form validated in Chinese first, then by the server (422 fields, 409 transitions).

import { t, v, fmtTime, serverText, fromLocalInput, codes } from '../i18n.js';
import { api } from '../api.js';
import { h, mount, badge, card, fields, emptyState, errorPanel, formRow, showErrors, select, toast, table } from '../dom.js';
import { clockChip, clockDetails, syncServerTime } from '../clock.js';
import { mayRecord, can } from '../session.js';

// The order in which actions are offered (the usual path first).
const ACTION_ORDER = ['dispatched', 'assigned', 'accepted', 'customer_contacted', 'en_route', 'on_site', 'restored', 'observing', 'confirmed',
  'replied', 'closed', 'passed', 'documents_delivered', 'completed', 'suspended', 'resumed', 'update_published', 'reassigned', 'rejected', 'reopened'];

const ONSITE = [
  ['arrival_time', 'os_arrival', 'datetime'], ['site_lead', 'os_site_lead', 'text'], ['people_present', 'os_people', 'list'],
  ['process', 'os_process', 'area'], ['customer_questions', 'os_questions', 'area'], ['cause_confirmed', 'os_cause', 'area'],
  ['signed_by', 'os_signed_by', 'text'],
];

let contractorsCache = null;
async function contractors() {
  if (!contractorsCache) contractorsCache = can('contractors') ? api.get('/contractors', { limit: 500, sort: 'code' }).then((p) => p.items).catch(() => []) : Promise.resolve([]);
  return contractorsCache;
}

// Issue 14: the people of a contractor, for the 派单 / 转派 / 指派 forms (what the role may read).
const staffCache = new Map();
function staffOf(contractor) {
  if (!contractor) return Promise.resolve([]);
  if (!staffCache.has(contractor)) {
    staffCache.set(contractor, api.get('/staff', { contractor, limit: 500, sort: 'code' }).then((p) => p.items).catch(() => []));
  }
  return staffCache.get(contractor);
}

/** The options of an assignee select: the contractor's people, by name with their 工号. */
function assigneeOptions(people, required) {
  const first = people.length ? ['', required ? `— ${t('ev_assignee')} —` : t('ev_assignee_keep')] : ['', t('ev_assignee_none')];
  return [first, ...people.map((p) => [p.code, `${p.name}（${p.code}）`])];
}

function fillSelect(sel, options) {
  while (sel.firstChild) sel.removeChild(sel.firstChild);
  for (const [val, label] of options) sel.appendChild(h('option', { value: val }, label));
}

const ASSIGNED_TO = { dispatched: 'tl_dispatched_to', reassigned: 'tl_reassigned_to', assigned: 'tl_assigned_to' };

function timeline(o) {
  const events = o.events || [];
  if (!events.length) return emptyState();
  return h('ol', { class: 'timeline', testid: 'timeline' }, events.map((e) => {
    const late = Math.abs(Date.parse(e.recorded_at) - Date.parse(e.at)) > 120000;
    const data = e.data && typeof e.data === 'object' ? e.data : null;
    return h('li', { class: ['tl-item', `tl-${e.type}`], testid: 'timeline-event', dataset: { type: e.type } },
      h('div', { class: 'tl-dot' }),
      h('div', { class: 'tl-body' },
        h('div', { class: 'tl-head' },
          h('span', { class: 'tl-type' }, v('event', e.type)),
          h('span', { class: 'tl-time' }, fmtTime(e.at, 'dts')),
          h('span', { class: 'tl-actor' }, e.actor)),
        late ? h('div', { class: 'tl-meta' }, `${t('ev_recorded')} ${fmtTime(e.recorded_at, 'dts')}`) : null,
        e.assignee_code ? h('div', { class: 'tl-line', testid: 'tl-assignee' }, h('b', null, `${t(ASSIGNED_TO[e.type] || 'tl_assigned_to')}：`), `${e.assignee_name || ''}（${e.assignee_code}）`) : null,
        // Issue 14: 指派 to nobody is 退回, the order handed back to its company's queue.
        e.type === 'assigned' && !e.assignee_code ? h('div', { class: 'tl-line', testid: 'tl-handed-back' }, t('tl_handed_back')) : null,
        e.reason ? h('div', { class: 'tl-line' }, h('b', null, `${t('ev_reason')}：`), e.reason) : null,
        e.approved_by ? h('div', { class: 'tl-line' }, h('b', null, `${t('ev_approved_by')}：`), e.approved_by) : null,
        e.note ? h('div', { class: 'tl-note' }, e.note) : null,
        data ? onsiteView(data) : null));
  }));
}

function onsiteView(data) {
  const known = new Set(ONSITE.map(([k]) => k));
  const pairs = ONSITE.filter(([k]) => data[k] !== undefined && data[k] !== '' && data[k] !== null)
    .map(([k, label, type]) => [t(label), type === 'list' && Array.isArray(data[k]) ? data[k].join('、') : type === 'datetime' ? fmtTime(data[k], 'dts') : String(data[k])]);
  for (const [k, val] of Object.entries(data)) if (!known.has(k)) pairs.push([k, typeof val === 'object' ? JSON.stringify(val) : String(val)]);
  if (!pairs.length) return null;
  return h('div', { class: 'tl-record', testid: 'onsite-record' }, h('div', { class: 'tl-record-title' }, t('onsite_record')), fields(pairs));
}

function clocksView(o) {
  const clocks = o.sla?.clocks || [];
  if (!clocks.length) return emptyState(t('no_clocks'));
  return table([
    { label: t('clocks'), cell: (c) => h('b', null, clockDetails(c).name) },
    { label: t('status'), cell: (c) => clockChip(c, { noName: true }) },
    { label: t('clock_limit'), cell: (c) => clockDetails(c).limit },
    { label: t('clock_started'), class: 'nowrap', cell: (c) => clockDetails(c).started },
    { label: t('clock_deadline'), class: 'nowrap', cell: (c) => clockDetails(c).deadline },
    { label: t('clock_stopped'), class: 'nowrap', cell: (c) => clockDetails(c).stopped },
    { label: t('clock_paused_s'), cell: (c) => clockDetails(c).paused },
  ], clocks, { testid: 'clocks', rowTestid: 'clock-row', rowData: (c) => ({ clock: c.name }) });
}

function infoView(o) {
  const links = (list, kind) => (list && list.length ? h('span', { class: 'link-list' }, list.map((c) => h('a', { href: `#/${kind}/${encodeURIComponent(c)}`, class: 'mono', testid: `link-${kind}` }, c))) : null);
  return fields([
    [t('f_kind'), v('kind', o.kind)],
    [t('f_grade'), badge('grade', o.grade)],
    [t('order_business_type'), o.business_type ? v('business_type', o.business_type) : null],
    [t('customer'), o.customer_code ? h('a', { href: `#/customers/${encodeURIComponent(o.customer_code)}`, testid: 'link-customer' }, o.customer_name || o.customer_code) : null],
    [t('order_circuits'), links(o.circuit_codes, 'circuits')],
    [t('order_elements'), links(o.element_codes, 'elements')],
    [t('order_site'), o.site_code ? h('a', { href: `#/sites/${encodeURIComponent(o.site_code)}` }, o.site_code) : null],
    [t('region'), o.region_code],
    [t('f_lead_room'), o.lead_room ? v('room', o.lead_room) : null],
    [t('f_contractor'), o.contractor_name ? `${o.contractor_name}（${o.contractor_code}）` : o.contractor_code],
    [t('order_assignee'), o.assignee_code ? h('span', { testid: 'order-assignee' }, `${o.assignee_name || ''}（${o.assignee_code}）`) : null],
    // Seed 6.4.1: a fault on a line not finally accepted goes to the engineering department.
    o.contractor_basis === 'engineering' ? [t('order_engineering'), h('span', { testid: 'order-builder' }, `${o.builder_name || '—'}${o.builder_phone ? ` · ${o.builder_phone}` : ''}`)] : null,
    [t('order_occurred'), fmtTime(o.occurred_at, 'dts')],
    [t('order_created'), `${fmtTime(o.created_at, 'dts')} · ${o.created_by}`],
    o.joint_handling_at ? [t('order_joint'), fmtTime(o.joint_handling_at, 'dts')] : null,
    o.closed_at ? [t('order_closed_at'), fmtTime(o.closed_at, 'dts')] : null,
    [t('order_policy'), String(o.policy_version)],
  ], 'order-info');
}

function alarmsView(o) {
  if (!o.alarms || !o.alarms.length) return null;
  return card(t('order_alarms'), h('ul', { class: 'plain-list' }, o.alarms.map((a) => h('li', null,
    h('div', { class: 'pl-main' }, h('span', { class: 'mono' }, a.alarm_id), a.transmission ? h('span', { class: 'badge b-tx' }, t('c_alarm_tx').split('（')[0].split(' (')[0]) : null),
    a.text ? h('div', { class: 'pl-title' }, a.text) : null,
    a.raised_at ? h('div', { class: 'pl-sub' }, fmtTime(a.raised_at, 'dts')) : null))));
}

function escalationsView(o) {
  const esc = o.sla?.escalations || [];
  const due = o.sla?.updates_due || [];
  if (!esc.length && !due.length) return null;
  return card(t('order_escalations'), h('div', null,
    esc.length ? fields(esc.map((e) => [v('escalation', e.kind), fmtTime(e.at, 'dts')])) : null,
    due.length ? h('div', { class: 'small' }, h('b', null, `${t('order_updates_due')}：`), due.slice(-10).map((d) => fmtTime(d, 'short')).join('，')) : null), { testid: 'escalations' });
}

/** The form of one event type; `handBack`: an `assigned` event naming nobody (退回, issue 14). */
async function eventForm(o, type, onDone, { handBack = false } = {}) {
  const last = (o.events || []).at(-1);
  const at = h('input', { type: 'text', name: 'at', testid: 'event-at', class: 'time-input', placeholder: 'YYYY-MM-DD HH:mm', maxlength: 19, inputmode: 'numeric', autocomplete: 'off' });
  const note = h('textarea', { name: 'note', rows: 2, testid: 'event-note', maxlength: 4000 });
  const rows = [formRow(t('ev_at'), at, { name: 'at', hint: t('ev_at_hint') })];
  const extra = {};
  if (type === 'suspended' || type === 'rejected') {
    extra.reason = h('input', { type: 'text', name: 'reason', testid: 'event-reason', maxlength: 500 });
    rows.push(formRow(t('ev_reason'), extra.reason, { name: 'reason', required: true }));
  }
  if (type === 'suspended') {
    extra.approved_by = h('input', { type: 'text', name: 'approved_by', testid: 'event-approved-by', maxlength: 100 });
    rows.push(formRow(t('ev_approved_by'), extra.approved_by, { name: 'approved_by', required: true }));
  }
  if (type === 'dispatched' || type === 'reassigned') {
    const list = await contractors();
    extra.contractor_code = select('contractor_code', [['', `— ${o.contractor_name || o.contractor_code || t('none')} —`], ...list.map((c) => [c.code, `${c.name}（${c.code}）`])], '', { testid: 'event-contractor' });
    extra.lead_room = select('lead_room', [['', `— ${o.lead_room ? v('room', o.lead_room) : t('none')} —`], ...codes('room').filter((r) => r !== 'monitoring').map((r) => [r, v('room', r)])], '', { testid: 'event-lead-room' });
    // R-MD: an order with no contractor reaches no technician: dispatching it needs one.
    // Seed 6.4.1: an order routed to the engineering department takes no contractor.
    const engineering = o.contractor_basis === 'engineering';
    const needsContractor = type === 'dispatched' && !o.contractor_code && !engineering;
    extra.contractorRequired = needsContractor;
    if (!engineering) rows.push(formRow(t('ev_contractor'), extra.contractor_code, { name: 'contractor_code', required: needsContractor }));
    rows.push(formRow(t('ev_lead_room'), extra.lead_room, { name: 'lead_room' }));
  }
  // Issue 14: 派单 / 转派 / 指派 to a person of the order's contractor (the one chosen above when
  // the form names another); none for an order of the engineering department (seed 6.4.1).
  if ((type === 'dispatched' || type === 'reassigned' || type === 'assigned') && o.contractor_basis !== 'engineering' && !handBack) {
    const required = type === 'assigned';
    const chosen = () => (extra.contractor_code && extra.contractor_code.value) || o.contractor_code;
    extra.assignee_code = select('assignee_code', assigneeOptions(await staffOf(chosen()), required), '', { testid: 'event-assignee' });
    extra.assigneeRequired = required;
    if (extra.contractor_code) {
      extra.contractor_code.addEventListener('change', async () => {
        fillSelect(extra.assignee_code, assigneeOptions(await staffOf(chosen()), required));
      });
    }
    rows.push(formRow(t('ev_assignee'), extra.assignee_code, { name: 'assignee_code', required }));
  }
  const record = {};
  let recordBox = null;
  if (type === 'on_site') {
    for (const [key, label, kind] of ONSITE) {
      const attrs = { name: `data.${key}`, testid: `onsite-${key}` };
      record[key] = kind === 'area' ? h('textarea', { ...attrs, rows: 2 }) : h('input', { ...attrs, type: 'text', ...(kind === 'datetime' ? { class: 'time-input', placeholder: 'YYYY-MM-DD HH:mm', maxlength: 19, inputmode: 'numeric', autocomplete: 'off' } : {}) });
    }
    recordBox = h('fieldset', { class: 'record', testid: 'onsite-form' }, h('legend', null, t('onsite_record')),
      ONSITE.map(([key, label, kind]) => formRow(t(label), record[key], {
        name: `data.${key}`, required: key === 'site_lead', hint: kind === 'list' ? t('os_people_hint') : null,
        class: kind === 'area' ? 'span-2' : null })));
  }
  rows.push(formRow(t('ev_note'), note, { name: 'note', class: 'span-2' }));
  const formError = h('div', { class: 'form-error', testid: 'form-error', role: 'alert' });
  const title = handBack ? t('ev_hand_back') : v('event', type);
  const submit = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'event-submit' }, `${t('submit')}：${title}`);
  const form = h('form', { class: 'event-form', testid: handBack ? 'event-form-hand-back' : `event-form-${type}`, novalidate: true },
    h('h3', null, title),
    type === 'confirmed' ? h('div', { class: 'hint block' }, t('confirm_observation')) : null,
    handBack ? h('div', { class: 'hint block', testid: 'hand-back-hint' }, t('ev_hand_back_hint', { n: o.assignee_name || o.assignee_code, c: o.assignee_code })) : null,
    h('div', { class: 'form-grid' }, rows.slice(0, -1)), recordBox, h('div', { class: 'form-grid' }, rows.at(-1)),
    formError,
    h('div', { class: 'form-buttons' }, submit, h('button', { class: 'btn', type: 'button', testid: 'event-cancel', onclick: () => form.remove() }, t('cancel'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    formError.textContent = '';
    const errors = {};
    const body = { type, note: note.value.trim() };
    if (at.value) {
      const when = fromLocalInput(at.value);
      if (!when) errors.at = t('v_time');
      else if (Date.parse(when) > Date.now() + 60000) errors.at = t('v_future');
      else if (last && Date.parse(when) < Math.floor(Date.parse(last.at) / 60000) * 60000) errors.at = t('v_before_last', { t: fmtTime(last.at, 'dts') });
      else {
        // A minute-precision time in the same minute as the last event: keep the order.
        body.at = last && Date.parse(when) < Date.parse(last.at) ? last.at : when;
      }
    }
    if (extra.reason) {
      if (!extra.reason.value.trim()) errors.reason = t('v_required');
      body.reason = extra.reason.value.trim();
    }
    if (type === 'suspended') {
      if (!extra.approved_by.value.trim()) errors.approved_by = t('v_required');
      body.approved_by = extra.approved_by.value.trim();
    }
    if (extra.contractorRequired && !extra.contractor_code.value) errors.contractor_code = t('v_required');
    if (extra.contractor_code && extra.contractor_code.value) body.contractor_code = extra.contractor_code.value;
    if (extra.lead_room && extra.lead_room.value) body.lead_room = extra.lead_room.value;
    if (extra.assigneeRequired && !extra.assignee_code.value) errors.assignee_code = t('v_required');
    if (extra.assignee_code && extra.assignee_code.value) body.assignee_code = extra.assignee_code.value;
    if (handBack) body.assignee_code = '';
    if (type === 'on_site') {
      const data = {};
      for (const [key, , kind] of ONSITE) {
        const val = record[key].value.trim();
        if (!val) continue;
        if (kind === 'list') data[key] = val.split(/[,，、;；]/).map((s) => s.trim()).filter(Boolean);
        else if (kind === 'datetime') { const w = fromLocalInput(val); if (!w) errors[`data.${key}`] = t('v_time'); else data[key] = w; }
        else data[key] = val;
      }
      if (!data.site_lead) errors['data.site_lead'] = t('v_required');
      body.data = data;
    }
    if (showErrors(form, errors)) { formError.textContent = t('err_validation'); return; }
    submit.disabled = true;
    try {
      await api.post(`/orders/${o.id}/events`, body);
      toast(t('event_recorded', { e: title }));
      onDone();
    } catch (err) {
      submit.disabled = false;
      if (err.status === 422 && err.errors.length) {
        const map = {};
        const unplaced = [];
        for (const fe of err.errors) {
          const name = fe.field || '';
          const msg = serverText(fe.reason || fe.message || '');
          if (form.querySelector(`.form-row[data-field="${CSS.escape(name)}"]`)) map[name] = msg;
          else unplaced.push(`${t('v_field_prefix', { f: name })}${msg}`);
        }
        showErrors(form, map);
        formError.textContent = [t('err_validation'), ...unplaced].join(' ');
      } else if (err.status === 409) {
        const allowed = (err.body.allowed_events || []).map((x) => v('event', x)).join('、');
        formError.textContent = `${t('err_conflict')}：${serverText(err.body.detail || err.message)}${allowed ? `（${allowed}）` : ''}`;
      } else if (err.status === 403) {
        formError.textContent = t('err_forbidden');
      } else {
        formError.textContent = serverText(err.message);
      }
    }
  });
  return form;
}

export async function render(root, ctx) {
  const key = ctx.route.parts[1];
  let o;
  try {
    o = await api.get(`/orders/${encodeURIComponent(key)}`);
  } catch (e) {
    mount(root, h('div', { class: 'page-head' }, h('a', { href: '#/orders', class: 'back' }, `← ${t('nav_orders')}`)), errorPanel(e));
    return;
  }
  if (o.sla && o.sla.at) syncServerTime(o.sla.at);
  document.title = `${o.code} · ${t('app_name')}`;
  const reload = () => render(root, ctx);

  // The server offers `assigned` only to a caller who may assign this order (issue 14: not a
  // technician on a colleague's); whoever may assign it may also hand it back (退回) when someone
  // has it: an `assigned` event naming nobody.
  const actions = ACTION_ORDER.filter((e) => (o.allowed_events || []).includes(e) && mayRecord(e))
    .flatMap((e) => (e === 'assigned' && o.assignee_code ? ['assigned', 'hand_back'] : [e]));
  const formBox = h('div', { class: 'form-box', testid: 'action-form-box' });
  const actionBar = actions.length
    ? h('div', { class: 'action-bar', testid: 'actions' }, actions.map((type) => h('button', {
      class: ['btn', ['suspended', 'rejected', 'reopened', 'hand_back'].includes(type) ? 'btn-warn' : type === 'closed' ? 'btn-dark' : 'btn-primary-soft'],
      type: 'button', testid: type === 'hand_back' ? 'action-hand-back' : `action-${type}`, dataset: { event: type },
      onclick: async () => {
        actionBar.querySelectorAll('button').forEach((b) => b.classList.toggle('selected', b.dataset.event === type));
        mount(formBox, type === 'hand_back'
          ? await eventForm(o, 'assigned', reload, { handBack: true })
          : await eventForm(o, type, reload));
        const first = formBox.querySelector('input, textarea, select');
        formBox.scrollIntoView({ block: 'nearest' });
        if (first) first.focus();
      },
    }, type === 'hand_back' ? t('ev_hand_back') : v('event', type))))
    : h('div', { class: 'muted', testid: 'no-actions' }, t('order_no_actions'));

  mount(root,
    h('div', { class: 'page-head order-head' },
      h('div', null,
        h('a', { href: '#/orders', class: 'back' }, `← ${t('nav_orders')}`),
        h('h1', null, h('span', { class: 'mono code', testid: 'order-code' }, o.code), ' ', h('span', { testid: 'order-title' }, o.title)),
        h('div', { class: 'badges' }, badge('kind', o.kind), badge('grade', o.grade),
          h('span', { testid: 'order-state', dataset: { state: o.state } }, badge('state', o.state)),
          o.breached ? h('span', { class: 'badge b-breached' }, t('order_breached_flag')) : null,
          o.joint_handling_at ? h('span', { class: 'badge b-joint' }, t('order_joint')) : null))),
    h('div', { class: 'grid-2 order-grid', testid: 'order-detail' },
      h('div', { class: 'col-main' },
        card(t('clocks'), clocksView(o), { testid: 'card-clocks', class: 'flush-card' }),
        card(t('order_actions'), h('div', null, actionBar, formBox), { testid: 'card-actions' }),
        card(t('order_timeline'), timeline(o), { testid: 'card-timeline' })),
      h('div', { class: 'col-side' },
        card(t('order_info'), h('div', null, infoView(o), o.description ? h('div', { class: 'desc' }, o.description) : null), { testid: 'card-info' }),
        alarmsView(o),
        escalationsView(o))));
}
