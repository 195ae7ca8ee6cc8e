/**
 * One instantiated app and its call path, spelled out in {@link AppInstance.run}:
 *
 *   copy the command name and the msgpack args into guest memory (cabi_realloc; the guest owns them)
 *   → call `peeros:isa/command@0.1.0#run(name_ptr, name_len, args_ptr, args_len) -> retptr`
 *   → read the 12-byte return area (tag, ptr, len), bounds-checked
 *   → scan the result in place: well-formed, within the depth and MAX_DECODED_VALUES (here, in the
 *     worker, inside the app's CPU deadline, so a result that would be costly to decode never
 *     reaches the main thread)
 *   → copy the result bytes out
 *   → call `cabi_post_peeros:isa/command@0.1.0#run(retptr)` if exported.
 *
 * A trap from the SDK's abort handler becomes ABORT with the app's message (abort-record.ts).
 *
 * The result bytes are returned raw; the caller scans them again (cheaply) and decodes them. Any throw out of the
 * guest (a trap, a typed trap from a host function) leaves the instance in an unknown state: the
 * caller must drop it ({@link AppInstance.poisoned}) and instantiate afresh.
 */
import { COMMAND_EXPORT, COMMAND_POST_RETURN, type IsaImport } from '../../isa/generated/imports.js';
import { BoundaryError } from '../../abi/boundary-errors.js';
import { checkGuestMsgpack } from '../../abi/msgpack/codec.js';
import { HostError } from '../errors.js';
import type { Grants } from '../capabilities.js';
import { MAX_DECODED_VALUES, type AppLimits } from '../limits.js';
import { IsaContext, type IsaEnvironment } from '../isa/index.js';
import { endLogCall } from '../isa/log.js';
import { buildImports, MEMORY_EXPORT, REALLOC_EXPORT } from './linker.js';
import { ABORT_RECORD_EXPORT, readAbortRecord } from './abort-record.js';
import { abortError } from './as-env.js';
import { memoryImport } from './host-memory.js';

type Realloc = (oldPtr: number, oldSize: number, align: number, newSize: number) => number;
type Run = (namePtr: number, nameLen: number, argsPtr: number, argsLen: number) => number;
type PostReturn = (retptr: number) => void;

export interface CallResult {
  /** True: `bytes` is the msgpack result; false: the app's msgpack error map `{code, message}`. */
  ok: boolean;
  bytes: Uint8Array;
}

const encoder = new TextEncoder();

export class AppInstance {
  readonly ctx: IsaContext;
  #run: Run;
  #realloc: Realloc;
  #postReturn: PostReturn | undefined;
  #abortRecord: unknown;
  #names = new Map<string, Uint8Array>();
  /** Set once a call threw: the instance must not be used again. */
  poisoned = false;

  private constructor(ctx: IsaContext, instance: WebAssembly.Instance) {
    this.ctx = ctx;
    const ex = instance.exports as Record<string, unknown>;
    this.#run = ex[COMMAND_EXPORT] as Run;
    this.#realloc = ex[REALLOC_EXPORT] as Realloc;
    this.#postReturn = ex[COMMAND_POST_RETURN] as PostReturn | undefined;
    this.#abortRecord = ex[ABORT_RECORD_EXPORT];
    ctx.bind(ex[MEMORY_EXPORT] as WebAssembly.Memory, this.#realloc);
  }

  /**
   * Instantiates `module` (already inspected and linked by the loader) with the planned imports bound
   * to a fresh context, and `memory` as its memory when the loader made the memory the host's
   * (host-memory.ts; zeroed, from memory-reuse.ts). Synchronous: a cached module instantiates in
   * tens of µs.
   */
  static create(
    module: WebAssembly.Module,
    plan: readonly IsaImport[],
    app: string,
    grants: Grants,
    limits: AppLimits,
    env: IsaEnvironment,
    memory?: WebAssembly.Memory,
  ): AppInstance {
    const ctx = new IsaContext(app, grants, limits, env);
    const imports = buildImports(plan, ctx);
    if (memory) Object.assign(imports, memoryImport(memory));
    let instance: WebAssembly.Instance;
    try {
      instance = new WebAssembly.Instance(module, imports);
    } catch (err) {
      if (err instanceof WebAssembly.LinkError) throw HostError.linkError(`app '${app}': ${err.message}`, app);
      throw HostError.fromThrown(err, app, '(start)');
    }
    return new AppInstance(ctx, instance);
  }

  /** Copies `bytes` into a fresh guest allocation; returns its address. */
  #copyIn(bytes: Uint8Array, what: string): number {
    const ptr = this.ctx.alloc(bytes.length, what);
    this.ctx.mem.u8.set(bytes, ptr);
    return ptr;
  }

  /** Runs `command` with msgpack `args`. Throws HostError (naming app and command) on any failure. */
  run(command: string, args: Uint8Array): CallResult {
    if (this.poisoned) throw new HostError('INTERNAL', `app '${this.ctx.app}': instance is unusable after an earlier failure`);
    const ctx = this.ctx;
    ctx.command = command;
    try {
      const limit = ctx.limits.hostCallBytes;
      if (args.length > limit)
        throw new BoundaryError('LIMIT_EXCEEDED', `arguments are ${args.length} bytes, above the host-call limit of ${limit}`);
      let name = this.#names.get(command);
      if (!name) {
        name = encoder.encode(command);
        if (this.#names.size < 64) this.#names.set(command, name); // manifests list a handful
      }
      const namePtr = this.#copyIn(name, 'command name');
      const argsPtr = this.#copyIn(args, 'command args');
      const retptr = this.#run(namePtr, name.length, argsPtr, args.length) >>> 0;

      const m = ctx.mem;
      m.refresh();
      if (retptr + 12 > m.u8.length || (retptr & 3) !== 0) m.checkArea(retptr, 12, 4, 'run return area');
      const tag = m.u8[retptr]!;
      if (tag > 1) throw new BoundaryError('INVALID_VALUE', `run return area: result tag ${tag} is neither 0 (ok) nor 1 (err)`);
      const ptr = m.dv.getUint32(retptr + 4, true);
      const len = m.dv.getUint32(retptr + 8, true);
      if (len > limit) throw new BoundaryError('LIMIT_EXCEEDED', `result is ${len} bytes, above the host-call limit of ${limit}`);
      const what = tag === 0 ? 'result' : 'error';
      m.check(ptr, len, `run ${what}`);
      checkGuestMsgpack(m.u8, ctx.limits.msgpackDepth, what, MAX_DECODED_VALUES, ptr, ptr + len);
      const bytes = m.copyOut(ptr, len, `run ${what}`);
      this.#postReturn?.(retptr);
      return { ok: tag === 0, bytes };
    } catch (err) {
      this.poisoned = true;
      // an SDK abort traps after recording AssemblyScript's message: report it, not the bare trap
      const abort = err instanceof WebAssembly.RuntimeError ? readAbortRecord(this.#abortRecord, ctx.mem) : undefined;
      if (abort) throw abortError(abort, ctx.app, command, `app '${ctx.app}' command '${command}'`);
      throw HostError.fromThrown(err, ctx.app, command);
    } finally {
      endLogCall(ctx);
    }
  }

  /**
   * Ends this instance for good (it refuses every later call) and hands back its memory, for a
   * next instance of the same app to reuse once zeroed (memory-reuse.ts).
   */
  retire(): WebAssembly.Memory {
    this.poisoned = true;
    return this.ctx.mem.memory;
  }

  /** The guest's current linear memory size in 64 KiB pages. */
  get memoryPages(): number {
    return this.ctx.mem.memory.buffer.byteLength / 65536;
  }
}
