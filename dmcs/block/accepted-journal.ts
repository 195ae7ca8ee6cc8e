/**
 * The journal of accepted transactions: what makes a push reply true across a `kill -9`.
 *
 * A pushed transaction executes into the pending block, which reaches the block log only when it
 * is sealed (up to `BLOCK_INTERVAL_MS` later). Before the node replies "executed", the
 * transaction is appended here and fdatasynced; pushes that arrive while a sync is in flight share
 * the next one (group commit), so many clients cost one sync per batch, not one each.
 *
 * Once a block is in the log, the entries of that block and older ones are obsolete. They are left
 * in the file (cutting it after every block put a rewrite — temp file, two syncs, rename — or a
 * truncate in front of the next appends on the serial queue): each frame names the pending block it
 * entered, so the open skips those at or below the log's head. The file is cut only once its
 * obsolete bytes reach `ACCEPTED_JOURNAL_OBSOLETE_BYTES` (truncated in place when nothing in it is
 * still needed, else rewritten atomically), which bounds it to that plus the entries not yet in a
 * block. On start, the entries after the head were acknowledged but never reached a block: the node
 * pushes them again into the first block it seals, journals each again under that block, then drops
 * the old frames (`dropCarried`).
 *
 *     file  = MAGIC (8 bytes, "PEEROSA1") frame*   (the CRC framing of lib/crc-frames.ts)
 *     payload = block (u32 LE, the pending block it entered; 0: unknown, always carried)
 *               compression (u8) n (u8) n × signature cfd length (u32 LE) cfd packed_trx (the rest)
 *     signature = u8 key type (0 K1, 1 R1) ‖ 65 bytes  |  u8 2 (WA) ‖ length (u32 LE) ‖ WA payload
 *
 * Binary, not JSON: signature strings cost a base58 + RIPEMD-160 each, a third of a transfer's CPU.
 *
 * A torn tail (a crash mid-append, never acknowledged) is cut off on open. A whole frame whose
 * payload does not decode is skipped and counted (the frames after it are kept), and a file past
 * `ACCEPTED_JOURNAL_MAX_BYTES` or carrying more than `ACCEPTED_JOURNAL_MAX_CARRIED` entries is
 * refused with a `DataFolderError` naming it, not read into memory.
 */
import { existsSync, readFileSync, statSync, writeSync } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../lib/atomic-file.js';
import { allocFrame, FRAME_HEADER_BYTES, scanFrames, sealFrame } from '../../lib/crc-frames.js';
import { bytesToHex, KeyType, Signature } from '../../abi/antelope/index.js';
import type { PackedTrx } from '../block.js';
import { DataFolderError } from './data-folder-error.js';

/** File name inside the node's data folder. */
export const ACCEPTED_JOURNAL_FILE = 'accepted.log';
const MAGIC = Buffer.from('PEEROSA1', 'latin1');
/** A frame longer than this is corruption, not a transaction: 8 MiB, far above Leap's 512 KiB max transaction. */
const MAX_FRAME_BYTES = 8 << 20;
/**
 * Bytes of entries already in a block (obsolete) the file may hold before a block's `durable` cuts
 * it: 4 MiB, about 19,000 transfers. A cut costs a truncate, or a rewrite of the entries still
 * needed when there are any; this makes it one per that many bytes instead of one per block, and
 * bounds what a start reads and checks.
 */
export const ACCEPTED_JOURNAL_OBSOLETE_BYTES = 4 << 20;
/**
 * Bytes the file may hold at open, at most: the node leaves in it `ACCEPTED_JOURNAL_OBSOLETE_BYTES`
 * plus the entries not yet in a block (a block or two, of at most 1 MiB of transactions each), so
 * a bigger file is none it left (its cuts failed run after run, say); it is refused, not read whole
 * (past 2 GiB the read itself failed with a bare RangeError).
 */
