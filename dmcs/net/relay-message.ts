/**
 * The block relay's wire messages (peeros-relay/1), one per frame: `u32le length ‖ u8 type ‖
 * payload`, length counting type and payload. Not Leap's net_plugin protocol: only nodes of this
 * host peer with each other (docs/network.md). Unknown types and oversized frames are refused.
 *
 *   HELLO   (1)  chain_id[32] ‖ head_num u32le ‖ lib_num u32le    on connect, and after each batch served
 *   BLOCK   (2)  a signed block, Antelope binary                   produced, relayed or requested
 *   REQUEST (3)  from_num u32le                                    "send your branch's blocks from this number"
 *   TRX     (4)  a packed transaction, push_transaction JSON       forwarded towards the producers
 */
import { CodedError } from '../../lib/coded-error.js';

/** Leap's max_block_net_usage is 1 MiB; a frame carries at most one block or transaction, with room to spare. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

export const MessageType = { HELLO: 1, BLOCK: 2, REQUEST: 3, TRX: 4 } as const;

export type RelayMessage =
  | { type: 'hello'; chainId: Uint8Array; headNum: number; libNum: number }
  | { type: 'block'; bytes: Uint8Array }
  | { type: 'request'; fromNum: number }
  | { type: 'trx'; bytes: Uint8Array };

export class RelayProtocolError extends CodedError<'RELAY_PROTOCOL'> {
  override readonly name = 'RelayProtocolError';
  constructor(message: string) {
    super('RELAY_PROTOCOL', message);
  }
}

function frame(type: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + payload.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, 1 + payload.length, true);
  out[4] = type;
  out.set(payload, 5);
  return out;
}

function u32s(...values: number[]): Uint8Array {
  const b = new Uint8Array(4 * values.length);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => v.setUint32(4 * i, x, true));
  return b;
}

export function encodeMessage(m: RelayMessage): Uint8Array {
  switch (m.type) {
    case 'hello': {
      const p = new Uint8Array(40);
      p.set(m.chainId, 0);
      p.set(u32s(m.headNum, m.libNum), 32);
      return frame(MessageType.HELLO, p);
    }
    case 'block':
      return frame(MessageType.BLOCK, m.bytes);
    case 'request':
      return frame(MessageType.REQUEST, u32s(m.fromNum));
    case 'trx':
      return frame(MessageType.TRX, m.bytes);
  }
}

function decodeBody(type: number, p: Uint8Array): RelayMessage {
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  switch (type) {
    case MessageType.HELLO:
      if (p.length !== 40) throw new RelayProtocolError(`HELLO of ${p.length} bytes, expected 40`);
      return { type: 'hello', chainId: p.slice(0, 32), headNum: v.getUint32(32, true), libNum: v.getUint32(36, true) };
    case MessageType.BLOCK:
      return { type: 'block', bytes: p };
    case MessageType.REQUEST:
      if (p.length !== 4) throw new RelayProtocolError(`REQUEST of ${p.length} bytes, expected 4`);
      return { type: 'request', fromNum: v.getUint32(0, true) };
    case MessageType.TRX:
      return { type: 'trx', bytes: p };
    default:
      throw new RelayProtocolError(`unknown message type ${type}`);
  }
}

/**
 * Asked at each frame's header, in stream order, once its length and type byte are in (`length`
 * counts the type byte and the payload): false skips the frame, whose bytes are then discarded as
 * they arrive, never copied or decoded. It may throw: the error leaves `push` (the stream is refused).
 */
export type FrameFilter = (type: number, length: number) => boolean;

/** Chunks smaller than this are copied into a staging buffer of this size rather than kept as they come. */
const STAGE_BYTES = 64 * 1024;

/**
 * Splits a byte stream into messages; `push` returns the complete ones, keeps the rest. However the
 * peer cuts the stream, each byte is copied a bounded number of times and memory follows the bytes
 * waiting: large chunks are kept as they come, small ones are copied into a staging buffer (a peer
 * sending a byte at a time makes neither millions of chunk objects nor keeps the socket's read
 * buffers alive), and a frame is copied out once, when it is whole. (Joining each chunk to all that
 * waited before it copied a 4 MiB frame sent a byte at a time about 8 TB over.)
 */
