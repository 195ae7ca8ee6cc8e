/**
 * The per-instance state every ISA implementation is bound to: which app is running, what it was
 * granted, its limits, its guest memory and `cabi_realloc`, and the helpers that write results
 * into return areas exactly as isa/CORE-ABI.md lays them out.
 *
 * Host functions are created once per instance and close over this object; nothing on the hot
 * path allocates (views are cached in {@link GuestMemory}). The lifecycle (binding memory after
 * instantiation, setting the current command) belongs to the instance, not to host functions.
 */
import { GuestMemory } from '../../abi/guest-memory.js';
import { BoundaryError, type IsaErrorCode } from '../../abi/boundary-errors.js';
import type { Grants } from '../capabilities.js';
import type { BridgeOp } from '../host-bridge/bridge-protocol.js';
import type { AppLimits } from '../limits.js';

export type LogSink = (app: string, level: number, message: string) => void;

/** The main-thread services `chain`, `dmcs`, `fs` (its key), `store` and `host` reach through (runtime/host-bridge), as the worker sees them. */
export interface IsaBridge {
  /** Runs `op` in the main thread and waits (synchronously) for its answer. */
  call(op: BridgeOp, payload: Uint8Array): { ok: true; bytes: Uint8Array } | { ok: false; code: number };
}

export interface IsaEnvironment {
  /** `$PEEROS_HOME`. */
  home: string;
  /** Directory of the app's private storage. */
  dataDir: string;
  /** Messages below this level are not recorded (0 trace … 4 error). */
  logLevel: number;
  logSink: LogSink;
  /** Absent: `chain` and `dmcs` answer `unavailable`, and new drives are not encrypted. */
  bridge?: IsaBridge;
}

/**
 * A memory with no pages, shared by every context until its real memory is bound: every access
 * through it is out of bounds (a typed trap). Zero bytes, so sharing it shares nothing.
 */
let noMemory: GuestMemory | undefined;
const NO_MEMORY = () => (noMemory ??= new GuestMemory(new WebAssembly.Memory({ initial: 0, maximum: 0 })));

export class IsaContext {
  /** The guest's memory; a zero-page stand-in until {@link bind} (so a start function calling an import traps cleanly). */
  mem: GuestMemory = NO_MEMORY();
  /** Current command (for messages). */
  command = '';
  #realloc: (oldPtr: number, oldSize: number, align: number, newSize: number) => number = () => {
    throw new BoundaryError('BAD_POINTER', 'the guest called an import before it was instantiated (start functions must not call imports)');
  };

  constructor(
    readonly app: string,
    readonly grants: Grants,
    readonly limits: AppLimits,
    readonly env: IsaEnvironment,
  ) {}

  /** Binds the instance's memory and allocator (called once, right after instantiation). */
  bind(memory: WebAssembly.Memory, realloc: (a: number, b: number, c: number, d: number) => number): void {
    this.mem = new GuestMemory(memory);
    this.#realloc = realloc;
  }

  /** Allocates `len` bytes in the guest with `cabi_realloc(0, 0, 1, len)` and checks what came back. */
  alloc(len: number, what: string): number {
    const ptr = this.#realloc(0, 0, 1, len) >>> 0;
    const m = this.mem;
    m.refresh();
    if (ptr + len > m.u8.length) m.fail(ptr, len, `${what}: cabi_realloc result`);
    return ptr;
  }

  /** Checks a 12-byte, 4-aligned `result<list<u8>, error-code>` return area. */
  checkBytesArea(retptr: number, what: string): void {
    const m = this.mem;
    m.refresh();
    if (retptr < 0 || retptr + 12 > m.u8.length || (retptr & 3) !== 0) m.checkArea(retptr, 12, 4, `${what} return area`);
  }

  /** Checks a 2-byte `result<_, error-code>` return area. */
  checkUnitArea(retptr: number, what: string): void {
    const m = this.mem;
    m.refresh();
    if (retptr < 0 || retptr + 2 > m.u8.length) m.check(retptr, 2, `${what} return area`);
  }

  /** ok(list) whose bytes are already at `ptr` in guest memory. */
  okAt(retptr: number, ptr: number, len: number): void {
    const m = this.mem;
    m.refresh();
    m.u8[retptr] = 0;
    m.dv.setUint32(retptr + 4, ptr, true);
    m.dv.setUint32(retptr + 8, len, true);
  }

  /** ok(list): copies `bytes` into a fresh guest allocation and writes the return area. */
  okBytes(retptr: number, bytes: Uint8Array, what: string): void {
    const ptr = this.alloc(bytes.length, what);
    this.mem.u8.set(bytes, ptr);
    this.okAt(retptr, ptr, bytes.length);
  }

  /** err(code) into a `result<list<u8>, error-code>` area. */
  errBytes(retptr: number, code: IsaErrorCode): void {
    const u8 = this.mem.u8;
    u8[retptr] = 1;
    u8[retptr + 4] = code;
  }

  /** ok(_) into a `result<_, error-code>` area. */
  okUnit(retptr: number): void {
    this.mem.u8[retptr] = 0;
  }

  /** err(code) into a `result<_, error-code>` area. */
  errUnit(retptr: number, code: IsaErrorCode): void {
    const u8 = this.mem.u8;
    u8[retptr] = 1;
    u8[retptr + 1] = code;
  }

  /** Refuses a guest list/string longer than the per-call byte limit (typed trap). */
  checkSize(len: number, what: string): void {
    if (len > this.limits.hostCallBytes) {
      throw new BoundaryError('LIMIT_EXCEEDED', `${what} is ${len} bytes, above the host-call limit of ${this.limits.hostCallBytes}`);
    }
  }
}

/** The host functions of one ISA interface, keyed by WIT function name. */
export type InterfaceImpl = Record<string, (...args: never[]) => unknown>;
/** Creates an interface's host functions bound to a context. */
export type InterfaceFactory = (ctx: IsaContext) => InterfaceImpl;
