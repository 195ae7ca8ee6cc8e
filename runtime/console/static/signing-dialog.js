// The host's signing dialog and passkey registration, in the console's own chrome (an overlay over
// the whole page, never inside anything an app draws). The page polls the console for requests the
// vault wants approved; each is shown as the host decoded it from the bytes to be signed. Approve
// runs navigator.credentials.get over the vault's challenge and relays what the authenticator
// returned: the vault verifies it, the console could not have made it. Deny refuses the request.
// As in console.js, every string from the API is set as text, never parsed as markup.

/** How often the page asks for waiting dialogs. */
const POLL_MS = 400;

const toB64u = (buf) =>
  btoa(String.fromCharCode(...new Uint8Array(buf)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const fromB64u = (s) =>
  Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4)), (c) => c.charCodeAt(0));

/** The vault's name for requests the user makes directly (skv USER_APP), not an app. */
const USER_APP = '@user';

const TITLES = {
  sign: 'Approve this signature?',
  grant: 'Approve this grant change?',
  export: 'Approve exporting a private key?',
  register: 'Approve registering another authenticator?',
  package: 'Approve signing an app package?',
};

let ui;
let shown = '';
/** The dialog answered last: a poll answered before the answer was taken may still list it, and must not show it again. */
let answered = '';
let passkeys = 0;

/** Starts polling for dialogs; `ui` is console.js's { api, el, say }. */
export function startSigningDialogs(tools) {
  ui = tools;
  const tick = async () => {
    try {
      render((await ui.api('/api/signing')).dialogs[0]);
    } catch {
      // locked or no session yet: nothing to show
    }
    setTimeout(tick, POLL_MS);
  };
  tick();
}

function overlay() {
  let o = document.getElementById('signing-overlay');
  if (!o) {
    o = ui.el('div', { id: 'signing-overlay', class: 'signing-overlay', hidden: true });
    document.body.append(o);
  }
  return o;
}

function render(d) {
  const o = overlay();
  if (!d || d.id === answered) {
    o.hidden = true;
    o.replaceChildren();
    shown = '';
    return;
  }
  if (d.id === shown) return;
  shown = d.id;
  o.replaceChildren(dialog(d));
  o.hidden = false;
}

function fieldRows(a) {
  const { el } = ui;
  return el(
    'table',
    { class: 'fields' },
    el('tr', {}, el('th', {}, 'field'), el('th', {}, 'type'), el('th', {}, 'value')),
    a.fields.map((f) =>
      el(
        'tr',
        {},
        el('td', {}, f.name),
        el('td', {}, el('code', {}, f.type)),
        // app-chosen text: shown quoted, as text, marked as the app's
        el('td', {}, f.appText ? el('q', { class: 'app-text quoted', title: 'text chosen by the app' }, f.value) : f.value),
      ),
    ),
  );
}

/** One action of the dialog (or of a proposal), all as text: `lead` before its name, `after` under its fields. */
function actionItem(a, lead, after) {
  const { el } = ui;
  return el(
    'li',
    { class: a.undecodable ? 'action-item undecodable' : 'action-item' },
    lead,
    el('strong', {}, `${a.contract}::${a.action}`),
    a.contextFree ? ' (context-free)' : '',
    el('span', { class: 'note' }, ` by ${a.authorization.join(', ') || 'no authorization'}`),
    a.undecodable
      ? el('p', { class: 'warning' }, `cannot be decoded: ${a.undecodable}`, el('br'), el('code', {}, a.dataHex))
      : fieldRows(a),
    after,
  );
}

/** What an eosio.msig::approve approves: the proposal as the chain holds it, its hash, its actions (all as text). */
function proposalPart(p) {
  const { el } = ui;
  return el(
    'div',
    { class: 'proposal' },
    el('p', {}, `approves proposal ${p.name} by ${p.proposer}`, el('br'), 'hash ', el('code', {}, p.hash || 'unknown')),
    p.problem ? el('p', { class: 'warning' }, p.problem) : null,
    p.actions.length
      ? el(
          'ol',
          { class: 'actions proposal-actions' },
          p.actions.map((a) => actionItem(a, a.wrapped ? `${'↳ '.repeat(a.wrapped)}run by eosio.wrap::exec: ` : '', null)),
        )
      : null,
  );
}