export class MessageReader {
  /** Large chunks and filled staging buffers, oldest first, from index `first` on (all older than the staged bytes). */
  private chunks: Uint8Array[] = [];
  private first = 0;
  /** Bytes waiting: in `chunks` from `first` on, and staged. */
  private buffered = 0;
  /** Small chunks' bytes, live from `stageStart` to `staged`; reused once read to its end. */
  private stage: Uint8Array | null = null;
  private stageStart = 0;
  private staged = 0;
  /** The length field of the frame being received (null until its 4 bytes are in). */
  private frameLength: number | null = null;
  /** The frame being received has been through the filter (and is kept). */
  private filtered = false;
  /** Bytes of a skipped frame still to discard. */
  private skipping = 0;

  /** The messages `chunk` completes; frames `filter` refuses are skipped. */
  push(chunk: Uint8Array, filter?: FrameFilter): RelayMessage[] {
    this.append(chunk);
    const out: RelayMessage[] = [];
    for (;;) {
      if (this.skipping > 0) {
        const n = Math.min(this.skipping, this.buffered);
        this.consume(n, null);
        this.skipping -= n;
        if (this.skipping > 0) break;
      }
      if (this.frameLength === null) {
        if (this.buffered < 4) break;
        const head = this.take(4);
        const len = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true);
        if (len < 1 || len > MAX_FRAME_BYTES) throw new RelayProtocolError(`frame of ${len} bytes (1..${MAX_FRAME_BYTES})`);
        this.frameLength = len;
      }
      if (filter && !this.filtered) {
        if (this.buffered < 1) break;
        if (!filter(this.peek(), this.frameLength)) {
          this.skipping = this.frameLength;
          this.frameLength = null;
          continue;
        }
        this.filtered = true;
      }
      if (this.buffered < this.frameLength) break;
      const frame = this.take(this.frameLength);
      this.frameLength = null;
      this.filtered = false;
      out.push(decodeBody(frame[0]!, frame.subarray(1)));
    }
    return out;
  }

  /** The next byte (buffered ≥ 1), left in place. */
  private peek(): number {
    return this.first < this.chunks.length ? this.chunks[this.first]![0]! : this.stage![this.stageStart]!;
  }

  private append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.buffered += chunk.length;
    if (chunk.length >= STAGE_BYTES) {
      this.flushStage();
      this.chunks.push(chunk);
      return;
    }
    for (let o = 0; o < chunk.length; ) {
      this.stage ??= new Uint8Array(STAGE_BYTES);
      const n = Math.min(STAGE_BYTES - this.staged, chunk.length - o);
      this.stage.set(chunk.subarray(o, o + n), this.staged);
      this.staged += n;
      o += n;
      if (this.staged === STAGE_BYTES) this.flushStage();
    }
  }

  /** The staged bytes join the chunks (a full stage, or before a large chunk that comes after them). */
  private flushStage(): void {
    if (this.stage && this.staged > this.stageStart) this.chunks.push(this.stage.subarray(this.stageStart, this.staged));
    this.stage = null;
    this.stageStart = 0;
    this.staged = 0;
  }

  /** The next `n` bytes (n ≤ buffered), removed: one copy of exactly those bytes. */
  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    this.consume(n, out);
    return out;
  }

  /** Removes the next `n` bytes (n ≤ buffered), copied into `out` when given, else discarded. */
  private consume(n: number, out: Uint8Array | null): void {
    let filled = 0;
    while (filled < n && this.first < this.chunks.length) {
      const c = this.chunks[this.first]!;
      const use = Math.min(c.length, n - filled);
      out?.set(use === c.length ? c : c.subarray(0, use), filled);
      filled += use;
      if (use === c.length) this.chunks[this.first++] = EMPTY;
      else this.chunks[this.first] = c.subarray(use);
    }
    if (filled < n) {
      // the rest is staged
      const use = n - filled;
      out?.set(this.stage!.subarray(this.stageStart, this.stageStart + use), filled);
      this.stageStart += use;
      if (this.stageStart === this.staged) this.stageStart = this.staged = 0; // read to its end: reused
    }
    this.buffered -= n;
    // drop the used slots once they are half the array (amortized: no shift per chunk)
    if (this.first > 64 && this.first * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
  }
}

const EMPTY = new Uint8Array(0);
