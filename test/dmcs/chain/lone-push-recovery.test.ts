// A lone push recovers its keys on the node's thread (no hand-off to the recovery pool); pushes
// close together go to the pool; either way a transaction is judged the same (issue 15).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyRecoveryPool, RECOVER_INLINE_AFTER_IDLE_MS } from '../../../dmcs/keys/key-recovery-pool.js';
import { PrivateKey, keyIdOf } from '../../../abi/antelope/index.js';
import { startDevNode, buildSigned, newAccountAction, testKey, errorName, type DevNode } from '../helpers.js';

/** Polls `cond` until it holds; fails after a generous bound (never a fixed sleep). */
async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !cond(); ) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, RECOVER_INLINE_AFTER_IDLE_MS + 1));
  }
}

test('the pool says inline only when it is idle and nothing asked within RECOVER_INLINE_AFTER_IDLE_MS', async () => {
  const pool = new KeyRecoveryPool(1);
  try {
    assert.ok(pool.inlineNow(), 'a first, lone push');
    assert.not.ok(pool.inlineNow(), 'a push right behind another');
    let quiet = false;
    await until(() => (quiet = pool.inlineNow()), 'a push after a pause recovers inline');
    assert.ok(quiet);
    // a recovery queued or in flight: the next push goes to the pool, however long after the last one
    const t0 = performance.now();
    while (performance.now() - t0 < RECOVER_INLINE_AFTER_IDLE_MS + 1) await new Promise((r) => setTimeout(r, 1));
    const key = PrivateKey.generate();
    const digest = new Uint8Array(32).fill(7);
    const recovered = pool.recover(key.sign(digest), digest);
    assert.not.ok(pool.inlineNow(), 'a push while a recovery waits for the pool');
    assert.is(await recovered, keyIdOf(key.toPublic()));
    assert.is(pool.inlined, 2);
  } finally {
    await pool.close();
  }
  assert.not.ok(pool.inlineNow(), 'a closed pool never says inline');
});

test('close with recoveries in flight: they reject, and each worker ends after its batch (never terminated inside the native addon)', async () => {
  const pool = new KeyRecoveryPool(2);
  const key = PrivateKey.generate();
  const digest = new Uint8Array(32).fill(9);
  const sig = key.sign(digest);
  const inFlight = Array.from({ length: 400 }, () =>
    pool.recover(sig, digest).then(
      () => 'recovered',
      () => 'refused',
    ),
  );
  const workers = (pool as unknown as { workers: import('node:worker_threads').Worker[] }).workers;
  const codes = workers.map((w) => new Promise<number>((r) => w.once('exit', r)));
  await pool.close();
  assert.ok((await Promise.all(inFlight)).includes('refused'), 'the recoveries still queued are refused');
  // a thread that left by itself exits with 0; one terminated (after STOP_WAIT_MS) with 1
  assert.equal(await Promise.all(codes), [0, 0]);
});

let dn: DevNode;
test.before(async () => {
  dn = await startDevNode(undefined, { autoProduce: false });
});
test.after(async () => {
  await dn.close();
});

const poolOf = (d: DevNode) => (d.node as unknown as { pool: KeyRecoveryPool | null }).pool;

test('a lone HTTP push is recovered inline and executed; a wrong key alone is refused as through the pool', async () => {
  const pool = poolOf(dn);
  if (!pool) {
    console.log('  (no recovery pool on this machine: one core or no native addon; nothing to compare)');
    return;
  }
  const k = testKey('lone');
  const lone = await buildSigned(dn.client, [newAccountAction('lonepush', String(k.toPublic()))]);
  const before = pool.inlined;
  await new Promise((r) => setTimeout(r, RECOVER_INLINE_AFTER_IDLE_MS * 2));
  const res = await dn.client.v1.chain.push_transaction(lone.packed);
  assert.ok(res.processed, 'executed');
  assert.ok(pool.inlined > before, 'recovered on the node thread');
  assert.is(String((await dn.client.v1.chain.get_account('lonepush')).account_name), 'lonepush');

  // signed by a key eosio does not hold: refused, inline or not
  await new Promise((r) => setTimeout(r, RECOVER_INLINE_AFTER_IDLE_MS * 2));
  const wrong = await buildSigned(dn.client, [newAccountAction('lonewrong', String(k.toPublic()))], { keys: [testKey('stranger')] });
  assert.is(await errorName(dn.client.v1.chain.push_transaction(wrong.packed)), 'unsatisfied_authorization');
});

test('a burst of pushes goes to the pool (not all inline) and every one lands', async () => {
  const pool = poolOf(dn);
  const k = testKey('burst');
  const names = Array.from({ length: 24 }, (_, i) => `burst${String.fromCharCode(97 + i)}`);
  const built = await Promise.all(names.map((n) => buildSigned(dn.client, [newAccountAction(n, String(k.toPublic()))])));
  const before = pool?.inlined ?? 0;
  const results = await Promise.allSettled(built.map((b) => dn.client.v1.chain.push_transaction(b.packed)));
  assert.equal(
    results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)),
    [],
  );
  if (pool) assert.ok(pool.inlined - before < names.length, `${pool.inlined - before} of ${names.length} inline`);
  for (const n of [names[0]!, names[23]!]) assert.is(String((await dn.client.v1.chain.get_account(n)).account_name), n);
});

test.run();
