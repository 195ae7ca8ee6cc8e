// The duplicate check's ids with a state store (stored-recent.ts), on a real LMDB store on disk:
// over seeded blocks of new ids, commits that land late, blocks made irreversible with a lag,
// popped reversible blocks and heads that expire ids, `has` answers as a brute-force model of the
// unexpired ids does, memory keeps only the ids of blocks not yet both irreversible and committed,
// an id a popped block removed is unknown at once though a landed commit wrote it, and the store
// ends holding exactly the unexpired ids. A snapshot reads the ids at its commit through a view,
// whatever later commits change.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecentTransactions } from '../../../dmcs/state/recent-transactions.js';
import { StoredRecent } from '../../../dmcs/state/stored-recent.js';
import { OrderedStore } from '../../../dmcs/state/ordered-store.js';
import {
  RECENT_KEY_END,
  RECENT_KEY_FIRST,
  StoreFormatError,
  recentKey,
  recentKeyParts,
  recentSecondKey,
} from '../../../dmcs/state/store-commit.js';
import type { StoreWrite } from '../../../dmcs/state/chain-state.js';
import { rng } from './seeded-random.js';

const idOf = (i: number) => i.toString(16).padStart(64, '0');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A store, a StoredRecent over it and the commit counters the chain's state would keep. */
function rig(dir: string) {
  const store = new OrderedStore(dir);
  const counts = { commitsQueued: 0, commitsLanded: 0 };
  const young = new RecentTransactions();
  const stored = new StoredRecent(store, young, counts);
  /** Queues a commit at a head of time `nowSec`, as the state does; resolves when it landed. */
  const commit = (nowSec: number): Promise<void> => {
    counts.commitsQueued++;
    const out: StoreWrite[] = [];
    stored.commitWrites(out, nowSec);
    return store.commit(out).then(() => {
      counts.commitsLanded++;
    });
  };
  const storedIds = () =>
    new Map([...store.keys(RECENT_KEY_FIRST, RECENT_KEY_END)].map((k) => [hex(recentKeyParts(k).id), recentKeyParts(k).exp]));
  return { store, counts, young, stored, commit, storedIds };
}

