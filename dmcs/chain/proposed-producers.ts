/**
 * `set_proposed_producers[_ex]` (Leap's privileged.cpp `set_proposed_producers_common`): decodes the
 * packed schedule (format 0: `vector<producer_key>`, up-converted to single-key authorities;
 * format 1: `vector<producer_authority>`), checks it with Leap's rules and messages
 * (`wasm_execution_error`), and proposes it.
 */
import { BinaryReader, Name, PublicKey, keyIdOf } from '../../abi/antelope/index.js';
import { ChainError } from '../chain-error.js';
import type { ChainState } from '../state/chain-state.js';
import { soleSigningKey } from './legacy-schedule.js';
import { MAX_PRODUCERS, type ProducerAuthority } from '../state/producer-schedule.js';

function unpack<T>(packed: Uint8Array, read: (r: BinaryReader) => T): T {
  const r = new BinaryReader(packed);
  try {
    return read(r);
  } catch (e) {
    throw new ChainError('unpack_exception', `cannot unpack the producer schedule: ${(e as Error).message}`);
  }
}

/** Format 0: `vector<producer_key>` (name, public key). */
export function decodeProducerKeys(packed: Uint8Array): ProducerAuthority[] {
  return unpack(packed, (r) => {
    const n = r.varuint32();
    const out: ProducerAuthority[] = [];
    for (let i = 0; i < n; i++) {
      const producerName = Name.decode(r).toString();
      const key = PublicKey.decode(r);
      out.push({ producerName, authority: { threshold: 1, keys: [{ key: keyIdOf(key), weight: 1 }], accounts: [], waits: [] } });
    }
    return out;
  });
}

/** Format 1: `vector<producer_authority>` with `block_signing_authority_v0` (variant index 0). */
export function decodeProducerAuthorities(packed: Uint8Array): ProducerAuthority[] {
  return unpack(packed, (r) => {
    const n = r.varuint32();
    const out: ProducerAuthority[] = [];
    for (let i = 0; i < n; i++) {
      const producerName = Name.decode(r).toString();
      const variant = r.varuint32();
      if (variant !== 0) throw new Error(`unknown block_signing_authority variant ${variant}`);
      const threshold = r.u32();
      const count = r.varuint32();
      const keys = [];
      for (let k = 0; k < count; k++) {
        const key = PublicKey.decode(r);
        keys.push({ key: keyIdOf(key), weight: r.u16() });
      }
      out.push({ producerName, authority: { threshold, keys, accounts: [], waits: [] } });
    }
    return out;
  });
}

function fail(message: string): never {
  throw new ChainError('wasm_execution_error', message);
}

/** Leap `set_proposed_producers_common`: validates and proposes; the version, or -1n. */
export function proposeProducers(state: ChainState, producers: ProducerAuthority[], blockNum: number): bigint {
  if (producers.length > MAX_PRODUCERS) fail('Producer schedule exceeds the maximum producer count for this chain');
  if (producers.length === 0) fail('Producer schedule cannot be empty'); // DISALLOW_EMPTY_PRODUCER_SCHEDULE is active
  const names = new Set<string>();
  for (const p of producers) {
    if (!state.getAccount(p.producerName)) fail('producer schedule includes a nonexisting account');
    const a = p.authority;
    let sum = 0;
    for (const k of a.keys) sum = Math.min(sum + k.weight, 0xffffffff);
    if (new Set(a.keys.map((k) => k.key)).size !== a.keys.length) fail(`producer schedule includes a duplicated key for ${p.producerName}`);
    if (a.threshold === 0) fail(`producer schedule includes an authority with a threshold of 0 for ${p.producerName}`);
    if (sum < a.threshold) fail(`producer schedule includes an unsatisfiable authority for ${p.producerName}`);
    if (soleSigningKey(a) === undefined) {
      // blocks announce schedules in the legacy header field, which holds one key per producer
      fail(`producer schedule: ${p.producerName} needs several keys to sign a block; this node signs with one key per producer`);
    }
    names.add(p.producerName);
  }
  if (names.size !== producers.length) fail('duplicate producer name in producer schedule');
  return BigInt(state.producers.propose(producers, blockNum));
}
