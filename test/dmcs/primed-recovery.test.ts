// Keys recovered ahead on the worker pool (dmcs/keys/primed-recovery.ts): a primed signature is
// answered from the memo once, with the key the pool recovered; the same signature over another
// digest is not; a signature the pool refuses is not primed, so the inline recovery names its
// error; the memo keeps at most MAX_PRIMED_KEYS.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyType, PrivateKey, Signature, keyIdOf } from '../../abi/antelope/index.js';
import { defaultKeyRecovery, type KeyRecovery } from '../../dmcs/keys/key-recovery.js';
import { KeyRecoveryPool } from '../../dmcs/keys/key-recovery-pool.js';
import { MAX_PRIMED_KEYS, PRIME_AHEAD_KEYS, PRIMED_KEY_TTL_MS, PrimedRecovery } from '../../dmcs/keys/primed-recovery.js';

const digestOf = (i: number) => Uint8Array.from({ length: 32 }, (_, j) => (i * 7 + j) & 0xff);

/** The inline recovery, counting its calls. */
function counting(): KeyRecovery & { calls: number } {
  const inner = defaultKeyRecovery();
  const c = {
    name: inner.name,
    calls: 0,
    recover(sig: Signature, digest: Uint8Array) {
      c.calls++;
      return inner.recover(sig, digest);
    },
  };
  return c;
}

test('primed keys answer once, as recovered; another digest or an unprimed signature recovers inline', async () => {
  const pool = new KeyRecoveryPool(1);
  try {
    const inner = counting();
    const r = new PrimedRecovery(inner);
    const keys = Array.from({ length: 20 }, () => PrivateKey.generate());
    const items = keys.map((k, i) => ({ sig: k.sign(digestOf(i)), digest: digestOf(i) }));
    await r.prime(items, pool);
    assert.is(r.size, 20);
    for (let i = 0; i < 20; i++) assert.is(r.recover(items[i]!.sig, items[i]!.digest), keyIdOf(keys[i]!.toPublic()));
    assert.is(inner.calls, 0, 'none recovered inline');
    assert.is(r.hits, 20);
    assert.is(r.size, 0, 'each entry is used once');
    // used once: the same signature again recovers inline (same answer)
    assert.is(r.recover(items[0]!.sig, items[0]!.digest), keyIdOf(keys[0]!.toPublic()));
    assert.is(inner.calls, 1);
    // the same signature over another digest is another entry: never answered from the memo
    await r.prime([items[1]!], pool);
    const other = r.recover(items[1]!.sig, digestOf(99));
    assert.is.not(other, keyIdOf(keys[1]!.toPublic()));
    assert.is(inner.calls, 2);
    assert.is(r.size, 1);
  } finally {
    await pool.close();
  }
});

test('a signature the pool refuses is not primed: the inline recovery throws its own error', async () => {
  const pool = new KeyRecoveryPool(1);
  try {
    const r = new PrimedRecovery(counting());
    const good = PrivateKey.generate().sign(digestOf(1));
    const bad = new Signature(
      KeyType.K1,
      Uint8Array.from(good.data, (b, j) => (j === 0 ? 99 : b)),
    );
    await r.prime([{ sig: bad, digest: digestOf(1) }], pool);
    assert.is(r.size, 0);
    assert.throws(() => r.recover(bad, digestOf(1)), /recovery header/);
  } finally {
    await pool.close();
  }
});

test(`the memo keeps at most MAX_PRIMED_KEYS (${MAX_PRIMED_KEYS}), the oldest dropped first`, async () => {
  // a fake pool: the answer is the digest's first byte pair, so many entries cost no recovery
  const fake = { recover: async (_s: Signature, d: Uint8Array) => `k${d[0]}-${d[1]}-${d[2]}` } as unknown as KeyRecoveryPool;
  const r = new PrimedRecovery(counting());
  const sig = PrivateKey.generate().sign(digestOf(0));
  const n = MAX_PRIMED_KEYS + 10;
  const digest = (i: number) => Uint8Array.from({ length: 32 }, (_, j) => (j < 3 ? (i >> (8 * j)) & 0xff : 0));
  await r.prime(
    Array.from({ length: n }, (_, i) => ({ sig, digest: digest(i) })),
    fake,
  );
  assert.is(r.size, MAX_PRIMED_KEYS);
  assert.is(r.recover(sig, digest(n - 1)), `k${(n - 1) & 0xff}-${((n - 1) >> 8) & 0xff}-${((n - 1) >> 16) & 0xff}`, 'the newest kept');
  assert.is(r.hits, 1);
  r.recover(sig, digest(0)); // dropped: recovered inline (a real key id, not the fake's)
  assert.is(r.hits, 1);
});

test(`outstanding counts keys in flight and primed; keys unused for PRIMED_KEY_TTL_MS (${PRIMED_KEY_TTL_MS}) are dropped`, async () => {
  let answer: (() => void) | null = null;
  const slow = {
    recover: (_s: Signature, d: Uint8Array) => new Promise<string>((r) => (answer = () => r(`k${d[0]}`))),
  } as unknown as KeyRecoveryPool;
  const r = new PrimedRecovery(counting());
  const sig = PrivateKey.generate().sign(digestOf(0));
  const done = r.prime([{ sig, digest: digestOf(3) }], slow);
  assert.is(r.outstanding, 1, 'in flight');
  assert.is(r.size, 0);
  answer!();
  await done;
  assert.is(r.outstanding, 1, 'primed, not used');
  const realNow = performance.now.bind(performance);
  const later = realNow() + PRIMED_KEY_TTL_MS + 1;
  Object.defineProperty(performance, 'now', { value: () => later, configurable: true, writable: true });
  try {
    assert.is(r.outstanding, 0, 'dropped: its block never applied');
  } finally {
    Object.defineProperty(performance, 'now', { value: realNow, configurable: true, writable: true });
  }
  assert.is(PRIME_AHEAD_KEYS < MAX_PRIMED_KEYS, true, 'the look-ahead stays under the memo bound');
});

test.run();
