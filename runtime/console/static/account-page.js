// The Account page: the first steps after the vault (a passkey, a key, an account on the current
// DMCS, a login) with the state of each, and the forms that take them. Creating an account and
// logging in make the vault sign (a newaccount transaction, a login challenge), so with a passkey
// each comes up in the host's signing dialog first. As in console.js, every string from the API
// is set as text.

import { passkeySection } from './signing-dialog.js';

/** One step of the walk-through: done or not, what it is, and what shows its state. */
function step({ el }, id, done, title, detail) {
  return el(
    'li',
    { id: `step-${id}`, 'data-done': done ? 'yes' : 'no' },
    el('span', { class: `tag ${done ? 'verified' : 'unverified'}` }, done ? 'done' : 'to do'),
    ' ',
    el('strong', {}, title),
    detail ? el('span', { class: 'note' }, ` — ${detail}`) : null,
  );
}

/**
 * The Account page's nodes: `after({ login })` redraws it once something changed (`login`: the
 * account just created, to fill in the login form with); `prefill` is that name.
 */
export async function accountPage({ el, api, say }, after, prefill = '') {
  const [{ session }, { keys }, { passkeys }, dmcs] = await Promise.all([
    api('/api/account'),
    api('/api/keys'),
    api('/api/passkeys'),
    api('/api/dmcs'),
  ]);
  const onChain = dmcs.dmcs.find((d) => d.name === dmcs.default);
  const steps = el(
    'ol',
    { id: 'first-steps', class: 'steps' },
    step({ el }, 'vault', true, 'Vault', 'created and unlocked'),
    step(
      { el },
      'passkey',
      passkeys > 0,
      'Passkey',
      passkeys > 0 ? `${passkeys} registered` : 'register one below: it approves every signature',
    ),
    step(
      { el },
      'key',
      keys.length > 0,
      'Key',
      keys.length ? `${keys.length} in the vault` : 'create one on the Vault page, or let account creation make one',
    ),
    step(
      { el },
      'account',
      session !== null,
      'Account',
      onChain ? `on DMCS ${dmcs.default}` : 'add a DMCS first (peeros dmcs add NAME URL)',
    ),
    step(
      { el },
      'login',
      session !== null,
      'Log in',
      session ? `as ${session.account}@${session.permission}` : 'prove you control the account',
    ),
  );

  const name = el('input', { id: 'account-name', name: 'name', placeholder: 'name, e.g. alice', maxlength: '13', required: true });
  const key = el(
    'select',
    { id: 'account-key', name: 'key', 'aria-label': 'owner and active key' },
    el('option', { value: '' }, 'a new key in the vault'),
    keys.map((k) => el('option', { value: k.publicKey }, `${k.label || '(no label)'} ${k.publicKey}`)),
  );
  const creator = el('input', { id: 'account-creator', name: 'creator', value: 'eosio', maxlength: '13', 'aria-label': 'paid by' });
  const create = async (ev) => {
    ev.preventDefault();
    try {
      say(`asking the vault to sign the creation of ${name.value}…`);
      const r = await api('/api/account/create', { name: name.value, key: key.value, creator: creator.value });
      say(`created account ${r.account} with key ${r.key}${r.blockNum !== null ? ` in block ${r.blockNum}` : ''}: log in as it below`);
      await after({ login: r.account });
    } catch (e) {
      say(e.message, true);
    }
  };
  const who = el('input', {
    id: 'login-account',
    name: 'account',
    placeholder: 'account',
    maxlength: '13',
    required: true,
    value: prefill || session?.account || '',
  });
  const logIn = async (ev) => {
    ev.preventDefault();
    try {
      say(`asking the vault to sign a login challenge for ${who.value}…`);
      const r = await api('/api/login', { account: who.value });
      say(`logged in as ${r.session.account}@${r.session.permission} on DMCS ${r.session.dmcs}`);
      await after();
    } catch (e) {
      say(e.message, true);
    }
  };

  const nodes = [
    el('h1', {}, 'Account'),
    el(
      'p',
      { id: 'account-state', class: 'note' },
      session
        ? `Logged in as ${session.account}@${session.permission} on DMCS ${session.dmcs} with ${session.keys.join(', ')}: apps run as this account.`
        : 'Not logged in: apps that act on a chain need an account.',
    ),
    el('h2', {}, 'First steps'),
    steps,
    passkeySection(() => after()),
    el('h2', {}, 'Create an account'),
    el(
      'p',
      { class: 'note' },
      'On the default DMCS, with eosio::newaccount signed by the payer’s keys in the vault (on a dev node: eosio).',
    ),
    el(
      'form',
      { id: 'account-form', class: 'run-form', onsubmit: create },
      el('div', { class: 'run-row' }, name, key, creator, el('button', { class: 'action', type: 'submit' }, 'Create account')),
    ),
    el('h2', {}, 'Log in'),
    el(
      'p',
      { class: 'note' },
      'The vault signs a challenge that cannot execute; the host checks it against the account’s keys on the DMCS.',
    ),
    el(
      'form',
      { id: 'login-form', class: 'run-form', onsubmit: logIn },
      el('div', { class: 'run-row' }, who, el('button', { class: 'action', type: 'submit' }, 'Log in')),
    ),
  ];
  return nodes;
}
