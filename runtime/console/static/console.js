// The PeerOS console page: plain DOM, no build step, no framework. Every string that comes from
// the API (and so possibly from an app or a manifest) is set as text (text nodes, textContent),
// never parsed as HTML: nothing in this file assigns innerHTML or inserts markup.

import { passkeySection, startSigningDialogs } from './signing-dialog.js';
import { exportKeyForm, installForm, limitsForm } from './guarded-actions.js';
import { api, el, loadToken, saveToken } from './page-tools.js';
import { accountPage } from './account-page.js';
import { contractsPage } from './contracts-page.js';
import { startInstallDialogs } from './install-dialog.js';
import { sharesPage } from './shares-page.js';

const main = document.getElementById('main');
const message = document.getElementById('message');

function say(text, isError = false) {
  message.textContent = text;
  message.className = isError ? 'error' : '';
}

/**
 * Tries of the session start, the first 100 ms apart and doubling (3.1 s in all). The console keeps
 * at most 32 connections and closes the oldest one that has shown no session (connection-limit.ts):
 * under a flood of connections from another local process, this page's first request, made before
 * it has a session, can be closed before it is read (9 in 1,000 under 64 flood sockets churning
 * 5,400 connections a second).
 * The secret was then not spent: the server spends it and sends the answer in one turn of its
 * event loop, so a request that lost its connection (fetch's TypeError) is sent again; an answer (a
 * wrong or spent secret) is final.
 */
const SESSION_START_TRIES = 6;
const SESSION_RETRY_FIRST_MS = 100;

async function startSession(secret) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await api('/api/session', { secret });
    } catch (e) {
      if (!(e instanceof TypeError) || attempt >= SESSION_START_TRIES) throw e;
      await new Promise((r) => setTimeout(r, SESSION_RETRY_FIRST_MS * 2 ** (attempt - 1)));
    }
  }
}

async function connect() {
  // passkeys need a host name (rp id `localhost`), not an address: same console, same port
  if (location.hostname === '127.0.0.1') {
    location.replace(`http://localhost:${location.port}/${location.hash}`);
    return;
  }
  const secret = location.hash.slice(1);
  // the secret works once: take it out of the address bar (and history) before anything else
  if (secret) history.replaceState(null, '', location.pathname);
  try {
    // the exchange is the only answer with the session's token; a reload finds it where it was kept
    if (secret) saveToken((await startSession(secret)).csrf);
    else loadToken();
    await api('/api/status'); // a kept token of a session this console no longer has is refused here
  } catch (e) {
    main.replaceChildren(
      el('h1', {}, 'No console session'),
      el('p', { class: 'note' }, 'Open the address that peeros console printed in your terminal (it works once).'),
    );
    say(e.message, true);
    return;
  }
  startSigningDialogs({ api, el, say });
  startInstallDialogs({ api, el, say });
  await refresh();
}

let current = 'apps';
/** Each refresh renders only while it is the latest: a slow page never paints over the one clicked after it. */
let generation = 0;
/** Pages drawn so far: main's data-drawn, with data-page the one drawn last (what a test waits for after a click). */
let draws = 0;
function drawn(page) {
  main.dataset.page = page;
  main.dataset.drawn = String(++draws);
}
async function refresh(page) {
  if (page) current = page;
  const mine = ++generation;
  const show = (...nodes) => {
    if (mine !== generation) return;
    main.replaceChildren(...nodes);
    drawn(current);
  };
  const status = await api('/api/status');
  if (mine !== generation) return;
  document.getElementById('vault-state').textContent = status.unlocked ? 'vault unlocked' : 'vault locked';
  const nav = document.getElementById('nav');
  nav.hidden = !status.unlocked;
  for (const b of nav.querySelectorAll('button')) {
    if (b.dataset.page === current) b.setAttribute('aria-current', 'page');
    else b.removeAttribute('aria-current');
  }
  if (!status.unlocked) return showUnlock(status);
  try {
    await PAGES[current](show);
  } catch (e) {
    say(e.message, true);
  }
}

