// What every console page needs to talk to the console and build DOM: the page's session token
// and API calls (writes carry the CSRF token), and an element builder. Both pages load it, so the
// host's signing dialog (signing-dialog.js) runs the same way over the launcher and an app screen.
// Strings become text nodes, never markup.

let csrf = '';

/** Sets the session's CSRF token once the page has its session. */
export function setCsrf(token) {
  csrf = token;
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

/** GET `path`, or POST `body` as JSON with the CSRF token; a refusal throws with its code and message. */
export async function api(path, body) {
  const init =
    body === undefined
      ? {}
      : {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-peeros-csrf': csrf },
          body: JSON.stringify(body),
        };
  const r = await fetch(path, { credentials: 'same-origin', ...init });
  const data = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(data.error ? `${data.error.code}: ${data.error.message}` : `HTTP ${r.status}`);
  return data;
}
