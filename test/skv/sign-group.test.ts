// Group commit of app signatures in the vault (skv/vault-core.ts, lib/group-commit.ts): concurrent
// sign requests of apps share the vault lock and one spend-ledger write, the daily caps still count
// every signature exactly once, each signature is answered only after the ledger holding it is
// synced, and a lock while requests wait answers them LOCKED instead of signing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { signingDigest } from '../../abi/antelope/index.js';
import { VaultCore } from '../../skv/vault-core.js';
import { mintAssertion, type VerifierRegistration } from '../../skv/assertion.js';
import { grantDigest } from '../../skv/signing-grant.js';
import { VaultError } from '../../skv/index.js';
import { vaultPaths } from '../../skv/keystore-file.js';
import { CHAIN_ID, PASS, lastLedgerRecord, openTestVault, packTransaction, removeHome, tempHome, transfer } from './helpers.js';

async function outcomes(ps: Promise<unknown>[]): Promise<string[]> {
  return Promise.all(
    ps.map((p) =>
      p.then(
        () => 'OK',
        (err: unknown) => (err instanceof VaultError ? err.code : `THROWN ${(err as Error).message}`),
      ),
    ),
  );
}

/** What the spend ledger on disk says `app` spent today (units). */
function spentUnits(home: string, app: string): bigint {
  const body = lastLedgerRecord(readFileSync(vaultPaths(home).spend, 'utf8')) as { entries: Record<string, { units: string }> };
  return BigInt(body.entries[app]?.units ?? '0');
}

test('16 concurrent 10-token signatures under a 50-token daily cap: exactly 5 signed, and the ledger on disk says 50', async () => {
  const home = tempHome();
  const { vault, pub } = await openTestVault(home);
  try {
    await vault.setGrant({ app: 'dpay', chainIds: [CHAIN_ID], contracts: { 'dpay.token': ['transfer'] }, maxAmountPerDay: '50.0000 RSN' });
    const got = await outcomes(
      Array.from({ length: 16 }, (_, i) =>
        vault.sign({
          chainId: CHAIN_ID,
          transaction: packTransaction([transfer('10.0000 RSN', 'dpay.token', `n${i}`)]),
          keys: [pub],
          app: 'dpay',
        }),
      ),
    );
    assert.is(got.filter((c) => c === 'OK').length, 5, got.join(' '));
    assert.ok(
      got.every((c) => c === 'OK' || c === 'SCOPE_DENIED'),
      got.join(' '),
    );
    assert.is(spentUnits(home, 'dpay'), 500_000n);
  } finally {
    await vault.close();
    removeHome(home);
  }
});

test('concurrent signatures of several apps are each counted under their own cap', async () => {
  const home = tempHome();
  const { vault, pub } = await openTestVault(home);
  try {
    const apps = ['dpay', 'dbnk', 'dsocial'];
    for (const app of apps)
      await vault.setGrant({ app, chainIds: [CHAIN_ID], contracts: { 'dpay.token': ['transfer'] }, maxAmountPerDay: '30.0000 RSN' });
    const got = await outcomes(
      Array.from({ length: 12 }, (_, i) =>
        vault.sign({
          chainId: CHAIN_ID,
          transaction: packTransaction([transfer('10.0000 RSN', 'dpay.token', `m${i}`)]),
          keys: [pub],
          app: apps[i % 3]!,
        }),
      ),
    );
    assert.is(got.filter((c) => c === 'OK').length, 9, got.join(' '));
    for (const app of apps) assert.is(spentUnits(home, app), 300_000n, app);
  } finally {
    await vault.close();
    removeHome(home);
  }
});

test('a lock while app signatures wait for their group: they are answered LOCKED, nothing is signed or counted', async () => {
  const home = tempHome();
  const core = new VaultCore({ home, autoLockMs: 60_000, assertionMaxTtlMs: 60_000, backoffBaseMs: 100, insecureTestKdf: true });
  try {
    const { verifier: reg } = (await core.handle({ v: 1, op: 'unlock', passphrase: PASS, create: true })) as {
      verifier: VerifierRegistration;
    };
    const key = (await core.handle({ v: 1, op: 'create_key' })) as { publicKey: string };
    const grant = { app: 'dpay', chainIds: [CHAIN_ID], contracts: { 'dpay.token': ['transfer'] }, maxAmountPerDay: '500.0000 RSN' };
    await core.handle({
      v: 1,
      op: 'set_grant',
      grant,
      assertion: mintAssertion(reg, { purpose: 'grant', app: 'dpay', digest: grantDigest(grant) }),
    });
    const chainId = Buffer.from(CHAIN_ID, 'hex');
    const waiting = [0, 1].map((i) => {
      const trx = packTransaction([transfer('10.0000 RSN', 'dpay.token', `l${i}`)]);
      const digest = signingDigest(chainId, trx).array;
      return core.handle({
        v: 1,
        op: 'sign',
        chainId,
        transaction: trx,
        keys: [key.publicKey],
        app: 'dpay',
        assertion: mintAssertion(reg, { purpose: 'sign', app: 'dpay', digest }),
      });
    });
    core.lock(); // both are in flight (approval or group not run yet)
    assert.equal(await outcomes(waiting), ['LOCKED', 'LOCKED']);
    assert.is(existsSync(vaultPaths(home).spend), false, 'nothing was counted');
  } finally {
    core.lock();
    removeHome(home);
  }
});

test.run();
