// The framing every append-only log shares: a torn tail at any byte, a flipped bit anywhere, an
// oversize length and a payload the log refuses all end the scan at the last whole frame.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FRAME_HEADER_BYTES, frameOf, scanFrames } from '../../lib/crc-frames.js';

const MAGIC = Buffer.from('PEEROST1', 'latin1');
const OPTS = { magic: MAGIC, maxPayloadBytes: 64, what: 'test log' };
const payloads = ['a', 'bb', '', 'dddd'].map((s) => Buffer.from(s));
const file = Buffer.concat([MAGIC, ...payloads.map(frameOf)]);
const ends: number[] = [];
for (const p of payloads) ends.push((ends.at(-1) ?? MAGIC.length) + FRAME_HEADER_BYTES + p.length);

const scan = (data: Buffer) => {
  const seen: string[] = [];
  const result = scanFrames(data, OPTS, (p) => {
    seen.push(p.toString());
    return undefined;
  });
  return { seen, ...result };
};

test('a clean file yields every payload in order', () => {
  const r = scan(file);
  assert.equal(r.seen, ['a', 'bb', '', 'dddd']);
  assert.is(r.goodLength, file.length);
  assert.is(r.reason, undefined);
});

test('cut at every byte: only whole frames count, goodLength is the last frame end', () => {
  for (let cut = MAGIC.length; cut < file.length; cut++) {
    const r = scan(file.subarray(0, cut));
    const whole = ends.filter((e) => e <= cut);
    assert.is(r.goodLength, whole.at(-1) ?? MAGIC.length, `cut ${cut}`);
    assert.is(r.seen.length, whole.length, `cut ${cut}`);
  }
});

test('a flipped bit in a frame ends the scan before that frame', () => {
  for (let i = MAGIC.length; i < file.length; i++) {
    const bad = Buffer.from(file);
    bad[i]! ^= 0x10;
    const r = scan(bad);
    const frame = ends.findIndex((e) => i < e);
    assert.is(r.seen.length, frame, `byte ${i}`);
    assert.ok(r.reason, `byte ${i}`);
  }
});

test('a wrong magic, an oversize length and a refused payload stop with a reason', () => {
  assert.match(scan(Buffer.from('NOTMAGIC')).reason ?? '', /test log magic/);
  assert.match(scan(Buffer.concat([MAGIC, frameOf(Buffer.alloc(65))])).reason ?? '', /exceeds 64/);
  const r = scanFrames(file, OPTS, (p) => (p.length === 2 ? 'two is malformed' : undefined));
  assert.is(r.reason, 'two is malformed');
  assert.is(r.goodLength, ends[0]);
});

test.run();
