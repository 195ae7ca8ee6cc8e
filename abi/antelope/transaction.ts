/**
 * Antelope `transaction`: the header (expiration, TaPoS reference, resource limits, delay) and the
 * context-free actions, actions and extensions. `id` is sha256 of the serialized transaction;
 * `signingDigest` is what keys sign: sha256(chain_id ‖ serialized trx ‖ cfd hash), where the cfd
 * hash is 32 zero bytes when there is no context-free data, else sha256 of the packed cfd.
 */
import { AntelopeError, describe } from './error.js';
import { BinaryWriter } from './binary-writer.js';
import { BinaryReader } from './binary-reader.js';
import { TimePointSec, type TimePointSecType } from './time-point-sec.js';
import { Action, type ActionType } from './action.js';
import { Checksum256, type Checksum256Type } from './checksum.js';
import { bytesToHex, hexToBytes } from './bytes.js';
import { sha256, sha256Parts } from './hash.js';
import type { AbiType } from './abi-def.js';
import type { AbiSerializer } from './abi-serializer.js';

export interface TransactionExtension { type: number; data: Uint8Array }

export interface TransactionFields {
  expiration: TimePointSecType;
  ref_block_num: number;
  ref_block_prefix: number;
  max_net_usage_words?: number;
  max_cpu_usage_ms?: number;
  delay_sec?: number;
  context_free_actions?: ActionType[];
  actions?: ActionType[];
  transaction_extensions?: Array<{ type: number; data: Uint8Array | string }>;
}

export type TransactionType = Transaction | TransactionFields;

/** Serialized context-free data: vector<bytes>. */
export function packContextFreeData(cfd: Uint8Array[]): Uint8Array {
  const w = new BinaryWriter();
  w.varuint32(cfd.length);
  for (const d of cfd) w.bytes(d);
  return w.finish();
}

const ZERO32 = new Uint8Array(32);

/**
 * The digest a K1 key signs for a transaction on `chainId`:
 * sha256(chain_id ‖ packed_trx ‖ (packed_cfd.length ? sha256(packed_cfd) : 32 zero bytes)).
 * `packedCfd` is the serialized context-free data (vector<bytes>); pass empty for none.
 */
export function signingDigest(chainId: Checksum256Type, packedTrx: Uint8Array, packedCfd?: Uint8Array): Checksum256 {
  const chain = Checksum256.from(chainId).array;
  const cfdHash = packedCfd && packedCfd.length > 0 && !(packedCfd.length === 1 && packedCfd[0] === 0) ? sha256(packedCfd) : ZERO32;
  return new Checksum256(sha256Parts(chain, packedTrx, cfdHash));
}

function u(v: unknown, max: number, field: string): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    throw new AntelopeError('INVALID_VALUE', `expected integer 0..${max}, got ${describe(v)}`, `transaction.${field}`);
  }
  return v;
}

export class Transaction {
  readonly expiration: TimePointSec;
  readonly ref_block_num: number;
  readonly ref_block_prefix: number;
  readonly max_net_usage_words: number;
  readonly max_cpu_usage_ms: number;
  readonly delay_sec: number;
  readonly context_free_actions: Action[];
  readonly actions: Action[];
  readonly transaction_extensions: TransactionExtension[];

  constructor(f: {
    expiration: TimePointSec; ref_block_num: number; ref_block_prefix: number; max_net_usage_words: number;
    max_cpu_usage_ms: number; delay_sec: number; context_free_actions: Action[]; actions: Action[];
    transaction_extensions: TransactionExtension[];
  }) {
    this.expiration = f.expiration;
    this.ref_block_num = f.ref_block_num;
    this.ref_block_prefix = f.ref_block_prefix;
    this.max_net_usage_words = f.max_net_usage_words;
    this.max_cpu_usage_ms = f.max_cpu_usage_ms;
    this.delay_sec = f.delay_sec;
    this.context_free_actions = f.context_free_actions;
    this.actions = f.actions;
    this.transaction_extensions = f.transaction_extensions;
  }

  /** Normalise; action `data` given as objects is serialized with `abi`. */
  static from(value: TransactionType, abi?: AbiType | AbiSerializer): Transaction {
    if (value instanceof Transaction) return value;
    if (typeof value !== 'object' || value === null) throw new AntelopeError('INVALID_VALUE', `transaction: expected an object, got ${describe(value)}`);
    const actions = (list: ActionType[] | undefined, field: string): Action[] => {
      if (list === undefined) return [];
      if (!Array.isArray(list)) throw new AntelopeError('INVALID_VALUE', `expected an array, got ${describe(list)}`, `transaction.${field}`);
      return list.map((a, i) => {
        try { return Action.from(a, abi); } catch (e) {
          throw e instanceof AntelopeError ? e.withPath(`transaction.${field}[${i}]`) : e;
        }
      });
    };
    return new Transaction({
      expiration: TimePointSec.from(value.expiration),
      ref_block_num: u(value.ref_block_num, 0xffff, 'ref_block_num'),
      ref_block_prefix: u(value.ref_block_prefix, 0xffffffff, 'ref_block_prefix'),
      max_net_usage_words: u(value.max_net_usage_words, 0xffffffff, 'max_net_usage_words'),
      max_cpu_usage_ms: u(value.max_cpu_usage_ms, 0xff, 'max_cpu_usage_ms'),
      delay_sec: u(value.delay_sec, 0xffffffff, 'delay_sec'),
      context_free_actions: actions(value.context_free_actions, 'context_free_actions'),
      actions: actions(value.actions, 'actions'),
      transaction_extensions: (value.transaction_extensions ?? []).map((x, i) => ({
        type: u(x.type, 0xffff, `transaction_extensions[${i}].type`),
        data: typeof x.data === 'string' ? hexToBytes(x.data, `transaction.transaction_extensions[${i}].data`) : x.data,
      })),
    });
  }

