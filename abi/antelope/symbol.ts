/**
 * Token symbols. `SymbolCode` is 1–7 upper-case letters packed little-endian into a u64;
 * `AssetSymbol` adds the precision (0–18) in the low byte: binary u64, JSON `"4,EOS"`.
 */
import { AntelopeError, describe } from './error.js';
import type { BinaryWriter } from './binary-writer.js';
import type { BinaryReader } from './binary-reader.js';

export const MAX_PRECISION = 18; // Leap: symbol precision must be ≤ 18

function checkCode(code: string): string {
  if (typeof code !== 'string' || code.length < 1 || code.length > 7) {
    throw new AntelopeError('INVALID_SYMBOL', `symbol code: expected 1 to 7 upper-case letters, got ${describe(code)}`);
  }
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c < 65 || c > 90) throw new AntelopeError('INVALID_SYMBOL', `symbol code: expected upper-case letters A-Z, got ${describe(code)}`);
  }
  return code;
}

function writeCode(w: BinaryWriter, code: string, precision: number | null): void {
  // byte 0 = precision (symbol) or first char (symbol_code); then the characters, zero padded
  w.ensure(8);
  let n = 0;
  if (precision !== null) {
    w.u8(precision);
    n = 1;
  }
  for (let i = 0; i < code.length; i++) w.u8(code.charCodeAt(i));
  for (let i = code.length + n; i < 8; i++) w.u8(0);
}

function readCode(bytes: Uint8Array, what: string): string {
  let code = '';
  let end = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0) {
      end = true;
      continue;
    }
    if (end || c < 65 || c > 90) throw new AntelopeError('DECODE_INVALID', `${what}: invalid symbol code bytes`);
    code += String.fromCharCode(c);
  }
  if (!code) throw new AntelopeError('DECODE_INVALID', `${what}: empty symbol code`);
  return code;
}

export type SymbolCodeType = SymbolCode | string;

export class SymbolCode {
  readonly code: string;
  constructor(code: string) {
    this.code = checkCode(code);
  }
  static from(value: SymbolCodeType): SymbolCode {
    return value instanceof SymbolCode ? value : new SymbolCode(value);
  }
  static decode(r: BinaryReader): SymbolCode {
    return new SymbolCode(readCode(r.raw(8), 'symbol_code'));
  }
  equals(other: SymbolCodeType): boolean {
    return SymbolCode.from(other).code === this.code;
  }
  toString(): string {
    return this.code;
  }
  toJSON(): string {
    return this.code;
  }
  encode(w: BinaryWriter): void {
    writeCode(w, this.code, null);
  }
}

export type AssetSymbolType = AssetSymbol | string;

export class AssetSymbol {
  readonly precision: number;
  readonly code: string;
  constructor(precision: number, code: string) {
    if (!Number.isInteger(precision) || precision < 0 || precision > MAX_PRECISION) {
      throw new AntelopeError('INVALID_SYMBOL', `symbol: expected precision 0..${MAX_PRECISION}, got ${describe(precision)}`);
    }
    this.precision = precision;
    this.code = checkCode(code);
  }
  static from(value: AssetSymbolType): AssetSymbol {
    if (value instanceof AssetSymbol) return value;
    if (typeof value !== 'string') throw new AntelopeError('INVALID_SYMBOL', `symbol: expected "precision,CODE", got ${describe(value)}`);
    const m = /^(\d{1,2}),([A-Z]{1,7})$/.exec(value);
    if (!m) throw new AntelopeError('INVALID_SYMBOL', `symbol: expected "precision,CODE" like "4,EOS", got ${describe(value)}`);
    return new AssetSymbol(Number(m[1]), m[2]!);
  }
  static decode(r: BinaryReader): AssetSymbol {
    const bytes = r.raw(8);
    const precision = bytes[0]!;
    if (precision > MAX_PRECISION) throw new AntelopeError('DECODE_INVALID', `symbol: precision ${precision} exceeds ${MAX_PRECISION}`);
    return new AssetSymbol(precision, readCode(bytes.subarray(1), 'symbol'));
  }
  equals(other: AssetSymbolType): boolean {
    const o = AssetSymbol.from(other);
    return o.precision === this.precision && o.code === this.code;
  }
  toString(): string {
    return `${this.precision},${this.code}`;
  }
  toJSON(): string {
    return this.toString();
  }
  encode(w: BinaryWriter): void {
    writeCode(w, this.code, this.precision);
  }
}
