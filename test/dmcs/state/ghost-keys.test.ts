// The keys a probation dropped unused (ghost-keys.ts): the most recent ones are remembered, each
// once; the oldest are forgotten as newer ones fill their buckets, so the table stays its size.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GhostKeys } from '../../../dmcs/state/ghost-keys.js';
import { stringHash } from '../../../lib/sharded-map.js';

const keyOf = (i: number) => `acct${i}`;

test('a remembered key is taken once; a key never added is not', () => {
  const g = new GhostKeys<string>(4, stringHash);
  for (let i = 0; i < 4; i++) g.add(keyOf(i));
  for (let i = 0; i < 4; i++) assert.ok(g.take(keyOf(i)), keyOf(i));
  for (let i = 0; i < 4; i++) assert.not.ok(g.take(keyOf(i)), `${keyOf(i)} again`);
  assert.not.ok(g.take('other'));
});

test('of the last `capacity` keys added, nearly all are remembered (buckets, not single slots)', () => {
  for (const capacity of [4, 64, 4096]) {
    const g = new GhostKeys<string>(capacity, stringHash);
    for (let i = 0; i < 10 * capacity; i++) g.add(keyOf(i)); // older keys first, to be pushed out
    let kept = 0;
    for (let i = 9 * capacity; i < 10 * capacity; i++) if (g.take(keyOf(i))) kept++;
    // a table of single slots (a key overwrites its slot) kept about 78% of them
    assert.ok(kept >= 0.9 * capacity, `capacity ${capacity}: ${kept} kept`);
  }
});

test('the oldest keys are forgotten: the table does not grow with the keys added', () => {
  const g = new GhostKeys<string>(64, stringHash);
  for (let i = 0; i < 10_000; i++) g.add(keyOf(i));
  let kept = 0;
  for (let i = 0; i < 10_000; i++) if (g.take(keyOf(i))) kept++;
  assert.ok(kept <= 128, `${kept} remembered of 10,000 (128 slots)`);
});

test('capacity 0 remembers nothing', () => {
  const g = new GhostKeys<string>(0, stringHash);
  g.add('a');
  assert.not.ok(g.take('a'));
});

test.run();
