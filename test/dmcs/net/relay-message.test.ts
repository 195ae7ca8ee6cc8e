// The relay's wire codec: messages round-trip whole or split across any chunk boundary; a frame
// over the cap, an empty frame, an unknown type or a malformed HELLO/REQUEST is refused with
// RELAY_PROTOCOL (the relay then drops that peer) instead of being buffered or guessed.
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
