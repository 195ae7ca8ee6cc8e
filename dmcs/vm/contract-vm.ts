/**
 * The contract VM: runs Antelope contract wasm against the Antelope intrinsics.
 *
 * - `validate(wasm)` is what `setcode` calls: it refuses unknown imports (naming them), memories
 *   over 33 MiB and instructions outside the deterministic subset (see contract-module.ts).
 * - `ContractVm.apply(wasm, action, host)` runs one action: it compiles the module once per code
 *   hash (an LRU cache of `WebAssembly.Module`s), instantiates it fresh for every action (a new
 *   memory, like Antelope), runs the wasm start function if the contract has one, then
 *   `apply(receiver, code, action)`.
 * - Execution is bounded and deterministic: memory by the clamped 33 MiB maximum, CPU by
 *   instruction metering compiled into the module (docs/contract-vm.md); both failures are typed
 *   (`page_memory_error`, `tx_cpu_usage_exceeded`). Traps become `wasm_execution_error`.
 *
 * The VM never rolls anything back: if `apply` throws, the host undoes the action's writes.
 */
import { createHash } from 'node:crypto';
import { ContractError } from './contract-error.js';
import { ApplyContext } from './apply-context.js';
import { createIntrinsics, type ContextSlot } from './intrinsics.js';
import { prepareContract, EXPORT_GAS, EXPORT_MEMORY, EXPORT_START, type PreparedContract } from './contract-module.js';
import type { ApplyResult, ContractAction, ContractHost } from './contract-host.js';
import { DEFAULT_CPU_UNITS, MODULE_CACHE_ENTRIES } from './contract-limits.js';

export { ContractError } from './contract-error.js';
export type * from './contract-host.js';

/** Validates contract wasm for `setcode`; throws `ContractError` naming the problem. */
export function validate(wasm: Uint8Array): void {
  prepareContract(wasm);
}

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
  [EXPORT_MEMORY]: WebAssembly.Memory;
  [EXPORT_START]?: () => void;
}

export class ContractVm {
  private readonly cache = new Map<string, CompiledContract>();
  private readonly byBytes = new WeakMap<Uint8Array, CompiledContract>();
  private readonly slot: ContextSlot = { ctx: null };
  private readonly imports: WebAssembly.Imports;

  constructor() {
    this.imports = { env: createIntrinsics(this.slot) as unknown as WebAssembly.ModuleImports };
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
      const prepared = prepareContract(wasm);
      let module: WebAssembly.Module;
      try {
        module = new WebAssembly.Module(prepared.wasm);
      } catch (e) {
        throw new ContractError('wasm_serialization_error', `contract wasm does not compile: ${(e as Error).message}`);
      }
      compiled = { codeHash: hash, module, prepared: { imports: prepared.imports, hasStart: prepared.hasStart, hasMemory: prepared.hasMemory } };
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
    let instance: WebAssembly.Instance;
    try {
      instance = new WebAssembly.Instance(compiled.module, this.imports);
    } catch (e) {
      throw this.trap(e, undefined);
    }
    const ex = instance.exports as unknown as Exports;
    const gas = ex[EXPORT_GAS];
    gas.value = BigInt(budget);
    const ctx = new ApplyContext(action, host, ex[EXPORT_MEMORY], budget);
    this.slot.ctx = ctx;
    try {
      ex[EXPORT_START]?.();
      ex.apply(action.receiver, action.account, action.name);
    } catch (e) {
      throw this.trap(e, gas);
    } finally {
      this.slot.ctx = null;
    }
    const wasmUnits = budget - Number(gas.value as bigint);
    const cpuUnits = wasmUnits + ctx.hostUnits;
    if (cpuUnits > budget) {
      throw new ContractError('tx_cpu_usage_exceeded', `action used ${cpuUnits} CPU units; the budget is ${budget}`);
    }
    return { console: ctx.console, returnValue: ctx.returnValue, cpuUnits };
  }

  /** Maps whatever a run threw to a typed error (host and contract errors pass through). */
  private trap(e: unknown, gas: WebAssembly.Global | undefined): Error {
    if (e instanceof ContractError) return e;
    if (gas && (gas.value as bigint) < 0n) {
      return new ContractError('tx_cpu_usage_exceeded', 'action exceeded its CPU budget (metered wasm instructions)');
    }
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      return new ContractError('wasm_execution_error', 'contract exceeded the call depth (stack overflow)');
    }
    if (e instanceof WebAssembly.RuntimeError) {
      return new ContractError('wasm_execution_error', `contract trapped: ${e.message}`);
    }
    if (e instanceof WebAssembly.LinkError || e instanceof WebAssembly.CompileError) {
      return new ContractError('wasm_execution_error', `contract could not be instantiated: ${e.message}`);
    }
    if (e instanceof RangeError && /memory/i.test(e.message)) {
      return new ContractError('page_memory_error', `contract memory could not be allocated: ${e.message}`);
    }
    return e instanceof Error ? e : new Error(String(e));
  }
}