function showUnlock(status) {
  const create = status.keystore === 'missing';
  const pass = el('input', {
    type: 'password',
    id: 'passphrase',
    autocomplete: create ? 'new-password' : 'current-password',
    required: true,
  });
  const again = create ? el('input', { type: 'password', id: 'passphrase-again', autocomplete: 'new-password', required: true }) : null;
  const form = el(
    'form',
    {
      id: 'unlock-form',
      onsubmit: async (ev) => {
        ev.preventDefault();
        if (create && pass.value !== again.value) return say('the two passphrases differ', true);
        try {
          say(create ? 'creating the vault…' : 'unlocking…');
          await api('/api/unlock', { passphrase: pass.value, create });
          pass.value = '';
          say(create ? 'vault created: next, a passkey, a key, an account and a login (the first steps below)' : '');
          // the first run walks on through the Account page's first steps
          await refresh(create ? 'account' : 'apps');
        } catch (e) {
          say(e.message, true);
        }
      },
    },
    el('label', {}, create ? 'New vault passphrase' : 'Vault passphrase', pass),
    create ? el('label', {}, 'The same again', again) : null,
    el('button', { class: 'action', type: 'submit' }, create ? 'Create vault' : 'Unlock'),
  );
  main.replaceChildren(
    el('h1', {}, create ? 'Create your vault' : 'Unlock'),
    el(
      'p',
      { class: 'note' },
      create
        ? 'No vault yet: choose a passphrase. Your keys are encrypted with it and never leave the vault.'
        : 'Your keys stay in the vault; the passphrase unlocks it for this console.',
    ),
    form,
  );
  drawn('unlock');
  pass.focus();
}

function tags(list, cls = '') {
  return list.map((t) => el('span', { class: `tag ${cls}` }, t));
}

/** Run one command of an app: its JSON result (or its error) is shown as text. */
function runForm(a) {
  const command = el(
    'select',
    { name: 'command' },
    a.commands.map((c) => el('option', { value: c }, c)),
  );
  const args = el('input', { name: 'args', value: '{}', spellcheck: 'false', 'aria-label': 'arguments (JSON)' });
  const out = el('pre', { class: 'result app-text', hidden: true });
  const run = async (ev) => {
    ev.preventDefault();
    out.hidden = false;
    let parsed;
    try {
      parsed = JSON.parse(args.value || '{}');
    } catch {
      out.textContent = 'the arguments are not valid JSON';
      return;
    }
    out.textContent = '…';
    try {
      out.textContent = (await api('/api/apps/run', { app: a.name, command: command.value, args: parsed })).result;
    } catch (e) {
      out.textContent = e.message;
    }
  };
  return el(
    'form',
    { class: 'run-form', onsubmit: run },
    el('div', { class: 'run-row' }, command, args, el('button', { class: 'action', type: 'submit' }, 'Run')),
    out,
  );
}

/** Create a key in the vault: only its public half and label ever come back. */
function newKeyForm() {
  const label = el('input', { id: 'key-label', name: 'label', placeholder: 'label, e.g. main', maxlength: '64' });
  const create = async (ev) => {
    ev.preventDefault();
    try {
      const k = await api('/api/keys/create', { label: label.value });
      say(`created ${k.publicKey}`);
      await refresh();
    } catch (e) {
      say(e.message, true);
    }
  };
  return el(
    'form',
    { id: 'new-key', class: 'run-form', onsubmit: create },
    el('div', { class: 'run-row' }, label, el('button', { class: 'action', type: 'submit' }, 'Create key')),
  );
}

/** An entry `peeros queue resign` would take: expired (or past its expiration), not re-signed yet. */
function resignable(e) {
  return !e.replacedBy && (e.status === 'expired' || (e.status === 'pending' && Date.parse(e.expiration) <= Date.now()));
}

/**
 * Re-signs an expired entry (`peeros queue resign`): the vault signs it afresh (the dialog), and it
 * waits in the queue again. One that may have run already (`uncertain`) asks for a confirmation first.
 */
function resignButton(e) {
  return el(
    'button',
    {
      class: 'action secondary resign',
      type: 'button',
      'data-entry': e.id,
      onclick: async () => {
        const force =
          e.uncertain === true &&
          confirm('This transaction was pushed without an answer before it expired, so it may have run. Re-sign it anyway?');
        if (e.uncertain === true && !force) return;
        try {
          say(`asking the vault to re-sign ${e.id.slice(0, 12)}…`);
          const r = await api('/api/queue/resign', { id: e.id, force });
          say(`re-signed ${r.replaces.slice(0, 12)} as ${r.id.slice(0, 12)} (expires ${r.expiration}): it is sent with the next flush`);
          await refresh();
        } catch (err) {
          say(err.message, true);
        }
      },
    },
    'Re-sign',
  );
}

/** The account just created on the Account page: its login form starts with it. */
let createdAccount = '';

