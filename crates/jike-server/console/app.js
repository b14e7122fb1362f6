// 集客保障 web console: the shell (login, navigation, rendering the route). Routing helpers live in
// nav.js and the session in session.js, which pages import; nothing imports this module, so the
// modules import in one direction. Pages live in pages/*.js; each exports render(root, ctx) and may return a
// cleanup function (timers) that runs when the route changes.

import { t, setLang, getLang, v } from './i18n.js';
import { api, request, setUnauthorizedHandler } from './api.js';
import { h, mount, errorPanel, spinner, toast } from './dom.js';
import { tickClocks } from './clock.js';
import { route, NAVIGATE } from './nav.js';
import { session, can } from './session.js';

let cleanup = null;
let renderSeq = 0;

const NAV = [
  { key: 'dashboard', href: '#/dashboard', label: 'nav_dashboard', show: () => true },
  { key: 'orders', href: '#/orders', label: 'nav_orders', show: () => true },
  // Issue 14: a technician's account (linked to a staff member) has orders of its own.
  { key: 'mine', href: '#/orders?mine=true', label: 'nav_mine', show: () => !!session.me.user.staff_code },
  { key: 'inventory', href: '#/inventory', label: 'nav_inventory', show: () => true },
  { key: 'configs', href: '#/configs', label: 'nav_configs', show: () => can('config_read') },
  { key: 'import', href: '#/import', label: 'nav_import', show: () => can('import') },
  { key: 'admin', href: '#/admin/users', label: 'nav_admin', show: () => can('admin') },
];

function section(parts, params) {
  const p = parts[0] || 'dashboard';
  if (p === 'orders' && !parts[1] && params && params.get('mine') === 'true') return 'mine';
  if (['customers', 'circuits', 'elements', 'sites', 'contractors', 'inventory'].includes(p)) return 'inventory';
  return p;
}

function shell(active) {
  const u = session.me.user;
  const nav = h('nav', { class: 'nav', testid: 'nav', 'aria-label': 'main' },
    NAV.filter((n) => n.show()).map((n) => h('a', {
      href: n.href, class: ['nav-item', n.key === active && 'active'], testid: `nav-${n.key}`,
      'aria-current': n.key === active ? 'page' : null,
    }, t(n.label))));
  const who = h('div', { class: 'who' },
    h('span', { class: 'who-name', testid: 'current-user' }, u.display_name || u.name),
    h('span', { class: 'who-role', testid: 'current-role' }, v('role', u.role),
      u.contractor_code ? ` · ${u.contractor_code}` : '', u.room ? ` · ${v('room', u.room)}` : '',
      u.customer_code ? ` · ${u.customer_code}` : '', u.staff_name ? ` · ${u.staff_name}` : ''),
    h('button', { class: 'btn btn-ghost btn-sm', type: 'button', testid: 'lang-switch', onclick: () => { setLang(getLang() === 'en' ? 'zh' : 'en'); render(); } }, t('lang_switch')),
    h('button', { class: 'btn btn-ghost btn-sm', type: 'button', testid: 'logout', onclick: logout }, t('logout')));
  const header = h('header', { class: 'top' },
    h('a', { class: 'brand', href: '#/dashboard' }, h('span', { class: 'brand-mark' }, '集'), h('span', { class: 'brand-name' }, t('app_name'))),
    nav, who);
  const main = h('main', { class: 'main', id: 'main', testid: 'main' });
  mount(document.getElementById('app'), header, main);
  return main;
}

async function logout() {
  try { await request('POST', '/auth/logout', { quiet401: true }); } catch { /* already gone */ }
  session.me = null;
  location.hash = '#/login';
  render();
}

