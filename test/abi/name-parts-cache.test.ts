// Name.fromParts keeps the last name per slot of a bounded table (decoding meets the same names
// again and again): whatever is cached, a u64 always reads as the text wharfkit gives it, values
// that share a slot never answer each other's name, and the table's size is its named constant.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as W from '@wharfkit/antelope';
import { BinaryReader, Name } from '../../abi/antelope/index.js';
import { NAME_PARTS_SLOTS } from '../../abi/antelope/name.js';
import { Prng } from './prng.js';

const SEED = Number(process.env.PEEROS_PROPERTY_SEED ?? 20261203);

test('random u64 values, many more than the slots, decoded in rounds: always the reference text', () => {
  const r = new Prng(SEED);
  const values = Array.from({ length: NAME_PARTS_SLOTS * 4 }, () => (BigInt(r.int(0xffffffff)) << 32n) | BigInt(r.int(0xffffffff)));
  for (let round = 0; round < 3; round++) {
    for (const v of values) {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setBigUint64(0, v, true);
      const n = Name.decode(new BinaryReader(bytes));
      assert.is(n.toString(), W.Name.from(W.UInt64.from(v.toString())).toString(), `0x${v.toString(16)}`);
      assert.is(n.value, v);
    }
  }
});

test('two values in the same slot alternate without answering for each other', () => {
  // same hi, lo differing only above the slot bits: the same slot
  const hi = 0x5530ea03;
  const a = 0x00000000;
  const b = NAME_PARTS_SLOTS; // differs from a above the mask only
  for (let i = 0; i < 4; i++) {
    assert.is(Name.fromParts(a, hi).lo, a);
    assert.is(Name.fromParts(b, hi).lo, b);
    assert.is.not(Name.fromParts(a, hi).toString(), Name.fromParts(b, hi).toString());
  }
  // signed inputs are the same u64 as their unsigned spelling
  assert.is(Name.fromParts(-1, -1).toString(), Name.fromParts(0xffffffff, 0xffffffff).toString());
});

test.run();
