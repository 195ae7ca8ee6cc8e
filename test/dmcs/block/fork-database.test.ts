// The fork database's bound: peers may fill it with at most MAX_FORK_BLOCKS reversible blocks;
// the next peer block is refused with Leap's fork_database_exception, and room comes back as
// blocks are pruned below the LIB.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ForkDatabase, MAX_FORK_BLOCKS, type ForkBlock } from '../../../dmcs/block/fork-database.js';
import { ChainError } from '../../../dmcs/chain-error.js';

const fake = (n: number): ForkBlock =>
  ({
    idHex: n.toString(16).padStart(64, '0'),
    block: { producer: 'eosio', timestamp: n, transactions: [] },
    state: { blockNum: n },
  }) as unknown as ForkBlock;

test('a full fork database refuses the next peer block with fork_database_exception', () => {
  const db = new ForkDatabase();
  for (let n = 2; n < MAX_FORK_BLOCKS + 2; n++) {
    db.checkRoom(fake(n).block);
    db.add(fake(n));
  }
  assert.is(db.size, MAX_FORK_BLOCKS);
  assert.throws(
    () => db.checkRoom(fake(MAX_FORK_BLOCKS + 2).block),
    (e: unknown) => e instanceof ChainError && e.code === 'fork_database_exception',
  );
  db.prune(12); // blocks 2..11 are below the LIB now
  assert.is(db.size, MAX_FORK_BLOCKS - 10);
  db.checkRoom(fake(MAX_FORK_BLOCKS + 2).block);
});

test.run();
