/**
 * Antelope `block_timestamp_type`: uint32 count of 500 ms slots since 2000-01-01T00:00:00 UTC.
 * JSON `"2018-06-15T19:17:47.500"`.
 */
import { AntelopeError, describe } from './error.js';
import { formatIsoMicros, parseIsoMicros } from './iso-time.js';
import type { BinaryWriter } from './binary-writer.js';
import type { BinaryReader } from './binary-reader.js';

export const BLOCK_INTERVAL_MS = 500;
export const BLOCK_TIMESTAMP_EPOCH_MS = 946684800000; // Date.UTC(2000, 0, 1)

export type BlockTimestampType = BlockTimestamp | string | Date;

export class BlockTimestamp {
  readonly slot: number;
  constructor(slot: number) {
    if (!Number.isInteger(slot) || slot < 0 || slot > 0xffffffff) {
      throw new AntelopeError('INVALID_TIME', `block_timestamp_type: expected slot 0..4294967295, got ${describe(slot)}`);
    }
    this.slot = slot;
  }
  static fromMilliseconds(ms: number): BlockTimestamp {
    return new BlockTimestamp(Math.floor((ms - BLOCK_TIMESTAMP_EPOCH_MS) / BLOCK_INTERVAL_MS));
  }
  static from(value: BlockTimestampType): BlockTimestamp {
    if (value instanceof BlockTimestamp) return value;
    if (value instanceof Date) return BlockTimestamp.fromMilliseconds(value.getTime());
    return BlockTimestamp.fromMilliseconds(Math.floor(parseIsoMicros(value, 'block_timestamp_type') / 1000));
  }
  static decode(r: BinaryReader): BlockTimestamp {
    return new BlockTimestamp(r.u32());
  }
  toMilliseconds(): number {
    return this.slot * BLOCK_INTERVAL_MS + BLOCK_TIMESTAMP_EPOCH_MS;
  }
  toDate(): Date {
    return new Date(this.toMilliseconds());
  }
  equals(other: BlockTimestampType): boolean {
    return BlockTimestamp.from(other).slot === this.slot;
  }
  toString(): string {
    return formatIsoMicros(this.toMilliseconds() * 1000, true);
  }
  toJSON(): string {
    return this.toString();
  }
  encode(w: BinaryWriter): void {
    w.u32(this.slot);
  }
}
