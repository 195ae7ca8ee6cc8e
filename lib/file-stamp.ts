/**
 * Which version of a file this is: inode, size and modification time (ns). The one rule of the
 * stores that keep what they last read or wrote and look again only when the file changed (the
 * vault's keystore and spend ledger, the session grants): an atomic write replaces the inode, an
 * append grows the size. Synchronous: a stat is a few µs of syscall, where a thread-pool hop costs
 * far more on a busy machine. Imports nothing of ours.
 */
import { statSync, type BigIntStats } from 'node:fs';

/** The stamp of stats already taken (`stat`/`fstat` with `bigint: true`). */
export function stampOf(st: BigIntStats): string {
  return `${st.ino}:${st.size}:${st.mtimeNs}`;
}

/** The stamp of the file at `path`; throws as `statSync` does (ENOENT included). */
export function fileStamp(path: string): string {
  return stampOf(statSync(path, { bigint: true }));
}

/** The stamp of the file at `path`, or `absent` when there is none. */
export function fileStampOrAbsent(path: string): string {
  const st = statSync(path, { bigint: true, throwIfNoEntry: false });
  return st ? stampOf(st) : 'absent';
}
