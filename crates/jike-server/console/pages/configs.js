// 配置核查: an element's configuration checked against the access configuration rules
// (R-CF1..R-CF7 and the security rules). The element page carries a section with the newest
// check, its findings, the upload form and the earlier uploads; the page #/configs lists the
// rules with their counts and the findings across elements, by rule, severity or element.

import { t, v, fmtTime, serverText, getLang } from '../i18n.js';
import { api, request } from '../api.js';
import { h, mount, card, emptyState, errorPanel, fields, formRow, select, showErrors, spinner, table, addRows, toast } from '../dom.js';
import { can } from '../session.js';
import { go, hashWith } from '../nav.js';

const SEVERITIES = ['error', 'warning', 'note'];

/** A finding's message in the console's language, then the other elements a comparison across
 *  devices found differing the same way (only those the reader may see, as the service gives). */
function findingMessage(f) {
  const text = getLang() === 'zh' && f.message_zh ? f.message_zh : f.message;
  const related = f.related_elements || [];
  if (!related.length) return h('span', { testid: 'finding-message' }, text);
  return h('span', { testid: 'finding-message' }, text, ' ', t('cfg_also_odd'),
    ...related.flatMap((code, i) => [i ? ', ' : ' ', h('a', { href: `#/elements/${encodeURIComponent(code)}`, class: 'mono', testid: 'finding-related' }, code)]));
}

// The rules' rationales in Chinese (the service gives them in English, `jike-lint/src/rules.rs`);
// a rule missing here shows the service's text.
const RATIONALE_ZH = {
  'CF1-syntax': '配置的语法和语义须正确：位置不对的语句、错误的缩进或未结束的块，都不是设备实际运行的配置。',
  'CF2-inconsistent': '可统一的参数须统一：同一角色的设备，NTP 服务器、日志主机、SNMP trap 主机、时区和 AAA 服务器应一致（每次上传时与同一角色各网元的最新配置比对）。',
  'CF3-unused-object': '配置须简洁：没有被引用的 ACL、路由策略、前缀列表、VLAN 或 QoS 对象是冗余配置。',
  'CF3-test-leftover': '测试用的配置须删除：含 test/测试/tmp/temp 的名称、debugging 调试、环回测试模式。',
  'CF4-acl-numbering': '配置须便于扩展：ACL 规则按步长 1 编号，没有插入新规则的余地。',
  'CF5-missing-description': '配置须易读：每个在用的接口都要有描述（description）。',
  'CF6-aaa-not-central': '汇聚及以上设备的管理员认证须经集中的 RADIUS 或 HWTACACS/TACACS+ 服务器，不能只用本地认证。',
  'CF7-pppoe-username': 'PPPoE 用户名须符合本地的命名规范。',
  'CF7-pppoe-password': 'PPPoE 初始密码须符合密码规则，且不得明文保存。',
  'SEC-plaintext-password': '明文保存的密码或密钥（password simple、password 0、enable password），任何看到配置的人都能读到。',
  'SEC-snmp-default-community': 'SNMP 团体名为 public 或 private，或 SNMPv1/v2c 写权限，等于把设备交给管理网上的任何人。',
};

/** A rule's rationale in the console's language. */
function rationale(r) {
  return getLang() === 'en' ? r.rationale : (RATIONALE_ZH[r.rule] || r.rationale);
}
const VENDORS = ['auto', 'huawei', 'h3c', 'cisco'];
const DEVICE_ROLES = ['access', 'aggregation', 'core'];

/** A severity as a coloured badge (`off` for a rule switched off). */
export function severityBadge(severity) {
  return h('span', { class: ['badge', 'b-severity', `b-severity-${severity}`], testid: 'severity', dataset: { severity } }, v('severity', severity));
}

/** The row colour of a finding: errors red, warnings amber. */
function rowClass(f) {
  return f.severity === 'error' ? 'row-breached' : f.severity === 'warning' ? 'row-warning' : null;
}

function textHref(elementId, uploadId) {
  const base = `/api/v1/elements/${encodeURIComponent(String(elementId))}/config/text`;
  return uploadId ? `${base}?upload=${encodeURIComponent(String(uploadId))}` : base;
}

