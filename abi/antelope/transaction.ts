/**
 * Antelope `transaction`: the header (`TransactionHeader`: expiration, TaPoS reference, resource
 * limits, delay) and the context-free actions, actions and extensions. `id` is sha256 of the serialized transaction;
 * `signingDigest` is what keys sign: sha256(chain_id ‖ serialized trx ‖ cfd hash), where the cfd
 * hash is 32 zero bytes when there is no context-free data, else sha256 of the packed cfd.
 */
import { AntelopeError, describe } from './error.js';
import { type BinaryWriter, encodeWith } from './binary-writer.js';
import { BinaryReader } from './binary-reader.js';
import { TransactionHeader, type TransactionHeaderFields, type TransactionHeaderValues } from './transaction-header.js';
import { Action, type ActionType } from './action.js';
import { Checksum256, type Checksum256Type } from './checksum.js';
import { bytesToHex, hexToBytes } from './bytes.js';
import { sha256, sha256Parts } from './hash.js';
import type { AbiType } from './abi-def.js';
import type { AbiSerializer } from './abi-serializer.js';

export interface TransactionExtension {
  type: number;
  data: Uint8Array;
}

export interface TransactionFields extends TransactionHeaderFields {
  context_free_actions?: ActionType[];
  actions?: ActionType[];
  transaction_extensions?: Array<{ type: number; data: Uint8Array | string } | [number, Uint8Array | string]>;
}

export type TransactionType = Transaction | TransactionFields;

/** Serialized context-free data: vector<bytes>. */
export function packContextFreeData(cfd: Uint8Array[]): Uint8Array {
  return encodeWith((w) => {
    w.varuint32(cfd.length);
    for (const d of cfd) w.bytes(d);
  });
}

const ZERO32 = new Uint8Array(32);

function extensionType(v: unknown, i: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffff) {
    throw new AntelopeError(
      'INVALID_VALUE',
      `expected integer 0..65535, got ${describe(v)}`,
      `transaction.transaction_extensions[${i}].type`,
    );
  }
  return v;
}

let lastChainHex = '';
let lastChain: Uint8Array = new Uint8Array(32);

function chainIdBytes(chainId: Checksum256Type): Uint8Array {
  // a node or wallet signs for one chain: keep the last parsed chain id instead of re-parsing hex
  if (typeof chainId === 'string' && chainId === lastChainHex) return lastChain;
  const chain = Checksum256.from(chainId).array;
  if (typeof chainId === 'string') {
    lastChainHex = chainId;
    lastChain = chain;
  }
  return chain;
}

/** The third part of the preimage: sha256 of the packed cfd, or 32 zero bytes when there is none
 * (absent, empty, or an empty vector `00`). */
function contextFreeDataHash(packedCfd: Uint8Array | undefined): Uint8Array {
  return packedCfd && packedCfd.length > 0 && !(packedCfd.length === 1 && packedCfd[0] === 0) ? sha256(packedCfd) : ZERO32;
}

/**
 * The exact bytes a transaction signature covers on `chainId`:
 * chain_id ‖ packed_trx ‖ (packed_cfd.length ? sha256(packed_cfd) : 32 zero bytes).
 * `packedCfd` is the serialized context-free data (vector<bytes>); pass empty for none.
 */
export function signingPreimage(chainId: Checksum256Type, packedTrx: Uint8Array, packedCfd?: Uint8Array): Uint8Array {
  const out = new Uint8Array(32 + packedTrx.length + 32);
  out.set(chainIdBytes(chainId), 0);
  out.set(packedTrx, 32);
  out.set(contextFreeDataHash(packedCfd), 32 + packedTrx.length);
  return out;
}

/** The digest a K1 key signs for a transaction on `chainId`: sha256 of `signingPreimage`. */
export function signingDigest(chainId: Checksum256Type, packedTrx: Uint8Array, packedCfd?: Uint8Array): Checksum256 {
  return new Checksum256(sha256Parts(chainIdBytes(chainId), packedTrx, contextFreeDataHash(packedCfd)));
}

export class Transaction extends TransactionHeader {
  readonly context_free_actions: Action[];
  readonly actions: Action[];
  readonly transaction_extensions: TransactionExtension[];

  constructor(
    f: TransactionHeaderValues & {
      context_free_actions: Action[];
      actions: Action[];
      transaction_extensions: TransactionExtension[];
    },
  ) {
    super(f);
    this.context_free_actions = f.context_free_actions;
    this.actions = f.actions;
    this.transaction_extensions = f.transaction_extensions;
  }

