// The unexpired transaction ids: expiring walks only what expired (in expiration order, checked
// against a brute-force model over random adds, rollbacks and expiries), the lazy buckets stay within
// STALE_SLACK of the live ids, and a snapshot's copy-on-write view of the ids is the set at
// its block however the live ids change between its slices; the changes a state store commits
// (keys by expiration first) leave the store holding exactly the live ids, in expiry order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BUCKET_CHUNK, EXPIRE_STEP, STALE_SLACK, RecentTransactions } from '../../../dmcs/state/recent-transactions.js';
import { ChainState } from '../../../dmcs/state/chain-state.js';
import { StateSnapshot, SNAPSHOT_RECENT_BATCH, SNAPSHOT_SLICE_MS, parseSnapshot } from '../../../dmcs/state/state-snapshot.js';
import { Section } from '../../../dmcs/state/snapshot-format.js';
import { OrderedStore } from '../../../dmcs/state/ordered-store.js';
import {
  RECENT_KEY_END,
  RECENT_KEY_FIRST,
  RECENT_VALUE,
  StoreFormatError,
  recentKey,
  recentKeyParts,
} from '../../../dmcs/state/store-commit.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rng } from './seeded-random.js';

/** A deterministic PRNG (mulberry32), so a failure replays. */
const idOf = (i: number) => i.toString(16).padStart(64, '0');
/** A stored id's key back as [id hex, expiration]. */
const entryOf = (key: Uint8Array): [string, number] => {
  const { id, exp } = recentKeyParts(key);
  return [Buffer.from(id).toString('hex'), exp];
};

test('expire removes exactly the ids at or before now, matching a brute-force model', () => {
  const r = new RecentTransactions();
  const model = new Map<string, number>();
  const rand = rng(19);
  let now = 1000;
  for (let step = 0; step < 20_000; step++) {
    const x = rand();
    const id = idOf(Math.floor(rand() * 3000));
    if (x < 0.6) {
      const exp = now + 1 + Math.floor(rand() * 60);
      r.add(id, exp);
      model.set(id, exp);
    } else if (x < 0.8) {
      assert.is(r.delete(id), model.delete(id));
    } else {
      now += Math.floor(rand() * 3);
      let expected = 0;
      for (const [k, e] of model)
        if (e <= now) {
          model.delete(k);
          expected++;
        }
      assert.is(r.expire(now), expected, `step ${step}`);
    }
    assert.is(r.size, model.size);
  }
  assert.equal(new Map(r.entries()), model);
  for (const [k, e] of model) assert.is(r.expirationOf(k), e);
});

test('expiring costs what expired: nothing expired touches nothing; stale bucket entries stay bounded', () => {
  const r = new RecentTransactions();
  for (let i = 0; i < 50_000; i++) r.add(idOf(i), 10_000 + (i % 3600));
  assert.is(r.expire(9_999), 0);
  assert.is(r.size, 50_000);
  let due = 0;
  for (let i = 0; i < 50_000; i++) if (i % 3600 < 100) due++;
  assert.is(r.expire(10_000 + 99), due);
  assert.is(r.size, 50_000 - due);
  // rolled back and re-added over and over (an aborted pending block re-applied): the buckets are compacted
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 5000; i++) r.delete(idOf(i));
    for (let i = 0; i < 5000; i++) r.add(idOf(i), 20_000 + i);
    assert.ok(r.slots <= 2 * r.size + STALE_SLACK + 1, `slots ${r.slots} for ${r.size} ids`);
  }
  const live = r.size;
  assert.is(r.expire(20_000 + 4999, Number.POSITIVE_INFINITY), live, 'all at once when not bounded');
  assert.is(r.size, 0);
  assert.is(r.slots, 0, 'stale entries go with their second');
});

/** The slices of a snapshot of `r`'s ids (an empty state) of at most `chunkBytes`, `between` run after each. */
async function snapshotSlices(
  r: RecentTransactions,
  chunkBytes?: number,
  between: (slice: number) => void = () => {},
): Promise<Uint8Array[]> {
  const st = new ChainState();
  const meta = {
    blockNum: 7,
    blockId: new Uint8Array(32),
    stateDigest: st.digest(),
    globalSequence: 0,
    recent: r.beginCapture()!,
    summaries: [],
  };
  const parts: Uint8Array[] = [];
  let slice = 0;
  for await (const part of new StateSnapshot(meta, st, st.beginCapture()!).chunks(chunkBytes)) {
    parts.push(part);
    between(slice++);
  }
  return parts;
}

/** A snapshot of `r`'s ids, written in slices of 4 KiB with `between` run after each slice. */
async function snapshotIds(r: RecentTransactions, between?: (slice: number) => void): Promise<Array<[string, number]>> {
  return parseSnapshot(new Uint8Array(Buffer.concat(await snapshotSlices(r, 4096, between)))).recent;
}

