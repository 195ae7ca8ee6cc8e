// User-verification assertions, spoken to the worker directly: required, bound to the digest, the
// app and the purpose, single use, short-lived, and valid only for the verifier registered at the
// current unlock. A refused assertion signs nothing; the vault keeps serving.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { Signature } from '../../abi/antelope/index.js';
import { mintAssertion, type Assertion } from '../../skv/index.js';
import { signingDigest, signingPreimage } from '../../abi/antelope/index.js';
import { tempHome, removeHome, packTransaction, transfer, CHAIN_ID, RawVault } from './helpers.js';

const chainId = new Uint8Array(Buffer.from(CHAIN_ID, 'hex'));

async function setup() {
  const home = tempHome();
  const raw = new RawVault(home, { assertionMaxTtlMs: 60_000 });
  await raw.unlock();
  const { publicKey } = await raw.call('create_key', { label: 't' });
  const transaction = packTransaction([transfer('1.0000 RSN')]);
  const digest = signingDigest(chainId, transaction).array;
  const mint = (o: Partial<{ digest: Uint8Array; app: string; purpose: 'sign' | 'export' | 'grant'; ttlMs: number }> = {}): Assertion =>
    mintAssertion(raw.registration!, {
      purpose: o.purpose ?? 'sign',
      app: o.app ?? '@user',
      digest: o.digest ?? digest,
      ttlMs: o.ttlMs ?? 60_000,
    });
  const req = (assertion?: Assertion, extra: Record<string, unknown> = {}) => ({
    chainId,
    transaction,
    keys: [publicKey],
    app: '@user',
    ...(assertion ? { assertion } : {}),
    ...extra,
  });
  return {
    home,
    raw,
    publicKey,
    transaction,
    digest,
    mint,
    req,
    done: async () => {
      await raw.close();
      removeHome(home);
    },
  };
}

test('a valid assertion signs; the response carries signatures, digest and the exact signed bytes', async () => {
  const s = await setup();
  try {
    const r = await s.raw.call('sign', s.req(s.mint()));
    assert.equal(new Uint8Array(r.digest), s.digest);
    assert.equal(new Uint8Array(r.signedBytes), signingPreimage(chainId, s.transaction));
    assert.is(Signature.from(r.signatures[0]!).recover(r.digest).toString(), s.publicKey);
  } finally {
    await s.done();
  }
});

test('missing assertion → ASSERTION_REQUIRED', async () => {
  const s = await setup();
  try {
    assert.is(await s.raw.code('sign', s.req()), 'ASSERTION_REQUIRED');
  } finally {
    await s.done();
  }
});

test('replayed assertion → ASSERTION_REPLAYED (single use)', async () => {
  const s = await setup();
  try {
    const a = s.mint();
    assert.is(await s.raw.code('sign', s.req(a)), 'OK');
    assert.is(await s.raw.code('sign', s.req(a)), 'ASSERTION_REPLAYED');
  } finally {
    await s.done();
  }
});

test('expired assertion → ASSERTION_EXPIRED; one claiming a too-long life → ASSERTION_INVALID', async () => {
  const s = await setup();
  try {
    const a = s.mint({ ttlMs: 20 });
    await new Promise((r) => setTimeout(r, 60));
    assert.is(await s.raw.code('sign', s.req(a)), 'ASSERTION_EXPIRED');
    assert.is(await s.raw.code('sign', s.req(s.mint({ ttlMs: 10 * 60_000 }))), 'ASSERTION_INVALID');
  } finally {
    await s.done();
  }
});

test('mismatched digest, app or purpose → ASSERTION_MISMATCH', async () => {
  const s = await setup();
  try {
    const other = signingDigest(chainId, packTransaction([transfer('2.0000 RSN')])).array;
    assert.is(await s.raw.code('sign', s.req(s.mint({ digest: other }))), 'ASSERTION_MISMATCH');
    assert.is(await s.raw.code('sign', s.req(s.mint({ app: 'dpay' }))), 'ASSERTION_MISMATCH');
    assert.is(await s.raw.code('sign', s.req(s.mint({ purpose: 'export' }))), 'ASSERTION_MISMATCH');
    // the same assertion, the transaction swapped underneath it
    assert.is(await s.raw.code('sign', s.req(s.mint(), { transaction: packTransaction([transfer('9.0000 RSN')]) })), 'ASSERTION_MISMATCH');
  } finally {
    await s.done();
  }
});

test('forged (unknown secret), altered, or previous-session assertions → ASSERTION_INVALID', async () => {
  const s = await setup();
  try {
    const forged = mintAssertion(
      { scheme: 'hmac-sha256', secret: randomBytes(32), session: s.raw.registration!.session },
      { purpose: 'sign', app: '@user', digest: s.digest },
    );
    assert.is(await s.raw.code('sign', s.req(forged)), 'ASSERTION_INVALID');
    const altered = s.mint();
    altered.expiresAt += 1;
    assert.is(await s.raw.code('sign', s.req(altered)), 'ASSERTION_INVALID');
    const old = s.mint();
    await s.raw.unlock(); // new session, new secret
    assert.is(await s.raw.code('sign', s.req(old)), 'ASSERTION_INVALID');
    assert.is(await s.raw.code('sign', s.req(s.mint())), 'OK', 'the new session works');
  } finally {
    await s.done();
  }
});

test('the facade asks the verifier with what it decoded, and a declining verifier signs nothing', async () => {
  const { Vault, TerminalVerifier, VaultError } = await import('../../skv/index.js');
  const home = tempHome();
  const shown: string[] = [];
  let answer = false;
  const v = Vault.open({ home, insecureTestKdf: true });
  try {
    await v.unlock('pw', { create: true, verifier: new TerminalVerifier({ show: (t) => shown.push(t), confirm: async () => answer }) });
    const { publicKey } = await v.createKey();
    const transaction = packTransaction([transfer('3.5000 RSN', 'dpay.token', 'rent')]);
    try {
      await v.sign({ chainId: CHAIN_ID, transaction, keys: [publicKey] });
      assert.unreachable();
    } catch (err) {
      assert.instance(err, VaultError);
      assert.is((err as InstanceType<typeof VaultError>).code, 'NOT_APPROVED');
    }
    assert.match(shown[0]!, /dpay\.token::transfer by alice@active: transfer 3\.5000 RSN from alice to bob, memo "rent"/);
    answer = true;
    const r = await v.sign({ chainId: CHAIN_ID, transaction, keys: [publicKey] });
    assert.is(r.signatures.length, 1);
  } finally {
    await v.close();
    removeHome(home);
  }
});

test('the auto-approve verifier exists only with the explicit opt-in', async () => {
  const { AutoApproveVerifier, AUTO_APPROVE_OPT_IN, VaultError } = await import('../../skv/index.js');
  for (const bad of [undefined, {}, { optIn: 'yes' }]) {
    try {
      new AutoApproveVerifier(bad as never);
      assert.unreachable();
    } catch (err) {
      assert.instance(err, VaultError);
      assert.match((err as Error).message, /explicit opt-in/);
    }
  }
  assert.is(new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN }).kind, 'auto-approve');
});

test.run();
