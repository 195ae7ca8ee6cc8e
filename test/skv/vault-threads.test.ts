// The vault's two threads (skv/vault-signer.ts, skv/signer-thread.ts): the vault worker decides and
// records every app signature, its signing thread only signs. The attacker's view: the same
// assertion raced by concurrent requests signs once; a cap hit by concurrent requests signs exactly
// what it allows; a signing thread killed mid-batch answers no signature of that batch, takes its
// spend back out of the ledger, and the vault keeps signing on a new thread.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Signature, signingDigest } from '../../abi/antelope/index.js';
import { Vault, VaultError, limits, mintAssertion } from '../../skv/index.js';
import { grantDigest } from '../../skv/signing-grant.js';
import { vaultPaths } from '../../skv/keystore-file.js';
import {
  CHAIN_ID,
  PASS,
  RawVault,
  autoApprove,
  lastLedgerRecord,
  openTestVault,
  packTransaction,
  removeHome,
  tempHome,
  transfer,
} from './helpers.js';

const chainId = new Uint8Array(Buffer.from(CHAIN_ID, 'hex'));

/** Each call's outcome: 'OK', a VaultError code, or what else was thrown. */
async function outcomes<T>(ps: Promise<T>[]): Promise<{ code: string; value?: T; error?: VaultError }[]> {
  return Promise.all(
    ps.map((p) =>
      p.then(
        (value) => ({ code: 'OK', value }),
        (err: unknown) => (err instanceof VaultError ? { code: err.code, error: err } : { code: `THROWN ${(err as Error).message}` }),
      ),
    ),
  );
}

/** Today's entry of `app` in the spend ledger on disk. */
function ledgerEntry(home: string, app: string): { units: bigint; count: number } {
  const body = lastLedgerRecord(readFileSync(vaultPaths(home).spend, 'utf8')) as {
    entries: Record<string, { units: string; count?: number }>;
  };
  const e = body.entries[app];
  return { units: BigInt(e?.units ?? '0'), count: e?.count ?? 0 };
}

const GRANT = { app: 'dpay', chainIds: [CHAIN_ID], contracts: { 'dpay.token': ['transfer'] }, maxAmountPerDay: '1000.0000 RSN' };

function tx(memo: string, quantity = '1.0000 RSN'): Uint8Array {
  return packTransaction([transfer(quantity, 'dpay.token', memo)]);
}

test('the vault has VAULT_THREADS = 2 by default; 1 signs inline; anything else is refused', () => {
  assert.is(limits.VAULT_THREADS, 2);
  try {
    Vault.open({ home: '/nonexistent/peeros-home', threads: 3 as never });
    assert.unreachable('threads 3 was accepted');
  } catch (err) {
    assert.is((err as VaultError).code, 'INVALID_ARGUMENT');
  }
});

test('24 concurrent app signatures on two threads: each verifies, equals what the one-thread vault signs, and is counted once', async () => {
  const home = tempHome();
  const { vault, pub } = await openTestVault(home);
  const one = Vault.open({ home, insecureTestKdf: true, threads: 1 });
  try {
    await vault.setGrant(GRANT);
    const txs = Array.from({ length: 24 }, (_, i) => tx(`t${i}`));
    const got = await outcomes(txs.map((transaction) => vault.sign({ chainId: CHAIN_ID, transaction, keys: [pub], app: 'dpay' })));
    assert.equal(
      got.map((g) => g.code),
      txs.map(() => 'OK'),
    );
    await one.unlock(PASS, { verifier: autoApprove() });
    for (const [i, g] of got.entries()) {
      const digest = signingDigest(chainId, txs[i]!).array;
      assert.equal(new Uint8Array(g.value!.digest), digest);
      assert.is(Signature.from(g.value!.signatures[0]!).recover(digest).toString(), pub, `signature ${i} recovers to the key`);
      // RFC 6979: the same key and digest give the same bytes on either path
      const inline = await one.sign({ chainId: CHAIN_ID, transaction: txs[i]!, keys: [pub], app: 'dpay' });
      assert.equal(inline.signatures, g.value!.signatures, `signature ${i} is the one-thread vault's`);
    }
    assert.is(ledgerEntry(home, 'dpay').units, 48n * 10_000n, 'each of the 24 + 24 signatures counted once');
  } finally {
    await Promise.all([vault.close(), one.close()]);
    removeHome(home);
  }
});

