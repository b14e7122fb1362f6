// Building the page safely: every text goes in through textContent, never as HTML, so customer
// data cannot become markup. No inline styles or handlers (the CSP forbids them).

import { t, v, serverText } from './i18n.js';

/**
 * h('div', {class: 'x', testid: 'y', onclick: fn, dataset: {...}}, child, ...):
 * children are nodes, strings (as text), arrays, or null/false (skipped).
 */
export function h(tag, attrs, ...children) {
  const el = tag === 'svg' || tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.replace('svg:', ''))
    : document.createElement(tag);
  if (attrs) {
    for (const [k, val] of Object.entries(attrs)) {
      if (val === undefined || val === null || val === false) continue;
      if (k === 'class') el.setAttribute('class', Array.isArray(val) ? val.filter(Boolean).join(' ') : val);
      else if (k === 'testid') el.setAttribute('data-testid', val);
      else if (k === 'dataset') Object.assign(el.dataset, val);
      else if (k.startsWith('on') && typeof val === 'function') el.addEventListener(k.slice(2), val);
      else if (k === 'value' && 'value' in el) el.value = val;
      else if (k === 'checked') el.checked = !!val;
      else if (val === true) el.setAttribute(k, '');
      else el.setAttribute(k, String(val));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

export function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
export function mount(el, ...children) { clear(el); append(el, children); return el; }

/** A link inside the console. */
export function link(href, text, attrs = {}) { return h('a', { href, ...attrs }, text); }

/** A badge for a vocabulary value: grade, state, kind. */
export function badge(vocab, code, extra) {
  return h('span', { class: ['badge', `b-${vocab}`, `b-${vocab}-${code}`, extra] }, v(vocab, code));
}

export function spinner(text) {
  return h('div', { class: 'loading', testid: 'loading' }, h('span', { class: 'spin' }), text || t('loading'));
}

export function emptyState(text, testid = 'empty') {
  return h('div', { class: 'empty', testid }, text || t('empty'));
}

/** An error panel for a failed request; 403 and 404 have their own words. */
export function errorPanel(err, retry) {
  let title = t('err_server');
  let detail = err && err.message ? serverText(err.message) : '';
  let testid = 'error';
  if (err && err.status === 403) { title = t('err_forbidden'); detail = t('err_forbidden_detail'); testid = 'forbidden'; }
  else if (err && err.status === 404) { title = t('err_not_found'); detail = t('err_not_found_detail'); testid = 'not-found'; }
  else if (err && err.status === 0) { title = t('err_network'); detail = ''; }
  return h('div', { class: 'error-panel', testid, role: 'alert' },
    h('div', { class: 'error-title' }, title),
    detail ? h('div', { class: 'error-detail' }, detail) : null,
    retry ? h('button', { class: 'btn', type: 'button', onclick: retry }, t('retry')) : null);
}

/** A toast message at the bottom of the screen. */
export function toast(text, kind = 'ok') {
  let box = document.getElementById('toasts');
  if (!box) { box = h('div', { id: 'toasts', class: 'toasts', 'aria-live': 'polite' }); document.body.appendChild(box); }
  const el = h('div', { class: ['toast', `toast-${kind}`], testid: 'toast' }, text);
  while (box.children.length >= 2) box.firstChild.remove();
  box.appendChild(el);
  setTimeout(() => el.remove(), 4000);
}

/**
 * A table that becomes a list of cards on a phone: columns are {label, cell(row) → node|text,
 * class}. Each cell carries its label for the phone layout (CSS reads data-label).
 */
export function table(columns, rows, opts = {}) {
  const thead = h('thead', null, h('tr', null, columns.map((c) => h('th', { class: c.class }, c.label))));
  const tbody = h('tbody', null);
  addRows(tbody, columns, rows, opts);
  const tbl = h('table', { class: ['tbl', opts.cards !== false && 'cards', opts.class], testid: opts.testid }, thead, tbody);
  return h('div', { class: 'tbl-wrap' }, tbl);
}

export function addRows(tbody, columns, rows, opts = {}) {
  for (const r of rows) {
    const tr = h('tr', { testid: opts.rowTestid, class: opts.rowClass ? opts.rowClass(r) : null },
      columns.map((c) => {
        const content = c.cell(r);
        return h('td', { class: c.class, 'data-label': c.label }, content === null || content === undefined || content === '' ? '—' : content);
      }));
    if (opts.rowData) Object.assign(tr.dataset, opts.rowData(r));
    tbody.appendChild(tr);
  }
}

/** A definition list of [label, value] pairs. */
export function fields(pairs, testid) {
  return h('dl', { class: 'fields', testid },
    pairs.filter(Boolean).map(([k, val]) => [h('dt', null, k), h('dd', null, val === null || val === undefined || val === '' ? '—' : val)]));
}

export function card(title, body, opts = {}) {
  return h('section', { class: ['card', opts.class], testid: opts.testid },
    title ? h('div', { class: 'card-head' }, h('h2', null, title), opts.actions || null) : null,
    h('div', { class: 'card-body' }, body));
}

/** Form rows: a labelled control with a place for its error. */
export function formRow(label, control, opts = {}) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  const err = h('div', { class: 'field-error', testid: opts.name ? `error-${opts.name}` : null, 'aria-live': 'polite' });
  const row = h('div', { class: ['form-row', opts.class], dataset: opts.name ? { field: opts.name } : undefined },
    h('label', { for: id }, label, opts.required ? h('span', { class: 'req', title: t('required_mark') }, ' *') : null),
    control,
    opts.hint ? h('div', { class: 'hint' }, opts.hint) : null,
    err);
  return row;
}

/** Puts field errors onto a form ({field: message}); returns whether there were any. */
export function showErrors(form, errors) {
  form.querySelectorAll('.form-row.invalid').forEach((r) => r.classList.remove('invalid'));
  form.querySelectorAll('.field-error').forEach((e) => { e.textContent = ''; });
  let first = null;
  for (const [field, msg] of Object.entries(errors)) {
    const row = form.querySelector(`.form-row[data-field="${CSS.escape(field)}"]`);
    if (row) {
      row.classList.add('invalid');
      const e = row.querySelector('.field-error');
      e.textContent = e.textContent ? `${e.textContent}；${msg}` : msg;
      if (!first) first = row;
    }
  }
  if (first) {
    const input = first.querySelector('input, select, textarea');
    if (input && typeof input.focus === 'function') input.focus({ preventScroll: false });
  }
  return Object.keys(errors).length > 0;
}

export function select(name, options, value, attrs = {}) {
  return h('select', { name, ...attrs },
    options.map(([val, label]) => h('option', { value: val, selected: String(val) === String(value ?? '') }, label)));
}

export function input(name, attrs = {}) { return h('input', { name, type: 'text', ...attrs }); }
