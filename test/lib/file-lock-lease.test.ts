// lib/file-lock.ts leases (issue 15): a thread keeps the lock between its operations for
// LOCK_LEASE_IDLE_MS, at most LOCK_LEASE_MAX_MS in one stretch; a hold knows whether the lock was
// kept without a break since an earlier hold; a waiter's announcement makes the holder let go; a
// process killed during its lease leaves a lock another takes over; a lease never holds a process
// open, nor outlives it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  LOCK_LEASE_IDLE_MS,
  LOCK_LEASE_MAX_MS,
  LOCK_WANT_DEFER_MS,
  fileLockUnbrokenSince,
  withFileLock,
  type FileLockMark,
} from '../../lib/file-lock.js';

import { LOCK_WANT_FRESH_MS, LOCK_WANT_REFRESH_MS, announceWant, wantPath } from '../../lib/lock-want.js';

const CHILD = fileURLToPath(new URL('./file-lock-lease.child.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'peeros-file-lock-lease-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lease = { lease: true };

/** One empty leased hold of `path`: its mark. */
async function leasedMark(path: string): Promise<FileLockMark> {
  let mark: FileLockMark | undefined;
  await withFileLock(
    path,
    async (hold) => {
      mark = hold.mark;
    },
    lease,
  );
  return mark!;
}

/** Waits until `cond` holds, up to `ms`. */
async function until(cond: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(5)) if (cond()) return true;
  return cond();
}

test('a leased lock stays between operations, is taken again without a new lock file, and goes after LOCK_LEASE_IDLE_MS', async () => {
  const path = join(dir, 'kept.lock');
  const first = await leasedMark(path);
  assert.ok(existsSync(path), 'kept after the operation');
  const owner = readFileSync(path, 'utf8');
  assert.ok(fileLockUnbrokenSince(path, first), 'between holds: kept without a break');
  let second: FileLockMark | undefined;
  await withFileLock(
    path,
    async (hold) => {
      assert.ok(hold.unbrokenSince(first), 'the next hold follows the first without a break');
      assert.is(readFileSync(path, 'utf8'), owner, 'the same lock file: not created again');
      second = hold.mark;
    },
    lease,
  );
  assert.ok(await until(() => !existsSync(path), 5_000), `let go after ${LOCK_LEASE_IDLE_MS} ms idle`);
  assert.not.ok(fileLockUnbrokenSince(path, second), 'a break: not kept any more');
  await withFileLock(path, async (hold) => assert.not.ok(hold.unbrokenSince(second), 'after a break the store must look again'), lease);
});

test("another hold of the lock in this thread (another store's) breaks the chain of the one before it", async () => {
  const path = join(dir, 'two-stores.lock');
  const mine = await leasedMark(path);
  await withFileLock(path, async () => undefined, lease); // another store of this thread, which may have written
  assert.not.ok(fileLockUnbrokenSince(path, mine));
  await withFileLock(path, async (hold) => assert.not.ok(hold.unbrokenSince(mine)), lease);
  await withFileLock(path, async (hold) => assert.not.ok(hold.unbrokenSince(undefined), 'nothing known: look'), lease);
});

test('a stretch ends at LOCK_LEASE_MAX_MS: the lock file is created again, none is kept longer', async () => {
  const path = join(dir, 'bound.lock');
  const seen = new Map<string, { first: number; last: number }>();
  for (const end = Date.now() + 3 * LOCK_LEASE_MAX_MS; Date.now() < end; await sleep(5)) {
    await withFileLock(
      path,
      async () => {
        const text = readFileSync(path, 'utf8');
        const s = seen.get(text) ?? { first: Date.now(), last: 0 };
        s.last = Date.now();
        seen.set(text, s);
      },
      lease,
    );
  }
  assert.ok(seen.size >= 2, `${seen.size} stretches in ${3 * LOCK_LEASE_MAX_MS} ms of operations`);
  for (const { first, last } of seen.values())
    assert.ok(last - first <= LOCK_LEASE_MAX_MS + LOCK_LEASE_IDLE_MS, `one stretch lasted ${last - first} ms`);
});

test('a fresh announcement of a waiter makes the holder let go and stand back; a stale one is removed and ignored', async () => {
  const path = join(dir, 'wanted.lock');
  const before = await leasedMark(path);
  // announced by another process (a token that is not this thread's)
  writeFileSync(`${path}.want`, `${process.pid} ${Date.now()} 00ff00ff00ff00ff\n`);
  const t0 = Date.now();
  await withFileLock(path, async (hold) => assert.not.ok(hold.unbrokenSince(before), 'let go for the waiter: a new stretch'), lease);
  assert.ok(Date.now() - t0 >= LOCK_WANT_DEFER_MS - 5, 'stood back for the waiter first');
  unlinkSync(`${path}.want`); // the waiter withdraws
  const after = await leasedMark(path);
  writeFileSync(`${path}.want`, `${process.pid} ${Date.now() - 60_000} 00ff00ff00ff00ff\n`); // a waiter gone a minute ago
  await withFileLock(path, async (hold) => assert.ok(hold.unbrokenSince(after), 'a stale announcement is ignored'), lease);
  assert.not.ok(existsSync(`${path}.want`), 'and removed');
});

test('a waiter rewrites its announcement once it is LOCK_WANT_REFRESH_MS old, so a long wait never looks stale', async () => {
  // a waiter wakes at least every LOCK_POLL_MAX_MS (16 ms): rewritten at REFRESH, it is never near FRESH
  assert.ok(LOCK_WANT_REFRESH_MS * 2 <= LOCK_WANT_FRESH_MS);
  const path = join(dir, 'refreshed.lock');
  const first = announceWant(path, undefined);
  assert.ok(first, 'announced');
  assert.is(readFileSync(wantPath(path), 'utf8'), first);
  assert.is(announceWant(path, first), first, 'fresh: not rewritten');
  assert.is(readFileSync(wantPath(path), 'utf8'), first);
  await sleep(LOCK_WANT_REFRESH_MS + 20);
  const second = announceWant(path, first);
  assert.ok(second && second !== first, 'rewritten once it was LOCK_WANT_REFRESH_MS old');
  assert.is(readFileSync(wantPath(path), 'utf8'), second);
  unlinkSync(wantPath(path));
});

test('something unreadable where the announcement goes (a directory) stops neither the holder nor a waiter', async () => {
  const path = join(dir, 'odd-want.lock');
  mkdirSync(`${path}.want`);
  await withFileLock(path, async () => undefined, lease);
  assert.is(await withFileLock(path, async () => 'held again', lease), 'held again', 'the holder looked and went on');
  // a waiter: the lock held as by another live process, released a moment later
  assert.ok(await until(() => !existsSync(path), 5_000), 'the lease let go when idle');
  writeFileSync(path, `${process.pid} ${Date.now()} 00ff00ff00ff00ff\n`, { flag: 'wx' });
  setTimeout(() => unlinkSync(path), 50);
  assert.is(await withFileLock(path, async () => 'waited', { waitMs: 10_000 }), 'waited');
});

test('a process killed with SIGKILL during its lease leaves a lock another process takes over', async () => {
  const path = join(dir, 'killed.lock');
  // a loaded machine can stall the child past its idle time, or the kill can land in the moment a
  // stretch ends (LOCK_LEASE_YIELD_MS): then it held nothing when killed, and it is tried again
  for (let attempt = 1; attempt <= 5 && !existsSync(path); attempt++) {
    const child = spawn(process.execPath, [CHILD, 'lease', path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    try {
      assert.ok(await until(() => out.includes('leasing'), 60_000), 'the child leases the lock');
      const named = () => existsSync(path) && readFileSync(path, 'utf8').startsWith(`${child.pid} `);
      assert.ok(await until(named, 10_000), 'the lock names the child');
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  assert.ok(existsSync(path), 'killed during its lease: its lock is left');
  const t0 = Date.now();
  assert.is(await withFileLock(path, async () => 'taken over', { waitMs: 10_000 }), 'taken over');
  console.log(`  killed holder's lock taken over in ${Date.now() - t0} ms`);
});

test('a lease neither keeps its process alive nor outlives it', async () => {
  const path = join(dir, 'exit.lock');
  const child = spawn(process.execPath, [CHILD, 'once', path], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  await once(child, 'close');
  const done = Number(/done (\d+)/.exec(out)?.[1]);
  const exit = Number(/exit (\d+)/.exec(out)?.[1]);
  assert.ok(done > 0 && exit > 0, out);
  console.log(`  ended ${exit - done} ms after its leased operation`);
  const alive = JSON.parse(/alive (.*)/.exec(out)?.[1] ?? 'null') as string[];
  assert.ok(Array.isArray(alive), out);
  assert.not.ok(alive.includes('Timeout'), `the lease's timer keeps the event loop alive: ${alive.join(', ')}`);
  assert.not.ok(existsSync(path), 'the lease was let go at exit');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
