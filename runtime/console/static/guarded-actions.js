// Forms whose action the vault must approve: new limits for an app's grants (a grant change) and a
// key export (the passphrase again). Submitting one makes the vault ask; with a passkey registered
// the host's signing dialog (signing-dialog.js) comes up and the authenticator answers. As in
// console.js, every string from the API is set as text.

/** New session-grant limits for one app (Grants page). */
export function limitsForm({ el, api, say }, apps, after) {
  const app = el(
    'select',
    { id: 'limits-app', name: 'app' },
    apps.map((a) => el('option', { value: a.name }, a.name)),
  );
  const count = el('input', {
    id: 'limits-count',
    name: 'maxCount',
    type: 'number',
    min: '1',
    value: '10',
    'aria-label': 'approvals per period',
  });
  const amount = el('input', {
    id: 'limits-amount',
    name: 'maxAmount',
    placeholder: 'amount, e.g. 10.0000 RSN',
    'aria-label': 'amount per period',
  });
  const period = el('input', { id: 'limits-period', name: 'period', value: '24h', size: '5', 'aria-label': 'period' });
  const submit = async (ev) => {
    ev.preventDefault();
    try {
      say(`asking the vault to approve the new limits of ${app.value}…`);
      await api('/api/grants/limits', { app: app.value, maxCount: Number(count.value), maxAmount: amount.value, period: period.value });
      say(`limits of ${app.value} set: the vault approved the grant change`);
      await after();
    } catch (e) {
      say(e.message, true);
    }
  };
  return el(
    'form',
    { id: 'limits-form', class: 'run-form', onsubmit: submit },
    el('div', { class: 'run-row' }, app, count, amount, period, el('button', { class: 'action', type: 'submit' }, 'Set limits')),
  );
}

/** Export one key's private half (Vault page): the passphrase again, and the vault's approval. */
export function exportKeyForm({ el, api, say }, keys) {
  const key = el(
    'select',
    { id: 'export-key', name: 'publicKey' },
    keys.map((k) => el('option', { value: k.publicKey }, k.label || k.publicKey)),
  );
  const pass = el('input', {
    id: 'export-passphrase',
    type: 'password',
    autocomplete: 'current-password',
    'aria-label': 'vault passphrase',
  });
  const out = el('p', { id: 'exported', class: 'warning', hidden: true });
  const submit = async (ev) => {
    ev.preventDefault();
    try {
      say('asking the vault to approve the export…');
      const r = await api('/api/keys/export', { publicKey: key.value, passphrase: pass.value });
      pass.value = '';
      out.hidden = false;
      out.replaceChildren(
        'Private key (anyone who has it can sign as you; store it offline): ',
        el('code', { id: 'exported-key' }, r.privateKey),
      );
      say('exported: the vault approved it');
    } catch (e) {
      say(e.message, true);
    }
  };
  return el(
    'form',
    { id: 'export-form', class: 'run-form', onsubmit: submit },
    el('h2', {}, 'Export a key'),
    el('div', { class: 'run-row' }, key, pass, el('button', { class: 'action secondary', type: 'submit' }, 'Export')),
    out,
  );
}
