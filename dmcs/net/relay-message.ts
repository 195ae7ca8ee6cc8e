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

/** Splits a byte stream into messages; `push` returns the complete ones, keeps the rest. */
export class MessageReader {
  private buf = new Uint8Array(0);

  push(chunk: Uint8Array): RelayMessage[] {
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf, 0);
    joined.set(chunk, this.buf.length);
    const out: RelayMessage[] = [];
    let at = 0;
    while (joined.length - at >= 4) {
      const len = new DataView(joined.buffer, joined.byteOffset + at, 4).getUint32(0, true);
      if (len < 1 || len > MAX_FRAME_BYTES) throw new RelayProtocolError(`frame of ${len} bytes (1..${MAX_FRAME_BYTES})`);
      if (joined.length - at - 4 < len) break;
      const type = joined[at + 4]!;
      out.push(decodeBody(type, joined.slice(at + 5, at + 4 + len)));
      at += 4 + len;
    }
    this.buf = joined.slice(at);
    return out;
  }
}
