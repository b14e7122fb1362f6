// End-to-end test of the jike web console in a real headless Chromium (Debian's
// /usr/bin/chromium driven by playwright-core). Run against a running `jike serve --demo`:
//
//   JIKE_URL=… JIKE_DISPATCHER=… JIKE_DISPATCHER_PASSWORD=… JIKE_CONTRACTOR=… \
//   JIKE_CONTRACTOR_PASSWORD=… JIKE_ADMIN=… JIKE_ADMIN_PASSWORD=… JIKE_ARTIFACTS=… \
//   node --test e2e/console.spec.mjs
//
// The API is used only to discover test data (a gold customer and its circuit, the
// contractors) and to set up the other contractor's order; everything the scenario checks is
// done through the console's pages.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, request as pwRequest } from 'playwright-core';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`set ${name}`);
  return value;
};
const BASE = env('JIKE_URL').replace(/\/$/, '');
const DISPATCHER = [env('JIKE_DISPATCHER'), env('JIKE_DISPATCHER_PASSWORD')];
const CONTRACTOR = [env('JIKE_CONTRACTOR'), env('JIKE_CONTRACTOR_PASSWORD')];
const ADMIN = [env('JIKE_ADMIN'), env('JIKE_ADMIN_PASSWORD')];
const CUSTOMER = [env('JIKE_CUSTOMER'), env('JIKE_CUSTOMER_PASSWORD')];
// Issue 14: the demo's technician (a contractor account linked to a staff member).
const TECHNICIAN = [env('JIKE_TECHNICIAN'), env('JIKE_TECHNICIAN_PASSWORD')];
const ARTIFACTS = env('JIKE_ARTIFACTS', path.resolve('artifacts'));
const CHROMIUM = process.env.JIKE_CHROMIUM || '/usr/bin/chromium';
fs.mkdirSync(ARTIFACTS, { recursive: true });

const T = 15000; // the longest wait for one element
let browser;
const data = {}; // discovered test data

/** A Date as the value of a datetime-local input, in Asia/Shanghai. */
function shanghaiInput(date) {
  return new Date(date.getTime() + 8 * 3600e3).toISOString().slice(0, 16);
}
function rfc3339(date) {
  return `${new Date(date.getTime() + 8 * 3600e3).toISOString().slice(0, 19)}+08:00`;
}

/** An API client logged in as `name` (for discovering data and setting up). */
async function apiAs([name, password]) {
  const ctx = await pwRequest.newContext({ baseURL: BASE });
  const res = await ctx.post('/api/v1/auth/login', { data: { name, password } });
  assert.equal(res.status(), 200, `API login as ${name}: ${await res.text()}`);
  const { csrf_token: csrf } = await res.json();
  const call = async (method, url, body) => {
    const r = await ctx.fetch(url, { method, data: body, headers: { 'X-CSRF-Token': csrf } });
    const text = await r.text();
    if (!r.ok()) throw new Error(`${method} ${url}: ${r.status()} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return { get: (u) => call('GET', u), post: (u, b) => call('POST', u, b), dispose: () => ctx.dispose() };
}

async function newPage(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(T);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`); });
  page.problems = problems;
  return page;
}

async function shot(page, name) {
  // The top of the page, without passing toasts.
  await page.evaluate(() => { window.scrollTo(0, 0); document.getElementById('toasts')?.remove(); });
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
}

async function login(page, [name, password]) {
  await page.goto(`${BASE}/console/#/login`);
  await page.getByTestId('login-page').waitFor();
  await page.getByTestId('login-name').fill(name);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('nav').waitFor();
}

async function logout(page) {
  await page.getByTestId('logout').click();
  await page.getByTestId('login-page').waitFor();
}

