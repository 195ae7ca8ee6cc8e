// The probation of entries read back from the store (probation.ts), over a plain Map and its use
// stamps: an entry not used in a later block goes at the first safe point that may drop it, one
// held (changed, in a commit in flight) waits until it is not; one used again stays; a cache over
// its budget drops fresh entries past the probation's share first; a key dropped unused and read
// back again skips probation; the remembered keys and the work of one step are bounded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PROBATION_PACE, Probation } from '../../../dmcs/state/probation.js';
import { UseStamps } from '../../../dmcs/state/use-stamps.js';

interface Entry {
  id: number;
  cacheSlot?: number;
}

function cacheOf(opts: { share?: number; ghosts?: number } = {}) {
  const map = new Map<number, Entry>();
  const stamps = new UseStamps<number, Entry>();
  const held = new Set<number>();
  const p = new Probation<number, Entry>(
    map,
    stamps,
    (k) => held.has(k),
    (k) => map.delete(k),
    opts.share ?? 100,
    opts.ghosts ?? 100,
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
  return { map, stamps, held, p, readBack, use };
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

test('a key dropped unused and read back again skips probation; the remembered keys are bounded', () => {
  const c = cacheOf({ ghosts: 2 });
  for (const id of [1, 2, 3]) c.readBack(id);
  c.p.step();
  assert.is(c.p.step(), 3);
  // 1 was forgotten for 3 (two remembered at most)
  c.readBack(3);
  assert.is(c.p.size, 0, 'remembered: not on probation');
  c.readBack(1);
  assert.is(c.p.size, 1, 'forgotten: on probation');
});

test('a step looks at no more than its pace, the rest first at the next', () => {
  const c = cacheOf();
  for (let id = 0; id < 10; id++) c.readBack(id);
  c.p.step(0, 4); // marks 0-3
  c.p.step(0, 4); // marks 4-7
  c.p.step(0, 4); // marks 8, 9; drops 0, 1
  assert.is(c.map.size, 8);
  assert.ok(!c.map.has(0) && !c.map.has(1));
  c.p.step(0, 4);
  c.p.step(0, 4);
  assert.is(c.map.size, 0, 'all gone within two more steps');
});

test(`by default a step looks at PROBATION_PACE (${PROBATION_PACE}) entries`, () => {
  const c = cacheOf();
  for (let id = 0; id < PROBATION_PACE + 10; id++) c.readBack(id);
  assert.is(c.p.step(), 0, 'marks the first PROBATION_PACE');
  // the 10 not reached are looked at first, then the marked ones up to the pace
  assert.is(c.p.step(), PROBATION_PACE - 10);
});

test.run();
