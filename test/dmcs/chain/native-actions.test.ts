// Native eosio actions against a dev node over HTTP, driven by @wharfkit/antelope.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startDevNode, transact, newAccountAction, errorName, keyAuth, DEV_KEY, testKey, tempDir, type DevNode } from '../helpers.js';
import { startNode } from '../../../dmcs/index.js';
import { MAX_AUTHORIZERS } from '../../../dmcs/api/chain-read-only.js';

let dn: DevNode;
const alice = testKey('alice');
const bob = testKey('bob');

test.before(async () => {
  dn = await startDevNode();
});
test.after(async () => {
  await dn.close();
});

test('get_info reports the chain id and a head block', async () => {
  const info = await dn.client.v1.chain.get_info();
  assert.is(String(info.chain_id), dn.node.chainId);
  assert.ok(Number(info.head_block_num) >= 1);
});

test('newaccount creates an account with owner and active', async () => {
  const res = await transact(dn.client, [newAccountAction('alice', String(alice.toPublic()))]);
  assert.ok(res.transaction_id);
  const acct = await dn.client.v1.chain.get_account('alice');
  assert.is(String(acct.account_name), 'alice');
  assert.equal(acct.permissions.map((p) => String(p.perm_name)).sort(), ['active', 'owner']);
  assert.ok(Number(acct.ram_usage) > 0);
  assert.is(String(acct.getPermission('active').required_auth.keys[0]!.key), String(alice.toPublic()));
});

test('newaccount of an existing name is account_name_exists_exception', async () => {
  assert.is(await errorName(transact(dn.client, [newAccountAction('alice', String(bob.toPublic()))])), 'account_name_exists_exception');
});

test('a transaction signed by the wrong key is unsatisfied_authorization', async () => {
  assert.is(
    await errorName(transact(dn.client, [newAccountAction('bob', String(bob.toPublic()), 'alice')], { keys: [bob] })),
    'unsatisfied_authorization',
  );
});

test('an extra signature is tx_irrelevant_sig; the same key twice is tx_duplicate_sig', async () => {
  assert.is(
    await errorName(transact(dn.client, [newAccountAction('bob', String(bob.toPublic()))], { keys: [DEV_KEY, bob] })),
    'tx_irrelevant_sig',
  );
  assert.is(
    await errorName(transact(dn.client, [newAccountAction('bob', String(bob.toPublic()))], { keys: [DEV_KEY, DEV_KEY] })),
    'tx_duplicate_sig',
  );
});

test('the creator must authorize newaccount (missing_auth_exception)', async () => {
  const act = { ...newAccountAction('bob', String(bob.toPublic())), authorization: 'alice@active' };
  assert.is(await errorName(transact(dn.client, [act], { keys: [alice] })), 'missing_auth_exception');
});

test('updateauth adds a custom permission; linkauth routes an action to it; unlinkauth and deleteauth remove them', async () => {
  await transact(dn.client, [newAccountAction('bob', String(bob.toPublic()))]);
  await transact(
    dn.client,
    [
      {
        account: 'eosio',
        name: 'updateauth',
        authorization: 'alice@active',
        data: { account: 'alice', permission: 'poster', parent: 'active', auth: keyAuth(String(bob.toPublic())) },
      },
    ],
    { keys: [alice] },
  );
  let acct = await dn.client.v1.chain.get_account('alice');
  assert.is(String(acct.getPermission('poster').parent), 'active');
  // poster is not linked: using it for setabi is irrelevant_auth_exception
  assert.is(
    await errorName(
      transact(dn.client, [{ account: 'eosio', name: 'setabi', authorization: 'alice@poster', data: { account: 'alice', abi: '' } }], {
        keys: [bob],
      }),
    ),
    'irrelevant_auth_exception',
  );
  await transact(
    dn.client,
    [
      {
        account: 'eosio',
        name: 'linkauth',
        authorization: 'alice@active',
        data: { account: 'alice', code: 'eosio', type: 'setabi', requirement: 'poster' },
      },
    ],
    { keys: [alice] },
  );
  acct = await dn.client.v1.chain.get_account('alice');
  assert.equal(JSON.parse(JSON.stringify(acct.getPermission('poster').linked_actions)), [{ account: 'eosio', action: 'setabi' }]);
  // deleting a linked permission is refused
  assert.is(
    await errorName(
      transact(
        dn.client,
        [{ account: 'eosio', name: 'deleteauth', authorization: 'alice@active', data: { account: 'alice', permission: 'poster' } }],
        { keys: [alice] },
      ),
    ),
    'action_validate_exception',
  );
  await transact(
    dn.client,
    [{ account: 'eosio', name: 'unlinkauth', authorization: 'alice@active', data: { account: 'alice', code: 'eosio', type: 'setabi' } }],
    { keys: [alice] },
  );
  await transact(
    dn.client,
    [{ account: 'eosio', name: 'deleteauth', authorization: 'alice@active', data: { account: 'alice', permission: 'poster' } }],
    { keys: [alice] },
  );
  acct = await dn.client.v1.chain.get_account('alice');
  assert.equal(acct.permissions.map((p) => String(p.perm_name)).sort(), ['active', 'owner']);
});