function countTiles(c) {
  return h('div', { class: 'kpis small-kpis cfg-counts', testid: 'config-counts' },
    h('div', { class: 'kpi kpi-breached', testid: 'config-count-error' }, h('div', { class: 'kpi-value' }, String(c.errors)), h('div', { class: 'kpi-label' }, v('severity', 'error'))),
    h('div', { class: 'kpi kpi-warning', testid: 'config-count-warning' }, h('div', { class: 'kpi-value' }, String(c.warnings)), h('div', { class: 'kpi-label' }, v('severity', 'warning'))),
    h('div', { class: 'kpi kpi-plain', testid: 'config-count-note' }, h('div', { class: 'kpi-value' }, String(c.notes)), h('div', { class: 'kpi-label' }, v('severity', 'note'))),
    h('div', { class: 'kpi kpi-plain' }, h('div', { class: 'kpi-value' }, String(c.lines)), h('div', { class: 'kpi-label' }, t('cfg_lines'))));
}

/** The newest check of an element: who uploaded what, the counts and every finding. */
function checkView(check) {
  const c = check.config;
  const findings = check.findings || [];
  const cols = [
    { label: t('cfg_line'), class: 'num', cell: (f) => h('span', { class: 'mono', testid: 'finding-line' }, String(f.line)) },
    { label: t('cfg_rule'), class: 'nowrap', cell: (f) => h('a', { href: hashWith('/configs', { rule: f.rule }), class: 'mono', testid: 'finding-rule' }, f.rule) },
    { label: t('cfg_severity'), cell: (f) => severityBadge(f.severity) },
    { label: t('cfg_object'), class: 'wrap', cell: (f) => (f.object ? h('span', { class: 'mono' }, f.object) : null) },
    { label: t('cfg_message'), class: 'wrap', cell: findingMessage },
  ];
  return h('div', { class: 'cfg-check', testid: 'config-check', dataset: { configId: String(c.id) } },
    h('div', { class: 'cfg-head' },
      fields([
        [t('cfg_uploaded_at'), h('span', { testid: 'config-uploaded-at' }, fmtTime(c.uploaded_at, 'dts'))],
        [t('cfg_uploaded_by'), h('span', { testid: 'config-uploaded-by' }, c.uploaded_by)],
        [t('cfg_file_name'), c.file_name ? h('span', { class: 'mono' }, c.file_name) : null],
        [t('cfg_vendor'), h('span', { testid: 'config-vendor' }, v('cfg_vendor', c.vendor))],
        [t('cfg_role'), h('span', { testid: 'config-role' }, v('device_role', c.role))],
        [t('cfg_size'), t('cfg_size_value', { lines: c.lines, bytes: c.bytes })],
        [t('cfg_sha256'), h('span', { class: 'mono small', title: c.sha256 }, `${(c.sha256 || '').slice(0, 16)}…`)],
      ], 'config-summary'),
      h('div', { class: 'cfg-side' },
        countTiles(c),
        h('a', { class: 'btn btn-sm', href: textHref(c.element_id), target: '_blank', rel: 'noopener', testid: 'config-text-link' }, t('cfg_view_text')))),
    findings.length
      ? table(cols, findings, { testid: 'config-findings', rowTestid: 'config-finding', rowClass, rowData: (f) => ({ rule: f.rule, line: String(f.line), severity: f.severity }) })
      : h('div', { class: 'report-summary ok', testid: 'config-clean' }, t('cfg_clean')));
}

/** The configurations the element keeps, newest first, each with a link to its text. */
function historyView(list) {
  if (!list || !list.length) return null;
  return h('details', { class: 'cfg-history', testid: 'config-history' },
    h('summary', { testid: 'config-history-toggle' }, t('cfg_history', { n: list.length })),
    table([
      { label: t('cfg_uploaded_at'), class: 'nowrap', cell: (c) => fmtTime(c.uploaded_at, 'dts') },
      { label: t('cfg_uploaded_by'), cell: (c) => c.uploaded_by },
      { label: t('cfg_file_name'), class: 'wrap', cell: (c) => (c.file_name ? h('span', { class: 'mono' }, c.file_name) : null) },
      { label: t('cfg_vendor'), cell: (c) => v('cfg_vendor', c.vendor) },
      { label: t('cfg_role'), cell: (c) => v('device_role', c.role) },
      { label: t('cfg_counts'), class: 'nowrap', cell: (c) => t('cfg_counts_value', { errors: c.errors, warnings: c.warnings, notes: c.notes }) },
      { label: '', cell: (c) => h('a', { href: textHref(c.element_id, c.id), target: '_blank', rel: 'noopener', testid: 'config-history-text' }, t('cfg_view_text')) },
    ], list, { testid: 'config-history-table', rowTestid: 'config-history-row' }));
}

