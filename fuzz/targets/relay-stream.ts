/**
 * Target `relay-stream`: what a relay peer sends (dmcs/net/relay-message.ts `MessageReader` over
 * a byte stream cut into chunks, then `decodeBlock` of each BLOCK message, what the node decodes
 * as it queues a peer's block).
 *
 * Input: 4 bytes that seed how the stream is cut (chunks of 1 byte to 70 KB, so the staging buffer
 * and large chunks both carry frames), then the stream. Generators: streams of valid frames (HELLO,
 * REQUEST, TRX, BLOCK: block 1 and block headers of Leap's own block logs, and blocks built here
 * with receipts of recorded packed transactions, a zlib bomb among them), mutated as bytes (the
 * length prefixes at their extremes among the mutations), and random bytes. Oracles: the reader
 * refuses only with `RelayProtocolError`; cutting the stream otherwise (whole) gives the same
 * refusal, and the same messages when there is none; the messages re-encode to exactly the bytes
 * they came from; a
 * block that does not decode is a `ChainError` (`block_validate_exception`).
 */
import { ChainError } from '../../dmcs/chain-error.js';
import { decodeBlock } from '../../dmcs/block.js';
import { encodeMessage, MessageReader, RelayProtocolError, type RelayMessage } from '../../dmcs/net/relay-message.js';
import { mutate } from '../mutate.js';
import { Prng } from '../prng.js';
import { hexBytes, readJson } from '../seeds.js';
import { accepts, oracle, type FuzzTarget } from '../target.js';
import { packedTransactionSeeds } from './antelope-seeds.js';

const CUT_SEED_BYTES = 4;
const MAX_CHUNK_BYTES = 70_000;

/** Leap's block 1 (whole) and later headers with their producer signature, as kept in the vectors. */
function leapBlocks(): Uint8Array[] {
  const v = readJson<{ logs: Array<{ blocks: string[] }> }>('test/vectors/leap/unittests-snapshots-block-logs.json');
  return v.logs.flatMap((l) => l.blocks.slice(0, 4).map(hexBytes));
}

function varuint32(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** A signed block of Leap's header (and producer signature) with these packed transactions as executed receipts. */
function blockWith(headerAndSig: Uint8Array, packed: readonly Uint8Array[]): Uint8Array {
  const parts: number[] = [...headerAndSig, ...varuint32(packed.length)];
  for (const p of packed) parts.push(0, 100, 0, 0, 0, ...varuint32(Math.ceil(p.length / 8)), 1, ...p);
  parts.push(0); // no block extensions
  return Uint8Array.from(parts);
}

const frames = (messages: readonly RelayMessage[]): Uint8Array => Buffer.concat(messages.map(encodeMessage));

/** `stream` cut into chunks by `seed`'s PRNG and fed to a new reader: its messages, or its refusal. */
function read(stream: Uint8Array, seed: number | null): { messages: RelayMessage[]; refused: string | null } {
  const reader = new MessageReader();
  const messages: RelayMessage[] = [];
  const r = seed === null ? null : new Prng(seed);
  try {
    for (let at = 0; at < stream.length; ) {
      const n = r ? (r.bool() ? r.range(1, 16) : r.range(1, MAX_CHUNK_BYTES)) : stream.length;
      messages.push(...reader.push(stream.subarray(at, at + n)));
      at += n;
    }
  } catch (e) {
    if (!(e instanceof RelayProtocolError)) throw e;
    return { messages, refused: e.message };
  }
  return { messages, refused: null };
}

export const relayStream: FuzzTarget = {
  name: 'relay-stream',
  about: "dmcs/net relay-message MessageReader (a peer's byte stream, cut any way) + decodeBlock of its BLOCK messages",
  maxInputMs: 1000,
  smokeInputs: 500,
  async open() {
    const leap = leapBlocks();
    const packed = packedTransactionSeeds();
    const header = leap[1]!; // a later block's header and signature: receipts can follow it
    const blocks = [...leap, blockWith(header, packed.slice(0, 3)), blockWith(header, [packed[packed.length - 1]!]), blockWith(header, [])];
    const hello: RelayMessage = { type: 'hello', chainId: new Uint8Array(32).fill(5), headNum: 7, libNum: 6 };
    const trx: RelayMessage = { type: 'trx', bytes: new TextEncoder().encode('{"signatures":[],"compression":0,"packed_trx":"00"}') };
    const seeds: Uint8Array[] = [
      frames([hello, ...blocks.map((bytes) => ({ type: 'block', bytes }) as RelayMessage), { type: 'request', fromNum: 3 }, trx]),
      ...blocks.map((bytes) => frames([{ type: 'block', bytes }])),
      frames([hello, { type: 'request', fromNum: 0xffffffff }]),
    ];
    return {
      generate(r: Prng): Uint8Array {
        const pick = r.int(8);
        const stream = pick === 0 ? r.bytes(r.int(512)) : pick === 1 ? r.pick(seeds) : mutate(r, seeds, 6);
        const out = new Uint8Array(CUT_SEED_BYTES + stream.length);
        out.set(r.bytes(CUT_SEED_BYTES), 0);
        out.set(stream, CUT_SEED_BYTES);
        return out;
      },
      run(input) {
        if (input.length < CUT_SEED_BYTES) return false;
        const seed = new DataView(input.buffer, input.byteOffset, CUT_SEED_BYTES).getUint32(0, true);
        const stream = input.subarray(CUT_SEED_BYTES);
        const cut = read(stream, seed);
        const whole = read(stream, null);
        oracle(cut.refused === whole.refused, `relay-stream: cut ${JSON.stringify(cut.refused)}, whole ${JSON.stringify(whole.refused)}`);
        const again = frames(cut.messages);
        oracle(
          Buffer.from(again).equals(Buffer.from(stream.subarray(0, again.length))),
          'relay-stream: the messages do not re-encode to the bytes they came from',
        );
        // a refused push returns none of its messages (the peer is dropped): the whole stream's
        // are compared only when it was not refused
        if (whole.refused === null)
          oracle(Buffer.from(again).equals(Buffer.from(frames(whole.messages))), 'relay-stream: cut and whole give different messages');
        for (const m of cut.messages) {
          if (m.type === 'block')
            accepts(
              (e) => e instanceof ChainError && e.code === 'block_validate_exception',
              () => decodeBlock(m.bytes),
            );
        }
        return cut.refused === null;
      },
    };
  },
};
