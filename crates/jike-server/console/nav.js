// Routing by the URL fragment, shared by the shell and the pages: pages import it from here,
// never from app.js (which only wires pages together), so modules import in one direction.

/** The event the shell listens to when a route is replaced in place (filters). */
export const NAVIGATE = 'jike:navigate';

/** The current route: path segments and query parameters of the fragment. */
export function route() {
  const raw = location.hash.replace(/^#/, '') || '/dashboard';
  const [path, query = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, params: new URLSearchParams(query), raw };
}

/** Navigates to a fragment; `replace` keeps the history entry (filters). */
export function go(hash, replace = false) {
  if (replace) {
    history.replaceState(null, '', hash);
    // The shell (app.js) renders the route again: replaceState fires no hashchange.
    window.dispatchEvent(new Event(NAVIGATE));
  } else {
    location.hash = hash;
  }
}

/** The fragment with query parameters, leaving out empty ones. */
export function hashWith(path, params) {
  const p = new URLSearchParams();
  for (const [k, val] of Object.entries(params)) if (val !== '' && val !== null && val !== undefined && val !== false) p.set(k, val);
  const s = p.toString();
  return `#${path}${s ? `?${s}` : ''}`;
}
