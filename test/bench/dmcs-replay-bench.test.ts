// bench/dmcs-replay.ts: a tiny log (3 blocks of 500 transfers) gives the replay figures, the replay
// reproducing the head and the state digest the node had before it closed, and the figures of a
// peer catching up on it (which must reach the same head and state); a log that lost its last
// block on the way (cut with the block log's own truncate, marker and core) replays to another head,
// which the module reports as a failure, not as a speed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { benchDmcsReplay, checkReplay, REPLAY_TRANSFERS_PER_BLOCK } from '../../bench/dmcs-replay.js';
import { BlockLog } from '../../dmcs/block/block-log.js';
import { blockId, decodeBlock } from '../../dmcs/block.js';
import { ACCEPTED_JOURNAL_FILE } from '../../dmcs/block/accepted-journal.js';
import { bytesToHex } from '../../abi/antelope/index.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const BLOCKS = 3;
const HOLDERS = 50;

test('a tiny log: the replay figures, after a replay equal to the state before the restart', async () => {
  const results = await benchDmcsReplay({ runs: 1, blocks: BLOCKS, holders: HOLDERS });
  const tag = `${BLOCKS} blocks of ${REPLAY_TRANSFERS_PER_BLOCK} transfers, ${HOLDERS} holders`;
  assert.equal(
    results.map((r) => r.name),
    [
      `dmcs.replay.blocks_per_s (${tag})`,
      `dmcs.replay.transfers_per_s (${tag})`,
      `dmcs.replay.blocks_per_cpu_s (${tag}, per second of the restart's CPU time)`,
      `dmcs.replay.transfers_per_cpu_s (${tag}, per second of the restart's CPU time)`,
      `dmcs.replay.ready_ms (${tag})`,
      `dmcs.replay.peer_transfers_per_s (${tag}, a new node catching up from a peer over the relay: signatures, authorities and inputs checked)`,
      `dmcs.replay.peer/own (${tag}, transfers/s caught up from a peer over the own log's replay)`,
    ],
  );
  assert.ok(results.every((r) => Number.isFinite(r.median) && r.median > 0 && r.runs === 1));
  // transfers over blocks: the log's transfers (B x 500 + one per holder) over its blocks (B + the setup's)
  const perBlock = results[1]!.median / results[0]!.median;
  assert.ok(perBlock > 100 && perBlock < REPLAY_TRANSFERS_PER_BLOCK, `transfers per replayed block ${perBlock}`);
});

/** Runs the bench with its log cut by one block before the restart; the error it fails with. */
async function cutLastBlock(keepJournal: boolean): Promise<{ message: string; cut: number }> {
  let cut = 0;
  try {
    await benchDmcsReplay({
      runs: 1,
      blocks: BLOCKS,
      holders: HOLDERS,
      beforeRestart: async (dir) => {
        const log = await BlockLog.open(dir);
        cut = log.length - 1;
        const last = decodeBlock((await log.get(cut - 1))!);
        await log.truncate(cut, bytesToHex(blockId(last)));
        await log.close();
        if (!keepJournal) rmSync(join(dir, ACCEPTED_JOURNAL_FILE));
      },
    });
  } catch (e) {
    assert.instance(e, Error);
    return { message: (e as Error).message, cut };
  }
  assert.unreachable('a replay that diverged reported a speed');
  throw new Error('unreachable');
}

test('a log that lost its last block replays to another head and state: a failure, not a speed', async () => {
  const { message, cut } = await cutLastBlock(false);
  assert.match(message, 'the replay diverged', message);
  assert.match(message, `head block ${cut}, was ${cut + 1}`, message);
  assert.match(message, 'state digest', message);
});

test('a head the start rebuilt from the accepted journal, not from the log, is not a replay: a failure', async () => {
  // the journal still holds the cut block's transfers: the start seals them again (the same block,
  // the chain's clock being ahead of the wall's), so head and state match but one block was not replayed
  const { message, cut } = await cutLastBlock(true);
  assert.match(message, 'the replay diverged', message);
  assert.match(message, `${cut} block(s) replayed to reach head block ${cut + 1}`, message);
});

test('checkReplay: every difference is named; an equal replay passes', () => {
  const p = { num: 10, id: 'aa', digest: 'bb' };
  checkReplay(p, { ...p }, 10);
  assert.throws(() => checkReplay(p, { ...p, digest: 'cc' }, 10), /state digest cc, was bb/);
  assert.throws(() => checkReplay(p, { ...p, id: 'ab', num: 11 }, 11), /head block 11, was 10; head id ab, was aa/);
  assert.throws(() => checkReplay(p, { ...p }, 9), /9 block\(s\) replayed to reach head block 10/);
});

test.run();
