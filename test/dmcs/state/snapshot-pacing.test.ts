// The snapshot writer's pace (snapshot-file.ts `SNAPSHOT_WRITER_SHARE`): it shares the JS thread
// with block production, so after each slice it rests. Measured from outside the writer with the
// event loop's own utilization (`performance.eventLoopUtilization`, active against idle time):
// while a snapshot of slices that each keep the thread busy is written, the loop stays idle at
// least 1 - share of the time (unpaced, the writer kept it busy about all the time); after `hurry`
// (a clean stop) the slices run back to back. The stand-in snapshot yields busy slices the way
// `StateSnapshot.chunks` does; the file is real (written, fsynced, renamed).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SNAPSHOT_WRITER_SHARE, SnapshotFile } from '../../../dmcs/state/snapshot-file.js';
import type { StateSnapshot } from '../../../dmcs/state/state-snapshot.js';

const dir = mkdtempSync(join(tmpdir(), 'peeros-snapshot-pacing-'));
const SLICES = 40;
const SLICE_MS = 4;

/** A snapshot whose every slice keeps the thread busy `SLICE_MS` (a walk's CPU), then yields 1 KiB. */
function busySnapshot(blockNum: number): StateSnapshot & { abandoned: boolean } {
  const snap = {
    blockNum,
    abandoned: false,
    abandon() {
      snap.abandoned = true;
    },
    async *chunks() {
      for (let i = 0; i < SLICES; i++) {
        for (const until = performance.now() + SLICE_MS; performance.now() < until; );
        yield new Uint8Array(1024).fill(i);
      }
    },
  };
  return snap as unknown as StateSnapshot & { abandoned: boolean };
}

test('a snapshot writer keeps to its share of the thread: the loop is idle the rest of the time', async () => {
  const file = new SnapshotFile(join(dir, 'a.bin'));
  const elu0 = performance.eventLoopUtilization();
  await file.save(busySnapshot(7));
  const elu = performance.eventLoopUtilization(elu0);
  assert.is(file.lastWritten, 7);
  assert.is(readFileSync(join(dir, 'a.bin')).length, SLICES * 1024, 'the whole file was written');
  // the slices' own busy time: SLICES × SLICE_MS at least
  assert.ok(file.pace.sliceMs >= SLICES * SLICE_MS, `slices ${file.pace.sliceMs} ms`);
  assert.ok(file.pace.restMs >= file.pace.sliceMs * (1 / SNAPSHOT_WRITER_SHARE - 1) * 0.95, `rests ${file.pace.restMs} ms`);
  // the loop busy at most its share (with room for the writes' callbacks and timers)
  assert.ok(elu.utilization <= SNAPSHOT_WRITER_SHARE + 0.1, `event loop utilization ${elu.utilization.toFixed(2)}`);
});

test('after hurry (a clean stop) the slices run back to back', async () => {
  const file = new SnapshotFile(join(dir, 'b.bin'));
  const saving = file.save(busySnapshot(8));
  await new Promise((r) => setTimeout(r, 30)); // a few slices in, likely resting
  file.hurry();
  const rests = file.pace.rests;
  await saving;
  assert.is(file.lastWritten, 8);
  assert.ok(rests < SLICES - 5, `hurried while slices were left (${rests} rests so far)`);
  // the rest under way when hurried ends at once and counts; no other begins
  assert.ok(file.pace.rests <= rests + 1, `${file.pace.rests - rests} rests after hurry`);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