export const ACCEPTED_JOURNAL_MAX_BYTES = 64 << 20;
/**
 * Entries not yet in a block the open carries, at most: 65,536. A block holds at most 2,000
 * transactions (`max_block_cpu_usage` over `min_transaction_cpu_usage`), and a crash leaves the
 * pending block and maybe one sealed but not in the log; after a fork switch, up to
 * `MAX_WAITING_TRANSACTIONS` (16,384) wait and are journaled again at each block they wait, so a
 * crash can leave two rounds of them. Millions of tiny frames ran the open out of memory (each
 * decoded and kept); past this the journal is refused.
 */
export const ACCEPTED_JOURNAL_MAX_CARRIED = 65_536;

interface Entry {
  blockNum: number;
  frame: Buffer;
  written: boolean;
  /** Returned by `open`: its frame names a block of the run before, until `dropCarried` removes it. */
  carried?: true;
}

/** The block a carried entry waits for: none, so no `durable` drops it before `dropCarried` does. */
const NEVER = Number.MAX_SAFE_INTEGER;

export function packedTrxToJson(p: PackedTrx): Record<string, unknown> {
  return {
    signatures: p.signatures.map(String),
    compression: p.compression,
    packed_context_free_data: bytesToHex(p.packedContextFreeData),
    packed_trx: bytesToHex(p.packedTrx),
  };
}

const SIG_BYTES = 65;

/** Bytes a signature takes in a record: fixed for K1 and R1, length-prefixed for WebAuthn. */
function sigRecordBytes(sig: Signature): number {
  return sig.type === KeyType.WA ? 1 + 4 + sig.data.length : 1 + SIG_BYTES;
}

function encodeFrame(blockNum: number, packed: PackedTrx): Buffer {
  const sigs = packed.signatures;
  let sigBytes = 0;
  for (const sig of sigs) sigBytes += sigRecordBytes(sig);
  const len = 4 + 1 + 1 + sigBytes + 4 + packed.packedContextFreeData.length + packed.packedTrx.length;
  const frame = allocFrame(len);
  let o = FRAME_HEADER_BYTES;
  frame.writeUInt32LE(blockNum, o);
  o += 4;
  frame[o++] = packed.compression;
  frame[o++] = sigs.length;
  for (const sig of sigs) {
    frame[o++] = sig.type;
    if (sig.type === KeyType.WA) {
      frame.writeUInt32LE(sig.data.length, o);
      o += 4;
    }
    frame.set(sig.data, o);
    o += sig.data.length;
  }
  frame.writeUInt32LE(packed.packedContextFreeData.length, o);
  o += 4;
  frame.set(packed.packedContextFreeData, o);
  o += packed.packedContextFreeData.length;
  frame.set(packed.packedTrx, o);
  return sealFrame(frame);
}

/** The packed transaction of a frame's payload; throws on a malformed one. */
function decodePayload(p: Buffer): PackedTrx {
  let o = 4;
  const compression = p[o++]!;
  const n = p[o++]!;
  if (compression > 1) throw new Error('malformed record');
  const signatures: Signature[] = [];
  for (let i = 0; i < n; i++) {
    if (p.length < o + 1 + SIG_BYTES) throw new Error('malformed record');
    const type = p[o++]!;
    if (type !== KeyType.K1 && type !== KeyType.R1 && type !== KeyType.WA) throw new Error('malformed record');
    let size = SIG_BYTES;
    if (type === KeyType.WA) {
      size = p.readUInt32LE(o);
      o += 4;
      if (p.length < o + size) throw new Error('malformed record');
    }
    signatures.push(new Signature(type, new Uint8Array(p.subarray(o, o + size))));
    o += size;
  }
  if (p.length < o + 4) throw new Error('malformed record');
  const cfd = p.readUInt32LE(o);
  o += 4;
  if (p.length < o + cfd) throw new Error('malformed record');
  const packedContextFreeData = new Uint8Array(p.subarray(o, o + cfd));
  return { signatures, compression, packedContextFreeData, packedTrx: new Uint8Array(p.subarray(o + cfd)) };
}

