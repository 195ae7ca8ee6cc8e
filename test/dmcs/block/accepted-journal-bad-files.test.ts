// Journals the node could not have left as they are (they come from its own writes, so the bar is
// a clear error naming the file, or skipping what is bad without losing what is good, never an
// out-of-memory or a bare RangeError): a whole frame whose payload does not decode is skipped and
// reported, and the frames after it carried (they were cut off with it); a file past
// ACCEPTED_JOURNAL_MAX_BYTES (here 3 GiB, sparse, which the whole-file read refused with a
// RangeError) and one carrying more than ACCEPTED_JOURNAL_MAX_CARRIED tiny entries (millions ran
// the open out of memory) are refused with a DataFolderError naming the file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { appendFileSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { PrivateKey } from '../../../abi/antelope/index.js';
import { AcceptedJournal, ACCEPTED_JOURNAL_MAX_CARRIED } from '../../../dmcs/block/accepted-journal.js';
import { DataFolderError } from '../../../dmcs/block/data-folder-error.js';
import { frameOf } from '../../../lib/crc-frames.js';
import type { PackedTrx } from '../../../dmcs/block.js';
import { tempDir, removeDir } from '../helpers.js';

const MAGIC = Buffer.from('PEEROSA1', 'latin1');
const sig = PrivateKey.generate().sign(new Uint8Array(32).fill(5));
const trx = (n: number): PackedTrx => ({
  signatures: [sig],
  compression: 0,
  packedContextFreeData: new Uint8Array(0),
  packedTrx: new Uint8Array(3).fill(n),
});
/** The smallest entry that decodes: block ‖ compression 0 ‖ no signature ‖ no context-free data ‖ empty transaction. */
const tinyPayload = (block: number): Buffer => {
  const p = Buffer.alloc(10);
  p.writeUInt32LE(block, 0);
  return p;
};

async function refused(path: string, opts: { durable?: number } = {}): Promise<DataFolderError> {
  try {
    const { journal } = await AcceptedJournal.open(path, opts);
    await journal.close();
  } catch (e) {
    assert.instance(e, DataFolderError, `a DataFolderError, not ${(e as Error).name}: ${(e as Error).message}`);
    return e as DataFolderError;
  }
  assert.unreachable('the open was not refused');
  throw new Error('unreachable');
}

test('a whole frame whose payload does not decode is skipped and reported: the frames after it are carried', async () => {
  const dir = tempDir('journal-bad');
  try {
    const path = join(dir, 'accepted.log');
    /** The frames a journal writes for `trx(n)` in block `block` (written through a journal of their own). */
    const framesOf = async (block: number, n: number): Promise<Buffer> => {
      const other = join(dir, `other-${n}.log`);
      const { journal } = await AcceptedJournal.open(other);
      await journal.append(block, trx(n));
      await journal.close();
      return readFileSync(other).subarray(MAGIC.length);
    };
    const bad = tinyPayload(6);
    bad[4] = 9; // no such compression
    writeFileSync(path, MAGIC);
    appendFileSync(path, await framesOf(5, 1));
    const badAt = statSync(path).size;
    appendFileSync(path, frameOf(bad));
    appendFileSync(path, frameOf(Buffer.from([1, 2, 3]))); // shorter than a block number and a header
    appendFileSync(path, await framesOf(7, 2));
    const size = statSync(path).size;
    const opened = await AcceptedJournal.open(path);
    await opened.journal.close();
    assert.equal(
      opened.carried.map((t) => t.packedTrx[0]),
      [1, 2],
      'the entries before and after the bad ones',
    );
    assert.is(opened.cutBytes, 0, 'nothing cut');
    assert.is(statSync(path).size, size, 'the file is as it was');
    assert.equal(opened.malformed, { count: 2, first: badAt });
  } finally {
    removeDir(dir);
  }
});

test('a journal past ACCEPTED_JOURNAL_MAX_BYTES is refused, naming the file, not read (3 GiB: no RangeError)', async () => {
  const dir = tempDir('journal-big');
  try {
    const path = join(dir, 'accepted.log');
    writeFileSync(path, MAGIC);
    truncateSync(path, 3 * 2 ** 30); // sparse: no disk used
    const e = await refused(path);
    assert.is(e.code, 'ACCEPTED_JOURNAL_TOO_LARGE');
    assert.ok(e.message.includes(path), e.message);
    assert.is(e.path, path);
  } finally {
    removeDir(dir);
  }
});

test('more than ACCEPTED_JOURNAL_MAX_CARRIED tiny entries are refused, naming the file; as many obsolete ones are skipped', async () => {
  const dir = tempDir('journal-many');
  try {
    const path = join(dir, 'accepted.log');
    const frames = (block: number, n: number) => {
      const f = frameOf(tinyPayload(block));
      return Buffer.concat(Array.from({ length: n }, () => f));
    };
    writeFileSync(path, Buffer.concat([MAGIC, frames(9, ACCEPTED_JOURNAL_MAX_CARRIED + 1)]));
    const e = await refused(path);
    assert.is(e.code, 'ACCEPTED_JOURNAL_TOO_LARGE');
    assert.ok(e.message.includes(path), e.message);
    // entries of blocks the log holds are counted, not kept: any number of them opens
    const opened = await AcceptedJournal.open(path, { durable: 9 });
    await opened.journal.close();
    assert.is(opened.carried.length, 0);
    assert.is(opened.obsolete, ACCEPTED_JOURNAL_MAX_CARRIED + 1);
    // and as many as a crash may leave are carried
    writeFileSync(path, Buffer.concat([MAGIC, frames(9, ACCEPTED_JOURNAL_MAX_CARRIED)]));
    const full = await AcceptedJournal.open(path);
    await full.journal.close();
    assert.is(full.carried.length, ACCEPTED_JOURNAL_MAX_CARRIED);
  } finally {
    removeDir(dir);
  }
});

test.run();