before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const admin = await apiAs(ADMIN);
  try {
    // The contractor user's company (A) and another contractor (B).
    const contractorUser = await admin.get(`/api/v1/users/${encodeURIComponent(CONTRACTOR[0])}`);
    const u = contractorUser.user || contractorUser;
    data.contractorA = u.contractor_code;
    assert.ok(data.contractorA, 'the contractor user names its contractor');
    const contractors = (await admin.get('/api/v1/contractors?limit=100')).items;
    data.contractorB = contractors.map((c) => c.code).find((c) => c !== data.contractorA);
    assert.ok(data.contractorB, 'a second contractor exists');
    // A gold customer with a circuit.
    const gold = (await admin.get('/api/v1/customers?grade=gold&limit=50')).items;
    for (const c of gold) {
      const circuits = (await admin.get(`/api/v1/circuits?customer=${encodeURIComponent(c.code)}&limit=5&sort=code`)).items;
      // The form ticks the customer's first circuit (by code) by default.
      if (circuits[0]) { data.customer = c; data.circuit = await admin.get(`/api/v1/circuits/${circuits[0].id}`); break; }
    }
    assert.ok(data.circuit, 'a gold customer with a circuit');
    // A circuit maintained by contractor B.
    data.circuitB = (await admin.get(`/api/v1/circuits?contractor=${encodeURIComponent(data.contractorB)}&limit=1`)).items[0];
    assert.ok(data.circuitB, `a circuit maintained by ${data.contractorB}`);
  } finally {
    await admin.dispose();
  }
  // Setup (allowed through the API): an order of contractor B, created by the dispatcher.
  const disp = await apiAs(DISPATCHER);
  try {
    data.orderB = await disp.post('/api/v1/orders', {
      kind: 'fault', title: `E2E 他方代维工单 ${Date.now()}`, circuit_codes: [data.circuitB.code], contractor_code: data.contractorB,
    });
    assert.equal(data.orderB.contractor_code, data.contractorB);
    // Background for the dashboard: open orders of other grades at various ages, so that its
    // screenshot shows ok, warning and breached clocks (setup, not part of what is checked).
    const ago = (minutes) => rfc3339(new Date(Date.now() - minutes * 60e3));
    const background = [['diamond', 40, ['dispatched', 'accepted']], ['silver', 400, ['dispatched']], ['bronze', 20, []], ['standard', 1500, ['dispatched', 'accepted', 'customer_contacted']]];
    for (const [grade, minutes, steps] of background) {
      const customer = (await disp.get(`/api/v1/customers?grade=${grade}&limit=1`)).items[0];
      if (!customer) continue;
      const o = await disp.post('/api/v1/orders', { kind: 'fault', title: `${customer.name}专线中断`, customer_code: customer.code, contractor_code: data.contractorA, occurred_at: ago(minutes) });
      let m = minutes;
      for (const type of steps) { m -= Math.min(5, Math.floor(m / 4)); await disp.post(`/api/v1/orders/${o.id}/events`, { type, at: ago(m) }); }
    }
  } finally {
    await disp.dispose();
  }
});

after(async () => { if (browser) await browser.close(); });

