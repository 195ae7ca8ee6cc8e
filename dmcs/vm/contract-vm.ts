/**
 * The contract VM: runs Antelope contract wasm against the Antelope intrinsics.
 *
 * - `validate(wasm)` is what `setcode` calls: it refuses unknown imports (naming them), memories
 *   over 33 MiB and instructions outside the deterministic subset (see contract-module.ts).
 * - `ContractVm.apply(wasm, action, host)` runs one action: it compiles the module once per code
 *   hash (an LRU cache of `WebAssembly.Module`s), gives every action an instance in its initial
 *   state (like Antelope), runs the wasm start function if the contract has one, then
 *   `apply(receiver, code, action)`.
 * - Instantiation costs ≈ 120 µs in V8 (mostly the memory reservation), more than a whole token
 *   transfer, so an instance is reused: its whole state is its memory and mutable globals (tables
 *   are immutable, see cpu-metering.ts), snapshotted right after instantiation and restored before
 *   the next action, which is then indistinguishable from a fresh instance. An instance whose
 *   memory grew is dropped (memory cannot shrink); one whose initial memory is over
 *   `POOLED_MEMORY_MAX_BYTES` is never kept.
 * - Execution is bounded and deterministic: memory by the clamped 33 MiB maximum, CPU by
 *   instruction metering compiled into the module (docs/contract-vm.md); both failures are typed
 *   (`page_memory_error`, `tx_cpu_usage_exceeded`); call depth is counted too (≤ 250, Antelope's).
 *   Traps become `wasm_execution_error`.
 *
 * The VM never rolls anything back: if `apply` throws, the host undoes the action's writes.
 */
import { createHash } from 'node:crypto';
import { ContractError } from './contract-error.js';
import { ApplyContext } from './apply-context.js';
import { GuestMemory } from './guest-memory.js';
import { createIntrinsics, type ContextSlot } from './intrinsics.js';
import { createSecondaryIntrinsics } from './secondary-intrinsics.js';
import {
  prepareContract,
  type ContractModuleOptions,
  EXPORT_DEPTH,
  EXPORT_GAS,
  EXPORT_MEMORY,
  EXPORT_START,
  type PreparedContract,
} from './contract-module.js';
import type { ApplyResult, ContractAction, ContractHost } from './contract-host.js';
import { DEFAULT_CPU_UNITS, MAX_CALL_DEPTH, MODULE_CACHE_ENTRIES, POOLED_MEMORY_MAX_BYTES } from './contract-limits.js';
import { isAllocationFailure, isStackOverflow } from '../../lib/foreign-errors.js';

export { ContractError } from './contract-error.js';
export type * from './contract-host.js';

/**
 * Validates contract wasm for `setcode`; throws `ContractError` naming the problem. Pass the same
 * `secondaryIndexes` option as the node's `ContractVm`.
 */
export function validate(wasm: Uint8Array, opts: ContractModuleOptions = {}): void {
  prepareContract(wasm, opts);
}

export interface ContractVmOptions extends ContractModuleOptions {}

/** A validated, instrumented and compiled contract. */
export interface CompiledContract {
  readonly codeHash: string;
  readonly module: WebAssembly.Module;
  readonly prepared: Omit<PreparedContract, 'wasm'>;
}

export interface ApplyOptions {
  /** Hex sha256 of `wasm` when the caller knows it (saves hashing on cache lookups). */
  codeHash?: string;
  /** CPU budget in metered units; default `DEFAULT_CPU_UNITS`. */
  cpuUnits?: number;
}

interface Exports {
  apply: (receiver: bigint, code: bigint, action: bigint) => void;
  [EXPORT_GAS]: WebAssembly.Global;
  [EXPORT_DEPTH]: WebAssembly.Global;
  [EXPORT_MEMORY]: WebAssembly.Memory;
  [EXPORT_START]?: () => void;
}

/** An instance with what it takes to put it back in its initial state. */
interface PooledInstance {
  exports: Exports;
  memory: WebAssembly.Memory;
  mem: GuestMemory;
  gas: WebAssembly.Global;
  depth: WebAssembly.Global;
  globals: WebAssembly.Global[];
  globalValues: unknown[];
  /** Memory bytes right after instantiation (before the start function). */
  snapshot: Uint8Array;
}

export class ContractVm {
  private readonly cache = new Map<string, CompiledContract>();
  private readonly idle = new WeakMap<CompiledContract, PooledInstance>();
  private readonly byBytes = new WeakMap<Uint8Array, CompiledContract>();
  private readonly slot: ContextSlot = { ctx: null };
  /** The metered units the last `apply` ran before it failed (0 after one that succeeded): what a failed transaction is billed. */
  failedUnits = 0;
  private readonly imports: WebAssembly.Imports;

  private readonly opts: ContractVmOptions;

  /** `secondaryIndexes: true` needs a host implementing `ContractDatabase.findIndex/createIndex`. */
  constructor(opts: ContractVmOptions = {}) {
    this.opts = { ...opts };
    const env = { ...createIntrinsics(this.slot), ...(opts.secondaryIndexes ? createSecondaryIntrinsics(this.slot) : {}) };
    this.imports = { env: env as unknown as WebAssembly.ModuleImports };
  }

