// The transaction service keeps the vault's key list between pushes (Vault.listKeys({ recent })).
// A key another process imported since, which the account's permission now names, must still be
// found: the pick that fails on the kept list is tried once on a fresh one, and the vault lists
// (and signs with) what another process added to the keystore.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Action, PrivateKey, PublicKey, eosioSerializer } from '../../abi/antelope/index.js';
import { AUTO_APPROVE_OPT_IN, AutoApproveVerifier, Vault } from '../../skv/index.js';
import { installSigningGrant, submitUserTransaction, type PushRequest } from '../../runtime/transaction-service/index.js';
import type { Grants } from '../../runtime/capabilities.js';
import { startWorld, newAccount, deployToken, loginAs, balanceOf, PASS, type World } from './world.js';

let w: World;
const grants: Grants = { 'dmcs.push': { contracts: { 'dpay.token': ['transfer'] }, maxAmount: '100.0000 RSN' } };
const app = { name: 'dpay', version: '0.1.0', publisher: 'peeros', sha256: 'ab'.repeat(32) };
const req = (quantity: string): PushRequest => ({
  app,
  manifest: {},
  grants,
  actions: [{ account: 'dpay.token', name: 'transfer', data: { from: 'alice', to: 'bob', quantity, memo: '' } }],
});

test.before(async () => {
  w = await startWorld();
  await newAccount(w, 'alice');
  await newAccount(w, 'bob');
  await deployToken(w, ['alice']);
  await installSigningGrant(w.vault, 'dpay', grants, [w.backend.chainId]);
  await loginAs(w, 'alice');
});
test.after(async () => {
  await w.close();
});

test('a push after another process imported the only key the account now names: picked from a fresh list, signed, executed', async () => {
  assert.is((await w.services.transactions.push(req('1.0000 RSN'))).status, 'executed', 'the first push keeps the key list');
  // another process (the CLI, say) imports a key and makes it alice's active key
  const other = Vault.open({ home: w.home, insecureTestKdf: true });
  try {
    await other.unlock(PASS, { verifier: new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN }) });
    const added = (await other.importKey(PrivateKey.generate().toString(), 'new active')).publicKey;
    const auth = { threshold: 1, keys: [{ key: added, weight: 1 }], accounts: [], waits: [] };
    // both of alice's permissions (the owner key satisfies active too), signed by the owner key
    const actions = ['active', 'owner'].map((permission) =>
      Action.from(
        {
          account: 'eosio',
          name: 'updateauth',
          authorization: [{ actor: 'alice', permission: 'owner' }],
          data: { account: 'alice', permission, parent: permission === 'owner' ? '' : 'owner', auth },
        },
        eosioSerializer(),
      ),
    );
    await submitUserTransaction({ vault: other, backend: w.backend, actions, summary: ['updateauth alice@active, alice@owner'] });
    await w.node.produceBlock();
    // until the host's chain reads show the new permission (its read cache follows the head block):
    // then only the key list can be out of date
    const hybrid = w.services.transactions.hybridFor(w.backend);
    const keysNamed = async () => {
      const perms = (await hybrid.getAccount('alice')).value.permissions as Array<{ required_auth: { keys: Array<{ key: string }> } }>;
      return perms.flatMap((p) => p.required_auth.keys.map((k) => PublicKey.from(k.key).toString()));
    };
    const deadline = Date.now() + 20_000;
    while ((await keysNamed()).some((k) => k !== added)) {
      if (Date.now() > deadline) assert.unreachable('the new keys never showed in get_account');
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await other.close();
  }
  const out = await w.services.transactions.push(req('2.0000 RSN'));
  assert.is(out.status, 'executed', JSON.stringify(out));
  await w.node.produceBlock();
  assert.is(await balanceOf(w, 'bob'), '3.0000 RSN');
});

test.run();