/** The block number a payload names (0: unknown). */
const blockOf = (payload: Buffer): number => payload.readUInt32LE(0);

/**
 * The whole, valid frames of `data` that name a block after `durable` (or none), decoded with their
 * frames, where the valid frames end, how many obsolete ones were skipped (not decoded: their
 * checksum vouches for their bytes, and nothing of them is used), and those whose payload does not
 * decode (how many, the first's offset): skipped, not an end (the frames after one are whole and were
 * acknowledged; cutting there lost them). Throws past `ACCEPTED_JOURNAL_MAX_CARRIED` carried.
 */
function scan(
  path: string,
  data: Buffer,
  durable: number,
): { carried: Array<{ trx: PackedTrx; frame: Buffer }>; goodLength: number; obsolete: number; malformed: Malformed } {
  const carried: Array<{ trx: PackedTrx; frame: Buffer }> = [];
  let obsolete = 0;
  const malformed: Malformed = { count: 0, first: -1 };
  const skip = (offset: number): undefined => {
    if (malformed.count++ === 0) malformed.first = offset;
    return undefined;
  };
  const opts = { magic: MAGIC, maxPayloadBytes: MAX_FRAME_BYTES, what: 'accepted journal' };
  const { goodLength } = scanFrames(data, opts, (payload, offset, frameBytes) => {
    if (payload.length < 6) return skip(offset);
    const block = blockOf(payload);
    if (block !== 0 && block <= durable) {
      obsolete++;
      return undefined;
    }
    if (carried.length >= ACCEPTED_JOURNAL_MAX_CARRIED)
      throw tooLarge(path, `more than ${ACCEPTED_JOURNAL_MAX_CARRIED} entries not in a block (the most a crash leaves is about 37,000)`);
    try {
      carried.push({ trx: decodePayload(payload), frame: Buffer.from(data.subarray(offset, offset + frameBytes)) });
    } catch {
      skip(offset);
    }
    return undefined;
  });
  return { carried, goodLength, obsolete, malformed };
}

/** Whole frames whose payload does not decode: how many, and the first one's offset in the file (-1: none). */
export interface Malformed {
  count: number;
  first: number;
}

function tooLarge(path: string, what: string): DataFolderError {
  return new DataFolderError(
    'ACCEPTED_JOURNAL_TOO_LARGE',
    `the accepted-transaction journal ${path} holds ${what}: no node leaves that. To start, move it aside; ` +
      'the transactions in it that are not in a block are then not pushed again (look for them in the file, or resend them).',
    path,
  );
}

export interface AcceptedJournalOptions {
  /**
   * The last block known to be in the log (the head after the replay): entries of it and older ones
   * are not carried. Default 0: every entry is carried (the chain refuses those already in a block as
   * duplicates).
   */
  durable?: number;
  /** The obsolete bytes that trigger a cut; default `ACCEPTED_JOURNAL_OBSOLETE_BYTES` (tests lower it). */
  obsoleteBytes?: number;
}

export class AcceptedJournal {
  readonly path: string;
  #fh: FileHandle;
  #entries: Entry[] = [];
  #batch: Entry[] = [];
  #waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  #scheduled = false;
  #tail: Promise<void> = Promise.resolve();
  /** The datasync of the last truncate, running beside later appends (awaited before the handle closes). */
  #trimSync: Promise<void> | undefined;
  /** Bytes in the file (magic and written frames); changed only by operations on the serial queue. */
  #fileBytes: number;
  readonly #obsoleteLimit: number;
  /** A cut is queued or running. */
  #cutting = false;
  /** Set when the file could not be reopened after a rewrite: every later append is refused. */
  #broken: Error | undefined;
  /** Cuts done since open (tests and measurements). */
  cuts = 0;

  private constructor(path: string, fh: FileHandle, fileBytes: number, obsoleteLimit: number) {
    this.path = path;
    this.#fh = fh;
    this.#fileBytes = fileBytes;
    this.#obsoleteLimit = obsoleteLimit;
  }

