/**
 * Where an app worker's instances get their memory (host-memory.ts): the memory of the instance it
 * last dropped, zeroed, or a new one. One spare at most: a worker runs one instance at a time and
 * drops it only to make the next one.
 *
 * Zeroing happens in `take`, so a memory never reaches an instance with anything left in it, and
 * only memories of at most REUSED_MEMORY_MAX_PAGES are kept (a larger one is left to the GC).
 * `give` takes the memory of an instance that can never run again (`AppInstance.retire`): two
 * live instances never share one.
 */
import { REUSED_MEMORY_MAX_PAGES, WASM_PAGE_BYTES } from '../limits.js';
import type { MemoryShape } from './host-memory.js';

export class MemoryReuse {
  #spare: WebAssembly.Memory | undefined;

  constructor(readonly shape: MemoryShape) {}

  /** A memory of this shape, all zeroes: the spare one if there is one, else a new one. */
  take(): WebAssembly.Memory {
    const memory = this.#spare;
    this.#spare = undefined;
    if (!memory) return new WebAssembly.Memory({ initial: this.shape.initial, maximum: this.shape.maximum });
    new Uint8Array(memory.buffer).fill(0);
    return memory;
  }

  /** Keeps `memory` (taken from here, its instance retired) for the next `take`, if it is small enough. */
  give(memory: WebAssembly.Memory): void {
    if (memory.buffer.byteLength <= REUSED_MEMORY_MAX_PAGES * WASM_PAGE_BYTES) this.#spare = memory;
  }
}