  /** Normalise; action `data` given as objects is serialized with `abi`. */
  static override from(value: TransactionType, abi?: AbiType | AbiSerializer): Transaction {
    if (value instanceof Transaction) return value;
    const header = TransactionHeader.normalise(value);
    const actions = (list: ActionType[] | undefined, field: string): Action[] => {
      if (list === undefined) return [];
      if (!Array.isArray(list))
        throw new AntelopeError('INVALID_VALUE', `expected an array, got ${describe(list)}`, `transaction.${field}`);
      return list.map((a, i) => {
        try {
          return Action.from(a, abi);
        } catch (e) {
          throw e instanceof AntelopeError ? e.withPath(`transaction.${field}[${i}]`) : e;
        }
      });
    };
    return new Transaction({
      ...header,
      context_free_actions: actions(value.context_free_actions, 'context_free_actions'),
      actions: actions(value.actions, 'actions'),
      // { type, data } as eosjs and wharfkit write it, or [type, data] as Leap prints a pair
      transaction_extensions: (value.transaction_extensions ?? []).map((x, i) => {
        const [type, data] = Array.isArray(x) ? x : [x.type, x.data];
        return {
          type: extensionType(type, i),
          data: typeof data === 'string' ? hexToBytes(data, `transaction.transaction_extensions[${i}].data`) : data,
        };
      }),
    });
  }

  static override decode(r: BinaryReader): Transaction {
    const header = TransactionHeader.decodeValues(r);
    const actions = (field: string): Action[] => {
      const n = r.varuint32();
      if (n * 17 > r.remaining)
        throw new AntelopeError('DECODE_INVALID', `${n} actions do not fit in ${r.remaining} byte(s)`, `transaction.${field}`);
      const out: Action[] = new Array(n);
      for (let i = 0; i < n; i++) {
        try {
          out[i] = Action.decode(r);
        } catch (e) {
          throw e instanceof AntelopeError ? e.withPath(`transaction.${field}[${i}]`) : e;
        }
      }
      return out;
    };
    const context_free_actions = actions('context_free_actions');
    const acts = actions('actions');
    const nx = r.varuint32();
    if (nx * 3 > r.remaining)
      throw new AntelopeError(
        'DECODE_INVALID',
        `${nx} extensions do not fit in ${r.remaining} byte(s)`,
        'transaction.transaction_extensions',
      );
    const transaction_extensions: TransactionExtension[] = [];
    for (let i = 0; i < nx; i++) transaction_extensions.push({ type: r.u16(), data: r.bytes() });
    return new Transaction({ ...header, context_free_actions, actions: acts, transaction_extensions });
  }

  /** Decode exactly one transaction from `bytes` (trailing bytes are an error). */
  static fromBinary(bytes: Uint8Array | string): Transaction {
    return Transaction.fromBinaryCanonical(typeof bytes === 'string' ? hexToBytes(bytes, 'packed_trx') : bytes).transaction;
  }

  /**
   * The same, with the transaction's canonical serialization (what its id and signing digest
   * cover): `bytes` themselves when every varuint in them was minimal, since that is the only field
   * of a transaction with two spellings (names, integers and data are fixed or copied as they are);
   * re-serialized otherwise. A pushed transaction is nearly always canonical: one encoding saved.
   */
  static fromBinaryCanonical(bytes: Uint8Array): { transaction: Transaction; canonical: Uint8Array } {
    const r = new BinaryReader(bytes);
    const transaction = Transaction.decode(r);
    if (r.remaining) throw new AntelopeError('DECODE_TRAILING', `transaction: ${r.remaining} unexpected trailing byte(s)`);
    return { transaction, canonical: r.nonMinimalVaruints === 0 ? bytes : transaction.toBinary() };
  }

  override encode(w: BinaryWriter): void {
    this.encodeHeader(w);
    w.varuint32(this.context_free_actions.length);
    for (const a of this.context_free_actions) a.encode(w);
    w.varuint32(this.actions.length);
    for (const a of this.actions) a.encode(w);
    w.varuint32(this.transaction_extensions.length);
    for (const x of this.transaction_extensions) {
      w.u16(x.type);
      w.bytes(x.data);
    }
  }

  /** The serialized transaction (`packed_trx` before compression). */
  toBinary(w?: BinaryWriter): Uint8Array {
    if (!w) return encodeWith((sw) => this.encode(sw));
    this.encode(w);
    return w.finish();
  }

  /** Transaction id: sha256 of the serialized transaction. */
  get id(): Checksum256 {
    return new Checksum256(sha256(this.toBinary()));
  }

  /** The digest to sign on `chainId`; `contextFreeData` is the raw cfd entries, if any. */
  signingDigest(chainId: Checksum256Type, contextFreeData: Uint8Array[] = []): Checksum256 {
    return signingDigest(chainId, this.toBinary(), contextFreeData.length ? packContextFreeData(contextFreeData) : undefined);
  }

  equals(other: TransactionType): boolean {
    const a = this.toBinary(),
      b = Transaction.from(other).toBinary();
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...this.headerJSON(),
      context_free_actions: this.context_free_actions.map((a) => a.toJSON()),
      actions: this.actions.map((a) => a.toJSON()),
      transaction_extensions: this.transaction_extensions.map((x) => ({ type: x.type, data: bytesToHex(x.data) })),
    };
  }
}
