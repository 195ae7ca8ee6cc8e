/**
 * The linear-memory cap of an app. Policy (decided here, documented in docs/runtime.md):
 *
 * - The module must define exactly one memory (an app may not import one: the memory it gets is
 *   the one it defines, which the loader then makes the host's, host-memory.ts), 32-bit, not shared.
 * - A memory with **no maximum, or a maximum above the app's `memoryPages`, is clamped**: the
 *   memory section is rewritten so that its maximum is `memoryPages`. `memory.grow` past it then
 *   returns -1 inside the guest, as the spec says, and the guest decides what to do.
 * - A memory whose **minimum is above `memoryPages` is refused** (LIMIT_EXCEEDED): it could not
 *   even start within its cap.
 *
 * - A memory whose maximum (after clamping) is above {@link EAGER_MEMORY_PAGES} **starts at its
 *   maximum**: the rewrite sets its minimum to its maximum, so the guest never grows it at run time.
 *   Past 64 MiB of wasm memory in a worker, each `memory.grow` makes V8 collect garbage (tens of ms
 *   a page) and the worker does not honour termination until the grow loop ends: an app growing
 *   256 MiB a page at a time burnt a core for a minute past its deadline. Starting at the maximum
 *   costs ~1 ms at instantiation (the pages are reserved, not touched; the OS commits them lazily)
 *   and `memory.grow` then returns -1 at once. Smaller memories grow as declared (cheaply), so the
 *   default cap keeps the ~60 µs instantiation.
 *
 * The rewrite changes only the memory section's bytes; every other section is copied as is.
 */
import { HostError } from '../errors.js';
import { EAGER_MEMORY_PAGES } from '../limits.js';
import type { ModuleInfo } from './wasm-sections.js';
import { u32Leb } from './wasm-encode.js';
import type { MemoryShape } from './host-memory.js';

export interface ClampResult {
  bytes: Uint8Array;
  /** The maximum the module declared (undefined: none). */
  declaredMax: number | undefined;
  /** True when the maximum was lowered to the app's cap. */
  clamped: boolean;
  /** True when the memory now starts at its maximum (above {@link EAGER_MEMORY_PAGES}). */
  eager: boolean;
  /** The memory's limits after the cap: what the host creates when it owns the memory (host-memory.ts). */
  memory: MemoryShape;
}

/** Checks the module's memory against `maxPages` and clamps it if needed. */
export function clampMemory(bytes: Uint8Array, info: ModuleInfo, maxPages: number, app = '(module)'): ClampResult {
  const imported = info.imports.find((i) => i.kind === 'memory');
  if (imported) {
    throw new HostError(
      'LINK_ERROR',
      `app '${app}': the module imports its memory (${imported.module}::${imported.name}); an app must define and export its own memory`,
    );
  }
  if (info.memories.length !== 1) {
    throw new HostError(
      'INVALID_MODULE',
      `app '${app}': the module defines ${info.memories.length} memories; an app must define exactly one`,
    );
  }
  const mem = info.memories[0]!;
  if (mem.shared)
    throw new HostError('INVALID_MODULE', `app '${app}': the module declares a shared memory; apps run single-threaded and may not`);
  if (mem.memory64) throw new HostError('INVALID_MODULE', `app '${app}': the module declares a 64-bit memory; apps use 32-bit memory`);
  if (mem.min > maxPages) {
    throw new HostError(
      'LIMIT_EXCEEDED',
      `app '${app}': the module's memory starts at ${mem.min} pages, above the app's limit of ${maxPages} pages (${maxPages * 64} KiB); raise limits.memoryPages (host maximum applies) or shrink the module's initial memory`,
    );
  }
  const clamped = mem.max === undefined || mem.max > maxPages;
  const max = clamped ? maxPages : mem.max!;
  const eager = max > EAGER_MEMORY_PAGES && mem.min < max;
  const memory = { initial: eager ? max : mem.min, maximum: max };
  if (!clamped && !eager) return { bytes, declaredMax: mem.max, clamped: false, eager: false, memory };

  const section = info.sections.find((s) => s.id === 5)!;
  const body = [...u32Leb(1), 0x01, ...u32Leb(memory.initial), ...u32Leb(memory.maximum)];
  const head = [5, ...u32Leb(body.length)];
  const out = new Uint8Array(bytes.length - (section.end - section.start) + head.length + body.length);
  out.set(bytes.subarray(0, section.start), 0);
  out.set(head, section.start);
  out.set(body, section.start + head.length);
  out.set(bytes.subarray(section.end), section.start + head.length + body.length);
  return { bytes: out, declaredMax: mem.max, clamped, eager, memory };
}
