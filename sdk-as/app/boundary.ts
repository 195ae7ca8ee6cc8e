/**
 * The guest side of the core ABI (isa/CORE-ABI.md): `cabi_realloc`, the import return area, and
 * adopting the buffers the host allocates in our memory.
 *
 * Memory the host writes into is allocated by `cabi_realloc` as a managed `ArrayBuffer` of the
 * incremental runtime and PINNED, so that the collector cannot free it between the host's
 * allocation and the moment the guest takes ownership (other allocations, and thus collection
 * steps, can happen in between: the host allocates the command name, then the args). `adopt`
 * unpins it and wraps it; from then on ordinary reachability keeps it alive. Anything the host
 * allocated but never handed over is unpinned at the start of the next command (`releaseStray`).
 */

/** Return area for imports whose result is written by the host (12 bytes, align 4). */
export const RET_AREA: usize = memory.data(16, 8);

// Host-allocated buffers not yet adopted (normally 0–2 entries).
let pending: usize[] = [];

/**
 * `cabi_realloc(old_ptr, old_size, align, new_size)`: the host allocates guest memory for the
 * strings and lists it passes in. Alignment up to 16 is satisfied by the allocator.
 */
export function cabi_realloc(oldPtr: usize, oldSize: usize, align: usize, newSize: usize): usize {
  if (align > 16) unreachable();
  const ptr = __new(newSize, idof<ArrayBuffer>());
  __pin(ptr);
  pending.push(ptr);
  if (oldPtr != 0) {
    memory.copy(ptr, oldPtr, oldSize < newSize ? oldSize : newSize);
    release(oldPtr);
  }
  return ptr;
}

/** Unpins `ptr` if the host allocated it and it was not adopted yet; false if it was not pending. */
export function release(ptr: usize): bool {
  const n = pending.length;
  for (let i = n - 1; i >= 0; i--) {
    if (unchecked(pending[i]) == ptr) {
      unchecked((pending[i] = pending[n - 1]));
      pending.length = n - 1;
      __unpin(ptr);
      return true;
    }
  }
  return false;
}

/** Unpins every host allocation that was never adopted (called before each command). */
export function releaseStray(): void {
  for (let i = 0; i < pending.length; i++) __unpin(unchecked(pending[i]));
  pending.length = 0;
}

/**
 * Takes ownership of `len` bytes the host wrote at `ptr` (allocated through `cabi_realloc`):
 * the host's allocation itself becomes the returned buffer, no copy. A pointer we did not hand
 * out (ptr 0 or 1 with len 0, as jco passes for empty lists, or a host bug) is copied instead.
 */
export function adopt(ptr: usize, len: usize): ArrayBuffer {
  if (ptr != 0 && release(ptr)) {
    // unpinned, but referenced from this frame (shadow stack) and then by the caller
    const buf = changetype<ArrayBuffer>(ptr);
    if (len == <usize>buf.byteLength) return buf;
    if (len < <usize>buf.byteLength) return buf.slice(0, <i32>len);
  }
  const out = new ArrayBuffer(<i32>len);
  if (len > 0) memory.copy(changetype<usize>(out), ptr, len);
  return out;
}

/** Adopts host bytes as a UTF-8 string. */
export function adoptString(ptr: usize, len: usize): string {
  const s = String.UTF8.decodeUnsafe(ptr, len);
  if (ptr != 0) release(ptr);
  return s;
}

// Keep-alive slots: arguments handed to an import stay reachable (globals are GC roots) while the
// host may call back into `cabi_realloc`, which can run a collection step.
let kept0: ArrayBuffer | null = null;
let kept1: ArrayBuffer | null = null;
export function keepAlive0(b: ArrayBuffer): void { kept0 = b; }
export function keepAlive1(b: ArrayBuffer): void { kept1 = b; }
export function releaseKept(): void { kept0 = null; kept1 = null; }

/**
 * Bytes or an ISA `error-code` (see `ErrorCode`); `code` is -1 when ok. `value` is a view of the
 * host's allocation, made on first use; `length` needs no view.
 */
export class BytesResult {
  private view: Uint8Array | null = null;
  constructor(public buffer: ArrayBuffer, public code: i32) {}
  get ok(): bool { return this.code < 0; }
  get length(): i32 { return this.buffer.byteLength; }
  get value(): Uint8Array {
    let v = this.view;
    if (v == null) {
      v = Uint8Array.wrap(this.buffer);
      this.view = v;
    }
    return v;
  }
}
export class StringResult {
  constructor(public value: string, public code: i32) {}
  get ok(): bool { return this.code < 0; }
}
export class UnitResult {
  constructor(public code: i32) {}
  get ok(): bool { return this.code < 0; }
}

const EMPTY = new ArrayBuffer(0);

/** Reads a `result<list<u8>, error-code>` return area. */
export function readBytesResult(ret: usize): BytesResult {
  if (load<u8>(ret) == 0) return new BytesResult(adopt(load<u32>(ret, 4), load<u32>(ret, 8)), -1);
  return new BytesResult(EMPTY, <i32>load<u8>(ret, 4));
}

/** Reads a `result<string, error-code>` return area. */
export function readStringResult(ret: usize): StringResult {
  if (load<u8>(ret) == 0) return new StringResult(adoptString(load<u32>(ret, 4), load<u32>(ret, 8)), -1);
  return new StringResult("", <i32>load<u8>(ret, 4));
}

/** Reads a `result<_, error-code>` return area. */
export function readUnitResult(ret: usize): UnitResult {
  if (load<u8>(ret) == 0) return new UnitResult(-1);
  return new UnitResult(<i32>load<u8>(ret, 1));
}
