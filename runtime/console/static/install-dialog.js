// The host's install dialog: an app asked to install a dAppStore release (store.request-install)
// and the host wrote its consent (who asked, the publisher, capabilities, what changes). Drawn over
// whatever console page is open — the launcher or an app's screen — in the host's chrome, never in
// an app's frame; every line is set as text. Only Install says yes; anything else (Don't install,
// a lock, nobody answering) installs nothing.

const POLL_MS = 500;

let ui;
let shown = '';

/** Starts polling for install requests; `tools` is the page's { api, el, say }. */
export function startInstallDialogs(tools) {
  ui = tools;
  const tick = async () => {
    try {
      render((await ui.api('/api/installs')).requests[0]);
    } catch {
      // locked or no session yet: nothing to show
    }
    setTimeout(tick, POLL_MS);
  };
  tick();
}

function overlay() {
  let o = document.getElementById('install-overlay');
  if (!o) {
    o = ui.el('div', { id: 'install-overlay', class: 'signing-overlay', hidden: true });
    document.body.append(o);
  }
  return o;
}

function render(r) {
  const o = overlay();
  if (!r) {
    o.hidden = true;
    o.replaceChildren();
    shown = '';
    return;
  }
  if (shown === r.id) return;
  shown = r.id;
  const { el, api, say } = ui;
  const answer = (yes) => async () => {
    for (const b of o.querySelectorAll('button')) b.disabled = true;
    try {
      await api('/api/installs/answer', { id: r.id, yes });
      say(yes ? `installing ${r.app} ${r.version}…` : `${r.app} was not installed`);
    } catch (e) {
      say(e.message, true);
    }
  };
  o.replaceChildren(
    el(
      'section',
      { class: 'signing-dialog', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'install-title', 'data-request': r.id },
      el('h2', { id: 'install-title' }, 'Install this app?'),
      el(
        'div',
        { class: 'facts' },
        el('span', { class: 'note' }, 'asked by'),
        el('span', { id: 'install-requested-by' }, r.requestedBy),
        el('span', { class: 'note' }, 'app'),
        el('span', { id: 'install-app' }, `${r.app} ${r.version}`),
      ),
      // the host's stale-view warning (the CLI's rule, runtime/store/stale-view.ts): a yank or a newer
      // release may be missing from what the host read
      r.stale ? el('p', { class: 'warning', id: 'install-stale', role: 'alert' }, `warning: ${r.stale}`) : null,
      // the consent as the terminal draws it (its indentation and rules kept), as text: one element
      // a line, so a line the page wraps goes on under its value (signing-dialog.css), and app text
      // padded to wrap never starts a row where the host's lines start (terminalWrap's rule, on a page)
      el('div', { class: 'install-lines', id: 'install-lines' }, ...r.lines.map((l) => el('div', { class: 'consent-line' }, l))),
      el('p', { class: 'note' }, `installs nothing by itself at ${new Date(r.deadline).toLocaleTimeString()} if not answered`),
      el(
        'div',
        { class: 'buttons' },
        el('button', { class: 'action secondary', type: 'button', id: 'install-no', onclick: answer(false) }, "Don't install"),
        el('button', { class: 'action', type: 'button', id: 'install-yes', onclick: answer(true) }, 'Install'),
      ),
    ),
  );
  o.hidden = false;
}
