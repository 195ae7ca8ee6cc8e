// Per-app signing grants enforced inside the vault: chain ids, contracts, actions, per-transaction
// and per-day token caps. Checked through the facade and by speaking dMemo to the worker directly
// with valid assertions — a compromised host gets no signature outside the grant.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Name, signingDigest } from '../../abi/antelope/index.js';
import { type VaultError, mintAssertion, grantDigest, validateGrant, USER_APP, type SigningGrant } from '../../skv/index.js';
import {
  tempHome,
  removeHome,
  openTestVault,
  packTransaction,
  transfer,
  CHAIN_ID,
  OTHER_CHAIN,
  RawVault,
  type TestAction,
  vaultErrorCode,
} from './helpers.js';

const GRANT: SigningGrant = {
  app: 'dpay',
  chainIds: [CHAIN_ID],
  contracts: { 'dpay.token': ['transfer'], 'dpay.memo': ['post'] },
  maxAmountPerTx: '100.0000 RSN',
  maxAmountPerDay: '150.0000 RSN',
};

test('facade: an app signs inside its grant; outside it is SCOPE_DENIED though the verifier approved; revoked is denied again', async () => {
  const home = tempHome();
  try {
    const { vault, pub } = await openTestVault(home);
    await vault.setGrant(GRANT);
    const sign = (actions: TestAction[], o: { app?: string; chain?: string; cfa?: TestAction[] } = {}) =>
      vaultErrorCode(
        vault.sign({
          chainId: o.chain ?? CHAIN_ID,
          transaction: packTransaction(actions, o.cfa ? { cfa: o.cfa } : {}),
          keys: [pub],
          app: o.app ?? 'dpay',
        }),
      );
    assert.is(await sign([transfer('10.0000 RSN')]), 'OK');
    assert.is(await sign([{ account: 'dpay.memo', name: 'post', actor: 'alice', data: new Uint8Array([1, 2]) }]), 'OK');
    assert.is(
      await sign([{ account: 'dpay.memo', name: 'anything', actor: 'alice', data: new Uint8Array([1, 2]) }]),
      'SCOPE_DENIED',
      'only named actions',
    );
    assert.is(
      await vaultErrorCode(vault.setGrant({ ...GRANT, contracts: { 'dpay.memo': ['*'] } })),
      'INVALID_ARGUMENT',
      'a wildcard grants nothing and is refused',
    );
    assert.is(await sign([transfer('10.0000 RSN')], { chain: OTHER_CHAIN }), 'SCOPE_DENIED', 'chain not granted');
    assert.is(await sign([transfer('10.0000 RSN', 'evil.token')]), 'SCOPE_DENIED', 'contract not granted');
    assert.is(
      await sign([{ account: 'dpay.token', name: 'issue', actor: 'alice', data: new Uint8Array(0) }]),
      'SCOPE_DENIED',
      'action not granted',
    );
    assert.is(await sign([transfer('100.0001 RSN')]), 'SCOPE_DENIED', 'per-tx cap');
    assert.is(await sign([transfer('60.0000 RSN'), transfer('60.0000 RSN')]), 'SCOPE_DENIED', 'per-tx cap summed over actions');
    assert.is(await sign([transfer('1.0000 XYZ')]), 'SCOPE_DENIED', 'other symbol while capped');
    assert.is(await sign([transfer('1.000 RSN')]), 'SCOPE_DENIED', 'other precision while capped');
    assert.is(
      await sign([{ account: 'dpay.token', name: 'transfer', actor: 'alice', data: new Uint8Array([1, 2, 3]) }]),
      'SCOPE_DENIED',
      'undecodable transfer',
    );
    assert.is(
      await sign([transfer('1.0000 RSN')], { cfa: [{ account: 'evil', name: 'x', data: new Uint8Array(0) }] }),
      'SCOPE_DENIED',
      'context-free actions are checked too',
    );
    assert.is(await sign([transfer('1.0000 RSN')], { app: 'dsocial' }), 'SCOPE_DENIED', 'no grant → deny by default');
    assert.equal((await vault.status()).grants, ['dpay']);
    assert.is(await vault.revokeGrant('dpay'), true);
    assert.is(await vault.revokeGrant('dpay'), false);
    assert.is(await sign([transfer('1.0000 RSN')]), 'SCOPE_DENIED', 'revoked: deny by default again');
    await vault.close();
  } finally {
    removeHome(home);
  }
});

