/**
 * Antelope `time_point_sec`: uint32 seconds since 1970-01-01T00:00:00 UTC (transaction expiration).
 * JSON `"2018-06-15T19:17:47"`.
 */
import { AntelopeError, describe } from './error.js';
import { formatIsoMicros, parseIsoMicros } from './iso-time.js';
import type { BinaryWriter } from './binary-writer.js';
import type { BinaryReader } from './binary-reader.js';

export type TimePointSecType = TimePointSec | string | Date;

export class TimePointSec {
  readonly seconds: number;
  constructor(seconds: number) {
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 0xffffffff) {
      throw new AntelopeError('INVALID_TIME', `time_point_sec: expected 0..4294967295 seconds, got ${describe(seconds)}`);
    }
    this.seconds = seconds;
  }
  static from(value: TimePointSecType): TimePointSec {
    if (value instanceof TimePointSec) return value;
    if (value instanceof Date) return new TimePointSec(Math.floor(value.getTime() / 1000));
    const us = parseIsoMicros(value, 'time_point_sec');
    return new TimePointSec(Math.floor(us / 1e6));
  }
  static decode(r: BinaryReader): TimePointSec {
    return new TimePointSec(r.u32());
  }
  toDate(): Date {
    return new Date(this.seconds * 1000);
  }
  equals(other: TimePointSecType): boolean {
    return TimePointSec.from(other).seconds === this.seconds;
  }
  toString(): string {
    return formatIsoMicros(this.seconds * 1e6, false);
  }
  toJSON(): string {
    return this.toString();
  }
  encode(w: BinaryWriter): void {
    w.u32(this.seconds);
  }
}
