// The journal's cut after a block is in the log (issue 15: the node's post-block syncs off the push
// path): the next append is not held behind the cut's datasync, the cut is durable before the
// journal closes, and a reopen carries exactly what was appended after the cut.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { open, type FileHandle } from 'node:fs/promises';
import { PrivateKey } from '../../../abi/antelope/index.js';
import { AcceptedJournal } from '../../../dmcs/block/accepted-journal.js';
import type { PackedTrx } from '../../../dmcs/block.js';
import { tempDir, removeDir } from '../helpers.js';

const digest = new Uint8Array(32).fill(5);
const trx = (n: number): PackedTrx => ({
  signatures: [PrivateKey.generate().sign(digest)],
  compression: 0,
  packedContextFreeData: new Uint8Array(0),
  packedTrx: new Uint8Array([n, n, n]),
});

/** Polls `cond`, failing after a generous bound (never a fixed sleep). */
async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !cond(); ) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

test("an append right after a cut does not wait for the cut's datasync; close does", async () => {
  const dir = tempDir('journal-trim');
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
  const datasync = proto.datasync;
  try {
    const path = join(dir, 'accepted.log');
    const { journal } = await AcceptedJournal.open(path);
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
    journal.durable(5); // block 5 is in the log: both entries go
    await until(() => held === 1, "the cut's datasync started");
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

    const { journal: again, carried, cutBytes } = await AcceptedJournal.open(path);
    await again.close();
    assert.is(cutBytes, 0);
    assert.equal(
      carried.map((t) => [...t.packedTrx]),
      [[3, 3, 3]],
      'only what was appended after the cut',
    );
  } finally {
    proto.datasync = datasync;
    removeDir(dir);
  }
});

test('a cut that keeps entries (accepted into the next block meanwhile) still replaces the file before the next append', async () => {
  const dir = tempDir('journal-trim');
  try {
    const path = join(dir, 'accepted.log');
    const { journal } = await AcceptedJournal.open(path);
    await journal.append(5, trx(1));
    await journal.append(6, trx(2));
    journal.durable(5);
    await journal.append(6, trx(3));
    journal.durable(5); // nothing of block 5 left: no second cut
    await journal.close();
    const { journal: again, carried } = await AcceptedJournal.open(path);
    await again.close();
    assert.equal(
      carried.map((t) => [...t.packedTrx]),
      [
        [2, 2, 2],
        [3, 3, 3],
      ],
    );
  } finally {
    removeDir(dir);
  }
});

test.run();
