/**
 * Loading an app module: size check, sha256, structure (wasm-sections), memory cap
 * (memory-limits: clamp or refuse), export and import checks (linker), then the memory made the
 * host's (host-memory) and compilation. The result is what the module cache keeps and what workers
 * receive.
 */
import { sha256Hex } from '../../lib/sha256-hex.js';
import { HostError } from '../errors.js';
import { MAX_MODULE_BYTES } from '../limits.js';
import type { Grants } from '../capabilities.js';
import { readModuleInfo, type ModuleInfo } from './wasm-sections.js';
import { clampMemory } from './memory-limits.js';
import { importMemory, type MemoryShape } from './host-memory.js';
import { checkExports, planImports } from './linker.js';
import type { IsaImport } from '../../isa/generated/imports.js';

export interface PreparedModule {
  /** sha256 (hex) of the module as installed (before any memory rewrite). */
  sha256: string;
  module: WebAssembly.Module;
  info: ModuleInfo;
  /** Memory maximum after the cap, in pages. */
  memoryMaxPages: number;
  /** True when the memory section was rewritten to the cap. */
  clamped: boolean;
  /** The memory the module imports from the host (host-memory.ts): every instance must be given one of this shape. */
  memory: MemoryShape;
}

/** Validates everything that can be checked without running the module. Returns the sanitized bytes. */
export function inspectModule(
  bytes: Uint8Array,
  app: string,
  grants: Grants,
  memoryPages: number,
): { bytes: Uint8Array; info: ModuleInfo; plan: IsaImport[]; clamped: boolean; memory: MemoryShape; sha256: string } {
  if (bytes.length > MAX_MODULE_BYTES)
    throw HostError.limit(`app '${app}': module is ${bytes.length} bytes, above the host maximum of ${MAX_MODULE_BYTES}`, { app });
  const info = readModuleInfo(bytes);
  const sha256 = sha256Hex(bytes);
  checkExports(info, app);
  const plan = planImports(info, grants, app);
  const clamp = clampMemory(bytes, info, memoryPages, app);
  return { bytes: clamp.bytes, info, plan, clamped: clamp.clamped, memory: clamp.memory, sha256 };
}

/** Inspects and compiles a module. */
export async function prepareModule(bytes: Uint8Array, app: string, grants: Grants, memoryPages: number): Promise<PreparedModule> {
  const x = inspectModule(bytes, app, grants, memoryPages);
  // the memory section goes away with the rewrite, so it starts from the bytes as installed
  const owned = importMemory(bytes, x.info, x.memory, app);
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(owned);
  } catch (err) {
    throw new HostError('INVALID_MODULE', `app '${app}': the module does not compile: ${(err as Error).message}`, { app });
  }
  return { sha256: x.sha256, module, info: x.info, memoryMaxPages: memoryPages, clamped: x.clamped, memory: x.memory };
}
