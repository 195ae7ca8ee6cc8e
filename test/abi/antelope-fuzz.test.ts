// Fuzzing the decoders with untrusted bytes: random and mutated inputs against random ABIs,
// transactions, packed transactions and abi_def. The oracle: a decoder either returns a value or
// throws an AntelopeError — never another exception, a hang or a crash — and whatever it returns
// re-encodes to bytes that decode to the same value.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Abi, AbiSerializer, AntelopeError, BinaryReader, PackedTransaction, Transaction, bytesToHex } from '../../abi/antelope/index.js';
import { Prng } from './prng.js';
import { randomAbi, randomValue } from './antelope-generators.js';

const SEED = Number(process.env.PEEROS_FUZZ_SEED ?? 4242);

function mutate(r: Prng, bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  const kind = r.int(4);
  if (kind === 0 && out.length)
    out[r.int(out.length)]! ^= 1 << r.int(8); // r.int(n) < n
  else if (kind === 1 && out.length) return out.subarray(0, r.int(out.length));
  else if (kind === 2) return Uint8Array.from([...out, ...r.bytes(r.range(1, 8))]);
  else if (out.length) out[r.int(out.length)] = r.pick([0x00, 0x7f, 0x80, 0xff]);
  return out;
}

function hasNaN(v: unknown): boolean {
  if (typeof v === 'number') return Number.isNaN(v);
  if (Array.isArray(v)) return v.some(hasNaN);
  if (v && typeof v === 'object') return Object.values(v).some(hasNaN);
  return false;
}

function onlyAntelopeErrors(seed: number, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof AntelopeError)) {
      throw new Error(`seed ${seed}: expected an AntelopeError, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    }
  }
}

test('ABI-driven decoding of mutated and random bytes', () => {
  let decoded = 0;
  for (let i = 0; i < 200; i++) {
    const seed = SEED + i;
    const r = new Prng(seed);
    const { abi, root } = randomAbi(r);
    const s = new AbiSerializer(abi);
    const good = s.encode(root, randomValue(r, abi, root));
    for (let j = 0; j < 10; j++) {
      const input = j === 0 ? r.bytes(r.int(64)) : mutate(r, good);
      onlyAntelopeErrors(seed, () => {
        const reader = new BinaryReader(input);
        const v = s.decodeFrom(reader, root);
        decoded++;
        // NaN payloads do not survive a JS number (V8 canonicalises them when writing)
        if (hasNaN(v)) return;
        // like Leap, non-minimal varuints are accepted, so the bytes need not come back the same;
        // the value must: encode(v) decodes to v, and is canonical (re-encodes to itself)
        const again = s.encode(root, v);
        assert.equal(s.decode(root, again), v, `seed ${seed}: re-decoding`);
        assert.is(bytesToHex(s.encode(root, s.decode(root, again))), bytesToHex(again), `seed ${seed}: canonical`);
      });
    }
  }
  assert.ok(decoded > 100);
});

test('transactions, packed transactions and abi_def from mutated bytes', () => {
  const r = new Prng(SEED ^ 0x7777);
  const trx = Transaction.from({
    expiration: '2026-11-27T12:00:00',
    ref_block_num: 7,
    ref_block_prefix: 9,
    context_free_actions: [{ account: 'a', name: 'b', authorization: [], data: '00' }],
    actions: [
      { account: 'eosio.token', name: 'transfer', authorization: [{ actor: 'alice', permission: 'active' }], data: 'beef'.repeat(8) },
    ],
    transaction_extensions: [{ type: 1, data: 'aa' }],
  });
  const raw = trx.toBinary();
  const packed = PackedTransaction.fromSigned(trx, [], [new Uint8Array(3)], 'none').toBinary();
  const abi = Abi.from({
    structs: [{ name: 's', base: '', fields: [{ name: 'a', type: 'int8' }] }],
    actions: [{ name: 'x', type: 's', ricardian_contract: 'r' }],
    variants: [{ name: 'v', types: ['s'] }],
    error_messages: [{ error_code: 1, error_msg: 'e' }],
  }).toBinary();
  for (let i = 0; i < 2000; i++) {
    onlyAntelopeErrors(i, () => {
      Transaction.fromBinary(mutate(r, raw));
    });
    onlyAntelopeErrors(i, () => {
      const p = PackedTransaction.decode(new BinaryReader(mutate(r, packed)));
      p.getTransaction();
      p.getContextFreeData();
    });
    onlyAntelopeErrors(i, () => {
      Abi.fromBinary(mutate(r, abi));
    });
    onlyAntelopeErrors(i, () => {
      PackedTransaction.from({ packed_trx: mutate(r, raw), compression: 'zlib' }).getTransaction();
    });
  }
});

test("a transaction's canonical bytes are its re-serialization, whatever spelling of its varuints arrived", () => {
  const r = new Prng(SEED ^ 0x1515);
  const trx = Transaction.from({
    expiration: '2026-11-27T12:00:00',
    ref_block_num: 7,
    ref_block_prefix: 9,
    max_net_usage_words: 300,
    delay_sec: 0,
    actions: [
      { account: 'eosio.token', name: 'transfer', authorization: [{ actor: 'alice', permission: 'active' }], data: 'beef'.repeat(8) },
    ],
  });
  const raw = trx.toBinary();
  /** `raw` with the varuint at `at` (one byte long there) spelled with `extra` more bytes. */
  const longer = (at: number, extra: number) => {
    const v = raw[at]!;
    const spelled = [v | 0x80, ...Array<number>(extra - 1).fill(0x80), 0x00];
    return Uint8Array.from([...raw.subarray(0, at), ...spelled, ...raw.subarray(at + 1)]);
  };
  // max_net_usage_words (offset 10) is 300, two bytes; delay_sec (offset 13) is 0, one byte
  assert.is(raw[13], 0);
  let nonMinimal = 0;
  let decoded = 0;
  for (let i = 0; i < 2000; i++) {
    const input = i % 4 === 0 ? longer(13, 1 + r.int(3)) : mutate(r, raw);
    onlyAntelopeErrors(i, () => {
      const { transaction, canonical } = Transaction.fromBinaryCanonical(input);
      decoded++;
      const again = transaction.toBinary();
      assert.is(bytesToHex(canonical), bytesToHex(again), `input ${bytesToHex(input)}`);
      if (bytesToHex(again) !== bytesToHex(input)) nonMinimal++;
      else assert.ok(canonical === input, 'canonical input is returned as it is, not re-serialized');
    });
  }
  assert.ok(nonMinimal >= 400, `${nonMinimal} inputs with a longer spelling`);
  assert.ok(decoded > 1000);
});

test.run();
