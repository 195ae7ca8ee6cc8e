/**
 * `peeros invoke`: run one export of any WebAssembly module without installing it, in the same
 * sandbox as apps — its own worker, the CPU deadline, the memory cap, every check of
 * module-loader/wasm-sections — with NO capability linked.
 *
 *   const m = await InvokeModule.open(bytes, { name: 'add.wasm', bindings: dts });
 *   m.exports;                                   // what --list prints
 *   const sig = m.signature('greet');            // from the bindings, the flags or the wasm types
 *   await m.call('greet', sig, ['world']);       // → { value: 'Hello, world!' }
 *   await m.close();
 *
 * Three kinds of module:
 * - `sdk`: built with our SDK (exports the command entry and `cabi_realloc`): called through its own
 *   glue (app-worker.js, msgpack), FUNCTION being its command; any ISA import is refused
 *   (CAPABILITY_DENIED naming it), since nothing is granted.
 * - `assemblyscript`: exports AssemblyScript's runtime (`__new`, `__pin`, `__unpin`,
 *   `__rtti_base`: `asc --exportRuntime`): strings and arrays lifted and lowered by
 *   `@assemblyscript/loader` (invoke-worker.js).
 * - `plain`: anything else: numbers only.
 * The last two may import env.abort/trace/seed only (as-env.ts).
 */
import { COMMAND_EXPORT } from '../isa/generated/imports.js';
import { pack, unpackGuest } from '../abi/msgpack/codec.js';
import { terminalText } from '../lib/terminal-text.js';
import { HostError } from './errors.js';
import { MAX_DECODED_VALUES, MAX_MODULE_BYTES, resolveLimits, type AppLimits } from './limits.js';
import { readModuleInfo, formatType, type FuncType, type ModuleInfo } from './sandbox/wasm-sections.js';
import { clampMemory } from './sandbox/memory-limits.js';
import { checkExports, findIsaImport, planImports, REALLOC_EXPORT } from './sandbox/linker.js';
import { checkAsEnvImports } from './sandbox/as-env.js';
import { AppProcess, type LogHandler } from './sandbox/app-process.js';
import { loaderSafeExportName, type InvokeCall, type WireValue } from './sandbox/invoke-instance.js';
import { parseBindings, type BoundExport } from './sandbox/as-bindings.js';
import { coreType, isManaged, typeFromValType, typeName, type InvokeType } from './sandbox/invoke-types.js';
import type { WorkerSpec } from './sandbox/worker-protocol.js';

export type ModuleKind = 'sdk' | 'assemblyscript' | 'plain';

/** The runtime exports `asc --exportRuntime` adds; all present means the loader can lift. */
const AS_RUNTIME_EXPORTS = ['__new', '__pin', '__unpin', '__rtti_base'] as const;
const INVOKE_WORKER = new URL('./sandbox/invoke-worker.js', import.meta.url);
const decoder = new TextDecoder();

export interface InvokeOptions {
  /** Names the module in messages and log lines (the file name). */
  name?: string;
  /** AssemblyScript's bindings `.d.ts` text, if it ships one. */
  bindings?: string;
  cpuMs?: number;
  memoryPages?: number;
  /** Where trace lines (and an SDK module's log lines) go. */
  onLog?: LogHandler;
}

/** One exported function as `--list` shows it. */
export interface ExportSummary {
  name: string;
  /** The core wasm signature, e.g. `(i32, i32) -> (i32)`. */
  wasm: string;
  /** The AssemblyScript types from the bindings, if shipped. */
  bindings?: { params: string[]; result: string };
  /** Types the loader lifts and lowers, when known (bindings or plain numbers). */
  params?: string[];
  result?: string;
  /** True when `invoke` can call it without --arg-types/--result-type. */
  callable: boolean;
  /** Why not, when not. */
  note?: string;
}

export interface Signature {
  params: InvokeType[];
  result: InvokeType;
}

/** The result of a call: the JSON-able value (i64 as a decimal string) and its type's name. */
export interface InvokeResult {
  value: unknown;
  type: string;
}

export class InvokeModule {
  readonly #info: ModuleInfo;
  readonly #bound: Map<string, BoundExport>;
  readonly #proc: AppProcess;

  private constructor(
    readonly name: string,
    readonly kind: ModuleKind,
    readonly limits: AppLimits,
    info: ModuleInfo,
    bound: Map<string, BoundExport>,
    proc: AppProcess,
  ) {
    this.#info = info;
    this.#bound = bound;
    this.#proc = proc;
  }

