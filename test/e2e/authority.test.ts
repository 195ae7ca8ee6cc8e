// Login against authorities that are more than one key: a 2-of-2 multisig (both keys needed; one
// is not enough, and the proof must carry both), a permission delegated to another account's
// permission (resolved through get_account recursively), weights below the threshold, and owner
// satisfying active. Keys are picked and proofs verified by the node's own authority checker.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Action, PrivateKey, PublicKey, eosioSerializer, keyIdOf } from '../../abi/antelope/index.js';
import { submitUserTransaction } from '../../runtime/transaction-service/index.js';
import { SessionError, loadPermissionTree, satisfyingKeys } from '../../runtime/session/index.js';
import { startWorld, newAccount, loginAs, type World } from './world.js';

let w: World;

async function updateauth(account: string, permission: string, parent: string, auth: unknown, signer = 'owner'): Promise<void> {
  const a = Action.from(
    {
      account: 'eosio',
      name: 'updateauth',
      authorization: [{ actor: account, permission: signer }],
      data: { account, permission, parent, auth },
    },
    eosioSerializer(),
  );
  await submitUserTransaction({ vault: w.vault, backend: w.backend, actions: [a], summary: [`updateauth ${account}@${permission}`] });
}

/** Antelope wants an authority's keys sorted by their binary form (the node's key id). */
const sortKeys = (keys: string[]) =>
  [...keys].sort((a, b) => {
    const x = keyIdOf(PublicKey.from(a));
    const y = keyIdOf(PublicKey.from(b));
    return x < y ? -1 : x > y ? 1 : 0;
  });

test.before(async () => {
  w = await startWorld();
});
test.after(async () => {
  await w.close();
});

test('2-of-2 multisig: both vault keys sign the challenge; the proof carries both', async () => {
  const k1 = (await w.vault.createKey('multi 1')).publicKey;
  const k2 = (await w.vault.createKey('multi 2')).publicKey;
  await newAccount(w, 'multi', k1);
  await updateauth('multi', 'active', 'owner', {
    threshold: 2,
    keys: sortKeys([k1, k2]).map((key) => ({ key, weight: 1 })),
    accounts: [],
    waits: [],
  });
  const s = await loginAs(w, 'multi');
  assert.is(s.keys.length, 2);
  assert.is(s.proof.signatures.length, 2);
});

test('weights below the threshold: one of the two keys is not enough', async () => {
  const k1 = (await w.vault.createKey('half')).publicKey;
  const outside = PrivateKey.generate().toPublic().toString();
  await newAccount(w, 'half', k1);
  await updateauth('half', 'active', 'owner', {
    threshold: 2,
    keys: sortKeys([k1, outside]).map((key) => ({ key, weight: 1 })),
    accounts: [],
    waits: [],
  });
  // owner (k1 alone, threshold 1) satisfies active, as on chain: login succeeds through the parent
  const s = await loginAs(w, 'half');
  assert.equal(s.keys, [k1]);
  // a permission with no parent to fall back on: owner itself needs 2 of 2
  await updateauth('half', 'owner', '', {
    threshold: 2,
    keys: sortKeys([k1, outside]).map((key) => ({ key, weight: 1 })),
    accounts: [],
    waits: [],
  });
  try {
    await loginAs(w, 'half');
    assert.unreachable();
  } catch (err) {
    assert.instance(err, SessionError);
    assert.is((err as SessionError).code, 'NO_MATCHING_KEY');
  }
});

test("delegated: active is satisfied by another account's permission (recursion through get_account)", async () => {
  const bobKey = await newAccount(w, 'bob');
  // dlg: owner is a key outside the vault (no fallback through owner); active starts as bob's key
  // and is then changed (signed by dlg@active) to "bob@active" only
  await newAccount(w, 'dlg', bobKey);
  const outside = PrivateKey.generate().toPublic().toString();
  await updateauth('dlg', 'active', 'owner', {
    threshold: 1,
    keys: [],
    accounts: [{ permission: { actor: 'bob', permission: 'active' }, weight: 1 }],
    waits: [],
  });
  await updateauth('dlg', 'owner', '', { threshold: 1, keys: [{ key: outside, weight: 1 }], accounts: [], waits: [] });
  const before = await loadPermissionTree((n) => w.backend.getAccount(n), 'dlg');
  assert.equal(satisfyingKeys(before, { actor: 'dlg', permission: 'owner' }, [bobKey]), undefined, 'owner is not in the vault');
  const tree = await loadPermissionTree((n) => w.backend.getAccount(n), 'dlg');
  assert.equal(satisfyingKeys(tree, { actor: 'dlg', permission: 'active' }, [bobKey]), [bobKey]);
  const s = await loginAs(w, 'dlg');
  assert.is(s.account, 'dlg');
  assert.equal(s.keys, [bobKey]);
});

test.run();