function fieldErrorsOf(err) {
  const map = {};
  for (const fe of err.errors || []) {
    const field = fe.field === 'file_name' ? 'file' : fe.field;
    map[field] = map[field] ? `${map[field]}；${serverText(fe.reason)}` : serverText(fe.reason);
  }
  return map;
}

/** The upload form: a file, the vendor (detected by default) and the device's role. */
function uploadForm(element, onDone, initialRole) {
  const file = h('input', { type: 'file', name: 'file', testid: 'config-file' });
  const vendor = select('vendor', VENDORS.map((c) => [c, v('cfg_vendor', c)]), 'auto', { testid: 'config-vendor-select' });
  const role = select('role', DEVICE_ROLES.map((c) => [c, v('device_role', c)]), initialRole, { testid: 'config-role-select' });
  const err = h('div', { class: 'form-error', testid: 'config-form-error', role: 'alert' });
  const submit = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'config-submit' }, t('cfg_submit'));
  const form = h('form', { class: 'inline-form cfg-form', testid: 'config-form', novalidate: true },
    h('h3', null, t('cfg_upload')),
    h('div', { class: 'cfg-form-grid' },
      formRow(t('cfg_file'), file, { name: 'file', required: true, hint: t('cfg_file_hint') }),
      formRow(t('cfg_vendor'), vendor, { name: 'vendor' }),
      formRow(t('cfg_role'), role, { name: 'role' })),
    err,
    h('div', { class: 'form-buttons' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    err.textContent = '';
    const f = file.files && file.files[0];
    if (showErrors(form, f ? {} : { file: t('v_file') })) return;
    const body = new FormData();
    body.append('file', f, f.name);
    submit.disabled = true;
    const busy = h('span', { class: 'muted small', testid: 'config-busy' }, t('cfg_checking'));
    submit.after(busy);
    try {
      const check = await request('POST', `/elements/${element.id}/config`, { query: { vendor: vendor.value, role: role.value, file_name: f.name }, raw: body });
      showErrors(form, {});
      form.reset();
      role.value = check.config.role;
      const c = check.config;
      toast(t('cfg_uploaded', { errors: c.errors, warnings: c.warnings, notes: c.notes }), c.errors ? 'warn' : 'ok');
      onDone(check);
    } catch (e2) {
      if (e2.status === 422 && e2.errors.length) {
        const map = fieldErrorsOf(e2);
        showErrors(form, map);
        const unplaced = Object.keys(map).filter((k) => !['file', 'vendor', 'role'].includes(k));
        err.textContent = unplaced.length ? unplaced.map((k) => `${t('v_field_prefix', { f: k })}${map[k]}`).join('；') : t('err_validation');
      } else if (e2.status === 413) {
        showErrors(form, { file: t('cfg_too_large') });
      } else if (e2.status === 415) {
        showErrors(form, { file: serverText(e2.message) });
      } else {
        err.textContent = e2.status === 403 ? t('err_forbidden_detail') : e2.status === 404 ? t('err_not_found_detail')
          : e2.status === 0 ? t('err_network') : serverText(e2.message);
      }
    } finally {
      submit.disabled = false;
      busy.remove();
    }
  });
  return form;
}

/**
 * The 配置核查 section of an element page (`e` is the element as GET /elements/{id} gives
 * it): the newest check or "none uploaded", the upload form for the roles that may upload, and
 * the earlier uploads. Null for roles that may not read configurations.
 */
