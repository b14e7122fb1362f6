// One small fetch wrapper: JSON in and out, the CSRF header on writes, problem documents
// turned into ApiError (status, title, detail, field errors, row errors).

const BASE = '/api/v1';

export class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
    this.errors = (body && body.errors) || [];
    this.rows = (body && body.rows) || [];
  }
}

let onUnauthorized = () => {};
export function setUnauthorizedHandler(f) { onUnauthorized = f; }

function csrf() {
  const m = document.cookie.match(/(?:^|;\s*)jike_csrf=([^;]*)/);
  return m ? decodeURIComponent(m[1]) : '';
}

/** A query string from an object, leaving out empty values. */
export function qs(params) {
  const p = new URLSearchParams();
  for (const [k, val] of Object.entries(params || {})) {
    if (val === undefined || val === null || val === '' || val === false) continue;
    p.set(k, String(val));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

/**
 * request('GET', '/orders', {query, body, raw, headers, quiet401}).
 * `body` is sent as JSON; `raw` as is (a File, FormData or text).
 */
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  let body;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(opts.body); }
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrf();
  let res;
  try {
    res = await fetch(BASE + path + qs(opts.query), { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, { title: 'network', detail: '' });
  }
  const type = res.headers.get('Content-Type') || '';
  let data = null;
  if (res.status !== 204) {
    if (type.includes('json')) { try { data = await res.json(); } catch { data = null; } } else { data = await res.text(); }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, typeof data === 'object' ? data : { detail: data });
    if (res.status === 401 && !opts.quiet401) onUnauthorized(err);
    throw err;
  }
  return data;
}

export const api = {
  get: (path, query, opts) => request('GET', path, { ...opts, query }),
  post: (path, body, opts) => request('POST', path, { ...opts, body }),
  patch: (path, body, opts) => request('PATCH', path, { ...opts, body }),
  put: (path, body, opts) => request('PUT', path, { ...opts, body }),
};

/** One inventory row by its id or its code (`GET /{kind}/{key}`); a row nobody sees is a 404. */
export async function getRow(kind, key) {
  return request('GET', `/${kind}/${encodeURIComponent(String(key))}`);
}
