// 批量导入: upload an .xlsx or CSV; the dry run reports row by row and writes nothing; then the
// same file is imported for real after confirmation.

import { t, v, codes, serverText } from '../i18n.js';
import { request } from '../api.js';
import { h, mount, card, errorPanel, formRow, select, showErrors, table, toast, spinner } from '../dom.js';
import { can } from '../session.js';

async function upload(kind, file, dryRun) {
  const form = new FormData();
  form.append('file', file, file.name);
  return request('POST', `/import/${kind}`, { query: { dry_run: dryRun ? 'true' : undefined }, raw: form });
}

function reportView(kind, file, rep, onConfirm) {
  const vars = { rows: rep.rows, created: rep.created, updated: rep.updated, unchanged: rep.unchanged };
  return h('div', { class: ['report', rep.dry_run ? 'report-dry' : 'report-done'], testid: rep.dry_run ? 'import-report' : 'import-done' },
    h('div', { class: 'report-summary ok' }, rep.dry_run ? t('imp_ok', vars) : t('imp_done', vars)),
    h('div', { class: 'kpis small-kpis' },
      h('div', { class: 'kpi kpi-plain' }, h('div', { class: 'kpi-value' }, String(rep.rows)), h('div', { class: 'kpi-label' }, t('imp_row'))),
      h('div', { class: 'kpi kpi-ok' }, h('div', { class: 'kpi-value' }, String(rep.created)), h('div', { class: 'kpi-label' }, '+')),
      h('div', { class: 'kpi kpi-warning' }, h('div', { class: 'kpi-value' }, String(rep.updated)), h('div', { class: 'kpi-label' }, '~')),
      h('div', { class: 'kpi kpi-plain' }, h('div', { class: 'kpi-value' }, String(rep.unchanged)), h('div', { class: 'kpi-label' }, '='))),
    rep.dry_run ? h('div', { class: 'form-buttons' },
      h('button', { class: 'btn btn-primary', type: 'button', testid: 'import-confirm', onclick: onConfirm }, `${t('imp_confirm')}：${file.name}（${v('import_kind', kind)}）`)) : null);
}

function rowsView(err) {
  return h('div', { class: 'report report-bad', testid: 'import-errors' },
    h('div', { class: 'report-summary bad' }, t('imp_bad', { n: err.rows.length })),
    table([
      { label: t('imp_row'), class: 'num', cell: (r) => String(r.row) },
      { label: t('imp_column'), cell: (r) => r.column || '—' },
      { label: t('imp_reason'), class: 'wrap', cell: (r) => serverText(r.reason) },
    ], err.rows, { testid: 'import-error-rows', rowTestid: 'import-error-row' }));
}

export async function render(root) {
  document.title = `${t('nav_import')} · ${t('app_name')}`;
  if (!can('import')) { mount(root, errorPanel({ status: 403 })); return; }
  const kind = select('kind', codes('import_kind').map((k) => [k, v('import_kind', k)]), 'customers', { testid: 'import-kind' });
  const file = h('input', { type: 'file', name: 'file', accept: '.xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', testid: 'import-file' });
  const out = h('div', { class: 'import-out', testid: 'import-out' });
  const check = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'import-check' }, t('imp_check'));
  const form = h('form', { class: 'import-form', novalidate: true },
    h('p', { class: 'hint block' }, t('imp_hint')),
    h('div', { class: 'form-grid' },
      formRow(t('imp_kind'), kind, { name: 'kind', required: true }),
      formRow(t('imp_file'), file, { name: 'file', required: true })),
    h('div', { class: 'form-buttons' }, check,
      h('a', { class: 'btn', testid: 'import-export', href: '#', onclick: (e) => { e.preventDefault(); location.href = `/api/v1/export/${kind.value}?format=xlsx&headers=zh`; } }, t('imp_export'))));
  kind.addEventListener('change', () => mount(out));
  file.addEventListener('change', () => mount(out));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = file.files && file.files[0];
    if (showErrors(form, f ? {} : { file: t('v_file') })) return;
    const k = kind.value;
    check.disabled = true;
    mount(out, spinner());
    try {
      const rep = await upload(k, f, true);
      mount(out, reportView(k, f, rep, async (ev) => {
        ev.target.disabled = true;
        try {
          const done = await upload(k, f, false);
          mount(out, reportView(k, f, done));
          toast(t('imp_done', { rows: done.rows, created: done.created, updated: done.updated, unchanged: done.unchanged }));
        } catch (err2) {
          ev.target.disabled = false;
          mount(out, err2.rows && err2.rows.length ? rowsView(err2) : errorPanel(err2));
        }
      }));
    } catch (err) {
      if (err.rows && err.rows.length) mount(out, rowsView(err));
      else if (err.status === 422 && err.errors.length) {
        mount(out, h('div', { class: 'report report-bad', testid: 'import-errors' },
          err.errors.map((fe) => h('div', { class: 'report-summary bad' }, `${t('v_field_prefix', { f: fe.field })}${serverText(fe.reason)}`))));
      } else mount(out, errorPanel(err));
    } finally { check.disabled = false; }
  });
  mount(root, h('div', { class: 'page-head' }, h('h1', null, t('imp_title'))),
    card(null, form, { testid: 'import-page' }), card(t('imp_report'), out));
}