export function configCard(e) {
  if (!can('config_read')) return null;
  const result = h('div', { testid: 'config-result' }, spinner());
  const hist = h('div', null);
  let form = null;
  const defaultRole = e.domain === 'aggregation' ? 'aggregation' : 'access';
  async function loadHistory() {
    try { mount(hist, historyView(await api.get(`/elements/${e.id}/config/history`))); } catch { mount(hist); }
  }
  function show(check) {
    mount(result, checkView(check));
    loadHistory();
  }
  async function load() {
    mount(result, spinner());
    let check = null;
    try {
      check = await api.get(`/elements/${e.id}/config`);
    } catch (err) {
      if (err.status === 404) { mount(result, emptyState(t('cfg_none'), 'config-none')); mount(hist); return; }
      mount(result, errorPanel(err, load));
      return;
    }
    if (form) form.querySelector('select[name="role"]').value = check.config.role;
    show(check);
  }
  if (can('config_upload')) form = uploadForm(e, show, defaultRole);
  load();
  return card(t('cfg_title'), h('div', { class: 'cfg-section' }, result, form, hist), { testid: 'card-config' });
}

/** The findings across elements for a query, with "load more" by the cursor. */
function findingList(query) {
  const box = h('div', null, spinner());
  const more = h('button', { class: 'btn', type: 'button', testid: 'load-more' }, t('load_more'));
  const foot = h('div', { class: 'list-foot' });
  const cols = [
    { label: t('element'), class: 'nowrap', cell: (f) => h('a', { href: `#/elements/${encodeURIComponent(f.element_code)}`, class: 'mono', testid: 'finding-element' }, f.element_code) },
    { label: t('name'), class: 'wrap', cell: (f) => f.element_name },
    { label: t('cfg_line'), class: 'num', cell: (f) => h('span', { class: 'mono', testid: 'finding-line' }, String(f.line)) },
    { label: t('cfg_rule'), class: 'nowrap', cell: (f) => h('span', { class: 'mono' }, f.rule) },
    { label: t('cfg_severity'), cell: (f) => severityBadge(f.severity) },
    { label: t('cfg_object'), class: 'wrap', cell: (f) => (f.object ? h('span', { class: 'mono' }, f.object) : null) },
    { label: t('cfg_message'), class: 'wrap', cell: findingMessage },
    { label: t('cfg_checked_at'), class: 'nowrap', cell: (f) => fmtTime(f.checked_at, 'short') },
  ];
  const rowData = (f) => ({ rule: f.rule, element: f.element_code, line: String(f.line), severity: f.severity });
  let cursor = null;
  let tbody = null;
  async function page(first) {
    more.disabled = true;
    try {
      const res = await api.get('/config-findings', { ...query, limit: 50, cursor: first ? undefined : cursor });
      cursor = res.next_cursor;
      if (first) {
        if (!res.items.length) { mount(box, emptyState(t('cfg_no_findings'), 'cfg-findings-empty')); return; }
        const tbl = table(cols, res.items, { testid: 'cfg-findings', rowTestid: 'cfg-finding', rowClass, rowData });
        tbody = tbl.querySelector('tbody');
        mount(box, tbl, foot);
      } else addRows(tbody, cols, res.items, { rowTestid: 'cfg-finding', rowClass, rowData });
      mount(foot, cursor ? more : h('span', { class: 'muted small' }, t('no_more')));
      more.disabled = false;
    } catch (e) {
      if (first) mount(box, errorPanel(e, () => page(true)));
      else { more.disabled = false; mount(foot, more, h('span', { class: 'field-error' }, serverText(e.message))); }
    }
  }
  more.addEventListener('click', () => page(false));
  page(true);
  return box;
}

