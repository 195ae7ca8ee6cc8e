/**
 * The host owns every app's linear memory. After the checks and the cap (memory-limits.ts), the
 * module's one defined memory is rewritten into an import, `peeros:sandbox`::`memory`, with the
 * capped limits; the worker then hands each new instance its memory (memory-reuse.ts). After a call
 * threw, the next instance gets the dropped instance's memory, zeroed, instead of a fresh one whose
 * pages the kernel maps on first touch (15-30 µs per 4 KiB page on some VMs: most of an
 * instantiation's time there). This is Wasmtime's pooling allocator, done from JS.
 *
 * What the guest sees does not change: the memory keeps index 0 (a module with an imported memory
 * is refused before this step, so the import is the only memory), its exports, data segments and
 * memory instructions refer to it as before, and it starts all zeroes. One difference is allowed by
 * the spec and harmless: a reused memory that had grown starts at that size, never above the cap.
 *
 * Only the import and memory sections change; every other section is copied as is, in order. The
 * rewrite starts from the bytes as installed: the capped memory section it replaces is not needed.
 */
import { HostError } from '../errors.js';
import { concatBytes } from '../../abi/antelope/bytes.js';
import { WasmReader, type ModuleInfo } from './wasm-sections.js';
import { u32Leb, wasmName, wasmSection } from './wasm-encode.js';

export const HOST_MEMORY_MODULE = 'peeros:sandbox';
export const HOST_MEMORY_NAME = 'memory';

/** The limits of an app's memory, in 64 KiB pages, as the host creates it. */
export interface MemoryShape {
  initial: number;
  maximum: number;
}

/** The imports object's entry that gives an instance `memory`. */
export function memoryImport(memory: WebAssembly.Memory): WebAssembly.Imports {
  return { [HOST_MEMORY_MODULE]: { [HOST_MEMORY_NAME]: memory } };
}

/**
 * `bytes` (whose structure is `info`: one defined memory, checked and capped by memory-limits.ts,
 * which gave `shape`) with that memory imported from the host instead, with `shape`'s limits.
 */
export function importMemory(bytes: Uint8Array, info: ModuleInfo, shape: MemoryShape, app = '(module)'): Uint8Array {
  if (info.memories.length !== 1 || info.imports.some((i) => i.kind === 'memory'))
    throw new HostError('INTERNAL', `app '${app}': only a module's one defined memory can be made the host's`);
  const entry = [
    ...wasmName(HOST_MEMORY_MODULE),
    ...wasmName(HOST_MEMORY_NAME),
    0x02,
    0x01,
    ...u32Leb(shape.initial),
    ...u32Leb(shape.maximum),
  ];
  const old = info.sections.find((s) => s.id === 2);
  let body: number[];
  if (old) {
    const r = new WasmReader(bytes, old.body, old.end);
    const count = r.u32();
    body = [...u32Leb(count + 1), ...bytes.subarray(r.pos, old.end), ...entry];
  } else body = [...u32Leb(1), ...entry];
  const imports = wasmSection(2, body);

  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  let placed = false;
  for (const s of info.sections) {
    // the import section goes where the old one was, or before the first section that follows it
    // (every known section but custom ones (0) and types (1))
    if (!placed && s.id !== 0 && s.id !== 1) {
      parts.push(imports);
      placed = true;
    }
    if (s.id !== 2 && s.id !== 5) parts.push(bytes.subarray(s.start, s.end));
  }
  return concatBytes(...parts);
}
