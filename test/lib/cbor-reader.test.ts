// The bounded CBOR reader: reads the shapes WebAuthn uses, and refuses hostile input (indefinite
// lengths, tags, floats, lengths beyond the data, deep nesting, item floods, duplicate keys,
// trailing bytes) with INVALID_CBOR before allocating anything large.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readCbor, readCborExact, CborError, MAX_CBOR_DEPTH, MAX_CBOR_ITEMS } from '../../lib/cbor-reader.js';
import { cborEncode } from '../fixtures/software-authenticator.js';

const refused = (bytes: number[] | Uint8Array, why: RegExp) => {
  try {
    readCborExact(Uint8Array.from(bytes));
  } catch (e) {
    assert.instance(e, CborError);
    assert.is((e as CborError).code, 'INVALID_CBOR');
    assert.match((e as Error).message, why);
    return;
  }
  assert.unreachable(`accepted ${Buffer.from(Uint8Array.from(bytes)).toString('hex')}`);
};

test('reads a COSE key map: integer and negative keys, byte strings; reports where it ended', () => {
  const x = new Uint8Array(32).fill(7);
  const cose = cborEncode(
    new Map<number, unknown>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, x],
    ]),
  );
  const withTail = Uint8Array.from([...cose, 0xa0]);
  const { value, end } = readCbor(withTail);
  assert.is(end, cose.length);
  const m = value as Map<number, unknown>;
  assert.is(m.get(1), 2);
  assert.is(m.get(3), -7);
  assert.equal(m.get(-2), x);
  assert.equal(readCborExact(Uint8Array.from([0x83, 0xf4, 0xf5, 0xf6])), [false, true, null]);
  assert.is(readCborExact(cborEncode('none')), 'none');
  assert.is(readCborExact(Uint8Array.from([0x1b, 0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), 2 ** 53 - 1);
});

test('refuses indefinite lengths, tags, floats, integers beyond 2^53 and trailing bytes', () => {
  refused([0x9f, 0xff], /indefinite/);
  refused([0x5f, 0xff], /indefinite/);
  refused([0xc0, 0x00], /tag/);
  refused([0xf9, 0x3c, 0x00], /float/);
  refused([0x1b, 0, 0x20, 0, 0, 0, 0, 0, 0], /beyond 2\^53/);
  refused([0x00, 0x00], /trailing/);
  refused([0x63, 0xff, 0xfe, 0xfd], /UTF-8/);
  refused([0xa2, 0x01, 0x00, 0x01, 0x00], /repeats the key/);
  refused([0xa1, 0x40, 0x00], /only integers and text/);
});

test('a length beyond the data is refused before allocating (a 4 GiB byte string, a 2^32-item array, a map)', () => {
  refused([0x5a, 0xff, 0xff, 0xff, 0xff], /needs 4294967295 bytes/);
  refused([0x9a, 0xff, 0xff, 0xff, 0xff, 0x00], /array/);
  refused([0xba, 0x00, 0x10, 0x00, 0x00, 0x00], /map/);
  refused([0x18], /length/);
  refused([], /item/);
});

test(`nesting beyond ${MAX_CBOR_DEPTH} and more than ${MAX_CBOR_ITEMS} items are refused`, () => {
  refused([...Array(MAX_CBOR_DEPTH + 1).fill(0x81), 0x00], /deeper/);
  readCborExact(Uint8Array.from([...Array(MAX_CBOR_DEPTH).fill(0x81), 0x00]));
  refused([0x99, (MAX_CBOR_ITEMS >> 8) & 0xff, MAX_CBOR_ITEMS & 0xff, ...Array(MAX_CBOR_ITEMS).fill(0)], /more than/);
});

test.run();