test('a dispatcher creates a gold fault order, watches its countdown and walks it to closed', async () => {
  const page = await newPage();
  await page.goto(`${BASE}/console/`);
  await page.getByTestId('login-page').waitFor();
  assert.match(await page.locator('html').getAttribute('lang'), /^zh/);
  await shot(page, 'login.png');
  await login(page, DISPATCHER);
  assert.equal(await page.getByTestId('nav-admin').count(), 0, 'no admin menu for a dispatcher');

  // Create the fault order through the form; Chinese validation first.
  await page.getByTestId('nav-orders').click();
  await page.getByTestId('new-order').click();
  await page.getByTestId('order-form').waitFor();
  await page.getByTestId('order-submit').click();
  await assert.doesNotReject(page.getByTestId('error-title').filter({ hasText: '此项为必填项' }).waitFor());
  const now = Date.now();
  const at = (minutesAgo) => shanghaiInput(new Date(now - minutesAgo * 60e3));
  const title = `E2E 金牌客户专线中断 ${now}`;
  await page.getByTestId('order-title-input').fill(title);
  await page.getByTestId('order-customer').fill(data.customer.code);
  await page.getByTestId('order-customer').press('Tab');
  await page.getByTestId(`circuit-option-${data.circuit.code}`).check();
  await page.getByTestId('order-occurred').fill(at(180));
  await page.getByTestId('order-alarm-id').fill(`ALM-${now}`);
  await page.getByTestId('order-alarm-text').fill('客户侧 ONU 光信号丢失（LOS）');
  await page.getByTestId('order-description').fill('客户来电反映专线中断，监控室拨测不通。');
  await page.getByTestId('order-submit').click();
  await page.getByTestId('order-detail').waitFor();
  const code = (await page.getByTestId('order-code').textContent()).trim();
  const id = page.url().split('/').pop();
  assert.match(code, /\S/);
  assert.equal(await page.getByTestId('order-state').getAttribute('data-state'), 'new');
  assert.ok((await page.getByTestId('card-info').textContent()).includes(data.customer.name));

  // The dashboard shows it with live, coloured countdowns.
  await page.getByTestId('nav-dashboard').click();
  const row = page.locator(`[data-testid="dashboard-order"][data-code="${code}"]`);
  await row.waitFor();
  const restore = row.locator('[data-clock="restore"]');
  await restore.waitFor();
  const status = await restore.getAttribute('data-status');
  assert.ok(['ok', 'warning', 'breached'].includes(status), `restore clock status ${status}`);
  assert.match(await restore.getAttribute('class'), new RegExp(`clock-${status}`));
  const before1 = await restore.textContent();
  await page.waitForFunction(([sel, text]) => document.querySelector(sel)?.textContent !== text,
    [`[data-testid="dashboard-order"][data-code="${code}"] [data-clock="restore"]`, before1], { timeout: 4000 });
  const color = await restore.evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(color, 'rgba(0, 0, 0, 0)', 'the countdown is coloured');
  await page.getByTestId('last-refresh').filter({ hasText: /\d/ }).waitFor();
  await shot(page, 'dashboard.png');

  // Walk it through every step to closed.
  await row.getByTestId('order-link').click();
  await page.getByTestId('order-detail').waitFor();
  const steps = [
    ['dispatched', 175, 'dispatched'],
    ['accepted', 170, 'accepted'],
    ['customer_contacted', 165, 'in_progress'],
    ['en_route', 160, 'in_progress'],
    ['on_site', 150, 'in_progress'],
    ['suspended', 140, 'suspended'],
    ['resumed', 130, 'in_progress'],
    ['restored', 120, 'restored'],
    ['observing', 110, 'observing'],
    ['confirmed', null, 'confirmed'],
    ['replied', null, 'replied'],
    ['closed', null, 'closed'],
  ];
  let events = await page.getByTestId('timeline-event').count();
  for (const [type, minutesAgo, state] of steps) {
    await page.getByTestId(`action-${type}`).click();
    const form = page.getByTestId(`event-form-${type}`);
    await form.waitFor();
    if (minutesAgo !== null) await form.getByTestId('event-at').fill(at(minutesAgo));
    await form.getByTestId('event-note').fill(`E2E：${type}`);
    // The dispatcher names who maintains it (R-MD: an order dispatched to no contractor is
    // refused when nothing derived one).
    if (type === 'dispatched') {
      await form.getByTestId('event-contractor').selectOption(data.contractorA);
      // Issue 14: 派单 to a person: the select offers the chosen contractor's staff.
      const people = form.getByTestId('event-assignee').locator('option');
      await people.nth(1).waitFor({ state: 'attached' });
      const staff = await people.nth(1).getAttribute('value');
      assert.ok(staff, 'a person of the contractor is offered');
      await form.getByTestId('event-assignee').selectOption(staff);
      data.dispatchedTo = staff;
    }
    if (type === 'on_site') {
      await form.getByTestId('onsite-arrival_time').fill(at(150));
      await form.getByTestId('onsite-site_lead').fill('服务支撑室 李工');
      await form.getByTestId('onsite-people_present').fill('李工，代维 王工');
      await form.getByTestId('onsite-process').fill('检查客户侧 ONU，光功率 -32 dBm，更换尾纤。');
      await form.getByTestId('onsite-customer_questions').fill('问：何时恢复？答：预计 30 分钟内。');
      await form.getByTestId('onsite-cause_confirmed').fill('客户机房尾纤弯折（经服务支撑室经理确认）');
      await form.getByTestId('onsite-signed_by').fill('客户 张先生');
    }
    if (type === 'suspended') {
      // Without a reason nor an approver: refused in Chinese, nothing sent.
      await form.getByTestId('event-submit').click();
      await form.getByTestId('error-reason').filter({ hasText: '此项为必填项' }).waitFor();
      await form.getByTestId('error-approved_by').filter({ hasText: '此项为必填项' }).waitFor();
      assert.match(await form.getByTestId('form-error').textContent(), /输入有误/);
      assert.equal(await page.getByTestId('timeline-event').count(), events);
      await form.getByTestId('event-reason').fill('客户机房门禁未开，无法进入');
      await form.getByTestId('event-approved-by').fill('服务支撑室 陈经理');
    }
    if (type === 'confirmed') {
      // R-F10: only 30 minutes after restoration is refused by the server, in Chinese.
      await form.getByTestId('event-at').fill(at(90));
      await form.getByTestId('event-submit').click();
      await form.getByTestId('form-error').filter({ hasText: '至少需要观察' }).waitFor();
      await form.getByTestId('event-at').fill('');
    }
    await form.getByTestId('event-submit').click();
    await page.locator(`[data-testid="order-state"][data-state="${state}"]`).waitFor();
    await page.locator('[data-testid="timeline-event"]').nth(events).waitFor();
    const now2 = await page.getByTestId('timeline-event').count();
    assert.equal(now2, events + 1, `${type} adds one event`);
    events = now2;
    if (type === 'on_site') await page.getByTestId('onsite-record').filter({ hasText: '服务支撑室 李工' }).waitFor();
  }
  const types = await page.getByTestId('timeline-event').evaluateAll((els) => els.map((e) => e.dataset.type));
  assert.deepEqual(types, ['occurred', ...steps.map(([type]) => type)]);
  // The person it was dispatched to, on the timeline and in the order's details.
  await page.getByTestId('tl-assignee').filter({ hasText: `派单给：` }).filter({ hasText: data.dispatchedTo }).waitFor();
  await page.getByTestId('order-assignee').filter({ hasText: data.dispatchedTo }).waitFor();
  const timelineText = await page.getByTestId('timeline').textContent();
  for (const word of ['故障发生', '派单', '受理', '联系客户', '出发', '到达现场', '挂起', '解挂', '业务恢复', '开始观察', '客户确认', '回单', '归档', '客户机房门禁未开']) {
    assert.ok(timelineText.includes(word), `the timeline shows ${word}`);
  }
  assert.equal(await page.getByTestId('action-reopened').count(), 1, 'a closed order may be reopened');
  await shot(page, 'order-detail.png');

  // The orders list (closed ones included), the circuit and the customer pages.
  await page.goto(`${BASE}/console/#/orders?open=&sort=-created_at`);
  await page.locator(`[data-testid="order-row"][data-code="${code}"]`).waitFor();
  await shot(page, 'orders.png');
  await page.goto(`${BASE}/console/#/orders?open=true&grade=gold&kind=fault`);
  await page.getByTestId('orders-table').or(page.getByTestId('orders-empty')).waitFor();
  assert.equal(await page.getByTestId('filter-grade').inputValue(), 'gold', 'filters live in the URL');
  assert.equal(await page.locator(`[data-testid="order-row"][data-code="${code}"]`).count(), 0, 'a closed order is not open');

  await page.goto(`${BASE}/console/#/circuits/${encodeURIComponent(data.circuit.code)}`);
  await page.getByTestId('circuit-page').waitFor();
  // Seed 6.4.1: the circuit says whether it passed final acceptance (in Chinese by default).
  assert.equal(await page.getByTestId('circuit-acceptance').textContent(),
    data.circuit.acceptance === 'not_final_accepted' ? '未终验' : '已终验', 'the circuit shows its acceptance');
  if (data.circuit.path && data.circuit.path.length) {
    await page.getByTestId('path-hop').first().waitFor();
    assert.equal(await page.getByTestId('path-hop').count(), data.circuit.path.length);
  }
  await page.locator('[data-testid="circuit-orders"] [data-testid="order-row"]').first().waitFor();
  await shot(page, 'circuit.png');
  // At 1,366 px the path stays on one row (the Z end never under the A end) and the orders
  // table is not clipped: what does not fit scrolls inside its card.
  await page.setViewportSize({ width: 1366, height: 768 });
  const layout = await page.evaluate(() => {
    const lefts = [...document.querySelectorAll('[data-testid="circuit-path"] > li')].map((li) => li.getBoundingClientRect().left);
    const table = document.querySelector('[data-testid="circuit-orders"] table') || document.querySelector('[data-testid="circuit-orders"]');
    const body = table.closest('.card-body');
    const clipped = table.scrollWidth > body.clientWidth && getComputedStyle(body).overflowX !== 'auto';
    // One row: each step lies right of the one before (a wrapped row starts at the left again).
    const rows = 1 + lefts.filter((x, i) => i > 0 && x <= lefts[i - 1]).length;
    return { rows, clipped };
  });
  assert.equal(layout.rows, 1, 'the path is one row');
  assert.equal(layout.clipped, false, 'the orders table is not clipped');
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.goto(`${BASE}/console/#/customers/${encodeURIComponent(data.customer.code)}`);
  await page.getByTestId('customer-page').waitFor();
  await page.locator(`[data-testid="customer-orders"] [data-code="${code}"]`).waitFor();
  await page.getByTestId('grade-history').or(page.getByTestId('card-grade-history').getByTestId('empty')).waitFor();
  await shot(page, 'customer.png');

  assert.deepEqual(page.problems, []);
  await logout(page);
  await page.context().close();
  data.code = code;
  data.id = id;
});