test('per-day cap accumulates, survives a restart, and is checked before signing', async () => {
  const home = tempHome();
  try {
    let { vault, pub } = await openTestVault(home);
    await vault.setGrant(GRANT);
    const sign = (q: string) =>
      vaultErrorCode(vault.sign({ chainId: CHAIN_ID, transaction: packTransaction([transfer(q)]), keys: [pub], app: 'dpay' }));
    assert.is(await sign('100.0000 RSN'), 'OK');
    assert.is(await sign('40.0000 RSN'), 'OK');
    assert.is(await sign('20.0000 RSN'), 'SCOPE_DENIED', '160 > 150 per day');
    await vault.close();
    const { Vault } = await import('../../skv/index.js');
    const { autoApprove, PASS } = await import('./helpers.js');
    vault = Vault.open({ home, insecureTestKdf: true });
    await vault.unlock(PASS, { verifier: autoApprove() });
    assert.is(await sign('20.0000 RSN'), 'SCOPE_DENIED', 'still 140 spent after a restart');
    assert.is(await sign('10.0000 RSN'), 'OK', 'exactly 150');
    await vault.close();
    // an edited spend ledger is not trusted
    const { readFileSync, writeFileSync } = await import('node:fs');
    const { vaultPaths } = await import('../../skv/index.js');
    const ledger = vaultPaths(home).spend;
    writeFileSync(ledger, readFileSync(ledger, 'utf8').replace(/"units":"\d+"/, '"units":"0"'));
    vault = Vault.open({ home, insecureTestKdf: true });
    assert.is(await vaultErrorCode(vault.unlock(PASS, { verifier: autoApprove() })), 'KEYSTORE_TAMPERED');
    await vault.close();
  } finally {
    removeHome(home);
  }
});

test("raw dMemo: a host that mints valid assertions for an app cannot sign outside that app's grant, nor widen the grant with another grant's approval", async () => {
  const home = tempHome();
  const raw = new RawVault(home);
  try {
    await raw.unlock();
    const { publicKey } = await raw.call('create_key', {});
    const chainId = new Uint8Array(Buffer.from(CHAIN_ID, 'hex'));
    const setGrant = (grant: SigningGrant, digest = grantDigest(grant)) =>
      raw.code('set_grant', { grant, assertion: mintAssertion(raw.registration!, { purpose: 'grant', app: grant.app, digest }) });
    assert.is(await setGrant(GRANT), 'OK');
    assert.is(await raw.code('set_grant', { grant: { ...GRANT, maxAmountPerTx: '1000000.0000 RSN' } }), 'ASSERTION_REQUIRED');
    assert.is(
      await setGrant({ ...GRANT, maxAmountPerTx: '1000000.0000 RSN' }, grantDigest(GRANT)),
      'ASSERTION_MISMATCH',
      'an approval of one grant does not set another',
    );
    const rawSign = (transaction: Uint8Array, app = 'dpay', chain = chainId) =>
      raw.code('sign', {
        chainId: chain,
        transaction,
        keys: [publicKey],
        app,
        assertion: mintAssertion(raw.registration!, { purpose: 'sign', app, digest: signingDigest(chain, transaction).array }),
      });
    assert.is(await rawSign(packTransaction([transfer('5.0000 RSN')])), 'OK');
    assert.is(await rawSign(packTransaction([transfer('500.0000 RSN')])), 'SCOPE_DENIED');
    assert.is(await rawSign(packTransaction([transfer('5.0000 RSN', 'evil.token')])), 'SCOPE_DENIED');
    assert.is(
      await rawSign(packTransaction([transfer('5.0000 RSN')]), 'dpay', new Uint8Array(Buffer.from(OTHER_CHAIN, 'hex'))),
      'SCOPE_DENIED',
    );
    assert.is(await rawSign(packTransaction([transfer('5.0000 RSN')]), 'nogrant'), 'SCOPE_DENIED');
    const trailing = new Uint8Array([...packTransaction([transfer('5.0000 RSN')]), 0]);
    assert.is(await rawSign(trailing), 'INVALID_TRANSACTION', 'trailing bytes: what is checked must be what is signed');
  } finally {
    await raw.close();
    removeHome(home);
  }
});

