/**
 * Bounds-checked access to a contract's linear memory. Every guest pointer and length is checked
 * before use; a bad one is a `wasm_execution_error` ("access violation"), never a silent
 * `undefined`. The views are cached and refreshed only when `memory.grow` detached the old buffer
 * (a detached buffer has length 0), so the hot path does not touch `memory.buffer`.
 */
import { ContractError } from './contract-error.js';

const utf8 = new TextDecoder('utf-8');

export class GuestMemory {
  private view: Uint8Array;
  private dv: DataView;

  constructor(readonly memory: WebAssembly.Memory) {
    this.view = new Uint8Array(memory.buffer);
    this.dv = new DataView(memory.buffer);
  }

  /** The memory as bytes (current after growth). */
  bytes(): Uint8Array {
    if (this.view.byteLength === 0) {
      this.view = new Uint8Array(this.memory.buffer);
      this.dv = new DataView(this.memory.buffer);
    }
    return this.view;
  }

  /** Checks `[ptr, ptr + len)` lies in memory and returns the memory bytes. */
  check(ptr: number, len: number, what: string): Uint8Array {
    const mem = this.bytes();
    const p = ptr >>> 0,
      n = len >>> 0;
    if (p + n > mem.length) {
      throw new ContractError(
        'wasm_execution_error',
        `access violation: ${what} [${p}, ${p + n}) is outside the ${mem.length}-byte memory`,
      );
    }
    return mem;
  }

  /** A copy of guest bytes. */
  read(ptr: number, len: number, what: string): Uint8Array {
    const p = ptr >>> 0;
    return this.check(p, len, what).slice(p, p + (len >>> 0));
  }

  write(ptr: number, data: Uint8Array, what: string): void {
    this.check(ptr, data.length, what).set(data, ptr >>> 0);
  }

  /** The u64 at `ptr` (checked by the caller). */
  readU64(ptr: number): bigint {
    return this.dv.getBigUint64(ptr >>> 0, true);
  }

  /** The f64 at `ptr`, checked. */
  readF64(ptr: number, what: string): number {
    this.check(ptr, 8, what);
    return this.dv.getFloat64(ptr >>> 0, true);
  }

  writeF64(ptr: number, value: number, what: string): void {
    this.check(ptr, 8, what);
    this.dv.setFloat64(ptr >>> 0, value, true);
  }

  writeU64(ptr: number, value: bigint, what: string): void {
    this.check(ptr, 8, what);
    this.dv.setBigUint64(ptr >>> 0, value, true);
  }

  /** The length of the NUL-terminated string at `ptr` (which must end inside memory). */
  cstringLength(ptr: number, what: string): number {
    const mem = this.check(ptr, 0, what);
    const p = ptr >>> 0;
    const end = mem.indexOf(0, p);
    if (end < 0) throw new ContractError('wasm_execution_error', `access violation: ${what} at ${p} has no terminating NUL`);
    return end - p;
  }

  /** A NUL-terminated string at `ptr` (to the end of memory at most). */
  cstring(ptr: number, what: string): string {
    return this.text(ptr, this.cstringLength(ptr, what), what);
  }

  text(ptr: number, len: number, what: string): string {
    const p = ptr >>> 0;
    return utf8.decode(this.check(p, len, what).subarray(p, p + (len >>> 0)));
  }
}
