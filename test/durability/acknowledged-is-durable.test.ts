// "Durable before acknowledged", checked at the file-system level: for each promise the docs make
// (offline queue, keystore, vault signing grants, the spend ledger, session grants, app installs,
// the node's journal of accepted transactions),
// the call is traced through node:fs and, at the moment it resolves, nothing it wrote may still be
// unsynced (no write without a later fsync, no rename without a later sync of its directory).
// Removing one `datasync`/`sync` from the code under test fails the matching test here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsTrace, problems } from './fs-trace.js';
import { OfflineQueue } from '../../runtime/offline-queue/index.js';
import { SessionGrantStore, validateSessionGrant } from '../../runtime/transaction-service/session-grants.js';
import { GrantPolicyVerifier } from '../../runtime/transaction-service/grant-policy-verifier.js';
import { VaultCore } from '../../skv/vault-core.js';
import { mintAssertion, type VerifierRegistration } from '../../skv/assertion.js';
import { grantDigest } from '../../skv/signing-grant.js';
import { signingDigest } from '../../abi/antelope/index.js';
import { AppRegistry, readAppPackage } from '../../runtime/app-registry.js';
import { hashPackage, newUnverifiedIdentity } from '../../runtime/app-identity/app-identity.js';
import { signedTransfer } from '../fixtures/test-transactions.js';
import { CHAIN_ID, PASS, packTransaction, transfer } from '../skv/helpers.js';
import { AcceptedJournal } from '../../dmcs/block/accepted-journal.js';
import { PrivateKey } from '../../abi/antelope/index.js';

const root = mkdtempSync(join(tmpdir(), 'peeros-durable-'));
const home = (tag: string) => mkdtempSync(join(root, `${tag}-`));

/** Runs `op` under a trace of `dir`; asserts it wrote something and left nothing unsynced when it resolved. */
async function ackIsDurable<T>(dir: string, what: string, op: () => Promise<T>): Promise<T> {
  const trace = await FsTrace.start(dir);
  let result: T;
  let atAck: string[];
  try {
    result = await op();
    atAck = problems(trace.events);
  } finally {
    trace.stop();
  }
  assert.ok(
    trace.events.some((e) => e.op === 'write'),
    `${what}: the trace saw no write (is the tracer wired?)\n${trace.dump()}`,
  );
  assert.equal(atAck, [], `${what}: acknowledged before it was durable\n${trace.dump()}`);
  return result;
}

test.after(() => rmSync(root, { recursive: true, force: true }));

test('the tracer itself: an unsynced write and an unsynced rename are reported', async () => {
  const dir = home('tracer');
  const trace = await FsTrace.start(dir);
  // imported after the trace started: a name bound earlier keeps the unwrapped function
  const { writeFile, open, rename } = await import('node:fs/promises');
  try {
    await writeFile(join(dir, 'a'), 'x');
    const fh = await open(join(dir, 'b'), 'w');
    await fh.write('y');
    await fh.sync();
    await fh.close();
    await rename(join(dir, 'b'), join(dir, 'c'));
  } finally {
    trace.stop();
  }
  assert.equal(
    problems(trace.events).sort(),
    [`${join(dir, 'a')} written but not synced`, `a rename into ${dir} without a sync of the directory after it`].sort(),
  );
});

test('offline queue: enqueue resolves only after its record is synced', async () => {
  const h = home('queue');
  const body = signedTransfer(CHAIN_ID, { n: 1 });
  // opened inside the trace, so the tracer knows the log's file handle
  await ackIsDurable(h, 'open + enqueue', async () => {
    const q = await OfflineQueue.open({ home: h, onWarning: () => {} });
    try {
      return await q.enqueue(body, { app: 'dpay' });
    } finally {
      await q.close();
    }
  });
});

test('vault: a new keystore, a new key, a signing grant and a capped signature (spend ledger) are synced before they are acknowledged', async () => {
  const h = home('vault');
  const core = new VaultCore({ home: h, autoLockMs: 60_000, assertionMaxTtlMs: 60_000, backoffBaseMs: 100, insecureTestKdf: true });
  try {
    const unlocked = (await ackIsDurable(h, 'keystore creation', () =>
      core.handle({ v: 1, op: 'unlock', passphrase: PASS, create: true }),
    )) as { verifier: VerifierRegistration };
    const reg = unlocked.verifier;
    const key = (await ackIsDurable(h, 'create_key', () => core.handle({ v: 1, op: 'create_key' }))) as { publicKey: string };
    const grant = { app: 'dpay', chainIds: [CHAIN_ID], contracts: { 'dpay.token': ['transfer'] }, maxAmountPerDay: '500.0000 RSN' };
    await ackIsDurable(h, 'set_grant', () =>
      core.handle({
        v: 1,
        op: 'set_grant',
        grant,
        assertion: mintAssertion(reg, { purpose: 'grant', app: 'dpay', digest: grantDigest(grant) }),
      }),
    );
    const chainId = Buffer.from(CHAIN_ID, 'hex');
    const trx = packTransaction([transfer('10.0000 RSN')]);
    const digest = signingDigest(chainId, trx).array;
    const signed = (await ackIsDurable(h, 'capped sign (spend ledger)', () =>
      core.handle({
        v: 1,
        op: 'sign',
        chainId,
        transaction: trx,
        keys: [key.publicKey],
        app: 'dpay',
        assertion: mintAssertion(reg, { purpose: 'sign', app: 'dpay', digest }),
      }),
    )) as { signatures: string[] };
    assert.is(signed.signatures.length, 1);
  } finally {
    core.lock();
  }
});

