/**
 * Bounds-checked access to a guest's linear memory.
 *
 * Every pointer and length the guest hands the host goes through {@link GuestMemory.check}:
 * negative values, `ptr + len` overflowing 32 bits, or a range past `memory.buffer.byteLength`
 * raise a {@link BoundaryError} `BAD_POINTER` (a typed trap), never an `undefined` read.
 *
 * The `Uint8Array` and `DataView` over the memory are cached and rebuilt only when
 * `memory.buffer` changes (after `memory.grow`, from the guest or from a `cabi_realloc` the host
 * called), so the hot path allocates nothing. Callers must call {@link GuestMemory.refresh} (or any
 * method that does) after calling back into the guest.
 */
import { BoundaryError } from './boundary-errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lossy = new TextDecoder('utf-8', { fatal: false });
const encoder = new TextEncoder();

/** 2^32: a wasm32 address range never reaches it. */
const ADDRESS_SPACE = 0x1_0000_0000;

export class GuestMemory {
  /** Cached byte view of the current buffer. Valid until the memory grows. */
  u8: Uint8Array;
  /** Cached little-endian accessor of the current buffer. */
  dv: DataView;
  #buffer: ArrayBuffer;

  constructor(readonly memory: WebAssembly.Memory) {
    this.#buffer = memory.buffer;
    this.u8 = new Uint8Array(this.#buffer);
    this.dv = new DataView(this.#buffer);
  }

  /**
   * Rebuilds the views if the memory grew since they were made. Cheap when it did not: growing a
   * (non-shared) wasm memory detaches its old ArrayBuffer, so a cached view of length 0 is the
   * signal, and the slower `memory.buffer` getter is consulted only then.
   */
  refresh(): void {
    if (this.u8.length !== 0) return;
    const buf = this.memory.buffer;
    if (buf !== this.#buffer) {
      this.#buffer = buf;
      this.u8 = new Uint8Array(buf);
      this.dv = new DataView(buf);
    }
  }

  /**
   * Checks that `[ptr, ptr + len)` lies inside linear memory; refreshes the views first.
   * `what` names the value in the error (e.g. `log.write message`).
   */
  check(ptr: number, len: number, what: string): void {
    this.refresh();
    if (ptr < 0 || len < 0 || ptr + len > this.u8.length) this.fail(ptr, len, what);
  }

  /** Slow path of {@link check}: builds the precise message. */
  fail(ptr: number, len: number, what: string): never {
    if (!Number.isInteger(ptr) || !Number.isInteger(len)) {
      throw new BoundaryError('BAD_POINTER', `${what}: pointer ${ptr} / length ${len} are not integers`);
    }
    if (ptr < 0) throw new BoundaryError('BAD_POINTER', `${what}: negative pointer ${ptr}`);
    if (len < 0) throw new BoundaryError('BAD_POINTER', `${what}: negative length ${len}`);
    if (ptr + len >= ADDRESS_SPACE) {
      throw new BoundaryError('BAD_POINTER', `${what}: pointer ${ptr} + length ${len} overflows the 32-bit address space`);
    }
    throw new BoundaryError('BAD_POINTER', `${what}: range [${ptr}, ${ptr + len}) is outside linear memory (${this.u8.length} bytes)`);
  }

  /** Checks an aligned return area of `size` bytes at `ptr`. */
  checkArea(ptr: number, size: number, align: number, what: string): void {
    this.check(ptr, size, what);
    if (ptr % align !== 0) throw new BoundaryError('BAD_POINTER', `${what}: pointer ${ptr} is not ${align}-byte aligned`);
  }

  /** A copy of `[ptr, ptr + len)`. */
  copyOut(ptr: number, len: number, what: string): Uint8Array {
    this.check(ptr, len, what);
    return this.u8.slice(ptr, ptr + len);
  }

  /** A view of `[ptr, ptr + len)`; valid only until the guest runs again. */
  view(ptr: number, len: number, what: string): Uint8Array {
    this.check(ptr, len, what);
    return this.u8.subarray(ptr, ptr + len);
  }

  /** Decodes strict UTF-8 at `[ptr, ptr + len)`; bad UTF-8 is `INVALID_VALUE`. */
  readString(ptr: number, len: number, what: string): string {
    this.check(ptr, len, what);
    try {
      return utf8.decode(this.u8.subarray(ptr, ptr + len));
    } catch {
      throw new BoundaryError('INVALID_VALUE', `${what}: not valid UTF-8`);
    }
  }

  /** Decodes UTF-8 at `[ptr, ptr + len)`, replacing bad sequences (for log text). */
  readStringLossy(ptr: number, len: number, what: string): string {
    this.check(ptr, len, what);
    return utf8Lossy.decode(this.u8.subarray(ptr, ptr + len));
  }

  /** Copies `bytes` to `ptr` after checking the destination. */
  write(ptr: number, bytes: Uint8Array, what: string): void {
    this.check(ptr, bytes.length, what);
    this.u8.set(bytes, ptr);
  }

  /** Writes a `u8` at `ptr` (checked). */
  writeU8(ptr: number, value: number, what: string): void {
    this.check(ptr, 1, what);
    this.u8[ptr] = value;
  }

  /** Writes a little-endian `u32` at `ptr` (checked). */
  writeU32(ptr: number, value: number, what: string): void {
    this.check(ptr, 4, what);
    this.dv.setUint32(ptr, value, true);
  }

  /** Reads a little-endian `u32` at `ptr` (checked). */
  readU32(ptr: number, what: string): number {
    this.check(ptr, 4, what);
    return this.dv.getUint32(ptr, true);
  }
}

/** UTF-8 bytes of `s` (one shared encoder). */
export function utf8Bytes(s: string): Uint8Array {
  return encoder.encode(s);
}
