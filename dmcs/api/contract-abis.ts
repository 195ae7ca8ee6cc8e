/**
 * The ABI serializer of each account, built once per ABI version (`abiSequence`) and shared by the
 * chain API's readers and its JSON shaping, with the ABI's JSON form for get_abi (an ABI of 512 KiB
 * took about 140 ms to decode and print again on every request). `eosio` without a system contract
 * uses the native actions' ABI, so clients can decode newaccount, updateauth, …. At most
 * `MAX_CACHED_ABIS` accounts' are kept, the least recently used dropped first: an ABI can be as
 * large as a transaction, and every account can set one.
 */
import { Abi, AbiSerializer, EOSIO_ABI } from '../../abi/antelope/index.js';
import type { Chain } from '../chain/chain.js';

/** Accounts whose parsed ABI is kept. */
export const MAX_CACHED_ABIS = 256;

interface Parsed {
  seq: number;
  /** The ABI, decoded from its stored bytes (null: none). */
  abi: Abi | null;
  /** Its serializer (null: none, or the ABI's types do not resolve). */
  s: AbiSerializer | null;
  /** get_abi's `abi` field, made on first use. */
  json?: unknown;
  /** Why the stored bytes are no ABI. */
  error?: string;
}

export class ContractAbis {
  private readonly parsed = new Map<string, Parsed>();

  constructor(private readonly chain: Chain) {}

  /** `account`'s parsed ABI at its current version (null: no such account). */
  private entry(account: string): Parsed | null {
    const a = this.chain.state.getAccount(account);
    if (!a) return null;
    const hit = this.parsed.get(account);
    if (hit && hit.seq === a.abiSequence) {
      this.parsed.delete(account); // most recently used last
      this.parsed.set(account, hit);
      return hit;
    }
    const p: Parsed = { seq: a.abiSequence, abi: null, s: null };
    if (a.abi) {
      try {
        p.abi = Abi.fromBinary(a.abi);
      } catch (e) {
        p.error = (e as Error).message;
      }
    } else if (account === 'eosio') p.abi = EOSIO_ABI;
    if (p.abi) {
      try {
        p.s = new AbiSerializer(p.abi, { legacyKeys: true });
      } catch {
        p.s = null; // its JSON is still served; nothing is decoded with it
      }
    }
    this.parsed.delete(account);
    this.parsed.set(account, p);
    if (this.parsed.size > MAX_CACHED_ABIS) this.parsed.delete(this.parsed.keys().next().value!);
    return p;
  }

  /** Accounts whose parsed ABI is kept now. */
  get size(): number {
    return this.parsed.size;
  }

  /** The ABI serializer of `account` (cached per ABI version), null when it has none. */
  serializerOf(account: string): AbiSerializer | null {
    return this.entry(account)?.s ?? null;
  }

  /**
   * get_abi's `abi` field for `account`: its ABI's JSON form (cached with the serializer), undefined
   * when it has none; throws with the reason when the stored ABI does not decode.
   */
  jsonOf(account: string): unknown {
    const p = this.entry(account);
    if (!p) return undefined;
    if (p.error !== undefined) throw new Error(p.error);
    if (!p.abi) return undefined;
    p.json ??= p.abi.toJSON();
    return p.json;
  }
}