const PAGES = {
  async shares(show) {
    show(...(await sharesPage({ el, api, say }, () => refresh())));
  },

  async contracts(show) {
    show(...(await contractsPage({ el, api, say })));
  },

  async account(show) {
    const nodes = await accountPage(
      { el, api, say },
      async (o) => {
        createdAccount = o?.login ?? createdAccount;
        await refresh();
      },
      createdAccount,
    );
    show(...nodes);
  },

  async apps(show) {
    const { apps } = await api('/api/apps');
    const cards = apps.map((a) =>
      el(
        'article',
        { class: 'card app-card', 'data-app': a.name },
        el('h2', {}, a.name, ' ', el('span', { class: 'note' }, a.version)),
        el(
          'div',
          {},
          a.verified
            ? el('span', { class: 'tag verified', title: a.identity }, 'publisher verified')
            : el('span', { class: 'tag unverified' }, 'unverified'),
          ' ',
          el('span', { class: 'note' }, a.publisher),
        ),
        a.description ? el('p', { class: 'app-text description' }, a.description) : null,
        el('div', {}, el('span', { class: 'note' }, 'capabilities: '), a.capabilities.length ? tags(a.capabilities) : 'none'),
        el('div', {}, el('span', { class: 'note' }, 'commands: '), a.commands.join(', ')),
        // an app with a screen (capability ui, a ui.render command) opens on its own page: app-screen.js
        a.capabilities.includes('ui') && a.commands.includes('ui.render')
          ? el('a', { class: 'action open-screen', href: `/app.html?app=${encodeURIComponent(a.name)}` }, 'Open screen')
          : null,
        runForm(a),
      ),
    );
    show(
      el('h1', {}, 'Apps'),
      apps.length ? el('div', { class: 'cards' }, cards) : el('p', { class: 'note' }, 'No apps installed yet: peeros app install DIR'),
      installForm({ el, api, say }, () => refresh()),
    );
  },

  async grants(show) {
    const { apps, sessionGrants } = await api('/api/grants');
    const rows = sessionGrants.map((g) =>
      el(
        'tr',
        { 'data-grant': g.app },
        el('td', {}, g.app),
        el('td', {}, `${g.remaining.count} of ${g.maxCount} approvals left`),
        el('td', {}, g.maxAmount ? `${g.remaining.amount ?? ''} of ${g.maxAmount}` : 'no token transfers'),
        el('td', {}, `${Math.round(g.periodMs / 3_600_000)} h`),
        el(
          'td',
          {},
          el(
            'button',
            {
              class: 'action secondary revoke',
              type: 'button',
              onclick: async () => {
                try {
                  const r = await api('/api/grants/revoke', { app: g.app });
                  say(r.revoked ? `session grant of ${g.app} revoked` : `${g.app} had no session grant`);
                  await refresh();
                } catch (e) {
                  say(e.message, true);
                }
              },
            },
            'Revoke',
          ),
        ),
      ),
    );
    show(
      el('h1', {}, 'Grants'),
      el('h2', {}, 'Auto-approval (session grants)'),
      sessionGrants.length
        ? el(
            'table',
            { id: 'session-grants' },
            el('tr', {}, el('th', {}, 'app'), el('th', {}, 'count'), el('th', {}, 'amount'), el('th', {}, 'period'), el('th')),
            rows,
          )
        : el('p', { class: 'note', id: 'no-session-grants' }, 'No session grants: every signature is asked for.'),
      el('h2', {}, 'Capabilities granted at install'),
      el(
        'table',
        {},
        el('tr', {}, el('th', {}, 'app'), el('th', {}, 'capabilities')),
        apps.map((a) => el('tr', {}, el('td', {}, a.name), el('td', {}, a.capabilities.length ? tags(a.capabilities) : 'none'))),
      ),
      el('h2', {}, 'Change limits'),
      el('p', { class: 'note' }, 'Approvals and amount per period for an app; the vault must approve the change.'),
      apps.length ? limitsForm({ el, api, say }, apps, () => refresh()) : null,
    );
  },

  async activity(show) {
    const { records } = await api('/api/activity');
    show(
      el('h1', {}, 'Activity'),
      records.length
        ? el(
            'table',
            { id: 'activity' },
            el('tr', {}, el('th', {}, 'when'), el('th', {}, 'what'), el('th', {}, 'app'), el('th', {}, 'summary'), el('th', {}, 'outcome')),
            records.map((r) =>
              el(
                'tr',
                {},
                el('td', {}, new Date(r.at).toLocaleString()),
                el('td', {}, r.purpose),
                el('td', {}, r.app),
                el(
                  'td',
                  {},
                  el(
                    'ul',
                    { class: 'summary' },
                    r.summary.map((l) => el('li', {}, l)),
                  ),
                ),
                el(
                  'td',
                  {},
                  el('span', { class: `tag ${r.outcome === 'approved' ? 'verified' : 'unverified'}` }, r.outcome),
                  r.note ? ` ${r.note}` : '',
                ),
              ),
            ),
          )
        : el('p', { class: 'note' }, 'No signatures yet in this console.'),
    );
  },

  async dmcs(show) {
    const state = await api('/api/dmcs');
    show(
      el('h1', {}, 'DMCS'),
      state.dmcs.length
        ? el(
            'table',
            { id: 'dmcs' },
            el('tr', {}, el('th', {}, 'name'), el('th', {}, 'url'), el('th', {}, 'chain id'), el('th')),
            state.dmcs.map((d) =>
              el(
                'tr',
                {},
                el('td', {}, d.name, d.name === state.default ? el('span', { class: 'tag verified' }, 'default') : null),
                el('td', {}, d.url),
                el('td', {}, el('code', {}, d.chainId.slice(0, 16)), '…'),
                el(
                  'td',
                  {},
                  d.name === state.default
                    ? null
                    : el(
                        'button',
                        {
                          class: 'action secondary',
                          type: 'button',
                          onclick: async () => {
                            try {
                              await api('/api/dmcs/use', { name: d.name });
                              say(`default DMCS is now ${d.name}`);
                              await refresh();
                            } catch (e) {
                              say(e.message, true);
                            }
                          },
                        },
                        'Use',
                      ),
                ),
              ),
            ),
          )
        : el('p', { class: 'note' }, 'No DMCS yet: peeros dmcs add NAME URL'),
    );
  },

  async queue(show) {
    const { entries } = await api('/api/queue');
    show(
      el('h1', {}, 'Offline queue'),
      el(
        'p',
        {},
        el(
          'button',
          {
            class: 'action',
            type: 'button',
            id: 'flush',
            onclick: async () => {
              try {
                const r = await api('/api/queue/flush', {});
                say(
                  `flushed: ${r.sent.length} sent, ${r.done.length} done, ${r.expired.length} expired, ${r.failed.length} failed, ${r.waiting.length} waiting`,
                );
                await refresh();
              } catch (e) {
                say(e.message, true);
              }
            },
          },
          'Flush now',
        ),
      ),
      entries.length
        ? el(
            'table',
            { id: 'queue' },
            el(
              'tr',
              {},
              el('th', {}, 'id'),
              el('th', {}, 'status'),
              el('th', {}, 'app'),
              el('th', {}, 'DMCS'),
              el('th', {}, 'expires'),
              el('th', {}, 'tries'),
              el('th', {}, 'note'),
              el('th'),
            ),
            entries.map((e) =>
              el(
                'tr',
                {},
                el('td', {}, el('code', {}, e.id.slice(0, 12))),
                el('td', {}, e.status),
                el('td', {}, e.app),
                el('td', {}, e.dmcs ?? '(default)'),
                el('td', {}, e.expiration),
                el('td', {}, String(e.attempts)),
                el('td', {}, e.error ? `${e.error.antelopeName ?? e.error.code}: ${e.error.message}` : (e.note ?? '')),
                el('td', {}, resignable(e) ? resignButton(e) : e.replacedBy ? `re-signed as ${e.replacedBy.slice(0, 12)}` : ''),
              ),
            ),
          )
        : el('p', { class: 'note' }, 'The offline queue is empty.'),
    );
  },

  async vault(show) {
    const [{ keys }, status] = await Promise.all([api('/api/keys'), api('/api/status')]);
    show(
      el('h1', {}, 'Vault'),
      el(
        'p',
        { class: 'note' },
        status.autoLockAt ? `locks itself when idle, next at ${new Date(status.autoLockAt).toLocaleTimeString()}` : '',
      ),
      keys.length
        ? el(
            'table',
            { id: 'keys' },
            el('tr', {}, el('th', {}, 'label'), el('th', {}, 'public key'), el('th', {}, 'created')),
            keys.map((k) =>
              el('tr', {}, el('td', {}, k.label || '(no label)'), el('td', {}, el('code', {}, k.publicKey)), el('td', {}, k.created)),
            ),
          )
        : el('p', { class: 'note' }, 'No keys yet: create one below.'),
      newKeyForm(),
      passkeySection(),
      keys.length ? exportKeyForm({ el, api, say }, keys) : null,
      el(
        'p',
        {},
        el(
          'button',
          {
            class: 'action',
            type: 'button',
            id: 'lock',
            onclick: async () => {
              try {
                await api('/api/lock', {});
                say('vault locked');
                await refresh();
              } catch (e) {
                say(e.message, true);
              }
            },
          },
          'Lock now',
        ),
      ),
    );
  },
};

document.getElementById('nav').addEventListener('click', (ev) => {
  const page = ev.target.closest('button')?.dataset.page;
  if (page) {
    say('');
    refresh(page).catch((e) => say(e.message, true));
  }
});

connect().catch((e) => say(e.message, true));
