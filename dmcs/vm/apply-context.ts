/**
 * The state of one running action (Leap's `apply_context`): the action, the host, the guest's
 * memory, the iterator cache, the console, the return value and the host-side CPU charge. Every
 * guest pointer and length is checked against the memory before use; a bad one is a
 * `wasm_execution_error` ("access violation"), never a silent `undefined`.
 */
import { ContractError } from './contract-error.js';
import { IteratorCache } from './iterator-cache.js';
import type { ContractAction, ContractHost } from './contract-host.js';
import { BYTES_PER_CPU_UNIT, INTRINSIC_CALL_CPU_UNITS, MAX_CONSOLE_CHARS } from './contract-limits.js';

const utf8 = new TextDecoder('utf-8');

export class ApplyContext {
  readonly iterators = new IteratorCache();
  private consoleParts: string[] = [];
  private consoleChars = 0;
  returnValue: Uint8Array = new Uint8Array(0);
  /** CPU units charged by intrinsics (the wasm side counts in its own gas global). */
  hostUnits = 0;
  private view: Uint8Array;
  private dv: DataView;

  constructor(
    readonly action: ContractAction,
    readonly host: ContractHost,
    readonly memory: WebAssembly.Memory,
    /** The most intrinsics may charge; past it the action fails with `tx_cpu_usage_exceeded`. */
    readonly hostBudget: number,
  ) {
    this.view = new Uint8Array(memory.buffer);
    this.dv = new DataView(memory.buffer);
  }

  /** Charges one intrinsic call touching `bytes` bytes. */
  charge(bytes: number): void {
    this.hostUnits += INTRINSIC_CALL_CPU_UNITS + ((bytes / BYTES_PER_CPU_UNIT) | 0);
    if (this.hostUnits > this.hostBudget) {
      throw new ContractError('tx_cpu_usage_exceeded', `action exceeded its CPU budget of ${this.hostBudget} units in intrinsics`);
    }
  }

  /** The memory as bytes, refreshed after `memory.grow` detached the old buffer. */
  bytes(): Uint8Array {
    if (this.view.buffer !== this.memory.buffer) {
      this.view = new Uint8Array(this.memory.buffer);
      this.dv = new DataView(this.memory.buffer);
    }
    return this.view;
  }

  /** Checks `[ptr, ptr + len)` lies in memory and returns the memory bytes. */
  check(ptr: number, len: number, what: string): Uint8Array {
    const mem = this.bytes();
    const p = ptr >>> 0, n = len >>> 0;
    if (p + n > mem.length) {
      throw new ContractError('wasm_execution_error', `access violation: ${what} [${p}, ${p + n}) is outside the ${mem.length}-byte memory`);
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

  writeU64(ptr: number, value: bigint, what: string): void {
    this.check(ptr, 8, what);
    this.dv.setBigUint64(ptr >>> 0, value, true);
  }

  /** A NUL-terminated string at `ptr` (to the end of memory at most). */
  cstring(ptr: number, what: string): string {
    const mem = this.check(ptr, 0, what);
    const p = ptr >>> 0;
    let end = mem.indexOf(0, p);
    if (end < 0) throw new ContractError('wasm_execution_error', `access violation: ${what} at ${p} has no terminating NUL`);
    return utf8.decode(mem.subarray(p, end));
  }

  text(ptr: number, len: number, what: string): string {
    const p = ptr >>> 0;
    return utf8.decode(this.check(p, len, what).subarray(p, p + (len >>> 0)));
  }

  print(s: string): void {
    if (this.consoleChars >= MAX_CONSOLE_CHARS) return;
    const room = MAX_CONSOLE_CHARS - this.consoleChars;
    const part = s.length > room ? s.slice(0, room) : s;
    this.consoleParts.push(part);
    this.consoleChars += part.length;
  }

  get console(): string { return this.consoleParts.join(''); }
}
