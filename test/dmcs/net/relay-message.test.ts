// The relay's wire codec: messages round-trip whole or split across any chunk boundary; a frame
// over the cap, an empty frame, an unknown type or a malformed HELLO/REQUEST is refused with
// RELAY_PROTOCOL (the relay then drops that peer) instead of being buffered or guessed; a frame
// sent a byte at a time costs linear time, not a copy of all that waited per byte.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeMessage, MAX_FRAME_BYTES, MessageReader, type RelayMessage } from '../../../dmcs/net/relay-message.js';

const messages: RelayMessage[] = [
  { type: 'hello', chainId: new Uint8Array(32).fill(7), headNum: 1234, libNum: 1200 },
  { type: 'block', bytes: new Uint8Array([1, 2, 3, 4, 5]) },
  { type: 'request', fromNum: 99 },
  { type: 'trx', bytes: new TextEncoder().encode('{"packed_trx":"00"}') },
];

test('messages round-trip, however the stream is cut', () => {
  const stream = Uint8Array.from(messages.flatMap((m) => [...encodeMessage(m)]));
  for (const step of [1, 3, 7, stream.length]) {
    const r = new MessageReader();
    const got: RelayMessage[] = [];
    for (let at = 0; at < stream.length; at += step) got.push(...r.push(stream.subarray(at, at + step)));
    assert.equal(got, messages, `chunks of ${step}`);
  }
});

test('large and small messages round-trip under seeded random cuts, chunks of one byte to 200 KiB', () => {
  let seed = 41;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const sizes = [0, 1, 100, 65_535, 65_536, 65_537, 300_000, 5];
  const mixed: RelayMessage[] = sizes.map((n, i) => ({
    type: i % 2 ? 'block' : 'trx',
    bytes: Uint8Array.from({ length: n }, (_, j) => (j * 31 + i) & 0xff),
  }));
  mixed.push(messages[0]!, messages[2]!);
  const stream = Buffer.concat(mixed.map(encodeMessage));
  for (const max of [1, 5, 4096, 70_000, 200_000]) {
    const r = new MessageReader();
    const got: RelayMessage[] = [];
    for (let at = 0; at < stream.length; ) {
      const n = max === 1 ? 1 : 1 + rand(max);
      got.push(...r.push(stream.subarray(at, at + n)));
      at += n;
    }
    assert.equal(got, mixed, `chunks of up to ${max}`);
  }
});

test('frames a filter skips at their header are discarded, under seeded random cuts, and the rest arrive whole', () => {
  let seed = 43;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const mixed: RelayMessage[] = [0, 1, 100, 65_536, 300_000, 5, 70_000].map((n, i) => ({
    type: i % 2 ? 'block' : 'trx',
    bytes: Uint8Array.from({ length: n }, (_, j) => (j * 29 + i) & 0xff),
  }));
  mixed.push(messages[0]!, messages[2]!);
  const stream = Buffer.concat(mixed.map(encodeMessage));
  // blocks are skipped (the relay's unrequested blocks past the node's budget)
  const kept = mixed.filter((m) => m.type !== 'block');
  for (const max of [1, 5, 4096, 70_000, 200_000]) {
    const r = new MessageReader();
    const got: RelayMessage[] = [];
    const seen: Array<[number, number]> = [];
    for (let at = 0; at < stream.length; ) {
      const n = max === 1 ? 1 : 1 + rand(max);
      const skipBlocks = (type: number, length: number) => {
        seen.push([type, length]);
        return type !== 2;
      };
      got.push(...r.push(stream.subarray(at, at + n), skipBlocks));
      at += n;
    }
    assert.equal(got, kept, `chunks of up to ${max}`);
    assert.equal(
      seen,
      mixed.map((m) => [encodeMessage(m)[4]!, encodeMessage(m).length - 4]),
      'each header asked once, in order',
    );
  }
});

test('a frame sent a byte at a time costs time linear in its size', () => {
  // the reader that joined each chunk to what waited copied this frame about 500 GB over
  const frame = encodeMessage({ type: 'block', bytes: new Uint8Array(1024 * 1024).fill(3) });
  const r = new MessageReader();
  const t0 = performance.now();
  const got: RelayMessage[] = [];
  for (let i = 0; i < frame.length; i++) {
    const m = r.push(frame.subarray(i, i + 1));
    if (m.length > 0) got.push(...m);
  }
  const ms = performance.now() - t0;
  assert.is(got.length, 1);
  assert.is((got[0] as { bytes: Uint8Array }).bytes.length, 1024 * 1024);
  // linear: about a second even on a loaded machine; the quadratic reader did not finish in minutes
  assert.ok(ms < 10_000, `${ms.toFixed(0)} ms`);
});

const refused = (bytes: number[], what: RegExp) => {
  try {
    new MessageReader().push(Uint8Array.from(bytes));
  } catch (e) {
    assert.is((e as { code: string }).code, 'RELAY_PROTOCOL');
    assert.match((e as Error).message, what);
    return;
  }
  assert.unreachable('accepted');
};

test('hostile frames are refused, not buffered', () => {
  const big = MAX_FRAME_BYTES + 1;
  refused([big & 0xff, (big >> 8) & 0xff, (big >> 16) & 0xff, big >>> 24], /frame of/);
  refused([0, 0, 0, 0], /frame of 0/);
  refused([1, 0, 0, 0, 9], /unknown message type 9/);
  refused([3, 0, 0, 0, 1, 0, 0], /HELLO of 2 bytes/);
  refused([2, 0, 0, 0, 3, 0], /REQUEST of 1 bytes/);
});

test.run();
