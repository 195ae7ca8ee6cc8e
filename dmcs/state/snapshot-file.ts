/**
 * The node's state snapshot on disk (`<data>/snapshot.bin`, format in snapshot-format.ts): read once
 * at start (a missing or damaged file is only a lost shortcut), written one at a time and in order,
 * streamed slice by slice to a temporary file that is fsynced and renamed over the old one, so a
 * crash leaves the old snapshot or the new one, never a torn file. The writer shares the JS thread
 * with block production: after each slice it rests, so it takes at most `SNAPSHOT_WRITER_SHARE` of
 * the thread (until `hurry`).
 */
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { BinaryReader } from '../../abi/antelope/index.js';
import { Section, SNAPSHOT_MAGIC, SECTION_HEADER_BYTES, snapshotVersionRead } from './snapshot-format.js';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { StateSnapshot } from './state-snapshot.js';

/** File name inside the node's data folder. */
export const SNAPSHOT_FILE = 'snapshot.bin';
/** The version-1 JSON snapshot of older nodes: removed when a new snapshot is written. */
export const LEGACY_SNAPSHOT_FILE = 'snapshot.json';

/**
 * The file's bytes, or null when there is none or it cannot be read: then `unreadable` hears why (a
 * folder in its place, no permission, 2 GiB or more), instead of the node replaying its whole log
 * without a word.
 */
export async function readSnapshotBytes(path: string, unreadable?: (reason: string) => void): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') unreadable?.(`${path}: cannot be read (${code ?? (e as Error).message})`);
    return null;
  }
}

/**
 * The block number in the file's HEAD section, read from its first bytes without checking the rest
 * (a cheap look to compare with the state store's block); null when there is no readable head.
 */
export async function readSnapshotBlock(path: string): Promise<number | null> {
  let fh: Awaited<ReturnType<typeof open>> | null = null;
  try {
    fh = await open(path, 'r');
    const prefix = SNAPSHOT_MAGIC.length + 4 + SECTION_HEADER_BYTES;
    const buf = new Uint8Array(prefix + 4);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    if (bytesRead < buf.length || !SNAPSHOT_MAGIC.every((b, i) => buf[i] === b)) return null;
    const r = new BinaryReader(buf.subarray(SNAPSHOT_MAGIC.length));
    if (!snapshotVersionRead(r.u32()) || r.u8() !== Section.head) return null;
    r.u32(); // the section's length
    return r.u32();
  } catch {
    return null;
  } finally {
    await fh?.close();
  }
}

/**
 * The share of the JS thread a snapshot's writer takes at most: after a slice it rests `1 / share
 * - 1` times as long as the slice took. Unpaced, the writer ran a slice at every turn of the event
 * loop, so a block awaiting its log append shared its wall time with several slices: at 100,000
 * holders the walk took 15% of the block thread over 200 blocks and 10.8 ms of one 43 ms block
 * (docs/dmcs.md, "The snapshot writer's pace"). At a quarter, a block of about 10 ms meets at most
 * one slice (`SNAPSHOT_SLICE_MS`), and a walk takes four times its CPU time in wall time.
 */
export const SNAPSHOT_WRITER_SHARE = 0.25;

export class SnapshotFile {
  private written: Promise<unknown> = Promise.resolve();
  /** Block number of the last snapshot written (0 = none yet). */
  lastWritten = 0;
  /** Set by `hurry`: no more rests. */
  private hurried = false;
  /** Ends the rest under way, if any. */
  private endRest: (() => void) | null = null;
  /** The writer's time in slices and in rests since this file was made (ms), and its rests (diagnosis and tests). */
  readonly pace = { sliceMs: 0, restMs: 0, rests: 0 };

  constructor(readonly path: string) {}

  /** Writes `snap` after the writes before it; a failure is reported, never thrown. */
  save(snap: StateSnapshot): Promise<unknown> {
    this.written = this.written
      .then(() => this.stream(snap))
      .then(() => {
        this.lastWritten = snap.blockNum;
        return unlink(join(dirname(this.path), LEGACY_SNAPSHOT_FILE)).catch(() => {});
      })
      .catch((e: Error) => {
        snap.abandon();
        process.stderr.write(`peeros node: cannot save a state snapshot: ${e.message}\n`);
      });
    return this.written;
  }

  /** Resolves once every write asked for so far is done. */
  settled(): Promise<unknown> {
    return this.written;
  }

  /** From now on slices run back to back (a clean stop: no block is waiting for the thread). */
  hurry(): void {
    this.hurried = true;
    this.endRest?.();
  }

  /** After a slice of `sliceMs`: rests so the writer keeps to its share of the thread. */
  private async rest(sliceMs: number): Promise<void> {
    this.pace.sliceMs += sliceMs;
    if (this.hurried || sliceMs <= 0) return;
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(
        () => {
          this.endRest = null;
          resolve();
        },
        sliceMs * (1 / SNAPSHOT_WRITER_SHARE - 1),
      );
      this.endRest = () => {
        clearTimeout(timer);
        this.endRest = null;
        resolve();
      };
    });
    this.pace.restMs += performance.now() - t0;
    this.pace.rests++;
  }

  private async stream(snap: StateSnapshot): Promise<void> {
    const tmp = join(dirname(this.path), `.${basename(this.path)}.${randomBytes(6).toString('hex')}.tmp`);
    const fh = await open(tmp, 'wx', 0o644);
    try {
      // each await lets blocks be produced; a slice is the generator's time from resume to yield
      let resumed = performance.now();
      for await (const chunk of snap.chunks()) {
        const sliceMs = performance.now() - resumed;
        await fh.write(chunk);
        await this.rest(sliceMs);
        resumed = performance.now();
      }
      await fh.sync();
    } catch (e) {
      await fh.close().catch(() => {});
      await unlink(tmp).catch(() => {});
      throw e;
    }
    await fh.close();
    await rename(tmp, this.path);
    const dir = await open(dirname(this.path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
