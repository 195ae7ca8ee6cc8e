// The journal's cut after a block is in the log (issue 15: the node's post-block work off the push
// path). Obsolete entries stay in the file until they reach ACCEPTED_JOURNAL_OBSOLETE_BYTES, so a
// block's `durable` queues nothing in front of the next appends; the open skips the entries of
// blocks the log holds; a cut keeps every entry not yet in a block; the file stays bounded; and
// after a kill -9 at any point the reopen carries every acknowledged entry not in a block and none
// that is.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { PrivateKey } from '../../../abi/antelope/index.js';
import { AcceptedJournal, ACCEPTED_JOURNAL_OBSOLETE_BYTES } from '../../../dmcs/block/accepted-journal.js';
import type { PackedTrx } from '../../../dmcs/block.js';
import { seededRandom } from '../crash-child.js';
import { tempDir, removeDir } from '../helpers.js';

const digest = new Uint8Array(32).fill(5);
const key = PrivateKey.generate();
const sig = key.sign(digest);
const trx = (n: number, size = 3): PackedTrx => ({
  signatures: [sig],
  compression: 0,
  packedContextFreeData: new Uint8Array(0),
  packedTrx: new Uint8Array(size).fill(n & 0xff),
});
const firstBytes = (ts: PackedTrx[]) => ts.map((t) => t.packedTrx[0]);

/** Polls `cond`, failing after a generous bound (never a fixed sleep). */
async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !cond(); ) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

test('below the limit a block queues no cut: the file keeps obsolete entries, which the open skips', async () => {
  const dir = tempDir('journal-trim');
  try {
    const path = join(dir, 'accepted.log');
    const { journal } = await AcceptedJournal.open(path);
    await Promise.all([journal.append(5, trx(1)), journal.append(5, trx(2))]);
    await journal.append(6, trx(3));
    const size = statSync(path).size;
    journal.durable(5);
    await journal.append(7, trx(4));
    assert.is(journal.cuts, 0, 'no cut below the limit');
    assert.ok(statSync(path).size > size, 'appended in place, nothing cut');
    await journal.close();

    const after5 = await AcceptedJournal.open(path, { durable: 5 });
    await after5.journal.close();
    assert.equal(firstBytes(after5.carried), [3, 4], 'the entries of blocks after 5');
    assert.is(after5.obsolete, 2);
    const after6 = await AcceptedJournal.open(path, { durable: 6 });
    await after6.journal.close();
    assert.equal(firstBytes(after6.carried), [4]);
    const all = await AcceptedJournal.open(path);
    await all.journal.close();
    assert.equal(firstBytes(all.carried), [1, 2, 3, 4], 'without a head every entry is carried');
  } finally {
    removeDir(dir);
  }
});

test('carried entries keep their block in the file: a second restart before a new block carries them again', async () => {
  const dir = tempDir('journal-trim');
  try {
    const path = join(dir, 'accepted.log');
    const first = await AcceptedJournal.open(path);
    await first.journal.append(9, trx(1));
    await first.journal.close();
    const second = await AcceptedJournal.open(path, { durable: 8 });
    assert.equal(firstBytes(second.carried), [1]);
    await second.journal.append(9, trx(2)); // accepted again after the restart (no block sealed yet)
    await second.journal.close();
    const third = await AcceptedJournal.open(path, { durable: 8 });
    await third.journal.close();
    assert.equal(firstBytes(third.carried), [1, 2]);
  } finally {
    removeDir(dir);
  }
});

test(`ACCEPTED_JOURNAL_OBSOLETE_BYTES bounds the file: cut once that many obsolete bytes are in it, keeping the next block's entries`, async () => {
  const dir = tempDir('journal-trim');
  try {
    const path = join(dir, 'accepted.log');
    const { journal } = await AcceptedJournal.open(path);
    const SIZE = 4096;
    let block = 1;
    let n = 0;
    let maxFile = 0;
    let cutWithLive = false;
    // blocks of 64 entries; the entries of block b + 1 are in the file when block b becomes durable
    await Promise.all(Array.from({ length: 64 }, () => journal.append(block, trx(n++, SIZE))));
    while (journal.cuts < 3) {
      await Promise.all(Array.from({ length: 64 }, () => journal.append(block + 1, trx(n++, SIZE))));
      const before = journal.cuts;
      journal.durable(block++);
      await journal.append(block, trx(n++, SIZE)); // queued behind the cut, if one was queued
      if (journal.cuts > before) cutWithLive = true;
      maxFile = Math.max(maxFile, statSync(path).size);
      assert.ok(n < 4 * (ACCEPTED_JOURNAL_OBSOLETE_BYTES / SIZE), 'cut within a few times the limit');
    }
    assert.ok(cutWithLive);
    // at most the limit of obsolete bytes, plus the live block and one block's worth before the check ran
    const frame = SIZE + 100;
    assert.ok(maxFile <= ACCEPTED_JOURNAL_OBSOLETE_BYTES + 3 * 65 * frame, `file ${maxFile} bytes`);
    await journal.close();
    const { journal: again, carried } = await AcceptedJournal.open(path, { durable: block - 1 });
    await again.close();
    assert.is(carried.length, 65, 'the entries of the last block, none of the blocks before');
    assert.equal(firstBytes(carried), firstBytes(Array.from({ length: 65 }, (_, i) => trx(n - 65 + i))));
  } finally {
    removeDir(dir);
  }
});

