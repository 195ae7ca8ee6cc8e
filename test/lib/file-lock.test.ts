// lib/file-lock.ts across processes: a waiter is woken by the holder's release (a watch on the
// lock's directory), not only by its polls; it still waits while the lock is held, and it times out
// with the holder's pid.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync, unlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileLockTimeoutError, fileLockWatch, withFileLock } from '../../lib/file-lock.js';

const dir = mkdtempSync(join(tmpdir(), 'peeros-file-lock-'));

/** A lock as another live process holds it (its owner line names a live pid: this one). */
const holdAsOther = (path: string) => writeFileSync(path, `${process.pid} ${Date.now()} 00ff00ff00ff00ff\n`, { flag: 'wx' });

test("a waiter runs only after the holder's release, and the release wakes it", async () => {
  const path = join(dir, 'a.lock');
  holdAsOther(path);
  const wakesBefore = fileLockWatch.wakes;
  let ran = false;
  // polls a minute apart: within the 20 s below only the watch can wake the waiter
  const waiter = withFileLock(
    path,
    async () => {
      ran = true;
      return 'done';
    },
    { pollMs: 60_000, waitMs: 120_000 },
  );
  for (const until = Date.now() + 20_000; Date.now() < until && fileLockWatch.waiting === 0; ) await new Promise((r) => setTimeout(r, 5));
  assert.is(fileLockWatch.waiting, 1, 'the waiter tried, and waits on its watch');
  assert.is(ran, false, 'not while the other process holds it');
  unlinkSync(path); // the holder releases
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<string>((r) => {
    timer = setTimeout(() => r('still waiting 20 s after the release'), 20_000);
  });
  assert.is(await Promise.race([waiter, stuck]), 'done');
  clearTimeout(timer);
  assert.ok(fileLockWatch.wakes > wakesBefore, 'the release woke the waiter through the watch');
  assert.is(existsSync(path), false, 'released after the run');
});

test('a lock held past waitMs fails with the holder named, and the watch does not keep the process busy', async () => {
  const path = join(dir, 'b.lock');
  holdAsOther(path);
  const err = await withFileLock(path, async () => 'never', { waitMs: 300 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.instance(err, FileLockTimeoutError);
  assert.is((err as FileLockTimeoutError).ownerPid, process.pid);
  unlinkSync(path);
  assert.is(await withFileLock(path, async () => 'next'), 'next', 'free again: taken at once');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