test('owner satisfies active; an unlinked custom permission does not', async () => {
  const res = await transact(
    dn.client,
    [{ account: 'eosio', name: 'setabi', authorization: 'alice@owner', data: { account: 'alice', abi: '' } }],
    { keys: [alice] },
  );
  assert.ok(res.transaction_id);
});

test('canceldelay is refused as unsupported', async () => {
  const act = {
    account: 'eosio',
    name: 'canceldelay',
    authorization: 'alice@active',
    data: { canceling_auth: { actor: 'alice', permission: 'active' }, trx_id: '00'.repeat(32) },
  };
  assert.is(await errorName(transact(dn.client, [act], { keys: [alice] })), 'unsupported_feature');
});

test('updateauth validation: eosio.* names reserved, active parent must be owner, unsorted keys invalid', async () => {
  const up = (data: Record<string, unknown>) =>
    transact(dn.client, [{ account: 'eosio', name: 'updateauth', authorization: 'alice@active', data }], { keys: [alice] });
  assert.is(
    await errorName(up({ account: 'alice', permission: 'eosio.x', parent: 'active', auth: keyAuth(String(bob.toPublic())) })),
    'action_validate_exception',
  );
  assert.is(
    await errorName(up({ account: 'alice', permission: 'active', parent: 'alice', auth: keyAuth(String(bob.toPublic())) })),
    'action_validate_exception',
  );
  assert.is(
    await errorName(
      up({
        account: 'alice',
        permission: 'two',
        parent: 'active',
        auth: { threshold: 3, keys: [{ key: String(bob.toPublic()), weight: 1 }], accounts: [], waits: [] },
      }),
    ),
    'action_validate_exception',
  );
});

test('get_accounts_by_authorizers finds the permissions a key controls', async () => {
  const res = await dn.client.v1.chain.get_accounts_by_authorizers({ keys: [String(alice.toPublic())] });
  const rows = res.accounts.map((r) => `${r.account_name}@${r.permission_name}`).sort();
  assert.equal(rows, ['alice@active', 'alice@owner']);
  assert.is(String(res.accounts[0]!.authorizing_key), String(alice.toPublic()));
});

test('get_accounts_by_authorizers finds the permissions an account controls, by any or one of its permissions', async () => {
  const carolKey = testKey('carol');
  await transact(dn.client, [newAccountAction('carol', String(carolKey.toPublic()))]);
  await transact(
    dn.client,
    [
      {
        account: 'eosio',
        name: 'updateauth',
        authorization: 'carol@owner',
        data: {
          account: 'carol',
          permission: 'active',
          parent: 'owner',
          auth: { threshold: 1, keys: [], accounts: [{ permission: { actor: 'alice', permission: 'active' }, weight: 1 }], waits: [] },
        },
      },
    ],
    { keys: [carolKey] },
  );
  const ask = async (accounts: unknown[]) => {
    const res = await fetch(`${dn.node.endpoint}/v1/chain/get_accounts_by_authorizers`, {
      method: 'POST',
      body: JSON.stringify({ accounts }),
    });
    const json = (await res.json()) as { accounts: Array<{ account_name: string; permission_name: string }> };
    return json.accounts.map((r) => `${r.account_name}@${r.permission_name}`);
  };
  assert.equal(await ask(['alice']), ['carol@active']);
  assert.equal(await ask([{ actor: 'alice', permission: 'active' }]), ['carol@active']);
  assert.equal(await ask([{ actor: 'alice', permission: 'owner' }]), []);
  assert.equal(await ask(['bob']), []);
});

test('get_accounts_by_authorizers: at most MAX_AUTHORIZERS names a request; off unless the node serves it (it walks every account)', async () => {
  const post = async (endpoint: string, body: unknown) =>
    (await (await fetch(`${endpoint}/v1/chain/get_accounts_by_authorizers`, { method: 'POST', body: JSON.stringify(body) })).json()) as {
      error?: { name: string; details: Array<{ message: string }> };
    };
  const many = await post(dn.node.endpoint!, { accounts: Array.from({ length: MAX_AUTHORIZERS + 1 }, () => 'alice') });
  assert.is(many.error?.name, 'invalid_http_request');
  const quiet = await startNode({ dev: true, dataDir: tempDir(), http: '127.0.0.1:0', autoProduce: false, accountQueries: false });
  try {
    const off = await post(quiet.endpoint!, { accounts: ['eosio'] });
    assert.is(off.error?.name, 'unsupported_feature');
    assert.match(off.error!.details[0]!.message, /--account-queries/);
  } finally {
    await quiet.close();
  }
});

test.run();