  /** Validates, instruments and compiles `wasm`, or returns the cached compilation of the same code. */
  compile(wasm: Uint8Array, codeHash?: string): CompiledContract {
    const known = this.byBytes.get(wasm);
    if (known && (!codeHash || known.codeHash === codeHash)) return known;
    const hash = codeHash ?? createHash('sha256').update(wasm).digest('hex');
    let compiled = this.cache.get(hash);
    if (compiled) {
      this.cache.delete(hash); // refresh its LRU position
    } else {
      const prepared = prepareContract(wasm, this.opts);
      let module: WebAssembly.Module;
      try {
        module = new WebAssembly.Module(prepared.wasm);
      } catch (e) {
        throw new ContractError('wasm_serialization_error', `contract wasm does not compile: ${(e as Error).message}`);
      }
      compiled = {
        codeHash: hash,
        module,
        prepared: {
          imports: prepared.imports,
          hasStart: prepared.hasStart,
          hasMemory: prepared.hasMemory,
          mutableGlobals: prepared.mutableGlobals,
        },
      };
      if (this.cache.size >= MODULE_CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(hash, compiled);
    this.byBytes.set(wasm, compiled);
    return compiled;
  }

  /** Runs one action of a contract. Throws `ContractError` (or the host's own error) on failure. */
  apply(code: Uint8Array | CompiledContract, action: ContractAction, host: ContractHost, opts: ApplyOptions = {}): ApplyResult {
    if (this.slot.ctx) throw new ContractError('wasm_execution_error', 'ContractVm.apply is not reentrant: an action is already running');
    const compiled = code instanceof Uint8Array ? this.compile(code, opts.codeHash) : code;
    const budget = opts.cpuUnits ?? DEFAULT_CPU_UNITS;
    if (!Number.isSafeInteger(budget) || budget < 0) {
      throw new RangeError(`ContractVm.apply: opts.cpuUnits must be a non-negative integer, got ${budget}`);
    }
    const inst = this.acquire(compiled);
    const ex = inst.exports;
    const gas = inst.gas;
    gas.value = BigInt(budget);
    inst.depth.value = 0;
    const ctx = new ApplyContext(action, host, inst.mem, budget);
    this.slot.ctx = ctx;
    this.failedUnits = 0;
    try {
      ex[EXPORT_START]?.();
      ex.apply(action.receiver, action.account, action.name);
    } catch (e) {
      this.failedUnits = Math.min(budget, budget - Number(gas.value as bigint) + ctx.hostUnits);
      throw this.trap(e, gas, inst.depth);
    } finally {
      this.slot.ctx = null;
      if (inst.snapshot.length <= POOLED_MEMORY_MAX_BYTES) this.idle.set(compiled, inst);
    }
    const wasmUnits = budget - Number(gas.value as bigint);
    const cpuUnits = wasmUnits + ctx.hostUnits;
    if (cpuUnits > budget) {
      this.failedUnits = budget;
      throw new ContractError('tx_cpu_usage_exceeded', `action used ${cpuUnits} CPU units; the budget is ${budget}`);
    }
    return { console: ctx.console, returnValue: ctx.returnValue, cpuUnits };
  }

  /** An instance of `compiled` in its initial state: the idle one reset, or a new one. */
  private acquire(compiled: CompiledContract): PooledInstance {
    const inst = this.idle.get(compiled);
    if (inst) {
      this.idle.delete(compiled);
      const bytes = inst.mem.bytes();
      if (bytes.length === inst.snapshot.length) {
        bytes.set(inst.snapshot);
        for (let i = 0; i < inst.globals.length; i++) inst.globals[i]!.value = inst.globalValues[i];
        return inst;
      }
    }
    let instance: WebAssembly.Instance;
    try {
      instance = new WebAssembly.Instance(compiled.module, this.imports);
    } catch (e) {
      throw this.trap(e);
    }
    const exports = instance.exports as unknown as Exports;
    const globals = compiled.prepared.mutableGlobals.map((name) => (instance.exports as Record<string, WebAssembly.Global>)[name]!);
    const memory = exports[EXPORT_MEMORY];
    return {
      exports,
      memory,
      mem: new GuestMemory(memory),
      gas: exports[EXPORT_GAS],
      depth: exports[EXPORT_DEPTH],
      globals,
      globalValues: globals.map((g) => g.value),
      snapshot: new Uint8Array(memory.buffer).slice(),
    };
  }

  /** Maps whatever a run threw to a typed error (host and contract errors pass through). */
  private trap(e: unknown, gas?: WebAssembly.Global, depth?: WebAssembly.Global): Error {
    if (e instanceof ContractError) return e;
    if (gas && (gas.value as bigint) < 0n) {
      return new ContractError('tx_cpu_usage_exceeded', 'action exceeded its CPU budget (metered wasm instructions)');
    }
    if (depth && (depth.value as number) > MAX_CALL_DEPTH) {
      return new ContractError('wasm_execution_error', `contract exceeded the maximum call depth of ${MAX_CALL_DEPTH}`);
    }
    if (isStackOverflow(e)) {
      return new ContractError('wasm_execution_error', 'contract exceeded the call depth (stack overflow)');
    }
    if (e instanceof WebAssembly.RuntimeError) {
      return new ContractError('wasm_execution_error', `contract trapped: ${e.message}`);
    }
    if (e instanceof WebAssembly.LinkError || e instanceof WebAssembly.CompileError) {
      return new ContractError('wasm_execution_error', `contract could not be instantiated: ${e.message}`);
    }
    if (isAllocationFailure(e)) {
      return new ContractError('page_memory_error', `contract memory could not be allocated: ${(e as Error).message}`);
    }
    return e instanceof Error ? e : new Error(String(e));
  }
}