test('only the user principal @user bypasses grants: an app named "user" (raw dMemo) is an app without a grant, SCOPE_DENIED', async () => {
  const home = tempHome();
  const raw = new RawVault(home);
  try {
    await raw.unlock();
    const { publicKey } = await raw.call('create_key', {});
    const chainId = new Uint8Array(Buffer.from(CHAIN_ID, 'hex'));
    const trx = packTransaction([transfer('1000.0000 RSN', 'evil.token')]);
    const rawSign = (app: string) =>
      raw.code('sign', {
        chainId,
        transaction: trx,
        keys: [publicKey],
        app,
        assertion: mintAssertion(raw.registration!, { purpose: 'sign', app, digest: signingDigest(chainId, trx).array }),
      });
    assert.is(USER_APP, '@user');
    for (const app of ['user', 'peeros', 'vault', 'constructor']) assert.is(await rawSign(app), 'SCOPE_DENIED', app);
    assert.is(
      await raw.code('seal_message', { key: publicKey, peer: publicKey, plaintext: new Uint8Array(3), app: 'user' }),
      'SCOPE_DENIED',
      'sealing as "user" needs a grant too',
    );
    assert.is(await rawSign('User'), 'INVALID_ARGUMENT', 'not an app id');
    assert.is(await rawSign('@root'), 'INVALID_ARGUMENT', 'the only principal outside the app-id grammar is @user');
    assert.is(await rawSign(USER_APP), 'OK', 'the user acting directly is not limited by app grants');
  } finally {
    await raw.close();
    removeHome(home);
  }
});

test('remaining hole: a host that holds the verifier secret signs anything as @user (the vault cannot tell it from the person at the keyboard)', async () => {
  // The vault trusts its registered verifier; a host compromised while the vault is unlocked holds
  // that secret and can mint user approvals. Only a verifier outside the host (WebAuthn) closes this.
  const home = tempHome();
  const raw = new RawVault(home);
  try {
    await raw.unlock();
    const { publicKey } = await raw.call('create_key', {});
    const chainId = new Uint8Array(Buffer.from(CHAIN_ID, 'hex'));
    const trx = packTransaction([transfer('1000000.0000 RSN', 'evil.token')]);
    const r = await raw.code('sign', {
      chainId,
      transaction: trx,
      keys: [publicKey],
      app: USER_APP,
      assertion: mintAssertion(raw.registration!, { purpose: 'sign', app: USER_APP, digest: signingDigest(chainId, trx).array }),
    });
    assert.is(r, 'OK');
  } finally {
    await raw.close();
    removeHome(home);
  }
});

