/**
 * The ISO-8601 form Antelope uses for times: `YYYY-MM-DDTHH:MM:SS[.fff[fff]]`, always UTC, usually
 * without a zone suffix (a trailing `Z` is accepted). Parsed strictly to microseconds.
 */
import { AntelopeError, describe } from './error.js';

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z?$/;

/** Microseconds since the Unix epoch. */
export function parseIsoMicros(s: string, what: string): number {
  const m = typeof s === 'string' ? ISO_RE.exec(s) : null;
  if (!m) throw new AntelopeError('INVALID_TIME', `${what}: expected "YYYY-MM-DDTHH:MM:SS[.sss]", got ${describe(s)}`);
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  // Date.UTC rolls over (month 13 → next year) and maps years 0–99 to 1900+: refuse, not guess
  const d = new Date(ms);
  if (
    !Number.isFinite(ms) ||
    d.getUTCFullYear() !== +m[1]! ||
    d.getUTCMonth() !== +m[2]! - 1 ||
    d.getUTCDate() !== +m[3]! ||
    d.getUTCHours() !== +m[4]! ||
    d.getUTCMinutes() !== +m[5]! ||
    d.getUTCSeconds() !== +m[6]!
  ) {
    throw new AntelopeError('INVALID_TIME', `${what}: not a valid date: ${describe(s)}`);
  }
  const frac = m[7] ? Number(m[7].padEnd(6, '0')) : 0;
  return ms * 1000 + frac;
}

/** `YYYY-MM-DDTHH:MM:SS` plus `.fff` (or `.ffffff` when there are sub-millisecond digits). */
export function formatIsoMicros(us: number, withFraction: boolean): string {
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString(); // 2018-06-15T19:17:47.000Z
  if (!withFraction) return iso.slice(0, 19);
  const sub = us - ms * 1000;
  return sub ? `${iso.slice(0, 23)}${String(sub).padStart(3, '0')}` : iso.slice(0, 23);
}
