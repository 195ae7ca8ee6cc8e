// The fork database's bound: peers may fill it with at most MAX_FORK_BLOCKS reversible blocks;
// the next peer block is refused with Leap's fork_database_exception, and room comes back as
// blocks are pruned below the LIB. While it is full, the producer holding the most gives way:
// its blocks off the head's branch are evicted for another producer's block or one extending
// the head, and its own further forks are refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ForkDatabase, MAX_FORK_BLOCKS, type ForkBlock } from '../../../dmcs/block/fork-database.js';
import { ChainError } from '../../../dmcs/chain-error.js';

const idOf = (n: number) => n.toString(16).padStart(64, '0');
/** Block `n` (its id), built on block `prev`, signed by `producer`. */
const fake = (n: number, prev = n - 1, producer = 'eosio', num = n): ForkBlock =>
  ({
    idHex: idOf(n),
    block: { producer, timestamp: n, transactions: [], previous: Buffer.from(idOf(prev), 'hex') },
    state: { blockNum: num },
  }) as unknown as ForkBlock;
const full = (e: unknown) => e instanceof ChainError && e.code === 'fork_database_exception';

test('a full fork database refuses the next peer block with fork_database_exception', () => {
  const db = new ForkDatabase();
  for (let n = 2; n < MAX_FORK_BLOCKS + 2; n++) {
    db.checkRoom(fake(n).block, idOf(n - 1));
    db.add(fake(n));
  }
  assert.is(db.size, MAX_FORK_BLOCKS);
  // its producer holds the most, and it forks off the head (block 1000 is not the head)
  assert.throws(() => db.checkRoom(fake(MAX_FORK_BLOCKS + 2, 1000).block, idOf(MAX_FORK_BLOCKS + 1)), full);
  db.prune(12); // blocks 2..11 are below the LIB now
  assert.is(db.size, MAX_FORK_BLOCKS - 10);
  db.checkRoom(fake(MAX_FORK_BLOCKS + 2, 1000).block, idOf(MAX_FORK_BLOCKS + 1));
});

test("one producer's tied forks fill the database: another producer's block evicts them, its own next fork is refused", () => {
  const db = new ForkDatabase();
  const head = 3;
  for (let n = 1; n <= head; n++) db.add(fake(n, n - 1, n === 3 ? 'honest' : 'eosio')); // LIB 1, head 3
  // 'hostile' signs tied forks on block 2, each of another slot, until the database is full
  let id = 100_000;
  while (db.size < MAX_FORK_BLOCKS) db.add(fake(id++, 2, 'hostile', 3));
  const hostileFork = fake(id++, 2, 'hostile', 3);
  assert.throws(() => db.checkRoom(hostileFork.block, idOf(head)), full, 'the fullest producer forking: refused before verification');
  assert.throws(() => db.makeRoom(hostileFork.block, idOf(head)), full);

  // another producer's fork (not extending the head): the hostile one's newest fork gives way
  const otherFork = fake(id++, 2, 'other', 3);
  db.checkRoom(otherFork.block, idOf(head));
  db.makeRoom(otherFork.block, idOf(head));
  db.add(otherFork);
  assert.is(db.size, MAX_FORK_BLOCKS);
  assert.is(db.evicted, 1);
  assert.ok(!db.has(idOf(id - 3)), 'the newest hostile fork was evicted');

  // the next block of the head's branch, by any producer, goes in; the head's branch is never evicted
  const next = fake(4, head, 'honest');
  db.makeRoom(next.block, idOf(head));
  db.add(next);
  for (let n = 1; n <= 4; n++) assert.ok(db.has(idOf(n)), `block ${n} of the head's branch kept`);
  assert.ok(db.has(otherFork.idHex), "the other producer's fork kept");
  assert.is(db.evicted, 2);
});

test('a block building on an evictable fork keeps that fork: eviction takes another', () => {
  const db = new ForkDatabase();
  db.add(fake(1, 0));
  db.add(fake(2, 1)); // the head
  let id = 100_000;
  while (db.size < MAX_FORK_BLOCKS) db.add(fake(id++, 1, 'hostile', 2));
  // another producer builds on the newest hostile fork: that one is its base, not a victim
  const base = id - 1;
  const child = fake(id++, base, 'other', 3);
  db.makeRoom(child.block, idOf(2));
  db.add(child);
  assert.ok(db.has(idOf(base)), 'the block it builds on is kept');
  assert.ok(!db.has(idOf(base - 1)), 'the next newest hostile fork was evicted instead');
});

test.run();
