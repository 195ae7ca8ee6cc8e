/**
 * Opens the corestore that holds a node's block log (`<data>/blocks`), telling apart the two
 * reasons hypercore refuses a folder, which it reports alike:
 *
 * - a live process holds the folder's lock (an flock on `blocks/CORESTORE`, released by the
 *   kernel when its holder dies, so a `kill -9` never leaves a stale lock) → `DATA_FOLDER_IN_USE`,
 *   naming the pid recorded in `<data>/node.pid` when that process is alive;
 * - the lock was free but `blocks/CORESTORE` records another inode: the folder was copied
 *   (`cp -a`) or restored from a backup. Nobody holds it, so the copy is adopted here: the old
 *   device file is kept aside as `<data>/CORESTORE.copied-TIME` and a new one is written. The block log
 *   inside is unchanged and still checked against `committed.json`.
 */
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Corestore from 'corestore';
import type Hypercore from 'hypercore';
import { DataFolderError } from './data-folder-error.js';
import { processAlive } from '../../lib/process-alive.js';
import { isFileLockRefused } from '../../lib/foreign-errors.js';

/** File recording the pid of the node that runs on a data folder (for messages only; the lock decides). */
export const PID_FILE = 'node.pid';

export interface OpenedStore {
  store: Corestore;
  core: Hypercore;
}

/** Opens the store and its core `get(store)`; see the module comment for the refusals. */
export async function openBlockStore(
  dataDir: string,
  get: (store: Corestore) => Hypercore,
  onWarning: (m: string) => void,
): Promise<OpenedStore> {
  const blocks = join(dataDir, 'blocks');
  for (let attempt = 0; ; attempt++) {
    const store = new Corestore(blocks);
    try {
      const core = get(store);
      await core.ready();
      writeFileSync(join(dataDir, PID_FILE), `${process.pid}\n`, { mode: 0o644 });
      return { store, core };
    } catch (e) {
      await store.close().catch(() => {});
      const err = e as Error & { code?: string };
      if (isFileLockRefused(err)) throw inUse(dataDir);
      if (err.code === 'DEVICE_FILE' && attempt === 0) {
        const device = join(blocks, 'CORESTORE');
        // beside blocks/, not in it: without a CORESTORE file, hypercore-storage moves unknown files in blocks/ into its database folder
        const aside = join(dataDir, `CORESTORE.copied-${new Date().toISOString().replace(/[:.]/g, '-')}`);
        renameSync(device, aside);
        onWarning(
          `the data folder ${dataDir} was copied or restored from a backup (${err.message.replace(/^Invalid device file, /, 'its device file ')}); ` +
            `no node holds it, so it is adopted here (the old device file is kept as ${aside}). ` +
            'Do not run the original and the copy as producers of the same chain.',
        );
        continue;
      }
      throw new Error(`cannot open the block log in ${dataDir}: ${err.message}`);
    }
  }
}

/**
 * Closes the store after its cores closed, first flushing RocksDB's memtables to its table and blob
 * files. Without it, whatever the write buffers held (up to two of 64 MB) stays only in the
 * write-ahead log, and the next open replays it before the node can answer: 260-300 ms for 189 MB
 * of blocks on this 2-core machine, against 15-23 ms after the flush (the 0.9 s it costs moves to a
 * clean shutdown; a crash still leaves the log to replay, bounded by the buffers). The column
 * family is flushed itself: hypercore-storage 3's own `flush()` flushes RocksDB's default family,
 * which holds nothing (checked on the pinned version: the next open was as slow as without it).
 * test/dmcs/block/block-log-flush.test.ts fails without this flush.
 */
export async function closeBlockStore(store: Corestore): Promise<void> {
  // a flush that fails (the folder was removed, the disk is full) loses nothing: the write-ahead
  // log still holds the blocks and the next open replays it. RocksDB then reports the same error
  // again from close, which is not a new failure: the close goes on as it did before the flush.
  let flushed = true;
  await store.storage.db.flush().catch(() => {
    flushed = false;
  });
  try {
    await store.close();
  } catch (e) {
    if (flushed) throw e;
  }
}

/** Forgets the pid file when the node that wrote it stops. */
export function releasePidFile(dataDir: string): void {
  const path = join(dataDir, PID_FILE);
  try {
    if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
  } catch {
    /* already gone */
  }
}

function inUse(dataDir: string): DataFolderError {
  const path = join(dataDir, PID_FILE);
  let who = 'another running node';
  if (existsSync(path)) {
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (Number.isSafeInteger(pid) && pid > 0 && processAlive(pid)) who = `another running node (pid ${pid})`;
  }
  return new DataFolderError(
    'DATA_FOLDER_IN_USE',
    `the data folder ${dataDir} is in use by ${who}: stop that node first, or start this one with another --data folder`,
    dataDir,
  );
}
