/**
 * Antelope `transaction_header`: expiration, the TaPoS reference (ref_block_num, ref_block_prefix),
 * resource limits (max_net_usage_words, max_cpu_usage_ms) and delay_sec. It is the first part of
 * every serialized transaction; `Transaction` extends it.
 */
import { AntelopeError, describe } from './error.js';
import { TimePointSec, type TimePointSecType } from './time-point-sec.js';
import type { BinaryWriter } from './binary-writer.js';
import type { BinaryReader } from './binary-reader.js';

/** Leap's default `max_transaction_lifetime` (1 hour): a node refuses an expiration further ahead of
 * its pending block time (`tx_exp_too_far_exception`); signers stay within it. */
export const MAX_TRANSACTION_LIFETIME_SEC = 3600;

export interface TransactionHeaderFields {
  expiration: TimePointSecType;
  ref_block_num: number;
  ref_block_prefix: number;
  max_net_usage_words?: number;
  max_cpu_usage_ms?: number;
  delay_sec?: number;
}

export type TransactionHeaderType = TransactionHeader | TransactionHeaderFields;

export interface TransactionHeaderValues {
  expiration: TimePointSec;
  ref_block_num: number;
  ref_block_prefix: number;
  max_net_usage_words: number;
  max_cpu_usage_ms: number;
  delay_sec: number;
}

function u(v: unknown, max: number, field: string): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    throw new AntelopeError('INVALID_VALUE', `expected integer 0..${max}, got ${describe(v)}`, `transaction.${field}`);
  }
  return v;
}

export class TransactionHeader implements TransactionHeaderValues {
  readonly expiration: TimePointSec;
  readonly ref_block_num: number;
  readonly ref_block_prefix: number;
  readonly max_net_usage_words: number;
  readonly max_cpu_usage_ms: number;
  readonly delay_sec: number;

  constructor(f: TransactionHeaderValues) {
    this.expiration = f.expiration;
    this.ref_block_num = f.ref_block_num;
    this.ref_block_prefix = f.ref_block_prefix;
    this.max_net_usage_words = f.max_net_usage_words;
    this.max_cpu_usage_ms = f.max_cpu_usage_ms;
    this.delay_sec = f.delay_sec;
  }

  static from(value: TransactionHeaderType): TransactionHeader {
    if (value instanceof TransactionHeader) return value;
    return new TransactionHeader(TransactionHeader.normalise(value));
  }

  /** Checked header values from JSON (omitted limits and delay are 0); paths name `transaction.<field>`. */
  static normalise(value: TransactionHeaderFields): TransactionHeaderValues {
    if (typeof value !== 'object' || value === null) {
      throw new AntelopeError('INVALID_VALUE', `transaction: expected an object, got ${describe(value)}`);
    }
    let expiration: TimePointSec;
    try {
      expiration = TimePointSec.from(value.expiration);
    } catch (e) {
      throw e instanceof AntelopeError ? e.withPath('transaction.expiration') : e;
    }
    return {
      expiration,
      ref_block_num: u(value.ref_block_num, 0xffff, 'ref_block_num'),
      ref_block_prefix: u(value.ref_block_prefix, 0xffffffff, 'ref_block_prefix'),
      max_net_usage_words: u(value.max_net_usage_words, 0xffffffff, 'max_net_usage_words'),
      max_cpu_usage_ms: u(value.max_cpu_usage_ms, 0xff, 'max_cpu_usage_ms'),
      delay_sec: u(value.delay_sec, 0xffffffff, 'delay_sec'),
    };
  }

  static decodeValues(r: BinaryReader): TransactionHeaderValues {
    return {
      expiration: TimePointSec.decode(r),
      ref_block_num: r.u16(),
      ref_block_prefix: r.u32(),
      max_net_usage_words: r.varuint32(),
      max_cpu_usage_ms: r.u8(),
      delay_sec: r.varuint32(),
    };
  }

  static decode(r: BinaryReader): TransactionHeader {
    return new TransactionHeader(TransactionHeader.decodeValues(r));
  }

  encodeHeader(w: BinaryWriter): void {
    this.expiration.encode(w);
    w.u16(this.ref_block_num);
    w.u32(this.ref_block_prefix);
    w.varuint32(this.max_net_usage_words);
    w.u8(this.max_cpu_usage_ms);
    w.varuint32(this.delay_sec);
  }

  encode(w: BinaryWriter): void {
    this.encodeHeader(w);
  }

  headerJSON(): Record<string, unknown> {
    return {
      expiration: this.expiration.toJSON(),
      ref_block_num: this.ref_block_num,
      ref_block_prefix: this.ref_block_prefix,
      max_net_usage_words: this.max_net_usage_words,
      max_cpu_usage_ms: this.max_cpu_usage_ms,
      delay_sec: this.delay_sec,
    };
  }

  toJSON(): Record<string, unknown> {
    return this.headerJSON();
  }
}
