// What every console page needs to talk to the console and build DOM: the page's session token
// and API calls (every one carries the token), and an element builder. Both pages load it, so the
// host's signing dialog (signing-dialog.js) runs the same way over the launcher and an app screen.
// Strings become text nodes, never markup.

/**
 * Where the session token is kept: localStorage is per origin, port included, so a page of another
 * localhost port cannot read it (it does receive the session cookie: cookies ignore the port).
 */
const TOKEN_KEY = 'peeros-console-token';
let token = '';

/** Keeps the token the launch exchange answered (the only time the console gives it out). */
export function saveToken(t) {
  token = t;
  localStorage.setItem(TOKEN_KEY, t);
}

/** The token an earlier exchange kept (a reload, an app screen), or a NO_SESSION refusal. */
export function loadToken() {
  token = localStorage.getItem(TOKEN_KEY) ?? '';
  if (!token) throw new Error('NO_SESSION: this browser holds no console session');
}

/** Builds an element; string children become text nodes, never markup. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

/** GET `path`, or POST `body` as JSON; both with the session token. A refusal throws with its code and message. */
export async function api(path, body) {
  const headers = { 'x-peeros-csrf': token };
  const init =
    body === undefined
      ? { headers }
      : { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const r = await fetch(path, { credentials: 'same-origin', ...init });
  const data = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(data.error ? `${data.error.code}: ${data.error.message}` : `HTTP ${r.status}`);
  return data;
}