function dialog(d) {
  const { el, api, say } = ui;
  const v = d.view;
  const status = el('p', { class: 'note', id: 'signing-status' });
  const override = el('input', { type: 'checkbox', id: 'signing-override' });
  const approve = el('button', { class: 'action', type: 'button', id: 'signing-approve', disabled: v.undecodable }, 'Approve with passkey');
  override.addEventListener('change', () => {
    approve.disabled = v.undecodable && !override.checked;
  });
  const deny = el('button', { class: 'action secondary', type: 'button', id: 'signing-deny' }, 'Deny');
  const close = () => {
    answered = d.id;
    shown = '';
    overlay().hidden = true;
  };
  approve.addEventListener('click', async () => {
    approve.disabled = true;
    deny.disabled = true;
    status.textContent = 'waiting for your authenticator…';
    try {
      const got = await navigator.credentials.get({
        publicKey: {
          challenge: fromB64u(d.webauthn.challenge),
          rpId: d.webauthn.rpId,
          allowCredentials: d.webauthn.credentialIds.map((id) => ({ type: 'public-key', id: fromB64u(id) })),
          userVerification: 'required',
          timeout: Math.max(1000, d.deadline - Date.now()),
        },
      });
      const r = got.response;
      await api('/api/signing/approve', {
        id: d.id,
        override: override.checked,
        assertion: {
          credentialId: toB64u(got.rawId),
          authenticatorData: toB64u(r.authenticatorData),
          clientDataJSON: toB64u(r.clientDataJSON),
          signature: toB64u(r.signature),
        },
      });
      say('approved: the vault verifies your passkey and signs');
      close();
    } catch (e) {
      status.textContent = e.message;
      approve.disabled = v.undecodable && !override.checked;
      deny.disabled = false;
    }
  });
  deny.addEventListener('click', async () => {
    try {
      await api('/api/signing/deny', { id: d.id });
      say('denied: nothing was signed');
      close();
    } catch (e) {
      status.textContent = e.message;
    }
  });
  const facts = el(
    'dl',
    { class: 'facts' },
    el('dt', {}, 'app'),
    el('dd', { id: 'signing-app' }, v.app === '@user' ? 'you (no app)' : v.app),
    v.chain
      ? [
          el('dt', {}, 'chain'),
          el('dd', { id: 'signing-chain' }, v.chain.name ?? '(not a DMCS of this console)', ' ', el('code', {}, v.chain.id)),
        ]
      : null,
    v.signers.length ? [el('dt', {}, 'signs as'), el('dd', { id: 'signing-signers' }, v.signers.join(', '))] : null,
  );
  return el(
    'section',
    {
      class: 'signing-dialog',
      role: 'dialog',
      'aria-modal': 'true',
      'aria-labelledby': 'signing-title',
      'data-dialog': d.id,
      'data-purpose': v.purpose,
    },
    el('h2', { id: 'signing-title' }, TITLES[v.purpose] ?? 'Approve this request?'),
    facts,
    v.actions.length
      ? el(
          'ol',
          { class: 'actions', id: 'signing-actions' },
          v.actions.map((a) => actionItem(a, '', a.proposal ? proposalPart(a.proposal) : null)),
        )
      : null,
    v.undecodable
      ? el(
          'p',
          { class: 'warning', id: 'signing-undecodable' },
          'Part of this request cannot be decoded: you would be signing bytes nobody showed you. It is refused unless you choose otherwise. ',
          el('label', {}, override, ' advanced: approve it anyway'),
        )
      : null,
    // the host's own lines: for a grant change or an export, and for what the user asks directly
    // (an account creation, a login: the challenge cannot execute); an app's request shows its actions
    v.summary.length && (!v.actions.length || v.app === USER_APP)
      ? el(
          'ul',
          { class: 'summary', id: 'signing-summary' },
          v.summary.map((l) => el('li', {}, l)),
        )
      : null,
    el('h3', {}, 'Grants'),
    el(
      'ul',
      { class: 'summary', id: 'signing-grants' },
      v.grants.map((l) => el('li', {}, l)),
    ),
    el(
      'details',
      { id: 'signing-raw' },
      el('summary', {}, 'Raw digest and bytes'),
      el('p', {}, 'digest (sha256 of chain id, transaction, context-free data): ', el('code', { id: 'signing-digest' }, v.digest)),
      v.rawHex !== undefined
        ? el(
            'p',
            {},
            `transaction (${v.rawBytes} bytes): `,
            el('code', { class: 'hex' }, v.rawHex),
            v.rawBytes * 2 > v.rawHex.length ? '…' : '',
          )
        : null,
    ),
    el('p', { class: 'note' }, `refused by itself at ${new Date(d.deadline).toLocaleTimeString()} if not answered`),
    status,
    el('div', { class: 'buttons' }, deny, approve),
  );
}

/**
 * The passkey section (Vault page, and the Account page's first steps): how many are registered,
 * and registering one; `after` (if given) runs once one was registered.
 */
export function passkeySection(after) {
  const { el, api, say } = ui;
  const register = async () => {
    try {
      if (location.hostname !== 'localhost') throw new Error('open the console at http://localhost:PORT to use a passkey');
      say('waiting for your authenticator…');
      const ch = await api('/api/passkey/challenge', {});
      const cred = await navigator.credentials.create({
        publicKey: {
          rp: { id: ch.rpId, name: 'PeerOS vault' },
          user: { id: crypto.getRandomValues(new Uint8Array(16)), name: 'peeros', displayName: 'PeerOS vault' },
          challenge: fromB64u(ch.challenge),
          pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
          attestation: 'none',
          excludeCredentials: ch.excludeIds.map((id) => ({ type: 'public-key', id: fromB64u(id) })),
          authenticatorSelection: { userVerification: 'required', residentKey: 'preferred' },
        },
      });
      const r = await api('/api/passkey/register', {
        clientDataJSON: toB64u(cred.response.clientDataJSON),
        attestationObject: toB64u(cred.response.attestationObject),
      });
      passkeys = r.credentials;
      say(`passkey registered: from now on every signature, grant change and key export needs it (${r.credentials} registered)`);
      section.replaceChildren(...content());
      await after?.();
    } catch (e) {
      say(e.message, true);
    }
  };
  const content = () => [
    el('h2', {}, 'Passkey'),
    el(
      'p',
      { class: 'note', id: 'passkey-state' },
      passkeys > 0
        ? `${passkeys} passkey${passkeys > 1 ? 's' : ''} registered: the vault signs only what your authenticator approves.`
        : 'No passkey yet: the console refuses every signature no session grant covers. Register one to approve signatures here.',
    ),
    el(
      'button',
      { class: 'action', type: 'button', id: 'register-passkey', onclick: register },
      passkeys > 0 ? 'Register another' : 'Register a passkey',
    ),
  ];
  const section = el('section', { id: 'passkey' }, ...content());
  api('/api/passkeys')
    .then((r) => {
      passkeys = r.passkeys;
      section.replaceChildren(...content());
    })
    .catch(() => {});
  return section;
}
