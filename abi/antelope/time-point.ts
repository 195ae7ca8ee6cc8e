/**
 * Antelope `time_point`: int64 microseconds since 1970-01-01T00:00:00 UTC.
 * JSON `"2018-06-15T19:17:47.000"` (Leap prints milliseconds; we print six digits only when the
 * value has sub-millisecond precision, so decoding then encoding never loses information).
 */
import { AntelopeError, describe } from './error.js';
import { formatIsoMicros, parseIsoMicros } from './iso-time.js';
import type { BinaryWriter } from './binary-writer.js';
import type { BinaryReader } from './binary-reader.js';

export type TimePointType = TimePoint | string | Date;

export class TimePoint {
  /** Microseconds since the epoch (exact up to year ~2255 as a JS number). */
  readonly micros: number;
  constructor(micros: number) {
    if (!Number.isSafeInteger(micros))
      throw new AntelopeError('INVALID_TIME', `time_point: expected integer microseconds, got ${describe(micros)}`);
    this.micros = micros;
  }
  static from(value: TimePointType): TimePoint {
    if (value instanceof TimePoint) return value;
    if (value instanceof Date) return new TimePoint(value.getTime() * 1000);
    return new TimePoint(parseIsoMicros(value, 'time_point'));
  }
  static fromMilliseconds(ms: number): TimePoint {
    return new TimePoint(Math.round(ms) * 1000);
  }
  static decode(r: BinaryReader): TimePoint {
    const v = r.i64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new AntelopeError('DECODE_INVALID', `time_point: ${v} µs is outside the representable range`);
    }
    return new TimePoint(Number(v));
  }
  toDate(): Date {
    return new Date(Math.floor(this.micros / 1000));
  }
  equals(other: TimePointType): boolean {
    return TimePoint.from(other).micros === this.micros;
  }
  toString(): string {
    return formatIsoMicros(this.micros, true);
  }
  toJSON(): string {
    return this.toString();
  }
  encode(w: BinaryWriter): void {
    w.i64(BigInt(this.micros));
  }
}
