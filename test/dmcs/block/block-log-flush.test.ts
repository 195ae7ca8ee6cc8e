// A clean close of the block log leaves nothing in RocksDB's write-ahead log: the blocks are in its
// table and blob files, so the next open has nothing to replay before the node can answer (a
// replay of what the write buffers held cost 260-300 ms for 189 MB of blocks). After a reopen every
// block reads back as written; a folder removed under a running log does not make its close fail.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BlockLog } from '../../../dmcs/block/block-log.js';
import { removeDir, tempDir } from '../helpers.js';

const BLOCKS = 40;
const BLOCK_BYTES = 50_000;

/** Bytes of each kind of RocksDB file in the log's database folder. */
function filesByKind(dir: string): Record<string, number> {
  const db = join(dir, 'blocks', 'db');
  const out: Record<string, number> = {};
  for (const f of readdirSync(db)) {
    const kind = /\.(log|sst|blob)$/.exec(f)?.[1];
    if (kind) out[kind] = (out[kind] ?? 0) + statSync(join(db, f)).size;
  }
  return out;
}

test('after a clean close the write-ahead log is empty and the blocks read back', async () => {
  const dir = tempDir('block-log-flush');
  try {
    const written: Uint8Array[] = [];
    const log = await BlockLog.open(dir);
    for (let i = 0; i < BLOCKS; i++) {
      const b = new Uint8Array(randomBytes(BLOCK_BYTES));
      written.push(b);
      await log.append(b, randomBytes(32));
    }
    await log.close();
    const files = filesByKind(dir);
    assert.ok((files.log ?? 0) < 64 * 1024, `the write-ahead log holds ${files.log} bytes after a clean close`);
    assert.ok((files.blob ?? 0) + (files.sst ?? 0) >= BLOCKS * BLOCK_BYTES, 'the blocks are in the table and blob files');

    const again = await BlockLog.open(dir);
    try {
      assert.is(again.length, BLOCKS);
      for (const i of [0, BLOCKS >> 1, BLOCKS - 1]) assert.equal(await again.get(i), written[i], `block ${i}`);
    } finally {
      await again.close();
    }
  } finally {
    removeDir(dir);
  }
});

test('a log whose folder was removed under it still closes (the failed flush is not a new failure)', async () => {
  const dir = tempDir('block-log-flush');
  const log = await BlockLog.open(dir);
  await log.append(new Uint8Array(randomBytes(5_000)), randomBytes(32));
  try {
    removeDir(dir);
  } catch (e) {
    // RocksDB's threads can write a file into the folder while it goes (ENOTEMPTY even after
    // retries, seen twice in a row on this machine): the log's files are gone all the same, which
    // is what the close must survive
    if ((e as NodeJS.ErrnoException).code !== 'ENOTEMPTY') throw e;
  }
  try {
    await log.close();
  } finally {
    removeDir(dir); // what the close wrote back, if anything
  }
});

test.run();