/** Runs `fn` on a rig over a fresh store in a temporary folder, then closes and removes it. */
async function withRig(fn: (r: ReturnType<typeof rig>) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-stored-recent-'));
  const r = rig(dir);
  try {
    await fn(r);
  } finally {
    await r.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('has answers as a model of the unexpired ids over commits landing late, lagging irreversibility, pops and expiry', async () => {
  await withRig(async ({ counts, young, stored, commit, storedIds }) => {
    const rand = rng(41);
    const model = new Map<string, number>(); // unexpired ids → expiration
    const everSeen = new Map<string, number>();
    /** Reversible blocks, oldest first: their ids, and the commits queued before they were applied. */
    const reversible: Array<{ ids: string[]; before: number }> = [];
    let now = 10_000;
    let next = 0;
    let inFlight: Promise<void> = Promise.resolve();
    let maxYoung = 0;
    let pops = 0;
    for (let step = 0; step < 400; step++) {
      // sometimes the head block is popped (a fork switch) before it is irreversible: a commit that
      // landed may hold its ids
      if (rand() < 0.15 && reversible.length > 0) {
        const popped = reversible.pop()!.ids;
        for (const id of popped) {
          young.delete(id);
          model.delete(id);
        }
        stored.popped(popped);
        pops++;
      }
      // a block: new ids, expiring 1-40 s after now
      now += 1;
      const ids: string[] = [];
      for (let i = Math.floor(rand() * 12); i > 0; i--) {
        const id = idOf(next++);
        const exp = now + 1 + Math.floor(rand() * 40);
        young.add(id, exp);
        model.set(id, exp);
        everSeen.set(id, exp);
        ids.push(id);
      }
      reversible.push({ ids, before: counts.commitsQueued });
      // a head expires (memory: at or before now, as the chain's setHead)
      young.expire(now);
      for (const [id, exp] of model) if (exp <= now) model.delete(id);
      // irreversibility lags 0-3 blocks
      const lag = Math.floor(rand() * 4);
      while (reversible.length > lag) {
        const r = reversible.shift()!;
        stored.irreversible(r.ids, r.before);
      }
      // commits: queued every few blocks, landing one or more blocks later
      if (rand() < 0.4) {
        const at = now;
        inFlight = inFlight.then(() => commit(at));
      }
      if (rand() < 0.5) await inFlight;
      stored.settle();
      maxYoung = Math.max(maxYoung, young.size);
      // every id ever added answers as the model, while unexpired (an expired one may linger)
      for (const [id, exp] of everSeen) {
        if (exp <= now) continue;
        assert.is(stored.has(id, exp), model.has(id), `step ${step}: ${id.slice(-6)} expiring at ${exp}`);
      }
      // memory holds only unexpired ids the chain holds
      for (const [id, exp] of young.entries()) assert.is(model.get(id), exp, `step ${step}: ${id.slice(-6)} in memory`);
    }
    assert.ok(pops > 20, `${pops} blocks popped`);
    // everything irreversible and committed: memory holds none, the store every unexpired id
    while (reversible.length > 0) {
      const r = reversible.shift()!;
      stored.irreversible(r.ids, r.before);
    }
    await inFlight;
    await commit(now);
    stored.settle();
    assert.is(young.size, 0, 'every id left memory');
    assert.ok(maxYoung < 150, `memory peaked at ${maxYoung} ids of ${next}`);
    for (const [id, exp] of everSeen) if (exp > now) assert.is(stored.has(id, exp), model.has(id), `from the store: ${id.slice(-6)}`);
    assert.equal(new Map([...storedIds()].filter(([, exp]) => exp > now)), model, 'the store holds every unexpired id, and no removed one');
    // expiry: heads move past every expiration; the store walks its own ids out
    now += 100;
    young.expire(now);
    await commit(now);
    assert.equal(storedIds(), new Map(), 'the store holds no expired id');
  });
});

test('a popped block removes its ids at once though a landed commit wrote them; re-added, they are known again', async () => {
  await withRig(async ({ store, young, stored, commit }) => {
    const ids = [idOf(1), idOf(2)];
    for (const id of ids) young.add(id, 5000);
    await commit(1000); // the store holds them; the block is still reversible
    stored.settle();
    assert.is(young.size, 2, 'reversible: they stay in memory');
    for (const id of ids) young.delete(id);
    stored.popped(ids);
    for (const id of ids) assert.not.ok(stored.has(id, 5000), 'popped: unknown, though the store still holds it');
    young.add(ids[0]!, 5000); // the transaction again, in the new branch
    assert.ok(stored.has(ids[0]!, 5000));
    await commit(1001);
    stored.settle();
    assert.ok(stored.has(ids[0]!, 5000), 're-added: known');
    assert.not.ok(stored.has(ids[1]!, 5000), 'the removal landed: the store lacks it');
    assert.not.ok(store.has(new Uint8Array([0x01])), 'a key the store lacks');
  });
});

test("the store's own expiry walks at most EXPIRE_STEP ids a commit and never into a second memory still holds", async () => {
  await withRig(async ({ counts, young, stored, commit, storedIds }) => {
    // 25,000 ids at one second, committed and made irreversible: the store alone holds them
    const n = 25_000;
    const ids = Array.from({ length: n }, (_, i) => idOf(i));
    for (const id of ids) young.add(id, 2000);
    young.add(idOf(n), 2500); // one still in memory, at a later second
    stored.irreversible(ids, counts.commitsQueued);
    await commit(1000);
    stored.settle();
    assert.is(young.size, 1);
    // past their second (a head expires first, as the chain's: memory's stale entries of the evicted
    // ids go with it): each commit walks out at most 10,000 (EXPIRE_STEP)
    young.expire(2001);
    const left: number[] = [];
    for (let c = 2; c <= 5; c++) {
      await commit(2001);
      left.push(storedIds().size);
    }
    assert.equal(left, [15_001, 5_001, 1, 1], 'a step a commit; the id in memory stays');
    // memory's id, past its second but not yet expired by a head: the walk stops before its second
    young.add(idOf(n + 1), 2200);
    await commit(2001);
    await commit(3000); // memory's oldest second (2200) bounds the walk
    assert.is(storedIds().size, 2, 'the walk did not pass 2200, where memory holds an id');
    young.expire(3000);
    await commit(3000);
    await commit(3000);
    assert.is(storedIds().size, 0);
  });
});

test("a snapshot's ids are its commit's, read through a view, whatever later commits change", async () => {
  await withRig(async ({ store, young, stored, commit }) => {
    for (let i = 0; i < 600; i++) young.add(idOf(i), 1000 + (i % 50));
    await commit(1010);
    const view = store.view();
    // later: some expire, others arrive
    young.expire(1030);
    for (let i = 600; i < 700; i++) young.add(idOf(i), 2000);
    await commit(1030);
    const got: Array<[string, number]> = [];
    for (const batch of stored.snapshotIds(view, 1010, 128)) {
      assert.ok(batch.length <= 128);
      for (const { id, exp } of batch) got.push([hex(id), exp]);
    }
    view.done();
    const want = Array.from({ length: 600 }, (_, i) => [idOf(i), 1000 + (i % 50)] as [string, number])
      .filter(([, exp]) => exp > 1010)
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
    assert.equal(got, want, 'the ids at the commit expiring after its second, by expiration then id');
  });
});

test('a key is built only from 64 hex digits, and sorts by expiration first', () => {
  for (const bad of ['ab'.repeat(31), 'zz'.repeat(32), `${'ab'.repeat(31)}a`, 'ab'.repeat(33), `${'ab'.repeat(31)}g0`])
    assert.throws(
      () => recentKey(bad, 5000),
      (e: unknown) => e instanceof StoreFormatError,
      bad,
    );
  const k = recentKey(idOf(7), 0x0102_0304);
  assert.equal(recentKeyParts(k), { id: new Uint8Array(Buffer.from(idOf(7), 'hex')), exp: 0x0102_0304 });
  assert.equal([...recentSecondKey(0x0102_0304)], [...k.subarray(0, 5)], "a second key is its ids' prefix");
  assert.ok(Buffer.compare(recentKey(idOf(0xff), 7), recentKey(idOf(0), 8)) < 0, 'by expiration before id');
});

test.run();
