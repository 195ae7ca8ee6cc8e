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

/** Install an app from a folder (Apps page): what it asks for first, then install exactly that package. */
export function installForm({ el, api, say }, after) {
  const dir = el('input', { id: 'install-dir', name: 'dir', placeholder: '/path/to/app folder', size: '40', 'aria-label': 'app folder' });
  const consent = el('div', { id: 'install-consent', class: 'card', hidden: true });
  const preview = async (ev) => {
    ev.preventDefault();
    try {
      const c = await api('/api/apps/preview', { dir: dir.value });
      const install = async () => {
        try {
          say(`installing ${c.name}…`);
          const r = await api('/api/apps/install', { dir: dir.value, packageHash: c.packageHash });
          consent.hidden = true;
          say(`installed ${r.name} ${r.version}${r.signingGrant ? ', its signing grant approved in the vault' : ''}`);
          await after();
        } catch (e) {
          say(e.message, true);
        }
      };
      consent.replaceChildren(
        el('h2', {}, 'Install ', el('q', { class: 'app-text' }, c.name), ' ', c.version, '?'),
        c.publisherKey
          ? el('p', {}, `publisher verified: ${c.publisherKey}`)
          : el('p', {}, 'publisher unverified (unsigned; the manifest claims ', el('q', { class: 'app-text' }, c.publisher), ')'),
        c.description ? el('p', { class: 'app-text description' }, c.description) : null,
        el('p', {}, `commands: ${c.commands.join(', ')}`),
        el('h3', {}, 'Capabilities it asks for'),
        c.capabilities.length
          ? el(
              'ul',
              { id: 'install-capabilities' },
              c.capabilities.map((x) => el('li', {}, x)),
            )
          : el('p', { class: 'note' }, 'none'),
        el('h3', {}, 'Resources beyond the defaults'),
        c.raisedLimits.length
          ? el(
              'ul',
              { id: 'install-limits' },
              c.raisedLimits.map((x) => el('li', {}, x)),
            )
          : el('p', { class: 'note' }, 'none'),
        el('p', { class: 'note' }, `package ${c.packageHash}`),
        el(
          'div',
          { class: 'run-row' },
          el('button', { class: 'action secondary', type: 'button', onclick: () => (consent.hidden = true) }, 'Cancel'),
          el('button', { class: 'action', type: 'button', id: 'install-grant', onclick: install }, 'Grant and install'),
        ),
      );
      consent.hidden = false;
    } catch (e) {
      say(e.message, true);
    }
  };
  return el(
    'section',
    { id: 'install' },
    el('h2', {}, 'Install from a folder'),
    el(
      'form',
      { id: 'install-form', class: 'run-form', onsubmit: preview },
      el('div', { class: 'run-row' }, dir, el('button', { class: 'action', type: 'submit' }, 'Review')),
    ),
    consent,
  );
}
