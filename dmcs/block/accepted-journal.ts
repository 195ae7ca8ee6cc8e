/**
 * The journal of accepted transactions: what makes a push reply true across a `kill -9`.
 *
 * A pushed transaction executes into the pending block, which reaches the block log only when it
 * is sealed (up to `BLOCK_INTERVAL_MS` later). Before the node replies "executed", the
 * transaction is appended here and fdatasynced; pushes that arrive while a sync is in flight share
 * the next one (group commit), so many clients cost one sync per batch, not one each. Once a block
 * is in the log, the entries of that block and older ones are dropped (the file is cut back or
 * rewritten atomically). On start, the entries still here were acknowledged but never reached a
 * block: the node pushes them again into the first block it seals.
 *
 *     file  = MAGIC (8 bytes, "PEEROSA1") frame*   (the CRC framing of lib/crc-frames.ts)
 *     payload = block (u32 LE, the pending block it entered) compression (u8) n (u8)
 *               n × signature cfd length (u32 LE) cfd packed_trx (the rest)
 *     signature = u8 key type (0 K1, 1 R1) ‖ 65 bytes  |  u8 2 (WA) ‖ length (u32 LE) ‖ WA payload
 *
 * Binary, not JSON: signature strings cost a base58 + RIPEMD-160 each, a third of a transfer's CPU.
 *
 * A torn tail (a crash mid-append, never acknowledged) is cut off on open.
 */
import { existsSync, readFileSync, writeSync } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../lib/atomic-file.js';
import { allocFrame, FRAME_HEADER_BYTES, scanFrames, sealFrame } from '../../lib/crc-frames.js';
import { bytesToHex, KeyType, Signature } from '../../abi/antelope/index.js';
import type { PackedTrx } from '../block.js';

/** File name inside the node's data folder. */
export const ACCEPTED_JOURNAL_FILE = 'accepted.log';
const MAGIC = Buffer.from('PEEROSA1', 'latin1');
/** A frame longer than this is corruption, not a transaction: 8 MiB, far above Leap's 512 KiB max transaction. */
const MAX_FRAME_BYTES = 8 << 20;

interface Entry {
  blockNum: number;
  frame: Buffer;
  written: boolean;
}

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

/** The whole, valid frames of `data` (decoded) and where they end. */
function scan(data: Buffer): { trxs: PackedTrx[]; goodLength: number } {
  const trxs: PackedTrx[] = [];
  const { goodLength } = scanFrames(data, { magic: MAGIC, maxPayloadBytes: MAX_FRAME_BYTES, what: 'accepted journal' }, (payload) => {
    try {
      trxs.push(decodePayload(payload));
      return undefined;
    } catch {
      return 'malformed record';
    }
  });
  return { trxs, goodLength };
}

export class AcceptedJournal {
  readonly path: string;
  #fh: FileHandle;
  #entries: Entry[] = [];
  #batch: Entry[] = [];
  #waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  #scheduled = false;
  #tail: Promise<void> = Promise.resolve();
  /** The datasync of the last cut, running beside later appends (awaited before the handle closes). */
  #trimSync: Promise<void> | undefined;

  private constructor(path: string, fh: FileHandle) {
    this.path = path;
    this.#fh = fh;
  }

  /**
   * Opens the journal at `path` (created when missing); returns the transactions it still holds
   * (acknowledged, not known to be in a block) in acceptance order, and the bytes of a torn tail
   * that were cut off.
   */
  static async open(path: string): Promise<{ journal: AcceptedJournal; carried: PackedTrx[]; cutBytes: number }> {
    if (!existsSync(path)) await writeFileAtomic(path, MAGIC, 0o600);
    const data = readFileSync(path);
    const { trxs, goodLength } = scan(data);
    let cutBytes = 0;
    if (goodLength === 0) {
      await writeFileAtomic(path, MAGIC, 0o600); // not a journal: nothing in it was ever acknowledged
      cutBytes = data.length;
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
    const journal = new AcceptedJournal(path, await open(path, 'a', 0o600));
    // carried entries are obsolete once the first block after the restart is in the log
    journal.#entries = trxs.map((t) => ({ blockNum: 0, frame: encodeFrame(0, t), written: true }));
    return { journal, carried: trxs, cutBytes };
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

  /** Block `num` is in the log: drops the entries of blocks up to it. */
  durable(num: number): void {
    if (!this.#entries.some((e) => e.blockNum <= num)) return;
    this.#entries = this.#entries.filter((e) => e.blockNum > num);
    this.#enqueue(() => this.#rewrite()).catch((e: Error) => {
      process.stderr.write(`peeros node: cannot trim the accepted-transaction journal ${this.path}: ${e.message}\n`);
    });
  }

  /** Writes what is still batched, then closes the file. */
  async close(): Promise<void> {
    await this.#enqueue(() => this.#flush());
    await this.#trimSync;
    await this.#fh.close();
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
      const body = Buffer.concat(batch.map((e) => e.frame));
      // the write is page-cache work, done here; only the datasync goes to libuv's pool (one thread
      // hand-off per batch instead of two, on the path of every push's reply)
      let off = 0;
      while (off < body.length) off += writeSync(this.#fh.fd, body, off, body.length - off);
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

  /** Replaces the file with the entries still needed (only those already written: the rest follow in their batch). */
  async #rewrite(): Promise<void> {
    const keep = this.#entries.filter((e) => e.written);
    if (keep.length === 0) {
      // The cut is synced beside the next appends, not before them: nothing waits on it (a journal
      // whose cut a crash undid only holds transactions already in a block: `tx_duplicate` on restart),
      // and the next append's own datasync makes the cut durable with it.
      await this.#fh.truncate(MAGIC.length);
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
    await this.#trimSync; // the handle is replaced below: its sync first
    const tmp = `${this.path}.trim.tmp`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(Buffer.concat([MAGIC, ...keep.map((e) => e.frame)]));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.path);
    const dir = await open(dirname(this.path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    await this.#fh.close();
    this.#fh = await open(this.path, 'a', 0o600);
  }
}