function loginPage(message) {
  document.title = `${t('login_title')} · ${t('app_name')}`;
  const name = h('input', { name: 'name', type: 'text', autocomplete: 'username', testid: 'login-name', required: true, autofocus: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', testid: 'login-password', required: true });
  const err = h('div', { class: 'form-error', testid: 'login-error', role: 'alert' }, message || '');
  const button = h('button', { class: 'btn btn-primary btn-block', type: 'submit', testid: 'login-submit' }, t('login_submit'));
  const form = h('form', { class: 'login-form', testid: 'login-form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    err.textContent = '';
    if (!name.value.trim() || !password.value) { err.textContent = t('v_required'); (name.value.trim() ? password : name).focus(); return; }
    button.disabled = true;
    try {
      const res = await api.post('/auth/login', { name: name.value.trim(), password: password.value }, { quiet401: true });
      session.me = { user: res.user, may_record: res.may_record || [] };
      const want = sessionStorage.getItem('jike.after_login');
      sessionStorage.removeItem('jike.after_login');
      location.hash = want && !want.startsWith('#/login') ? want : '#/dashboard';
      render();
    } catch (e2) {
      err.textContent = e2.status === 429 ? t('login_locked') : e2.status === 401 || e2.status === 422 ? t('login_failed') : e2.status === 0 ? t('err_network') : e2.message;
      button.disabled = false;
      password.select();
    }
  } },
  h('div', { class: 'form-row' }, h('label', { for: 'login-name' }, t('login_name')), Object.assign(name, { id: 'login-name' })),
  h('div', { class: 'form-row' }, h('label', { for: 'login-password' }, t('login_password')), Object.assign(password, { id: 'login-password' })),
  err, button);
  mount(document.getElementById('app'),
    h('div', { class: 'login-wrap', testid: 'login-page' },
      h('div', { class: 'login-box' },
        h('div', { class: 'login-brand' }, h('span', { class: 'brand-mark big' }, '集'),
          h('div', null, h('h1', null, t('app_name')), h('div', { class: 'login-sub' }, t('app_sub')))),
        form,
        h('div', { class: 'login-foot' },
          h('span', null, t('login_hint')),
          h('button', { class: 'btn btn-link', type: 'button', testid: 'lang-switch', onclick: () => { setLang(getLang() === 'en' ? 'zh' : 'en'); loginPage(); } }, t('lang_switch'))))));
  name.focus();
}

const PAGES = {
  dashboard: () => import('./pages/dashboard.js'),
  orders: () => import('./pages/orders.js'),
  order: () => import('./pages/order.js'),
  order_new: () => import('./pages/order_new.js'),
  inventory: () => import('./pages/inventory.js'),
  import: () => import('./pages/import.js'),
  configs: () => import('./pages/configs.js'),
  admin: () => import('./pages/admin.js'),
};

function pageOf(parts) {
  const [a, b] = parts;
  if (!a || a === 'dashboard') return ['dashboard', 'render'];
  if (a === 'orders' && !b) return ['orders', 'render'];
  if (a === 'orders' && b === 'new') return ['order_new', 'render'];
  if (a === 'orders') return ['order', 'render'];
  if (a === 'inventory' && !b) return ['inventory', 'render'];
  if (['customers', 'circuits', 'elements', 'sites', 'contractors'].includes(a) && b) return ['inventory', `render_${a}`];
  if (['customers', 'circuits', 'elements', 'sites', 'contractors'].includes(a)) return ['inventory', 'render'];
  if (a === 'import') return ['import', 'render'];
  if (a === 'configs') return ['configs', 'render'];
  if (a === 'admin') return ['admin', 'render'];
  return null;
}

export async function render() {
  const seq = ++renderSeq;
  if (cleanup) { try { cleanup(); } catch { /* ignore */ } cleanup = null; }
  const r = route();
  if (r.parts[0] === 'login') {
    if (session.me) { location.hash = '#/dashboard'; return; }
    loginPage();
    return;
  }
  if (!session.me) {
    try {
      const res = await api.get('/auth/me', null, { quiet401: true });
      session.me = { user: res.user, may_record: res.may_record || [] };
    } catch (e) {
      if (seq !== renderSeq) return;
      if (e.status === 401) { sessionStorage.setItem('jike.after_login', location.hash || '#/dashboard'); history.replaceState(null, '', '#/login'); loginPage(); return; }
      mount(document.getElementById('app'), errorPanel(e, render));
      return;
    }
    if (seq !== renderSeq) return;
  }
  const main = shell(section(r.parts, r.params));
  const target = pageOf(r.parts);
  if (!target) { mount(main, errorPanel({ status: 404, message: t('err_unknown_page') })); return; }
  mount(main, spinner());
  try {
    const mod = await PAGES[target[0]]();
    if (seq !== renderSeq) return;
    const fn = mod[target[1]];
    const ctx = { route: r, isCurrent: () => seq === renderSeq };
    const c = await fn(main, ctx);
    if (seq !== renderSeq) { if (typeof c === 'function') c(); return; }
    if (typeof c === 'function') cleanup = c;
  } catch (e) {
    if (seq !== renderSeq) return;
    if (e && e.status === 401) return;
    console.error(e);
    mount(main, errorPanel(e, render));
  }
}

setUnauthorizedHandler(() => {
  if (!session.me) return;
  session.me = null;
  sessionStorage.setItem('jike.after_login', location.hash);
  history.replaceState(null, '', '#/login');
  loginPage(t('session_expired'));
  toast(t('session_expired'), 'warn');
});

window.addEventListener('hashchange', render);
window.addEventListener(NAVIGATE, render);
setInterval(tickClocks, 1000);
render();
