/**
 * Compiled modules by content: the key is the module's sha256 plus the memory cap it was clamped
 * to (the same bytes under another cap compile to a different module). Least recently used entries
 * are dropped past `MODULE_CACHE_ENTRIES`. Compiling is the expensive step (ms); instantiating a
 * cached module is tens of µs.
 */
import { MODULE_CACHE_ENTRIES } from '../limits.js';
import type { Grants } from '../capabilities.js';
import { prepareModule, type PreparedModule } from './module-loader.js';
import { sha256Hex } from '../../lib/sha256-hex.js';

export class ModuleCache {
  #entries = new Map<string, Promise<PreparedModule>>();
  constructor(readonly capacity = MODULE_CACHE_ENTRIES) {}

  /** The prepared module for `bytes`, compiling it on first use. The caller plans imports against its grants (see linker.planImports). */
  async get(bytes: Uint8Array, app: string, grants: Grants, memoryPages: number, sha256 = sha256Hex(bytes)): Promise<PreparedModule> {
    const key = `${sha256}:${memoryPages}`;
    let p = this.#entries.get(key);
    if (p) {
      this.#entries.delete(key);
      this.#entries.set(key, p);
      return p;
    }
    p = prepareModule(bytes, app, grants, memoryPages);
    this.#entries.set(key, p);
    p.catch(() => this.#entries.delete(key));
    while (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
    return p;
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }
}