test("a snapshot's view of the ids is the set at its block, whatever changes between its slices", async () => {
  const r = new RecentTransactions();
  const n = Math.max(SNAPSHOT_RECENT_BATCH * 3, 4000) + 17;
  for (let i = 0; i < n; i++) r.add(idOf(i), 5000 + (i % 100));
  const atBlock = new Map(r.entries());
  let steps = 0;
  const file = await snapshotIds(r, (step) => {
    if (step === 0) assert.is(r.beginCapture(), null, 'one capture at a time');
    // a block between two slices: new ids, some expire, some are rolled back, one is replaced
    for (let i = 0; i < 50; i++) r.add(idOf(1_000_000 + step * 50 + i), 9000);
    r.expire(5000 + step);
    r.delete(idOf(n - 1 - step));
    r.add(idOf(step * 3), 9999);
    steps++;
  });
  assert.ok(steps > 10, `only ${steps} slices`);
  assert.is(file.length, atBlock.size, 'each id once');
  assert.equal(new Map(file), atBlock);
  // the capture closed with the file: the next snapshot can start
  assert.ok(r.beginCapture());
});

test("a snapshot's slice reads its clock after each batch of ids, so a slice holds one batch at most once its time is up", async () => {
  const r = new RecentTransactions();
  const n = 20 * SNAPSHOT_RECENT_BATCH;
  for (let i = 0; i < n; i++) r.add(idOf(i), 5000 + (i % 100));
  // a clock whose every read finds the slice's time up: a slice ends at the first read after it began
  const now = performance.now;
  let t = 0;
  performance.now = () => (t += SNAPSHOT_SLICE_MS);
  let sizes: number[];
  try {
    sizes = (await snapshotSlices(r)).map((part) => part.length);
  } finally {
    performance.now = now;
  }
  // 36 bytes an id, a few for the section's header: at the default 256 KiB a slice, read every 32
  // objects only, the ids' slices held 14 batches each
  const batchBytes = SNAPSHOT_RECENT_BATCH * 36 + 64;
  assert.ok(sizes.length >= 20, `${sizes.length} slices for 20 batches of ids`);
  assert.ok(Math.max(...sizes.slice(1, -1)) <= batchBytes, `a slice of ${Math.max(...sizes)} bytes`);
});

test("a snapshot lists the ids by expiration, then in the order added, across a second's chunks", async () => {
  const r = new RecentTransactions();
  const want: Array<[string, number]> = [];
  // one second with ids over several chunks, added between the ids of other seconds
  const big = 3 * BUCKET_CHUNK + 5;
  for (let i = 0; i < big; i++) {
    r.add(idOf(10_000 + i), 7000);
    if (i % 500 === 0) r.add(idOf(20_000 + i), 9000 - i / 500);
  }
  for (let i = 0; i < 40; i++) r.add(idOf(30_000 + i), 6000 + (i % 3));
  r.delete(idOf(10_001)); // a rollback in the middle of the big second
  for (const sec of [6000, 6001, 6002]) for (let i = 0; i < 40; i++) if (6000 + (i % 3) === sec) want.push([idOf(30_000 + i), sec]);
  for (let i = 0; i < big; i++) if (i !== 1) want.push([idOf(10_000 + i), 7000]);
  for (let i = big - 1; i >= 0; i--) if (i % 500 === 0) want.push([idOf(20_000 + i), 9000 - i / 500]);
  assert.equal(await snapshotIds(r), want);
  assert.is(r.expire(7000), 120 / 3 + big - 1, 'the big second expires whole, its rolled-back id skipped');
  assert.is(r.slots, r.size);
});

test('buckets compacted while a snapshot walks them: the file is still the set at its block', async () => {
  const r = new RecentTransactions();
  const n = 3 * STALE_SLACK;
  for (let i = 0; i < n; i++) r.add(idOf(i), 5000 + (i % 50));
  const atBlock = new Map(r.entries());
  let compacted = false;
  const file = await snapshotIds(r, (slice) => {
    if (slice !== 2) return;
    // a rollback of most ids, re-added at a later second: the stale entries pass the slack
    const before = r.slots;
    for (let i = 0; i < n - 100; i++) r.delete(idOf(i));
    for (let i = 0; i < n - 100; i++) r.add(idOf(i), 8000);
    compacted = r.slots < before + n - 100;
  });
  assert.ok(compacted, 'the buckets were compacted during the walk');
  assert.is(file.length, atBlock.size, 'each id once');
  assert.equal(new Map(file), atBlock);
});