test('vault, grouped: concurrent capped signatures share spend-ledger writes, and each is answered only once its write is synced', async () => {
  const h = home('vault-group');
  const core = new VaultCore({ home: h, autoLockMs: 60_000, assertionMaxTtlMs: 60_000, backoffBaseMs: 100, insecureTestKdf: true });
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
    const trace = await FsTrace.start(h);
    const atAck: string[][] = [];
    try {
      await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          const trx = packTransaction([transfer('10.0000 RSN', 'dpay.token', `g${i}`)]);
          const digest = signingDigest(chainId, trx).array;
          await core.handle({
            v: 1,
            op: 'sign',
            chainId,
            transaction: trx,
            keys: [key.publicKey],
            app: 'dpay',
            assertion: mintAssertion(reg, { purpose: 'sign', app: 'dpay', digest }),
          });
          atAck.push(problems(trace.events));
        }),
      );
    } finally {
      trace.stop();
    }
    assert.is(atAck.length, 8);
    for (const p of atAck) assert.equal(p, [], `a signature was answered before its ledger write was durable\n${trace.dump()}`);
    // a ledger write is an atomic replace (rename onto it) or an append (synced in place)
    const ledgerWrites = trace.events.filter(
      (e) => (e.op === 'rename' && e.to.endsWith('spend-ledger')) || (e.op === 'sync' && e.path.endsWith('spend-ledger')),
    ).length;
    assert.ok(ledgerWrites >= 1 && ledgerWrites < 8, `8 concurrent signatures took ${ledgerWrites} ledger writes: not grouped`);
  } finally {
    core.lock();
  }
});

test('session grants: setting and consuming a grant are synced before they resolve', async () => {
  const h = home('session');
  const store = new SessionGrantStore(h);
  await ackIsDurable(h, 'session grant set', () => store.set(validateSessionGrant({ app: 'dpay', maxCount: 3 })));
  assert.ok(await ackIsDurable(h, 'session grant use', () => store.consume('dpay', new Map())));
});

test('session grants, grouped: concurrent approvals share writes, and each resolves only once its write is synced', async () => {
  const h = home('session-group');
  const store = new SessionGrantStore(h);
  await store.set(validateSessionGrant({ app: 'dpay', maxCount: 100 }));
  const trace = await FsTrace.start(h);
  const atAck: string[][] = [];
  try {
    const approvals = Array.from({ length: 12 }, () =>
      store.consume('dpay', new Map()).then((ok) => {
        atAck.push(problems(trace.events));
        return ok;
      }),
    );
    assert.equal(await Promise.all(approvals), Array(12).fill(true));
  } finally {
    trace.stop();
  }
  for (const p of atAck) assert.equal(p, [], `an approval was acknowledged before it was durable\n${trace.dump()}`);
  assert.ok(store.consumeWrites < 12, `12 concurrent approvals took ${store.consumeWrites} writes: not grouped`);
  assert.is(store.remaining('dpay')?.count, 88);
});

test('session grants, early approval: the policy approves before the write, and settle() resolves only once it is synced', async () => {
  const h = home('session-early');
  const store = new SessionGrantStore(h);
  await store.set(validateSessionGrant({ app: 'dpay', maxCount: 10 }));
  const policy = new GrantPolicyVerifier({ store, fallback: async () => false });
  policy.register({ scheme: 'hmac-sha256', secret: new Uint8Array(32).fill(1), session: 'test' });
  const digest = new Uint8Array(32).fill(7);
  policy.expect(digest, 'dpay', new Map(), undefined, { early: true });
  const trace = await FsTrace.start(h);
  let atSettle: string[];
  try {
    const assertion = await policy.verify({ purpose: 'sign', app: 'dpay', digest, summary: ['test'] });
    assert.ok(assertion, 'approved');
    await policy.settle(digest);
    atSettle = problems(trace.events);
  } finally {
    trace.stop();
  }
  assert.equal(atSettle, [], `settled before the grant use was durable\n${trace.dump()}`);
  assert.is(store.remaining('dpay')?.count, 9);
});

test('app registry: an install is synced (module, manifest, install record) before it resolves', async () => {
  const h = home('registry');
  const pkg = await readAppPackage('apps/calculator');
  const identity = { identity: newUnverifiedIdentity(), packageHash: Buffer.from(hashPackage(pkg)).toString('hex') };
  await ackIsDurable(h, 'install', () => new AppRegistry(h).install(pkg, {}, identity));
});

test("node: the accepted-transaction journal's appends (grouped) resolve only once they are synced", async () => {
  const h = home('journal');
  const path = join(h, 'accepted.log');
  const trx = (n: number) => ({
    signatures: [PrivateKey.generate().sign(new Uint8Array(32).fill(n))],
    compression: 0,
    packedContextFreeData: new Uint8Array(0),
    packedTrx: new Uint8Array([n, n, n]),
  });
  // opened inside the trace, so the tracer knows the journal's file and its descriptor
  await ackIsDurable(h, 'open + appends', async () => {
    const { journal } = await AcceptedJournal.open(path);
    try {
      await journal.append(1, trx(1));
      await Promise.all([2, 3, 4].map((n) => journal.append(1, trx(n))));
    } finally {
      await journal.close();
    }
  });
});

test.run();
