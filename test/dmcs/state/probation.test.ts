// The probation of entries read back from the store (probation.ts), over a plain Map and its use
// stamps: an entry not used in a later block goes at the first safe point that may drop it, one
// held (changed, in a commit in flight) waits until it is not; one used again stays; a cache over
// its budget drops fresh entries past the probation's share first; a key dropped unused and read
// back again skips probation; the remembered keys and the work of one step are bounded; within the
// budget a step stops at the oldest held entry.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PROBATION_PACE, Probation } from '../../../dmcs/state/probation.js';
import { UseStamps } from '../../../dmcs/state/use-stamps.js';
import { u64Hash } from '../../../lib/sharded-map.js';

interface Entry {
  id: number;
  cacheSlot?: number;
}

function cacheOf(opts: { share?: number; ghosts?: number } = {}) {
  const map = new Map<number, Entry>();
  const stamps = new UseStamps<number, Entry>();
  const held = new Set<number>();
  /** How many times the probation asked whether an entry is held (its work per step). */
  const asked = { held: 0 };
  const p = new Probation<number, Entry>(
    map,
    stamps,
    (k) => {
      asked.held++;
      return held.has(k);
    },
    (k) => map.delete(k),
    opts.share ?? 100,
    opts.ghosts ?? 100,
    (k) => u64Hash(BigInt(k)),
  );
  /** A miss: the entry read back, cached and stamped, then handed to the probation. */
  const readBack = (id: number): Entry => {
    const e: Entry = { id };
    map.set(id, e);
    stamps.add(id, e);
    p.admit(id, e);
    return e;
  };
  const use = (id: number) => stamps.use(map.get(id)!);
  return { map, stamps, held, asked, p, readBack, use };
}

test('unused after its block: dropped at the second safe point; used in a later block: stays', () => {
  const c = cacheOf();
  c.readBack(1);
  c.readBack(2);
  c.use(1); // the same block: not a reason to stay
  assert.is(c.p.step(), 0, 'the first safe point marks');
  c.use(2); // the next block
  assert.is(c.p.step(), 1);
  assert.equal([...c.map.keys()], [2]);
  assert.is(c.p.size, 0, '2 left probation');
  assert.is(c.p.step(), 0);
  assert.ok(c.map.has(2), 'an entry as any other');
});

test('a held entry waits until it is not held, then goes if unused', () => {
  const c = cacheOf();
  c.readBack(1);
  c.held.add(1);
  c.p.step();
  for (let i = 0; i < 3; i++) assert.is(c.p.step(), 0);
  assert.ok(c.map.has(1));
  c.held.delete(1);
  assert.is(c.p.step(), 1);
  assert.not.ok(c.map.has(1));
});

test('an entry that left the cache another way is forgotten, not dropped again', () => {
  const c = cacheOf();
  const e = c.readBack(1);
  c.p.step();
  c.map.delete(1);
  c.stamps.remove(e);
  const again: Entry = { id: 1 };
  c.map.set(1, again); // a new object under the same key (created again), not on probation
  c.stamps.add(1, again);
  assert.is(c.p.step(), 0);
  assert.is(c.map.get(1), again);
  assert.is(c.p.size, 0);
});

test('over its budget, the cache drops fresh entries past the share first, oldest first', () => {
  const c = cacheOf({ share: 2 });
  for (const id of [1, 2, 3, 4, 5]) c.readBack(id);
  c.held.add(1);
  // 3 over the budget, 5 on probation against a share of 2: the oldest three not held go
  assert.is(c.p.step(3), 3);
  assert.equal([...c.map.keys()], [1, 5]);
  // within the share (5 used again, so off probation): none goes at its first safe point, however
  // far over the budget
  c.use(5);
  c.readBack(6);
  assert.is(c.p.step(10), 0);
});

test('a key dropped unused and read back again skips probation, once', () => {
  const c = cacheOf();
  for (const id of [1, 2, 3]) c.readBack(id);
  c.p.step();
  assert.is(c.p.step(), 3);
  c.readBack(3);
  assert.is(c.p.size, 0, 'remembered: not on probation');
  c.map.delete(3);
  c.readBack(3);
  assert.is(c.p.size, 1, 'forgotten once taken: on probation');
});

test('the remembered keys are bounded: of many dropped, the oldest are mostly forgotten', () => {
  const c = cacheOf({ ghosts: 64 });
  for (let id = 0; id < 4096; id++) c.readBack(id);
  c.p.step();
  assert.is(c.p.step(), 4096);
  let remembered = 0;
  for (let id = 0; id < 4096; id++) {
    const before = c.p.size;
    c.readBack(id);
    if (c.p.size === before) remembered++;
  }
  // a table of 128 slots: at most 128 remembered, about 64 or more of the last 64
  assert.ok(remembered <= 128 && remembered >= 40, `${remembered} remembered`);
});

test('a step looks at no more than its pace, the rest first at the next', () => {
  const c = cacheOf();
  for (let id = 0; id < 10; id++) c.readBack(id);
  c.p.step(0, 4); // marks all ten
  assert.is(c.p.step(0, 4), 4, 'drops 0-3');
  assert.is(c.map.size, 6);
  assert.ok(!c.map.has(0) && !c.map.has(3));
  c.p.step(0, 4);
  c.p.step(0, 4);
  assert.is(c.map.size, 0, 'all gone within two more steps');
});

test(`by default a step looks at PROBATION_PACE (${PROBATION_PACE}) entries`, () => {
  const c = cacheOf();
  for (let id = 0; id < PROBATION_PACE + 10; id++) c.readBack(id);
  assert.is(c.p.step(), 0, 'marks them all');
  assert.is(c.p.step(), PROBATION_PACE);
  assert.is(c.p.step(), 10);
});

test('within its budget, a step stops at the oldest held entry: the held ones are not asked again at every step', () => {
  const c = cacheOf({ share: 10_000 });
  for (let id = 0; id < 1000; id++) {
    c.readBack(id);
    c.held.add(id); // changed in its block: held until its commit lands
  }
  c.p.step();
  c.asked.held = 0;
  for (let i = 0; i < 50; i++) assert.is(c.p.step(), 0);
  assert.ok(c.asked.held <= 50, `asked ${c.asked.held} times in 50 steps`);
  // released in the order they were read back (commits land in order): each leaves once
  for (let id = 0; id < 1000; id++) c.held.delete(id);
  c.asked.held = 0;
  assert.is(c.p.step(), 1000);
  assert.is(c.asked.held, 1000);
  assert.is(c.p.size, 0);
});

test('over its budget, a step walks past held entries to drop the fresh ones past the share', () => {
  const c = cacheOf({ share: 2 });
  for (const id of [1, 2, 3]) c.readBack(id);
  c.held.add(1);
  c.p.step();
  for (const id of [4, 5, 6, 7]) c.readBack(id);
  // within the budget: stops at 1 (held), the marked 2 and 3 wait behind it
  assert.is(c.p.step(), 0);
  assert.ok(c.map.has(2) && c.map.has(3));
  for (const id of [4, 5, 6, 7]) c.use(id); // used again: off probation
  for (const id of [8, 9, 10]) c.readBack(id);
  // 4 over the budget: 2 and 3 (marked, unused), then the oldest fresh ones while more than the
  // share (2) are on probation
  assert.is(c.p.step(4), 4);
  assert.equal(
    [...c.map.keys()].sort((a, b) => a - b),
    [1, 4, 5, 6, 7, 10],
  );
});

test.run();