  /**
   * Opens the journal at `path` (created when missing); returns the transactions it still holds
   * after block `opts.durable` (acknowledged, not known to be in a block) in acceptance order, how
   * many entries it skipped as obsolete, the bytes of a torn tail that were cut off, and the whole
   * frames skipped as malformed (left in the file: the next cut drops them).
   */
  static async open(
    path: string,
    opts: AcceptedJournalOptions = {},
  ): Promise<{ journal: AcceptedJournal; carried: PackedTrx[]; obsolete: number; cutBytes: number; malformed: Malformed }> {
    if (!existsSync(path)) await writeFileAtomic(path, MAGIC, 0o600);
    const size = statSync(path).size;
    if (size > ACCEPTED_JOURNAL_MAX_BYTES) throw tooLarge(path, `${size} bytes, more than ${ACCEPTED_JOURNAL_MAX_BYTES}`);
    const data = readFileSync(path);
    const { carried, goodLength, obsolete, malformed } = scan(path, data, opts.durable ?? 0);
    let cutBytes = 0;
    let fileBytes = goodLength;
    if (goodLength === 0) {
      await writeFileAtomic(path, MAGIC, 0o600); // not a journal: nothing in it was ever acknowledged
      cutBytes = data.length;
      fileBytes = MAGIC.length;
    } else if (goodLength < data.length) {
      cutBytes = data.length - goodLength;
      const fh = await open(path, 'r+');
      try {
        await fh.truncate(goodLength);
        await fh.datasync();
      } finally {
        await fh.close();
      }
    }
    const limit = opts.obsoleteBytes ?? ACCEPTED_JOURNAL_OBSOLETE_BYTES;
    const journal = new AcceptedJournal(path, await open(path, 'a', 0o600), fileBytes, limit);
    // carried entries stay until the caller has journaled again those it re-applied, under the block
    // each entered now, and calls dropCarried: their frames name blocks of the run before, which
    // the log may lack for longer than the restart's first block
    journal.#entries = carried.map((c) => ({ blockNum: NEVER, frame: c.frame, written: true, carried: true }));
    return { journal, carried: carried.map((c) => c.trx), obsolete, cutBytes, malformed };
  }

  /** Bytes the file holds now (magic and written entries, obsolete ones included). */
  get fileBytes(): number {
    return this.#fileBytes;
  }