test("a cut that truncates: an append right after it does not wait for the truncate's datasync; close does", async () => {
  const dir = tempDir('journal-trim');
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
  const datasync = proto.datasync;
  try {
    const path = join(dir, 'accepted.log');
    const { journal } = await AcceptedJournal.open(path, { obsoleteBytes: 1 });
    await journal.append(5, trx(1));
    await journal.append(5, trx(2));

    // hold the next datasync (the cut's) until released; every other one passes
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let held = 0;
    let syncs = 0;
    proto.datasync = function (this: FileHandle) {
      syncs++;
      if (held === 0) {
        held = 1;
        return gate.then(() => datasync.call(this));
      }
      return datasync.call(this);
    };
    journal.durable(5); // block 5 is in the log: both entries go, nothing else is live
    await until(() => held === 1, "the cut's datasync started");
    assert.is(journal.cuts, 1);
    // resolves while the cut's sync is still held (behind it, it would wait for the release)
    let timer: NodeJS.Timeout | undefined;
    const appended = await Promise.race([
      journal.append(6, trx(3)).then(() => true),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(false), 10_000);
      }),
    ]);
    clearTimeout(timer);
    if (!appended) release();
    assert.ok(appended, "the append was held behind the cut's datasync");
    assert.ok(syncs >= 2, 'the append synced on its own');
    let closed = false;
    const closing = journal.close().then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    assert.not.ok(closed, "close waits for the cut's datasync");
    release();
    await closing;
    proto.datasync = datasync;

    const { journal: again, carried, obsolete, cutBytes } = await AcceptedJournal.open(path);
    await again.close();
    assert.is(cutBytes, 0);
    assert.is(obsolete, 0, 'the file was truncated');
    assert.equal(firstBytes(carried), [3], 'only what was appended after the cut');
  } finally {
    proto.datasync = datasync;
    removeDir(dir);
  }
});

const CHILD = fileURLToPath(new URL('./accepted-journal.child.js', import.meta.url));
const ROUNDS = 4;
/** Small, so the child cuts many times in a short run. */
const CHILD_LIMIT = 16 << 10;

test('kill -9 at seeded points at and after cuts: the reopen carries every acknowledged entry not in a block, none that is, none twice', async () => {
  const random = seededRandom(0x15);
  const dir = tempDir('journal-kill9');
  let owed = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const path = join(dir, `accepted-${round}.log`);
      const kill = `${2 + Math.floor(random() * 6)}:${Math.floor(random() * 4)}`;
      const child = spawn(process.execPath, [CHILD, path, String(CHILD_LIMIT), String(round + 1), kill], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (err += d));
      const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
      let timer: NodeJS.Timeout | undefined;
      const signal = await Promise.race([
        exited,
        new Promise<'timeout'>((r) => {
          timer = setTimeout(() => r('timeout'), 60_000);
        }),
      ]);
      clearTimeout(timer);
      if (signal === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
      assert.is(signal, 'SIGKILL', `round ${round}: the child killed itself at ${kill} (${err})`);
      let durable = 0;
      const acked = new Map<number, number>(); // id → block
      for (const line of out.split('\n')) {
        const [kind, ...rest] = line.split(' ');
        if (kind === 'D') durable = Number(rest[0]);
        if (kind === 'A') for (const id of rest.slice(1)) acked.set(Number(id), Number(rest[0]));
      }
      const { journal, carried } = await AcceptedJournal.open(path, { durable });
      await journal.close();
      const seen = new Set<number>();
      for (const t of carried) {
        const v = new DataView(t.packedTrx.buffer, t.packedTrx.byteOffset);
        const id = v.getUint32(0, true);
        const block = v.getUint32(4, true);
        assert.ok(block > durable, `round ${round}: entry ${id} of block ${block} is in a block (durable ${durable})`);
        assert.not.ok(seen.has(id), `round ${round}: entry ${id} carried twice`);
        seen.add(id);
      }
      for (const [id, block] of acked)
        if (block > durable) {
          owed++;
          assert.ok(seen.has(id), `round ${round}: acknowledged entry ${id} of block ${block} lost (durable ${durable})`);
        }
      assert.ok(acked.size > 0 && durable > 0, `round ${round}: the child ran`);
      // bounded: the limit, the live blocks and a batch or two (frames of ≈ 300 bytes)
      assert.ok(statSync(path).size <= CHILD_LIMIT + 2_000 * 300, `round ${round}: ${statSync(path).size} bytes`);
    }
    assert.ok(owed > 0, 'some kill landed with acknowledged entries not yet in a block');
  } finally {
    removeDir(dir);
  }
});

test.run();
