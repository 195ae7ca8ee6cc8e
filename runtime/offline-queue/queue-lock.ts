/**
 * One process at a time owns the offline queue, for as long as it has the queue open: the shared
 * lock file of lib/file-lock.ts (`holdFileLock`), taken over when its owner process is dead
 * (SIGKILL), never by age. A live owner is named in the error so the person knows which process
 * to stop.
 */
import { holdFileLock } from '../../lib/file-lock.js';
import { QueueError } from './queue-error.js';

export class QueueLock {
  readonly path: string;
  #release: (() => void) | undefined;

  private constructor(path: string, release: () => void) {
    this.path = path;
    this.#release = release;
  }

  static acquire(path: string): QueueLock {
    const lock = holdFileLock(path);
    if (lock.held) return new QueueLock(path, lock.release);
    const owner = lock.ownerPid;
    if (owner === undefined) throw new QueueError('LOCKED', `could not take the offline queue lock ${path}; try again`);
    throw new QueueError(
      'LOCKED',
      `the offline queue is in use by process ${owner}${owner === process.pid ? ' (this process: close the other OfflineQueue first)' : ''}; ` +
        'stop that process or let it flush the queue',
    );
  }

  release(): void {
    this.#release?.();
    this.#release = undefined;
  }
}
