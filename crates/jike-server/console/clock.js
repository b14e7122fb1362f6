// SLA clocks as live countdowns. A report's clocks (README "The evaluator contract") are turned
// into elements carrying their deadline; one ticker per second recomputes every visible one,
// against the server's clock (the skew is measured when the report arrives).

import { t, v, fmtCountdown, fmtTime, fmtSecs } from './i18n.js';
import { h } from './dom.js';

let skew = 0; // server time − browser time, in ms

/** Call with the report's `at` (the server's now) right after a response arrives. */
export function syncServerTime(at) {
  const s = Date.parse(at);
  if (!Number.isNaN(s)) skew = s - Date.now();
}
export function serverNow() { return Date.now() + skew; }

/** The live status of a clock now: ok | warning | breached | met | paused | pending. */
export function clockStatus(c, now = serverNow()) {
  if (!c) return { status: 'pending' };
  const deadline = c.deadline ? Date.parse(c.deadline) : null;
  const warn = c.warning_at ? Date.parse(c.warning_at) : null;
  switch (c.state) {
    case 'met': return { status: 'met', secs: null };
    case 'pending': return { status: 'pending', secs: null };
    case 'paused': {
      const rem = c.remaining_seconds ?? 0;
      return { status: 'paused', secs: rem, over: rem < 0 };
    }
    case 'breached':
      if (c.stopped_at) return { status: 'breached', secs: c.breached_by_seconds || 0, over: true, stopped: true };
      if (deadline !== null) return { status: 'breached', secs: Math.max(0, (now - deadline) / 1000), over: true };
      return { status: 'breached', secs: c.breached_by_seconds || 0, over: true, stopped: true };
    default: { // running
      if (deadline === null) return { status: 'ok', secs: c.remaining_seconds };
      const rem = (deadline - now) / 1000;
      if (rem < 0) return { status: 'breached', secs: -rem, over: true };
      if (warn !== null && now >= warn) return { status: 'warning', secs: rem };
      return { status: 'ok', secs: rem };
    }
  }
}

const RANK = { breached: 0, warning: 1, ok: 2, paused: 3, met: 4, pending: 5 };

/** The most urgent clock of a report (running and closest to its deadline first). */
export function mostUrgent(clocks) {
  let best = null;
  let bestKey = null;
  for (const c of clocks || []) {
    const s = clockStatus(c);
    if (s.status === 'met' || s.status === 'pending') continue;
    if (s.stopped) continue;
    const key = [RANK[s.status], s.over ? -s.secs : s.secs];
    if (!best || key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) { best = c; bestKey = key; }
  }
  return best;
}

/** The overall colour of an order: the worst of its clocks. */
export function worstStatus(clocks) {
  let worst = null;
  for (const c of clocks || []) {
    const s = clockStatus(c).status;
    if (s === 'met' || s === 'pending') continue;
    if (worst === null || RANK[s] < RANK[worst]) worst = s;
  }
  return worst || 'none';
}

function label(s) {
  switch (s.status) {
    case 'met': return t('clock_met');
    case 'pending': return t('clock_pending');
    case 'paused': return `${t('clock_paused')} · ${s.over ? t('clock_over', { d: fmtCountdown(s.secs) }) : t('clock_left', { d: fmtCountdown(s.secs) })}`;
    case 'breached': return t('clock_over', { d: fmtCountdown(s.secs) });
    default: return t('clock_left', { d: fmtCountdown(s.secs) });
  }
}

function paint(el, c) {
  const s = clockStatus(c);
  el.className = `clock clock-${s.status}`;
  el.dataset.status = s.status;
  const text = el.querySelector('.clock-time');
  const val = label(s);
  if (text.textContent !== val) text.textContent = val;
}

/** A compact live countdown chip: "受理 剩余 0:08:12". */
export function clockChip(c, opts = {}) {
  const el = h('span', { class: 'clock', testid: opts.testid || 'countdown', dataset: { clock: c.name },
    title: `${v('clock', c.name)} · ${t('clock_deadline')} ${fmtTime(c.deadline, 'dts')}` },
  opts.noName ? null : h('span', { class: 'clock-name' }, v('clock', c.name)),
  h('span', { class: 'clock-time' }));
  el._clock = c;
  paint(el, c);
  return el;
}

/** A live countdown to a plain instant (e.g. the next progress update due). */
export function instantChip(at, testid = 'due-countdown') {
  const c = { name: '', state: 'running', deadline: at, warning_at: null };
  const el = clockChip(c, { noName: true, testid });
  return el;
}

/** Called every second: repaints every live clock on the page. */
export function tickClocks() {
  document.querySelectorAll('.clock').forEach((el) => { if (el._clock) paint(el, el._clock); });
}

/** A full clock table row content for the order page. */
export function clockDetails(c) {
  return {
    name: v('clock', c.name),
    limit: c.limit || (c.limit_seconds ? fmtSecs(c.limit_seconds) : '—'),
    started: fmtTime(c.started_at, 'dts'),
    deadline: fmtTime(c.deadline, 'dts'),
    stopped: c.stopped_at ? fmtTime(c.stopped_at, 'dts') : '—',
    paused: c.paused_seconds ? fmtSecs(c.paused_seconds) : '—',
  };
}