test('one assertion raced by 8 concurrent sign requests signs once; the other 7 are ASSERTION_REPLAYED and count nothing', async () => {
  const home = tempHome();
  const raw = new RawVault(home, { assertionMaxTtlMs: 60_000 });
  try {
    await raw.unlock();
    const { publicKey } = await raw.call('create_key', { label: 'race' });
    const grant = { ...GRANT, maxSignaturesPerDay: 100 };
    await raw.call('set_grant', {
      grant,
      assertion: mintAssertion(raw.registration!, { purpose: 'grant', app: 'dpay', digest: grantDigest(grant) }),
    });
    const transaction = tx('raced');
    const assertion = mintAssertion(raw.registration!, {
      purpose: 'sign',
      app: 'dpay',
      digest: signingDigest(chainId, transaction).array,
      ttlMs: 60_000,
    });
    const got = await outcomes(
      Array.from({ length: 8 }, () => raw.call('sign', { chainId, transaction, keys: [publicKey], app: 'dpay', assertion })),
    );
    assert.equal(got.map((g) => g.code).sort(), [
      'ASSERTION_REPLAYED',
      'ASSERTION_REPLAYED',
      'ASSERTION_REPLAYED',
      'ASSERTION_REPLAYED',
      'ASSERTION_REPLAYED',
      'ASSERTION_REPLAYED',
      'ASSERTION_REPLAYED',
      'OK',
    ]);
    assert.equal(ledgerEntry(home, 'dpay'), { units: 10_000n, count: 1 });
  } finally {
    await raw.close();
    removeHome(home);
  }
});

test('a count cap of 5 hit by 16 concurrent requests on two threads: exactly 5 signed, 11 SCOPE_DENIED, the ledger says 5', async () => {
  const home = tempHome();
  const { vault, pub } = await openTestVault(home);
  try {
    await vault.setGrant({ ...GRANT, maxSignaturesPerDay: 5 });
    const got = await outcomes(
      Array.from({ length: 16 }, (_, i) => vault.sign({ chainId: CHAIN_ID, transaction: tx(`c${i}`), keys: [pub], app: 'dpay' })),
    );
    assert.is(got.filter((g) => g.code === 'OK').length, 5, got.map((g) => g.code).join(' '));
    assert.is(got.filter((g) => g.code === 'SCOPE_DENIED').length, 11, got.map((g) => g.code).join(' '));
    assert.equal(ledgerEntry(home, 'dpay'), { units: 50_000n, count: 5 });
  } finally {
    await vault.close();
    removeHome(home);
  }
});

test('the signing thread killed mid-batch: that batch fails INTERNAL with no signature, its spend is taken back, the vault keeps signing', async () => {
  const home = tempHome();
  // the first signing thread ends itself half-way through its first batch, before answering it
  const { vault, pub } = await openTestVault(home, { testSignerExitAtBatch: 1 });
  try {
    await vault.setGrant({ ...GRANT, maxSignaturesPerDay: 100 });
    await vault.sign({ chainId: CHAIN_ID, transaction: tx('first'), keys: [pub], app: 'dpay' }); // alone: signed inline
    assert.equal(ledgerEntry(home, 'dpay'), { units: 10_000n, count: 1 });
    const txs = Array.from({ length: 8 }, (_, i) => tx(`k${i}`));
    const got = await outcomes(txs.map((transaction) => vault.sign({ chainId: CHAIN_ID, transaction, keys: [pub], app: 'dpay' })));
    const failed = got.filter((g) => g.code !== 'OK');
    const signed = got.filter((g) => g.code === 'OK');
    assert.ok(failed.length >= 1, 'the batch on the killed thread failed');
    for (const f of failed) {
      assert.is(f.code, 'INTERNAL', f.error?.message);
      assert.match(f.error!.message, /signing thread ended/);
      assert.is(f.value, undefined, 'no signature leaves for a failed request');
    }
    // the requests after the killed batch went to a new thread
    for (const [i, g] of got.entries()) {
      if (g.code !== 'OK') continue;
      assert.is(Signature.from(g.value!.signatures[0]!).recover(signingDigest(chainId, txs[i]!).array).toString(), pub);
    }
    // the ledger counts exactly the signatures answered
    assert.equal(ledgerEntry(home, 'dpay'), { units: BigInt(1 + signed.length) * 10_000n, count: 1 + signed.length });
    // and the vault keeps working, across a lock (the thread and its keys end) and a new unlock
    const after = await vault.sign({ chainId: CHAIN_ID, transaction: tx('after'), keys: [pub], app: 'dpay' });
    assert.is(after.signatures.length, 1);
    await vault.lock();
    await vault.unlock(PASS, { verifier: autoApprove() });
    await vault.sign({ chainId: CHAIN_ID, transaction: tx('relocked'), keys: [pub], app: 'dpay' });
    assert.equal(ledgerEntry(home, 'dpay'), { units: BigInt(3 + signed.length) * 10_000n, count: 3 + signed.length });
  } finally {
    await vault.close();
    removeHome(home);
  }
});

test.run();