test('Object.prototype names that are valid account names are plain accounts in the vault worker: SCOPE_DENIED or signed, never INTERNAL', async () => {
  // which of Object.prototype's names are Antelope names (lower-cased): constructor, tostring, valueof, isprototypeof…
  const protoNames = Object.getOwnPropertyNames(Object.prototype)
    .map((n) => n.toLowerCase())
    .filter((n) => {
      try {
        return Name.from(n).toString() === n;
      } catch {
        return false;
      }
    });
  assert.ok(protoNames.includes('constructor') && protoNames.includes('tostring') && protoNames.includes('valueof'), protoNames.join());
  for (const invalid of ['__proto__', 'hasownproperty', 'tolocalestring'])
    assert.not.ok(protoNames.includes(invalid), `${invalid} is not a valid name`);
  const home = tempHome();
  try {
    const { vault, pub } = await openTestVault(home);
    const sign = (account: string, name: string) =>
      vaultErrorCode(
        vault.sign({
          chainId: CHAIN_ID,
          transaction: packTransaction([{ account, name, actor: 'alice', data: new Uint8Array(0) }]),
          keys: [pub],
          app: 'dpay',
        }),
      );
    await vault.setGrant({ app: 'dpay', chainIds: [CHAIN_ID], contracts: { 'dpay.token': ['transfer'] }, maxAmountPerTx: '1.0000 RSN' });
    for (const n of protoNames) {
      assert.is(await sign(n, 'transfer'), 'SCOPE_DENIED', `ungranted contract '${n}'`);
      assert.is(await sign('dpay.token', n), 'SCOPE_DENIED', `ungranted action '${n}'`);
    }
    // granted by name, they sign like any other account
    await vault.setGrant({ app: 'dpay', chainIds: [CHAIN_ID], contracts: { constructor: ['tostring'], valueof: ['constructor'] } });
    assert.is(await sign('constructor', 'tostring'), 'OK');
    assert.is(await sign('valueof', 'constructor'), 'OK');
    assert.is(await sign('constructor', 'valueof'), 'SCOPE_DENIED');
    assert.is(await sign('tostring', 'constructor'), 'SCOPE_DENIED');
    await vault.close();
  } finally {
    removeHome(home);
  }
});

test('the daily total starts again on a new UTC day', async () => {
  const { checkScope } = await import('../../skv/signing-scope.js');
  const trx = packTransaction([transfer('100.0000 RSN')]);
  const noon = Date.UTC(2030, 0, 1, 12);
  const first = checkScope(GRANT, CHAIN_ID, trx, undefined, noon)!;
  assert.equal(first, { day: '2030-01-01', units: 1_000_000n, symbol: '4,RSN' });
  assert.throws(
    () => checkScope(GRANT, CHAIN_ID, trx, first, noon + 3_600_000),
    (e: VaultError) => e.code === 'SCOPE_DENIED',
  );
  const nextDay = checkScope(GRANT, CHAIN_ID, trx, first, noon + 13 * 3_600_000)!;
  assert.equal(nextDay, { day: '2030-01-02', units: 1_000_000n, symbol: '4,RSN' });
});

test('grants are validated with messages that name the field', async () => {
  const home = tempHome();
  try {
    const { vault } = await openTestVault(home);
    const bad = async (g: unknown, re: RegExp) => {
      try {
        await vault.setGrant(g as SigningGrant);
        assert.unreachable();
      } catch (err) {
        assert.is((err as VaultError).code, 'INVALID_ARGUMENT');
        assert.match((err as Error).message, re);
      }
    };
    await bad({ ...GRANT, chainIds: ['xyz'] }, /chainIds\[0\]/);
    await bad({ ...GRANT, contracts: { 'NOT A NAME': ['x'] } }, /contracts/);
    await bad({ ...GRANT, maxAmountPerTx: 'lots' }, /maxAmountPerTx/);
    await bad({ ...GRANT, maxAmountPerDay: '1.00 EUR' }, /different symbols/);
    await bad({ ...GRANT, app: USER_APP }, /cannot be given a grant/);
    await bad({ ...GRANT, app: '@root' }, /expected an app id/);
    await bad({ ...GRANT, extra: 1 }, /unknown field/);
    await bad({ ...GRANT, contracts: { 'dpay.memo': ['post', '*'] } }, /contracts\.dpay\.memo\[1\]: "\*" is not allowed; name each action/);
    await vault.close();
    // a grant stored before "*" was refused still opens the keystore; its "*" grants nothing
    const legacy = { ...GRANT, contracts: { 'dpay.memo': ['*'] } };
    assert.equal(validateGrant(legacy, { stored: true }).contracts, { 'dpay.memo': ['*'] });
    const { checkScope } = await import('../../skv/signing-scope.js');
    assert.throws(
      () =>
        checkScope(
          legacy,
          CHAIN_ID,
          packTransaction([{ account: 'dpay.memo', name: 'post', data: new Uint8Array(0) }]),
          undefined,
          Date.now(),
        ),
      (e: VaultError) => e.code === 'SCOPE_DENIED' && /action 'dpay\.memo::post' is not granted/.test(e.message),
    );
  } finally {
    removeHome(home);
  }
});

test.run();