test('a second with more ids than a step expires over several heads; its ids stay known until theirs', () => {
  const r = new RecentTransactions();
  const big = Math.floor(2.5 * EXPIRE_STEP);
  for (let i = 0; i < big; i++) r.add(idOf(i), 5000);
  for (let i = 0; i < 10; i++) r.add(idOf(1_000_000 + i), 5001);
  r.delete(idOf(3)); // a stale entry among the first step's
  assert.is(r.expire(6000), EXPIRE_STEP - 1, 'one step looked at, its stale entry included');
  assert.not.ok(r.has(idOf(EXPIRE_STEP - 1)));
  assert.ok(r.has(idOf(EXPIRE_STEP)), 'the rest of the second is still known');
  assert.is(r.slots, r.size, 'the entries looked at left the bucket');
  assert.is(r.expire(6000), EXPIRE_STEP);
  assert.is(r.expire(6000), big - 2 * EXPIRE_STEP + 10, 'the rest, then the next second');
  assert.is(r.size, 0);
  assert.is(r.slots, 0);
});

test('ids expired a few at a time while a snapshot walks them: the file is still the set at its block', async () => {
  const r = new RecentTransactions();
  for (let i = 0; i < 6000; i++) r.add(idOf(i), 5000 + (i % 2));
  const atBlock = new Map(r.entries());
  // a few heads early in the walk, each expiring further into the second the walk is in than the
  // walk got: the walk must not lose its place when the rest of that second is cut off
  const file = await snapshotIds(r, (slice) => {
    if (slice >= 1 && slice <= 5) r.expire(5000, 400);
  });
  assert.is(r.size, 6000 - 5 * 400);
  assert.is(file.length, atBlock.size, 'each id once');
  assert.equal(new Map(file), atBlock);
});

test('a snapshot with no unexpired ids still has one (empty) RECENT section', async () => {
  const r = new RecentTransactions();
  const st = new ChainState();
  const meta = {
    blockNum: 3,
    blockId: new Uint8Array(32),
    stateDigest: st.digest(),
    globalSequence: 0,
    recent: r.beginCapture()!,
    summaries: [],
  };
  const bytes = await new StateSnapshot(meta, st, st.beginCapture()!).bytes();
  const file = parseSnapshot(bytes);
  assert.equal(file.recent, []);
  let sections = 0;
  for (let at = 12; at < bytes.length; ) {
    const tag = bytes[at]!;
    const len = new DataView(bytes.buffer, bytes.byteOffset + at + 1, 4).getUint32(0, true);
    if (tag === Section.recent) sections++;
    at += 5 + len;
  }
  assert.is(sections, 1);
});

test('the changes a store commits leave it holding exactly the live ids, keyed in expiry order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-recent-store-'));
  const store = new OrderedStore(dir);
  const r = new RecentTransactions();
  r.trackChanges();
  const rand = rng(23);
  let now = 1000;
  try {
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 50; i++) {
        const x = rand();
        const id = idOf(Math.floor(rand() * 400));
        // adds (some replacing a live id with another expiration), rollbacks, expiries
        if (x < 0.7) r.add(id, now + 1 + Math.floor(rand() * 300));
        else if (x < 0.9) r.delete(id);
        else r.expire((now += Math.floor(rand() * 20)));
      }
      if (round % 3 === 2) continue; // changes of several rounds go into one commit
      await store.commit([...r.takeChanges()].map((c) => [recentKey(c.id, c.exp), c.present ? RECENT_VALUE : null] as const));
    }
    await store.commit([...r.takeChanges()].map((c) => [recentKey(c.id, c.exp), c.present ? RECENT_VALUE : null] as const));
    const back = [...store.range(RECENT_KEY_FIRST, RECENT_KEY_END)].map(({ key }) => entryOf(key));
    assert.equal(new Map(back), new Map(r.entries()), 'the store holds the live ids with their expirations');
    assert.is(back.length, r.size, 'no id twice (a replaced expiration was removed)');
    const exps = back.map(([, exp]) => exp);
    assert.equal(
      exps,
      [...exps].sort((a, b) => a - b),
      'in expiry order',
    );
    assert.ok(r.size > 50, `${r.size} live ids`);
    assert.throws(
      () => recentKeyParts(new Uint8Array(33)),
      (e: unknown) => e instanceof StoreFormatError,
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a snapshot refuses an id that is not 64 hex digits rather than write a wrong one', async () => {
  const st = new ChainState();
  for (const bad of ['ab'.repeat(31), 'zz'.repeat(32), `${'ab'.repeat(31)}a`, 'ab'.repeat(33)]) {
    const meta = {
      blockNum: 7,
      blockId: new Uint8Array(32),
      stateDigest: st.digest(),
      globalSequence: 0,
      recent: [[idOf(1), 5000] as const, [bad, 5000] as const],
      summaries: [],
    };
    const snap = new StateSnapshot(meta, st, st.beginCapture()!);
    try {
      await snap.bytes();
      assert.unreachable(`${bad} was written`);
    } catch (e) {
      assert.match((e as Error).message, /not a transaction id/);
    }
  }
});

test.run();
