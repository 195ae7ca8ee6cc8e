/**
 * Target `antelope-action-data`: ABI-driven decoding (AbiSerializer.decode) of untrusted action
 * data. An input carries its own ABI so it replays alone: `u32le abiLength ‖ abi_def ‖ u8
 * typeLength ‖ type ‖ data`. Generators: random ABIs (test/abi/antelope-generators: structs with
 * bases, aliases, variants, arrays, optionals, extensions, every builtin) with an encoded random
 * value, mutated; and the eosjs token ABI with real transfer data, mutated. Oracles: only
 * AntelopeError; a decoded value re-encodes to bytes that decode to the same value, canonically.
 */
import { Abi, AbiSerializer, BinaryReader, bytesToHex } from '../../abi/antelope/index.js';
import { randomAbi, randomValue } from '../../test/abi/antelope-generators.js';
import { mutate, mutateOnce } from '../mutate.js';
import { accepts, oracle, sameValue, type FuzzTarget } from '../target.js';
import { hexBytes, readJson } from '../seeds.js';
import { isAntelopeError } from './antelope-transaction.js';
import type { Prng } from '../prng.js';

const utf8 = new TextEncoder();
const text = new TextDecoder();

function frame(abi: Uint8Array, type: string, data: Uint8Array): Uint8Array {
  const t = utf8.encode(type);
  const out = new Uint8Array(4 + abi.length + 1 + t.length + data.length);
  new DataView(out.buffer).setUint32(0, abi.length, true);
  out.set(abi, 4);
  out[4 + abi.length] = t.length;
  out.set(t, 5 + abi.length);
  out.set(data, 5 + abi.length + t.length);
  return out;
}

function unframe(input: Uint8Array): { abi: Uint8Array; type: string; data: Uint8Array } | null {
  if (input.length < 5) return null;
  const n = new DataView(input.buffer, input.byteOffset, input.byteLength).getUint32(0, true);
  if (5 + n > input.length) return null;
  const tl = input[4 + n]!;
  if (5 + n + tl > input.length) return null;
  return { abi: input.subarray(4, 4 + n), type: text.decode(input.subarray(5 + n, 5 + n + tl)), data: input.subarray(5 + n + tl) };
}

/** NaN payloads do not survive a JS number (V8 canonicalises them), so such values skip the byte check. */
function hasNaN(v: unknown): boolean {
  if (typeof v === 'number') return Number.isNaN(v);
  if (Array.isArray(v)) return v.some(hasNaN);
  if (v && typeof v === 'object') return Object.values(v).some(hasNaN);
  return false;
}

export const antelopeActionData: FuzzTarget = {
  name: 'antelope-action-data',
  about: 'abi/antelope AbiSerializer.decode of action data under random and real ABIs',
  maxInputMs: 1000,
  smokeInputs: 1000,
  async open() {
    const eosjs = readJson<{ abi_base64: string; serialized_actions: { data: string }[] }>('test/vectors/antelope/eosjs-api.json');
    const tokenAbi = new Uint8Array(Buffer.from(eosjs.abi_base64, 'base64'));
    const transfers = eosjs.serialized_actions.map((a) => hexBytes(a.data));
    const serializers = new Map<string, AbiSerializer | null>(); // by ABI hex: random ABIs repeat rarely, the token ABI always
    const serializerOf = (abi: Uint8Array): AbiSerializer | null => {
      const key = bytesToHex(abi);
      if (serializers.has(key)) return serializers.get(key)!;
      let s: AbiSerializer | null = null;
      accepts(isAntelopeError, () => {
        s = new AbiSerializer(Abi.fromBinary(abi));
      });
      if (serializers.size > 64) serializers.clear();
      serializers.set(key, s);
      return s;
    };
    return {
      generate(r: Prng) {
        if (r.int(4) === 0) return frame(tokenAbi, 'transfer', mutate(r, transfers));
        const { abi, root } = randomAbi(r);
        const bin = Abi.from(abi).toBinary();
        let good: Uint8Array;
        try {
          good = new AbiSerializer(abi).encode(root, randomValue(r, abi, root));
        } catch {
          good = new Uint8Array(0);
        }
        const data = r.int(8) === 0 ? r.bytes(r.int(64)) : mutate(r, [good]);
        return frame(r.int(20) === 0 ? mutateOnce(r, bin) : bin, root, data);
      },
      run(input) {
        const f = unframe(input);
        if (!f) return false;
        const s = serializerOf(f.abi);
        if (!s) return false;
        let v: unknown;
        if (
          !accepts(isAntelopeError, () => {
            v = s.decodeFrom(new BinaryReader(f.data), f.type);
          })
        )
          return false;
        if (hasNaN(v)) return true;
        const again = s.encode(f.type, v);
        let back: unknown;
        try {
          back = s.decode(f.type, again);
        } catch (e) {
          // the decode's value budget grows with its input: bytes past the value or non-canonical
          // varuints bought values that the shorter canonical encoding cannot, and that is the bound
          if (again.length < f.data.length && isAntelopeError(e) && /DECODED_VALUES_PER_BYTE/.test((e as Error).message)) return true;
          throw e;
        }
        oracle(sameValue(back, v), `action data: decode(encode(v)) differs from v (${f.type})`);
        oracle(bytesToHex(s.encode(f.type, back)) === bytesToHex(again), `action data: re-encoding is not canonical (${f.type})`);
        return true;
      },
    };
  },
};
