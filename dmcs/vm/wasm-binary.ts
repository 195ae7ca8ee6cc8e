/**
 * The few pieces of the WebAssembly binary format the contract VM reads and rewrites: LEB128,
 * sections, and the import / memory / table / global / export / start entries. Spec:
 * https://webassembly.github.io/spec/core/binary/modules.html. Malformed input throws a
 * `ContractError('wasm_serialization_error')` naming the offset.
 */
import { ContractError } from './contract-error.js';

export const SECTION = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
  tag: 13,
} as const;

/** Position of each known section in a valid module (tag sits between memory and global). */
export const SECTION_ORDER: Record<number, number> = {
  1: 1,
  2: 2,
  3: 3,
  4: 4,
  5: 5,
  13: 6,
  6: 7,
  7: 8,
  8: 9,
  9: 10,
  12: 11,
  10: 12,
  11: 13,
};

export interface Section {
  id: number;
  /** Bytes of the section payload (without id and size). */
  body: Uint8Array;
}

export function malformed(what: string, offset: number): ContractError {
  return new ContractError('wasm_serialization_error', `malformed wasm: ${what} at byte ${offset}`);
}

/** A cursor over wasm bytes. */
export class WasmReader {
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    pos = 0,
  ) {
    this.pos = pos;
  }

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  byte(): number {
    if (this.pos >= this.bytes.length) throw malformed('unexpected end', this.pos);
    return this.bytes[this.pos++]!;
  }

  u32(): number {
    let result = 0,
      shift = 0,
      b: number;
    do {
      b = this.byte();
      if (shift === 28 && (b & 0x70) !== 0) throw malformed('u32 out of range', this.pos - 1);
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80 && shift < 35);
    if (b & 0x80) throw malformed('u32 too long', this.pos);
    return result >>> 0;
  }

  /** A signed LEB of up to `bits` bits, returned as a number (exact for ≤ 53 bits; callers only skip larger). */
  sleb(bits: 33 | 32 | 64): number {
    let result = 0,
      mul = 1,
      b: number,
      n = 0;
    const max = Math.ceil(bits / 7);
    do {
      b = this.byte();
      result += (b & 0x7f) * mul;
      mul *= 128;
      n++;
    } while (b & 0x80 && n < max);
    if (b & 0x80) throw malformed('signed integer too long', this.pos);
    if (b & 0x40) result -= mul;
    return result;
  }

  take(n: number): Uint8Array {
    if (n > this.bytes.length - this.pos) throw malformed('length past the end', this.pos);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  name(): string {
    const at = this.pos;
    const bytes = this.take(this.u32());
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw malformed('name is not valid UTF-8', at);
    }
  }

  /** Resizable limits: `{min, max?}` (flag 0/1; shared or 64-bit memories are refused). */
  limits(): { min: number; max?: number } {
    const at = this.pos;
    const flag = this.byte();
    if (flag === 0) return { min: this.u32() };
    if (flag === 1) return { min: this.u32(), max: this.u32() };
    throw malformed(`unsupported limits flag ${flag} (shared or 64-bit memory)`, at);
  }
}

/** Splits a module into its sections after checking the magic and version. */
export function readSections(wasm: Uint8Array): Section[] {
  if (wasm.length < 8 || wasm[0] !== 0 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d) {
    throw new ContractError('wasm_serialization_error', 'not a wasm module (missing \\0asm magic)');
  }
  if (wasm[4] !== 1 || wasm[5] !== 0 || wasm[6] !== 0 || wasm[7] !== 0) {
    throw new ContractError('wasm_serialization_error', 'unsupported wasm version (expected 1)');
  }
  const r = new WasmReader(wasm, 8);
  const out: Section[] = [];
  let last = 0;
  while (!r.done) {
    const at = r.pos;
    const id = r.byte();
    const size = r.u32();
    const body = r.take(size);
    if (id !== SECTION.custom) {
      const order = SECTION_ORDER[id];
      if (order === undefined) throw malformed(`unknown section id ${id}`, at);
      if (order <= last) throw malformed(`section ${id} out of order or repeated`, at);
      last = order;
    }
    out.push({ id, body });
  }
  return out;
}

/** Growable byte output. */
export class WasmWriter {
  private buf = new Uint8Array(1024);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): this {
    this.room(1);
    this.buf[this.length++] = b;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  u32(v: number): this {
    v >>>= 0;
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.byte(b);
    } while (v !== 0);
    return this;
  }

  /** Signed LEB of a safe integer (|v| < 2^53). */
  sleb(v: number): this {
    for (;;) {
      const b = v & 0x7f;
      v = Math.floor(v / 128);
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        this.byte(b);
        return this;
      }
      this.byte(b | 0x80);
    }
  }

  name(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.u32(b.length).bytes(b);
  }

  /** A length-prefixed copy of another writer's output. */
  sized(w: WasmWriter): this {
    return this.u32(w.length).bytes(w.finish());
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** Reassembles a module from sections (custom sections are written where they stand). */
export function writeModule(sections: Section[]): Uint8Array {
  const w = new WasmWriter();
  w.bytes(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  for (const s of sections) w.byte(s.id).u32(s.body.length).bytes(s.body);
  return w.finish().slice();
}
