/**
 * The node's state snapshot on disk (`<data>/snapshot.json`, see state-snapshot.ts): read once at
 * start (a missing or damaged file is only a lost shortcut), written atomically, one write at a
 * time and in order.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../lib/atomic-file.js';
import type { Snapshot } from './state-snapshot.js';

/** File name inside the node's data folder. */
export const SNAPSHOT_FILE = 'snapshot.json';

export function readSnapshot(path: string): Snapshot | null {
  try {
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Snapshot) : null;
  } catch {
    return null; // a damaged snapshot is only a lost shortcut: the log is replayed in full
  }
}

export class SnapshotFile {
  private written: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Writes `snap` after the writes before it; a failure is reported, never thrown. */
  save(snap: Snapshot): Promise<unknown> {
    this.written = this.written
      .then(() => writeFileAtomic(this.path, JSON.stringify(snap), 0o644))
      .catch((e: Error) => {
        process.stderr.write(`peeros node: cannot save a state snapshot: ${e.message}\n`);
      });
    return this.written;
  }

  /** Resolves once every write asked for so far is done. */
  settled(): Promise<unknown> {
    return this.written;
  }
}
