// The Contracts page: deploy a contract to an account the vault holds keys for, as
// `peeros set contract ACCOUNT DIR` does: one of the stock contracts the host ships (the apps'
// contracts the demo deploys) or a contract folder on this machine, which the host builds first in
// its compile worker (as `peeros contract build DIR`). The deployment (setcode + setabi) makes the
// vault sign, so with a passkey it comes up in the host's signing dialog, which shows the code's
// sha256 and the ABI's actions read from the bytes. Then an action of a deployed contract can be
// run (`peeros push action`), through the same dialog. As in console.js, every string is set as text.

/** Longest folder path the page sends (the console refuses longer: MAX_CONTRACT_PATH_CHARS). */
const MAX_PATH_CHARS = 1024;

export async function contractsPage({ el, api, say }) {
  const { contracts } = await api('/api/contracts/stock');
  const account = el('input', {
    id: 'contract-account',
    name: 'account',
    placeholder: 'account, e.g. dpay.token',
    maxlength: '13',
    required: true,
    'aria-label': 'deploy to account',
  });
  const source = el(
    'select',
    { id: 'contract-source', name: 'source', 'aria-label': 'contract' },
    contracts.map((c) => el('option', { value: `stock:${c.name}`, 'data-account': c.account }, `${c.name} — ${c.what}`)),
    el('option', { value: 'folder' }, 'a contract folder on this machine (built first)'),
  );
  const folder = el('input', {
    id: 'contract-folder',
    name: 'folder',
    placeholder: '/absolute/path/to/contract (index.ts or contract/index.ts)',
    maxlength: String(MAX_PATH_CHARS),
    'aria-label': 'contract folder',
  });
  const sync = () => {
    folder.hidden = source.value !== 'folder';
    const suggested = source.selectedOptions[0]?.dataset.account;
    if (suggested && !account.value) account.placeholder = `account, e.g. ${suggested}`;
  };
  source.addEventListener('change', sync);
  sync();
  const result = el('pre', { id: 'contract-result', class: 'result', hidden: true });
  const deploy = async (ev) => {
    ev.preventDefault();
    const body =
      source.value === 'folder'
        ? { account: account.value, folder: folder.value }
        : { account: account.value, stock: source.value.slice(6) };
    try {
      say(
        source.value === 'folder'
          ? `building ${folder.value}, then asking the vault to sign its deployment to ${account.value}…`
          : `asking the vault to sign the deployment of ${body.stock} to ${account.value}…`,
      );
      const r = await api('/api/contracts/deploy', body);
      result.hidden = false;
      result.textContent = [
        `account   ${r.account}`,
        `from      ${r.from}`,
        `code      ${r.codeBytes} bytes, sha256 ${r.codeHash}`,
        `actions   ${r.actions.join(', ') || 'none'}`,
        `in        transaction ${r.id}${r.blockNum !== null ? `, block ${r.blockNum}` : ''}`,
      ].join('\n');
      say(`deployed ${r.from} to ${r.account}`);
      if (!contract.value) contract.value = r.account;
      if (!actor.value) actor.value = r.account;
    } catch (e) {
      say(e.message, true);
    }
  };
  // an action of a deployed contract, as `peeros push action CONTRACT ACTION DATA -p ACTOR@active`
  const contract = el('input', { id: 'action-contract', name: 'contract', placeholder: 'contract', maxlength: '13', required: true });
  const action = el('input', { id: 'action-name', name: 'action', placeholder: 'action, e.g. create', maxlength: '13', required: true });
  const actor = el('input', { id: 'action-actor', name: 'actor', placeholder: 'as (actor@active)', maxlength: '13', required: true });
  const data = el('textarea', {
    id: 'action-data',
    name: 'data',
    rows: '3',
    placeholder: '{"issuer": "dpay.token", "maximum_supply": "1000000.0000 RSN"}',
    'aria-label': 'the action data (JSON)',
  });
  const pushed = el('pre', { id: 'action-result', class: 'result', hidden: true });
  const push = async (ev) => {
    ev.preventDefault();
    let fields;
    try {
      fields = JSON.parse(data.value || '{}');
    } catch {
      say('the data is not JSON', true);
      return;
    }
    try {
      say(`asking the vault to sign ${contract.value}::${action.value} as ${actor.value}@active…`);
      const r = await api('/api/contracts/action', { contract: contract.value, action: action.value, actor: actor.value, data: fields });
      pushed.hidden = false;
      pushed.textContent = `${r.contract}::${r.action} by ${r.actor}@active in transaction ${r.id}${r.blockNum !== null ? `, block ${r.blockNum}` : ''}`;
      say(`executed ${r.contract}::${r.action}`);
    } catch (e) {
      say(e.message, true);
    }
  };

  const nodes = [
    el('h1', {}, 'Contracts'),
    el(
      'p',
      { class: 'note' },
      'Deploy a contract to an account whose active key is in the vault, on the default DMCS: eosio::setcode and eosio::setabi in one transaction, as peeros set contract. A folder is built first as peeros contract build does (only its .ts files and the SDK are read).',
    ),
    el(
      'form',
      { id: 'contract-form', class: 'run-form', onsubmit: deploy },
      el('div', { class: 'run-row' }, account, source, el('button', { class: 'action', type: 'submit' }, 'Deploy')),
      el('div', { class: 'run-row' }, folder),
    ),
    contracts.length ? null : el('p', { class: 'note' }, 'No stock contracts on this host (a packaged install has none): deploy a folder.'),
    result,
    el('h2', {}, 'Run an action'),
    el(
      'p',
      { class: 'note' },
      'An action of a deployed contract, as peeros push action: the data is encoded with the contract’s ABI on the DMCS and signed by the actor’s active key in the vault.',
    ),
    el(
      'form',
      { id: 'action-form', class: 'run-form', onsubmit: push },
      el('div', { class: 'run-row' }, contract, action, actor, el('button', { class: 'action', type: 'submit' }, 'Run')),
      el('div', { class: 'run-row' }, data),
    ),
    pushed,
  ];
  return nodes.filter((n) => n !== null);
}