test('an administrator sees the import report before writing, and the users', async () => {
  const page = await newPage();
  await login(page, ADMIN);
  await page.getByTestId('nav-import').click();
  await page.getByTestId('import-page').waitFor();
  const stamp = Date.now();
  const header = '站点编码,站点名称,站点类型,地址,区域,经度,纬度\n';
  const good = `E2E-SITE-${stamp},端到端测试站点,基站,港州市临江区滨江路 1 号,GZ-LJ,113.3,23.1\n`;
  const bad = `E2E-BAD-${stamp},,火星站,,NOPE,abc,\n`;
  await page.getByTestId('import-kind').selectOption('sites');
  await page.getByTestId('import-file').setInputFiles({ name: 'sites.csv', mimeType: 'text/csv', buffer: Buffer.from(header + good + bad) });
  await page.getByTestId('import-check').click();
  await page.getByTestId('import-errors').waitFor();
  assert.ok(await page.getByTestId('import-error-row').count() >= 1);
  assert.match(await page.getByTestId('import-errors').textContent(), /未写入任何数据/);
  // Each row's reasons in Chinese, like the rest of the console.
  const reasons = await page.getByTestId('import-errors').textContent();
  for (const zh of ['不能为空', '未知的站点类型「火星站」', '「abc」不是数字']) assert.ok(reasons.includes(zh), `${zh} in ${reasons}`);
  await page.getByTestId('import-file').setInputFiles({ name: 'sites.csv', mimeType: 'text/csv', buffer: Buffer.from(header + good) });
  await page.getByTestId('import-check').click();
  await page.getByTestId('import-report').waitFor();
  assert.match(await page.getByTestId('import-report').textContent(), /新增 1 行/);
  await shot(page, 'import.png');
  await page.getByTestId('import-confirm').click();
  await page.getByTestId('import-done').waitFor();

  await page.getByTestId('nav-admin').click();
  await page.getByTestId('users-table').waitFor();
  const names = await page.locator('[data-testid="user-row"] td:first-child').allTextContents();
  assert.ok(names.map((n) => n.trim()).includes(DISPATCHER[0]), 'the dispatcher is listed');
  await shot(page, 'admin-users.png');
  await page.getByTestId('admin-tab-policies').click();
  await page.getByTestId('policies-table').waitFor();
  await page.getByTestId('admin-tab-calendars').click();
  await page.getByTestId('calendars-table').waitFor();
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

// A Huawei VRP configuration with three findings: the default SNMP community (line 5, error),
// an interface in use without a description (line 7, warning) and a test description left
// behind (line 12, warning), as `jike lint-config --format json` reports them.
const VRP_CONFIG = [
  '#',
  'sysname E2E-ACCESS-01',
  '#',
  'snmp-agent',
  'snmp-agent community read public',
  '#',
  'interface GigabitEthernet0/0/1',
  ' port link-type access',
  ' port default vlan 100',
  '#',
  'interface GigabitEthernet0/0/2',
  ' description 客户专线-测试',
  ' port link-type access',
  ' port default vlan 200',
  '#',
  'return',
  '',
].join('\n');
const VRP_FINDINGS = [
  ['SEC-snmp-default-community', '5', 'error'],
  ['CF5-missing-description', '7', 'warning'],
  ['CF3-test-leftover', '12', 'warning'],
];

test("an administrator uploads an element's configuration and follows its findings", async () => {
  const admin = await apiAs(ADMIN);
  let element;
  let before1;
  let replaced = [];
  try {
    element = (await admin.get('/api/v1/elements?limit=1&sort=code')).items[0];
    assert.ok(element, 'the demo has elements');
    before1 = await admin.get('/api/v1/config-findings/rules');
    // The counts are of each element's newest check: an earlier one of this element drops out.
    replaced = await admin.get(`/api/v1/elements/${element.id}/config`).then((c) => c.findings, () => []);
  } finally {
    await admin.dispose();
  }
  const expected = (rule) => before1.rules.find((r) => r.rule === rule).findings - replaced.filter((f) => f.rule === rule).length + 1;

  const page = await newPage();
  await login(page, ADMIN);
  await page.goto(`${BASE}/console/#/elements/${encodeURIComponent(element.code)}`);
  await page.getByTestId('element-page').waitFor();
  const section = page.getByTestId('card-config');
  await section.getByTestId('config-none').or(section.getByTestId('config-check')).waitFor();

  // Nothing chosen: refused in the browser; an empty file: the server's 422 next to the input.
  await section.getByTestId('config-submit').click();
  await section.getByTestId('error-file').filter({ hasText: '请选择文件' }).waitFor();
  await section.getByTestId('config-file').setInputFiles({ name: 'empty.cfg', mimeType: 'text/plain', buffer: Buffer.from('  \n') });
  await section.getByTestId('config-submit').click();
  await section.getByTestId('error-file').filter({ hasText: '配置内容为空' }).waitFor();

  // The real upload: the findings with their rules, lines and severities.
  await section.getByTestId('config-file').setInputFiles({ name: 'E2E-ACCESS-01.cfg', mimeType: 'text/plain', buffer: Buffer.from(VRP_CONFIG) });
  await section.getByTestId('config-vendor-select').selectOption('huawei');
  await section.getByTestId('config-role-select').selectOption('access');
  await section.getByTestId('config-submit').click();
  await page.getByTestId('toast').filter({ hasText: '错误 1 项，警告 2 项，提示 0 项' }).waitFor();
  await section.getByTestId('config-findings').waitFor();
  const rows = await section.getByTestId('config-finding').evaluateAll((els) => els.map((e) => [e.dataset.rule, e.dataset.line, e.dataset.severity]));
  assert.deepEqual(rows, VRP_FINDINGS);
  const lines = await section.getByTestId('finding-line').allTextContents();
  assert.deepEqual(lines, ['5', '7', '12']);
  const first = section.getByTestId('config-finding').first();
  assert.equal((await first.getByTestId('severity').textContent()).trim(), '错误');
  assert.notEqual(await first.getByTestId('severity').evaluate((el) => getComputedStyle(el).backgroundColor),
    await section.getByTestId('config-finding').nth(1).getByTestId('severity').evaluate((el) => getComputedStyle(el).backgroundColor),
    'errors and warnings have different colours');
  assert.equal((await section.getByTestId('config-count-error').textContent()).trim().slice(0, 1), '1');
  assert.equal((await section.getByTestId('config-count-warning').textContent()).trim().slice(0, 1), '2');
  assert.equal((await section.getByTestId('config-vendor').textContent()).trim(), '华为');
  assert.equal((await section.getByTestId('config-role').textContent()).trim(), '接入');
  assert.equal((await section.getByTestId('config-uploaded-by').textContent()).trim(), ADMIN[0]);
  // The earlier uploads, folded away, with this one on top.
  await section.getByTestId('config-history-toggle').click();
  await section.getByTestId('config-history-row').first().waitFor();
  assert.match(await section.getByTestId('config-history-row').first().textContent(), /E2E-ACCESS-01\.cfg/);
  await shot(page, 'element-config.png');

  // The text opens in a new tab as the device printed it.
  const [tab] = await Promise.all([page.context().waitForEvent('page'), section.getByTestId('config-text-link').click()]);
  await tab.waitForLoadState();
  assert.ok((await tab.locator('body').textContent()).includes('snmp-agent community read public'), 'the text tab shows the configuration');
  await tab.close();

  // The page of rules: the counts went up by what this upload found; a rule filters the list.
  await page.getByTestId('nav-configs').click();
  await page.getByTestId('cfg-rules').waitFor();
  assert.ok(Number(await page.getByTestId('cfg-elements-checked').textContent()) >= 1);
  assert.ok(Number(await page.getByTestId('cfg-elements-with-errors').textContent()) >= 1);
  for (const [rule] of VRP_FINDINGS) {
    const row = page.locator(`[data-testid="cfg-rule"][data-rule="${rule}"]`);
    assert.equal(Number(await row.getByTestId('rule-findings').textContent()), expected(rule), `${rule} counts the new finding`);
  }
  // Rationales read in Chinese in the Chinese console.
  assert.match(await page.locator('[data-testid="cfg-rule"][data-rule="CF5-missing-description"]').textContent(), /每个在用的接口都要有描述/);
  await page.locator('[data-testid="cfg-rule"][data-rule="CF5-missing-description"]').getByTestId('rule-link').click();
  await page.waitForURL(/#\/configs\?rule=CF5-missing-description/);
  await page.locator('[data-testid="cfg-rule"][data-rule="CF5-missing-description"].row-selected').waitFor();
  assert.equal(await page.getByTestId('cfg-filter-rule').inputValue(), 'CF5-missing-description');
  const finding = page.locator(`[data-testid="cfg-finding"][data-element="${element.code}"]`);
  await finding.first().waitFor();
  const listed = await page.getByTestId('cfg-finding').evaluateAll((els) => els.map((e) => e.dataset.rule));
  assert.ok(listed.every((r) => r === 'CF5-missing-description'), 'only the chosen rule is listed');
  assert.equal(await finding.first().getAttribute('data-line'), '7');
  // The element filter narrows it to this element.
  await page.getByTestId('cfg-filter-element').fill(element.code);
  await page.getByTestId('cfg-search').click();
  await page.waitForURL(new RegExp(`element=${encodeURIComponent(element.code)}`));
  await page.getByTestId('cfg-findings').waitFor();
  const elements = await page.getByTestId('cfg-finding').evaluateAll((els) => els.map((e) => e.dataset.element));
  assert.deepEqual(elements, [element.code]);
  await shot(page, 'configs.png');
  await finding.first().getByTestId('finding-element').click();
  await page.getByTestId('element-page').waitFor();
  assert.ok(page.url().endsWith(`#/elements/${encodeURIComponent(element.code)}`));
  await page.getByTestId('card-config').getByTestId('config-findings').waitFor();
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("an administrator edits a contractor's contract regions", async () => {
  const page = await newPage();
  await login(page, ADMIN);
  await page.goto(`${BASE}/console/#/inventory?kind=contractors`);
  await page.locator(`[data-testid="row-link"]`, { hasText: data.contractorA }).click();
  await page.getByTestId('contractor-page').waitFor();
  const form = page.getByTestId('contractor-regions-form');
  await form.waitFor();
  // Add a region the contract does not cover yet, save, and find it covered after a reload.
  const unchecked = form.locator('input[type=checkbox]:not(:checked)').first();
  const added = await unchecked.getAttribute('value');
  await unchecked.check();
  await page.getByTestId('regions-save').click();
  await page.getByTestId('toast').filter({ hasText: '已保存' }).waitFor();
  await page.reload();
  await page.getByTestId('contractor-regions-form').waitFor();
  assert.ok(await page.getByTestId(`region-option-${added}`).isChecked(), `${added} is covered`);
  // None at all is refused before sending.
  const admin = await apiAs(ADMIN);
  const before = await admin.get(`/api/v1/contractors/${encodeURIComponent(data.contractorA)}`);
  const covered = await page.locator('[data-testid="contractor-regions"] input:checked').evaluateAll((els) => els.map((e) => e.value));
  for (const code of covered) await page.getByTestId(`region-option-${code}`).uncheck();
  await page.getByTestId('regions-save').click();
  assert.match(await page.getByTestId('contractor-regions-form').getByTestId('form-error').textContent(), /至少选择一个区域/);
  const after = await admin.get(`/api/v1/contractors/${encodeURIComponent(data.contractorA)}`);
  assert.deepEqual(after.region_codes, before.region_codes, 'nothing was written');
  // Back as it was.
  await page.reload();
  await page.getByTestId(`region-option-${added}`).uncheck();
  await page.getByTestId('regions-save').click();
  for (let i = 0; ; i += 1) {
    const now = await admin.get(`/api/v1/contractors/${encodeURIComponent(data.contractorA)}`);
    if (!now.region_codes.includes(added)) break;
    assert.ok(i < 50, 'the region was taken off again');
    await page.waitForTimeout(100);
  }
  await admin.dispose();
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("a contractor does not see another contractor's order", async () => {
  const page = await newPage();
  await login(page, CONTRACTOR);
  // Its account is the company's, linked to no technician: no 我的工单.
  assert.equal(await page.getByTestId('nav-mine').count(), 0);
  assert.equal(await page.getByTestId('nav-admin').count(), 0);
  assert.equal(await page.getByTestId('nav-import').count(), 0);
  await page.goto(`${BASE}/console/#/orders?open=&q=${encodeURIComponent(data.orderB.code)}`);
  await page.getByTestId('orders-empty').waitFor();
  await page.goto(`${BASE}/console/#/orders?open=`);
  await page.getByTestId('orders-table').or(page.getByTestId('orders-empty')).waitFor();
  assert.equal(await page.locator(`[data-testid="order-row"][data-code="${data.orderB.code}"]`).count(), 0);
  const seen = await page.locator('[data-testid="order-row"]').evaluateAll((rows) => rows.map((r) => r.textContent));
  for (const text of seen) assert.ok(!text.includes(data.orderB.code));
  await page.goto(`${BASE}/console/#/orders/${data.orderB.id}`);
  await page.getByTestId('not-found').waitFor();
  assert.match(await page.getByTestId('not-found').textContent(), /未找到或无权查看/);
  await page.goto(`${BASE}/console/#/dashboard`);
  await page.getByTestId('dashboard').waitFor();
  await page.getByTestId('last-refresh').filter({ hasText: /\d/ }).waitFor();
  assert.equal(await page.locator(`[data-testid="dashboard-order"][data-code="${data.orderB.code}"]`).count(), 0);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a technician sees its own orders (我的工单) and may hand them on to a colleague', async () => {
  const page = await newPage();
  await login(page, TECHNICIAN);
  await page.getByTestId('nav-mine').click();
  await page.getByTestId('orders-title').filter({ hasText: '我的工单' }).waitFor();
  await page.getByTestId('mine-chip').waitFor();
  assert.equal(await page.locator('[data-testid="nav-mine"].active').count(), 1, 'the entry is the active one');
  await page.getByTestId('orders-table').waitFor();
  const me = await page.getByTestId('current-user').textContent();
  const names = await page.getByTestId('order-assignee').allTextContents();
  assert.ok(names.length > 0, 'the demo assigned orders to the technician');
  for (const n of names) assert.equal(n, me, 'every order of mine is assigned to me');
  const rows = await page.getByTestId('order-row').count();
  assert.equal(names.length, rows);
  await shot(page, 'my-orders.png');
  // An order of mine shows me as its assignee and the dispatch to me on its timeline.
  await page.getByTestId('order-link').first().click();
  await page.getByTestId('order-detail').waitFor();
  await page.getByTestId('order-assignee').filter({ hasText: me }).waitFor();
  await page.getByTestId('tl-assignee').filter({ hasText: '派单给' }).first().waitFor();
  // 指派 offers the people of my company, by name with their 工号.
  // (The newest order of the demo's technician is in progress, so it may be handed on.)
  const assign = page.getByTestId('action-assigned');
  {
    await assign.click();
    const form = page.getByTestId('event-form-assigned');
    await form.waitFor();
    const options = await form.getByTestId('event-assignee').locator('option').allTextContents();
    assert.ok(options.length > 2, `colleagues are offered: ${options}`);
    assert.ok(options.some((o) => o.startsWith(me)), 'I am among them');
    // Nobody chosen: refused in Chinese before anything is sent.
    await form.getByTestId('event-submit').click();
    await form.getByTestId('error-assignee_code').filter({ hasText: '此项为必填项' }).waitFor();
    await form.getByTestId('event-cancel').click();
  }
  // In English too.
  await page.getByTestId('lang-switch').click();
  await page.getByTestId('nav-mine').filter({ hasText: 'My orders' }).waitFor();
  await page.getByTestId('lang-switch').click();
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a technician sees its own dashboard first, is offered only what it may do, and hands its own order back', async () => {
  // Two orders of the technician's company, dispatched to it and to a colleague (set up by API).
  const admin = await apiAs(ADMIN);
  const tech = await admin.get(`/api/v1/users/${encodeURIComponent(TECHNICIAN[0])}`);
  const people = await admin.get(`/api/v1/staff?contractor=${encodeURIComponent(tech.contractor_code)}&sort=-code&limit=5`);
  const colleague = people.items.map((p) => p.code).find((c) => c !== tech.staff_code);
  assert.ok(colleague, 'the technician has a colleague');
  const make = async (title, assignee) => {
    const o = await admin.post('/api/v1/orders', { kind: 'fault', title, grade: 'gold', contractor_code: tech.contractor_code });
    await admin.post(`/api/v1/orders/${o.id}/events`, { type: 'dispatched', assignee_code: assignee });
    return o;
  };
  const theirs = await make('e2e 同事的工单', colleague);
  const mine = await make('e2e 我的工单（退回）', tech.staff_code);
  await admin.dispose();

  const page = await newPage();
  await login(page, TECHNICIAN);
  // The dashboard opens on my own orders; my company's are one click away.
  await page.goto(`${BASE}/console/#/dashboard`);
  await page.locator('[data-testid="dashboard"][data-mine="true"]').waitFor();
  await page.getByTestId('dash-mine-hint').filter({ hasText: tech.staff_code }).waitFor();
  assert.equal(await page.locator('[data-testid="dash-scope-mine"].active').count(), 1);
  await page.locator(`[data-testid="dashboard-order"][data-code="${mine.code}"]`).waitFor();
  assert.equal(await page.locator(`[data-testid="dashboard-order"][data-code="${theirs.code}"]`).count(), 0, "a colleague's order is not among mine");
  await shot(page, 'dashboard-mine.png');
  await page.getByTestId('dash-scope-company').click();
  await page.locator('[data-testid="dashboard"][data-mine="false"]').waitFor();
  await page.locator(`[data-testid="dashboard-order"][data-code="${theirs.code}"]`).waitFor();
  assert.equal(await page.locator('[data-testid="dash-scope-company"].active').count(), 1);

  // A colleague's order: no 指派 and no 退回 (the server would answer 403), the rest as before.
  await page.goto(`${BASE}/console/#/orders/${theirs.id}`);
  await page.getByTestId('order-detail').waitFor();
  await page.getByTestId('action-accepted').waitFor();
  assert.equal(await page.getByTestId('action-assigned').count(), 0);
  assert.equal(await page.getByTestId('action-hand-back').count(), 0);

  // My own: 指派 and 退回; handing it back leaves nobody assigned, and the timeline says so.
  await page.goto(`${BASE}/console/#/orders/${mine.id}`);
  await page.getByTestId('order-assignee').waitFor();
  await page.getByTestId('action-assigned').waitFor();
  await page.getByTestId('action-hand-back').click();
  const form = page.getByTestId('event-form-hand-back');
  await form.getByTestId('hand-back-hint').filter({ hasText: tech.staff_code }).waitFor();
  assert.equal(await form.getByTestId('event-assignee').count(), 0, 'handing back names nobody');
  await form.getByTestId('event-note').fill('不在我的片区');
  await form.getByTestId('event-submit').click();
  await page.getByTestId('tl-handed-back').waitFor();
  assert.equal(await page.getByTestId('order-assignee').count(), 0);
  // Unassigned now: I may take it (指派), and there is nothing to hand back.
  await page.getByTestId('action-assigned').waitFor();
  assert.equal(await page.getByTestId('action-hand-back').count(), 0);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a customer raises a complaint on its own line and sees its own view of it', async () => {
  const page = await newPage();
  await login(page, CUSTOMER);
  await page.goto(`${BASE}/console/#/orders/new`);
  await page.getByTestId('order-form').waitFor();
  // Only a fault or a complaint, and nothing the monitoring room decides.
  const kinds = await page.getByTestId('order-kind').locator('option').evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(kinds, ['fault', 'complaint']);
  for (const id of ['order-grade', 'order-failed-hop', 'order-alarm-id', 'order-elements', 'order-site']) {
    assert.equal(await page.getByTestId(id).count(), 0, id);
  }
  // Its own record and lines are offered at once; the first line is ticked.
  await page.locator('[data-testid^="circuit-option-"]:checked').first().waitFor({ timeout: T });
  await page.getByTestId('order-kind').selectOption('complaint');
  await page.getByTestId('order-title-input').fill('专线网速慢，晚高峰丢包');
  await page.getByTestId('order-submit').click();
  await page.getByTestId('order-detail').waitFor({ timeout: T });
  const code = (await page.getByTestId('order-code').textContent()).trim();
  assert.match(code, /\S/);
  // Times read 24-hour YYYY-MM-DD HH:mm:ss whatever the browser's locale.
  const times = await page.locator('.tl-time').allTextContents();
  assert.ok(times.length > 0);
  for (const text of times) assert.match(text, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the dashboard works on a phone-sized screen', async () => {
  const page = await newPage({ width: 390, height: 844 });
  await login(page, DISPATCHER);
  await page.getByTestId('dashboard').waitFor();
  await page.getByTestId('last-refresh').filter({ hasText: /\d/ }).waitFor();
  await page.getByTestId('nav-orders').waitFor({ state: 'visible' });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no horizontal scrolling of the page (${overflow}px)`);
  await shot(page, 'dashboard-phone.png');
  await page.goto(`${BASE}/console/#/orders/${data.orderB.id}`);
  await page.getByTestId('order-detail').waitFor();
  const overflow2 = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow2 <= 1, `the order page fits the phone (${overflow2}px)`);
  await shot(page, 'order-phone.png');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