  /** Inspects and compiles `bytes` (nothing runs until the first call). Throws HostError naming what is refused. */
  static async open(bytes: Uint8Array, opts: InvokeOptions = {}): Promise<InvokeModule> {
    const name = opts.name ?? '(module)';
    const limits = resolveLimits({
      ...(opts.cpuMs !== undefined ? { cpuMs: opts.cpuMs } : {}),
      ...(opts.memoryPages !== undefined ? { memoryPages: opts.memoryPages } : {}),
    });
    if (bytes.length > MAX_MODULE_BYTES)
      throw HostError.limit(`${name}: module is ${bytes.length} bytes, above the host maximum of ${MAX_MODULE_BYTES}`, { app: name });
    const info = readModuleInfo(bytes);
    const has = (n: string) => info.exports.some((e) => e.name === n);
    const kind: ModuleKind =
      has(COMMAND_EXPORT) && has(REALLOC_EXPORT) ? 'sdk' : AS_RUNTIME_EXPORTS.every(has) ? 'assemblyscript' : 'plain';
    let plan: WorkerSpec['plan'] = [];
    if (kind === 'sdk') {
      checkExports(info, name);
      // nothing is granted: an ISA import is refused naming its capability, anything else by planImports
      const isa = info.imports.map((imp) => ({ imp, isa: findIsaImport(imp.module, imp.name) })).find((x) => x.isa);
      if (isa)
        throw HostError.capabilityDenied(
          `${name}: import ${isa.imp.module}::${isa.imp.name} needs capability '${isa.isa!.capability}': peeros invoke grants no capability; install the app to grant it`,
          { app: name },
        );
      plan = planImports(info, {}, name);
    } else {
      checkAsEnvImports(info, name);
      const unsafe = info.exports.find((e) => !loaderSafeExportName(e.name));
      if (unsafe)
        throw new HostError(
          'INVALID_MODULE',
          `${name}: export ${JSON.stringify(unsafe.name)} is refused: @assemblyscript/loader would demangle it onto Object.prototype`,
          { app: name },
        );
    }
    const definesMemory = info.memories.length > 0 || info.imports.some((i) => i.kind === 'memory');
    const clamped = definesMemory || kind === 'sdk' ? clampMemory(bytes, info, limits.memoryPages, name).bytes : bytes;
    let module: WebAssembly.Module;
    try {
      module = await WebAssembly.compile(clamped);
    } catch (err) {
      throw new HostError('INVALID_MODULE', `${name}: the module does not compile: ${(err as Error).message}`, { app: name });
    }
    const spec: WorkerSpec = { app: name, module, plan, grants: {}, limits, home: '', dataDir: '', logLevel: 0 };
    const onLog = opts.onLog ?? (() => {});
    const proc = kind === 'sdk' ? new AppProcess(spec, onLog) : new AppProcess(spec, onLog, INVOKE_WORKER);
    const bound = kind === 'sdk' || opts.bindings === undefined ? new Map<string, BoundExport>() : parseBindings(opts.bindings);
    return new InvokeModule(name, kind, limits, info, bound, proc);
  }