/** #/configs?rule=&severity=&element=: the rules with their counts, and the findings. */
export async function render(root, ctx) {
  document.title = `${t('nav_configs')} · ${t('app_name')}`;
  if (!can('config_read')) { mount(root, errorPanel({ status: 403 })); return; }
  const p = ctx.route.params;
  const current = { rule: p.get('rule') || '', severity: p.get('severity') || '', element: p.get('element') || '' };
  let overview;
  try {
    overview = await api.get('/config-findings/rules');
  } catch (e) {
    if (!ctx.isCurrent()) return;
    mount(root, h('div', { class: 'page-head' }, h('h1', null, t('cfg_page_title'))), errorPanel(e, () => render(root, ctx)));
    return;
  }
  if (!ctx.isCurrent()) return;
  const link = (rule) => hashWith('/configs', { ...current, rule });
  const rules = table([
    { label: t('cfg_rule'), class: 'nowrap', cell: (r) => h('a', { href: link(r.rule), class: 'mono', testid: 'rule-link' }, r.rule) },
    { label: t('cfg_clause'), class: 'nowrap', cell: (r) => (r.clause === 'security' ? t('cfg_security') : r.clause) },
    { label: t('cfg_severity'), cell: (r) => severityBadge(r.severity) },
    { label: t('cfg_rationale'), class: 'wrap', cell: (r) => rationale(r) },
    { label: t('cfg_findings'), class: 'num', cell: (r) => h('span', { testid: 'rule-findings' }, String(r.findings)) },
    { label: t('cfg_elements'), class: 'num', cell: (r) => h('span', { testid: 'rule-elements' }, String(r.elements)) },
  ], overview.rules, {
    testid: 'cfg-rules', rowTestid: 'cfg-rule',
    rowClass: (r) => [r.rule === current.rule && 'row-selected', r.severity === 'off' && 'row-off'].filter(Boolean).join(' ') || null,
    rowData: (r) => ({ rule: r.rule, findings: String(r.findings), elements: String(r.elements) }),
  });
  const rule = select('rule', [['', t('all')], ...overview.rules.map((r) => [r.rule, r.rule])], current.rule, { testid: 'cfg-filter-rule' });
  const severity = select('severity', [['', t('all')], ...SEVERITIES.map((s) => [s, v('severity', s)])], current.severity, { testid: 'cfg-filter-severity' });
  const element = h('input', { type: 'search', name: 'element', value: current.element, placeholder: t('cfg_element_code'), testid: 'cfg-filter-element' });
  const apply = (e) => {
    if (e) e.preventDefault();
    go(hashWith('/configs', { rule: rule.value, severity: severity.value, element: element.value.trim() }), true);
  };
  rule.addEventListener('change', apply);
  severity.addEventListener('change', apply);
  const query = { rule: current.rule || undefined, severity: current.severity || undefined, element: current.element || undefined };
  const selected = overview.rules.find((r) => r.rule === current.rule);
  mount(root,
    h('div', { class: 'page-head' }, h('div', null,
      h('h1', null, t('cfg_page_title')),
      h('div', { class: 'hint' }, t('cfg_page_hint')))),
    h('div', { class: 'kpis cfg-kpis', testid: 'cfg-overview' },
      h('div', { class: 'kpi kpi-plain' }, h('div', { class: 'kpi-value', testid: 'cfg-elements-checked' }, String(overview.elements_checked)), h('div', { class: 'kpi-label' }, t('cfg_elements_checked'))),
      h('div', { class: ['kpi', overview.elements_with_errors ? 'kpi-breached' : 'kpi-ok'] }, h('div', { class: 'kpi-value', testid: 'cfg-elements-with-errors' }, String(overview.elements_with_errors)), h('div', { class: 'kpi-label' }, t('cfg_elements_with_errors')))),
    card(t('cfg_rules'), rules, { class: 'flush-card', testid: 'card-rules' }),
    h('form', { class: 'filters', onsubmit: apply, testid: 'cfg-filters' },
      h('label', { class: 'filter filter-rule' }, h('span', null, t('cfg_rule')), rule),
      h('label', { class: 'filter' }, h('span', null, t('cfg_severity')), severity),
      h('label', { class: 'filter filter-element' }, h('span', null, t('cfg_element_code')), element),
      h('div', { class: 'filter-buttons' },
        h('button', { class: 'btn btn-primary', type: 'submit', testid: 'cfg-search' }, t('search')),
        (current.rule || current.severity || current.element) ? h('a', { class: 'btn', href: '#/configs', testid: 'cfg-reset' }, t('reset')) : null)),
    card(selected ? t('cfg_findings_of', { rule: selected.rule }) : t('cfg_findings_all'),
      h('div', null,
        selected ? h('div', { class: 'cfg-rule-note', testid: 'cfg-selected-rule' },
          severityBadge(selected.severity), ' ', h('span', null, rationale(selected))) : null,
        findingList(query)),
      { class: 'flush-card', testid: 'card-findings' }));
}