  static decode(r: BinaryReader): Transaction {
    const expiration = TimePointSec.decode(r);
    const ref_block_num = r.u16();
    const ref_block_prefix = r.u32();
    const max_net_usage_words = r.varuint32();
    const max_cpu_usage_ms = r.u8();
    const delay_sec = r.varuint32();
    const actions = (field: string): Action[] => {
      const n = r.varuint32();
      if (n * 17 > r.remaining) throw new AntelopeError('DECODE_INVALID', `${n} actions do not fit in ${r.remaining} byte(s)`, `transaction.${field}`);
      const out: Action[] = new Array(n);
      for (let i = 0; i < n; i++) {
        try { out[i] = Action.decode(r); } catch (e) {
          throw e instanceof AntelopeError ? e.withPath(`transaction.${field}[${i}]`) : e;
        }
      }
      return out;
    };
    const context_free_actions = actions('context_free_actions');
    const acts = actions('actions');
    const nx = r.varuint32();
    if (nx * 3 > r.remaining) throw new AntelopeError('DECODE_INVALID', `${nx} extensions do not fit in ${r.remaining} byte(s)`, 'transaction.transaction_extensions');
    const transaction_extensions: TransactionExtension[] = [];
    for (let i = 0; i < nx; i++) transaction_extensions.push({ type: r.u16(), data: r.bytes() });
    return new Transaction({
      expiration, ref_block_num, ref_block_prefix, max_net_usage_words, max_cpu_usage_ms, delay_sec,
      context_free_actions, actions: acts, transaction_extensions,
    });
  }

  /** Decode exactly one transaction from `bytes` (trailing bytes are an error). */
  static fromBinary(bytes: Uint8Array | string): Transaction {
    const r = new BinaryReader(typeof bytes === 'string' ? hexToBytes(bytes, 'packed_trx') : bytes);
    const t = Transaction.decode(r);
    if (r.remaining) throw new AntelopeError('DECODE_TRAILING', `transaction: ${r.remaining} unexpected trailing byte(s)`);
    return t;
  }

  encode(w: BinaryWriter): void {
    this.expiration.encode(w);
    w.u16(this.ref_block_num);
    w.u32(this.ref_block_prefix);
    w.varuint32(this.max_net_usage_words);
    w.u8(this.max_cpu_usage_ms);
    w.varuint32(this.delay_sec);
    w.varuint32(this.context_free_actions.length);
    for (const a of this.context_free_actions) a.encode(w);
    w.varuint32(this.actions.length);
    for (const a of this.actions) a.encode(w);
    w.varuint32(this.transaction_extensions.length);
    for (const x of this.transaction_extensions) { w.u16(x.type); w.bytes(x.data); }
  }

  /** The serialized transaction (`packed_trx` before compression). */
  toBinary(w = new BinaryWriter(512)): Uint8Array {
    this.encode(w);
    return w.finish();
  }

  /** Transaction id: sha256 of the serialized transaction. */
  get id(): Checksum256 { return new Checksum256(sha256(this.toBinary())); }

  /** The digest to sign on `chainId`; `contextFreeData` is the raw cfd entries, if any. */
  signingDigest(chainId: Checksum256Type, contextFreeData: Uint8Array[] = []): Checksum256 {
    return signingDigest(chainId, this.toBinary(), contextFreeData.length ? packContextFreeData(contextFreeData) : undefined);
  }

  equals(other: TransactionType): boolean {
    const a = this.toBinary(), b = Transaction.from(other).toBinary();
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }

  toJSON(): Record<string, unknown> {
    return {
      expiration: this.expiration.toJSON(),
      ref_block_num: this.ref_block_num,
      ref_block_prefix: this.ref_block_prefix,
      max_net_usage_words: this.max_net_usage_words,
      max_cpu_usage_ms: this.max_cpu_usage_ms,
      delay_sec: this.delay_sec,
      context_free_actions: this.context_free_actions.map((a) => a.toJSON()),
      actions: this.actions.map((a) => a.toJSON()),
      transaction_extensions: this.transaction_extensions.map((x) => ({ type: x.type, data: bytesToHex(x.data) })),
    };
  }
}