  #funcType(fn: string): FuncType | undefined {
    const e = this.#info.exports.find((x) => x.name === fn && x.kind === 'func');
    return e?.type;
  }

  /** The exported functions, with their signatures and whether they can be called as they are. */
  get exports(): ExportSummary[] {
    const out: ExportSummary[] = [];
    for (const e of this.#info.exports) {
      if (e.kind !== 'func') continue;
      const s: ExportSummary = { name: e.name, wasm: formatType(e.type), callable: false };
      const b = this.#bound.get(e.name);
      if (b) s.bindings = { params: b.params, result: b.result };
      if (this.kind === 'assemblyscript' && (AS_RUNTIME_EXPORTS as readonly string[]).concat('__collect').includes(e.name)) {
        s.note = 'AssemblyScript runtime';
      } else if (this.kind === 'sdk') {
        s.callable = false;
        s.note = e.name === COMMAND_EXPORT ? 'the SDK command entry: invoke FILE COMMAND [JSON]' : 'SDK glue';
      } else {
        const sig = this.signature(e.name);
        if ('reason' in sig) s.note = sig.reason;
        else {
          s.params = sig.params.map(typeName);
          s.result = typeName(sig.result);
          s.callable = true;
        }
      }
      out.push(s);
    }
    return out;
  }

  /**
   * The types `fn` is called with: `argTypes`/`resultType` where given, else the bindings, else
   * its wasm types (numbers). A reason instead when they do not fit the export.
   */
  signature(fn: string, argTypes?: InvokeType[], resultType?: InvokeType): Signature | { reason: string } {
    const t = this.#funcType(fn);
    if (!t) {
      const names = this.#info.exports.filter((e) => e.kind === 'func').map((e) => e.name);
      return { reason: `${this.name} exports no function '${fn}' (it exports: ${names.slice(0, 20).join(', ') || 'none'})` };
    }
    const b = this.#bound.get(fn);
    const params: InvokeType[] = [];
    for (let i = 0; i < t.params.length; i++) {
      const p = argTypes?.[i] ?? b?.paramTypes[i] ?? (b ? undefined : typeFromValType(t.params[i]!));
      if (!p) {
        const named = b?.params[i];
        return {
          reason: named
            ? `parameter ${i + 1} of '${fn}' is ${named}, which the loader cannot lower; give --arg-types`
            : `parameter ${i + 1} of '${fn}' is ${t.params[i]}, which invoke cannot pass`,
        };
      }
      params.push(p);
    }
    if (argTypes && argTypes.length !== t.params.length)
      return { reason: `--arg-types names ${argTypes.length} types; '${fn}' takes ${t.params.length} parameters ${formatType(t)}` };
    const r0 = t.results[0];
    const result = resultType ?? b?.resultType ?? (b ? undefined : r0 === undefined ? ({ kind: 'void' } as const) : typeFromValType(r0));
    if (!result || t.results.length > 1)
      return { reason: `the result of '${fn}' is ${b?.result ?? formatType(t)}, which the loader cannot lift; give --result-type` };
    for (const [i, p] of params.entries()) {
      if (coreType(p) !== t.params[i])
        return { reason: `parameter ${i + 1} of '${fn}' is ${t.params[i]} in the module; a ${typeName(p)} is passed as ${coreType(p)}` };
    }
    if (coreType(result) !== r0)
      return {
        reason: `the result of '${fn}' is ${r0 ?? 'nothing'} in the module; a ${typeName(result)} comes back as ${coreType(result) ?? 'nothing'}`,
      };
    if (this.kind === 'plain' && [...params, result].some(isManaged))
      return {
        reason: `'${fn}' takes or returns strings or arrays, which need AssemblyScript's runtime exports (build with asc --exportRuntime)`,
      };
    return { params, result };
  }

  /** Calls `fn` of a plain or AssemblyScript module with values already checked against `sig`. */
  async call(fn: string, sig: Signature, args: WireValue[]): Promise<InvokeResult> {
    if (this.kind === 'sdk') throw new HostError('INTERNAL', `${this.name} is an SDK app: use callCommand`);
    const call: InvokeCall = { params: sig.params, result: sig.result, args };
    const r = await this.#proc.call(fn, new TextEncoder().encode(JSON.stringify(call)));
    // the worker held the value to hostCallBytes; its JSON is at most 6 chars a byte (an f32 element)
    if (r.bytes.length > this.limits.hostCallBytes * 8 + 64)
      throw new HostError('LIMIT_EXCEEDED', `${this.name} '${fn}': the result is above the host-call limit`, {
        app: this.name,
        command: fn,
      });
    const { value } = JSON.parse(decoder.decode(r.bytes)) as { value: unknown };
    return { value, type: typeName(sig.result) };
  }

  /** Calls command `command` of an SDK app with `args` (msgpack-able), through its own glue. */
  async callCommand(command: string, args: unknown): Promise<InvokeResult> {
    const r = await this.#proc.call(command, pack(args));
    let value: unknown;
    try {
      value = unpackGuest(r.bytes, this.limits.msgpackDepth, r.ok ? 'result' : 'error', MAX_DECODED_VALUES);
    } catch (err) {
      throw HostError.fromThrown(err, this.name, command);
    }
    if (r.ok) return { value, type: 'msgpack' };
    const e = value as { code?: unknown; message?: unknown } | null;
    const code = e && typeof e === 'object' && typeof e.code === 'string' ? e.code : 'INVALID_ERROR';
    const message = e && typeof e === 'object' && typeof e.message === 'string' ? e.message : '';
    throw new HostError(
      'APP_ERROR',
      `${this.name} command '${command}' failed: ${terminalText(code, 64)}${message ? `: ${terminalText(message)}` : ''}`,
      { app: this.name, command, appCode: code },
    );
  }

  async close(): Promise<void> {
    await this.#proc.close();
  }
}
