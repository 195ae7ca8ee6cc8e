/**
 * One process at a time owns the offline queue: a lock file holding the owner's pid, created with
 * O_EXCL. A lock left by a process that no longer exists (killed with SIGKILL) is taken over; a
 * live owner is named in the error so the person knows which process to stop.
 */
import { openSync, writeSync, closeSync, readFileSync, unlinkSync, fsyncSync } from 'node:fs';
import { QueueError } from './queue-error.js';
import { processAlive } from '../../lib/process-alive.js';

export class QueueLock {
  readonly path: string;
  #held = false;

  private constructor(path: string) {
    this.path = path;
  }

  static acquire(path: string): QueueLock {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        try {
          writeSync(fd, `${process.pid}\n`);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        const lock = new QueueLock(path);
        lock.#held = true;
        return lock;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      let owner = NaN;
      try {
        owner = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
      } catch {
        /* vanished or unreadable: treat as stale */
      }
      if (Number.isSafeInteger(owner) && owner > 0 && processAlive(owner)) {
        throw new QueueError(
          'LOCKED',
          `the offline queue is in use by process ${owner}${owner === process.pid ? ' (this process: close the other OfflineQueue first)' : ''}; ` +
            'stop that process or let it flush the queue',
        );
      }
      try {
        unlinkSync(path);
      } catch {
        /* someone else took it over first */
      }
    }
    throw new QueueError('LOCKED', `could not take the offline queue lock ${path}; try again`);
  }

  release(): void {
    if (!this.#held) return;
    this.#held = false;
    try {
      unlinkSync(this.path);
    } catch {
      /* already gone */
    }
  }
}