  /**
   * Records that `packed` was accepted into pending block `blockNum`; resolves once it is
   * fdatasynced (together with every other append of the same batch). Call in acceptance order.
   */
  append(blockNum: number, packed: PackedTrx): Promise<void> {
    const entry: Entry = { blockNum, frame: encodeFrame(blockNum, packed), written: false };
    this.#entries.push(entry);
    this.#batch.push(entry);
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      // pushes of the same turn of the event loop, and those arriving while a sync runs, share one sync
      setImmediate(() => this.#enqueue(() => this.#flush()));
    });
  }

  /**
   * Block `num` is in the log: its entries and older ones become obsolete. The file is cut only once
   * its obsolete bytes reach the limit; until then nothing is queued, so no append waits.
   */
  durable(num: number): void {
    if (this.#entries.some((e) => e.blockNum <= num)) this.#entries = this.#entries.filter((e) => e.blockNum > num);
    if (this.#cutting || this.#obsoleteInFile() < this.#obsoleteLimit) return;
    this.#cutting = true;
    this.#enqueue(() => this.#cut())
      .catch((e: Error) => {
        process.stderr.write(`peeros node: cannot cut the accepted-transaction journal ${this.path}: ${e.message}\n`);
      })
      .finally(() => {
        this.#cutting = false;
      });
  }

  /**
   * Removes the entries `open` carried from the file, once what was appended since (the carried ones
   * re-applied, under the block each entered in this run) is durable; resolves when the file without
   * them is. Without it their frames keep naming blocks of the run before: when the log lost blocks
   * in the crash those are above the blocks they land in now, and every later start carried them
   * again (reported as already in a block, or written aside again once expired). Throws, and keeps
   * them, when an append failed: the next start carries them again.
   */
  dropCarried(): Promise<void> {
    return this.#enqueue(async () => {
      await this.#flush();
      if (this.#entries.some((e) => !e.written)) throw new Error(`${this.path}: an append failed; the carried entries are kept`);
      this.#entries = this.#entries.filter((e) => !e.carried);
      await this.#rewrite(this.#entries);
    });
  }

  /** Writes what is still batched, then closes the file. */
  async close(): Promise<void> {
    await this.#enqueue(() => this.#flush());
    await this.#trimSync;
    await this.#fh.close();
  }

  /** Bytes of the file that hold entries no longer needed. */
  #obsoleteInFile(): number {
    let live = 0;
    for (const e of this.#entries) if (e.written) live += e.frame.length;
    return this.#fileBytes - MAGIC.length - live;
  }

  #enqueue(op: () => Promise<void>): Promise<void> {
    const run = this.#tail.then(op);
    this.#tail = run.catch(() => {});
    return run;
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    const batch = this.#batch;
    const waiters = this.#waiters;
    this.#batch = [];
    this.#waiters = [];
    if (batch.length === 0) return;
    try {
      if (this.#broken) throw this.#broken;
      const body = batch.length === 1 ? batch[0]!.frame : Buffer.concat(batch.map((e) => e.frame));
      // the write is page-cache work, done here; only the datasync goes to libuv's pool (one thread
      // hand-off per batch instead of two, on the path of every push's reply)
      let off = 0;
      try {
        while (off < body.length) off += writeSync(this.#fh.fd, body, off, body.length - off);
      } finally {
        this.#fileBytes += off; // what reached the file, even when a write failed part way
      }
      await this.#fh.datasync();
      for (const e of batch) e.written = true;
      for (const w of waiters) w.resolve();
    } catch (e) {
      const err = new Error(
        `the transaction was executed into the pending block but could not be journaled in ${this.path}: ${(e as Error).message}`,
      );
      for (const w of waiters) w.reject(err);
    }
  }

  /**
   * Drops the obsolete entries from the file: a truncate when none of its entries is still needed
   * (those not yet written follow in their batch), else a rewrite of the ones that are.
   */
  async #cut(): Promise<void> {
    this.cuts++;
    const keep = this.#entries.filter((e) => e.written);
    if (keep.length === 0) {
      // The truncate is synced beside the next appends, not before them: nothing waits on it (a
      // journal whose cut a crash undid only holds entries of blocks in the log, skipped on open),
      // and the next append's own datasync makes the cut durable with it.
      await this.#fh.truncate(MAGIC.length);
      this.#fileBytes = MAGIC.length;
      const fh = this.#fh;
      const synced = fh.datasync().catch((e: Error) => {
        process.stderr.write(`peeros node: cannot sync the trimmed accepted-transaction journal ${this.path}: ${e.message}\n`);
      });
      this.#trimSync = synced;
      void synced.then(() => {
        if (this.#trimSync === synced) this.#trimSync = undefined;
      });
      return;
    }
    await this.#rewrite(keep);
  }

  /** Replaces the file, atomically and durably, by one holding `keep`'s frames (all written). */
  async #rewrite(keep: Entry[]): Promise<void> {
    await this.#trimSync; // the handle is replaced below: its sync first
    const body = Buffer.concat([MAGIC, ...keep.map((e) => e.frame)]);
    const tmp = `${this.path}.trim.tmp`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(body);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.path);
    // from here on the path names the new file: appends go there even if the directory's sync fails
    // (kept on the old handle, they would land in an unlinked file)
    const old = this.#fh;
    try {
      this.#fh = await open(this.path, 'a', 0o600);
    } catch (e) {
      this.#broken = e as Error; // the old handle's file is unlinked: nothing more may be acknowledged
      throw e;
    }
    this.#fileBytes = body.length;
    await old.close().catch(() => {});
    const dir = await open(dirname(this.path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
