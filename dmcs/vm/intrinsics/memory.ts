/** Memory intrinsics (Leap's memory.cpp): memcpy refuses overlapping ranges, memcmp returns -1/0/1. */
import { ContractError } from '../contract-error.js';
import type { CurrentContext, Intrinsics } from './context.js';

export function memoryIntrinsics(cx: CurrentContext): Intrinsics {
  return {
    memcpy(dest: number, src: number, len: number): number {
      const c = cx();
      const d = dest >>> 0,
        s = src >>> 0,
        n = len >>> 0;
      if ((d > s ? d - s : s - d) < n) throw new ContractError('overlapping_memory_error', 'memcpy can only accept non-aliasing pointers');
      c.charge(n);
      c.mem.check(s, n, 'memcpy source');
      c.mem.check(d, n, 'memcpy destination').copyWithin(d, s, s + n);
      return dest;
    },
    memmove(dest: number, src: number, len: number): number {
      const c = cx();
      const d = dest >>> 0,
        s = src >>> 0,
        n = len >>> 0;
      c.charge(n);
      c.mem.check(s, n, 'memmove source');
      c.mem.check(d, n, 'memmove destination').copyWithin(d, s, s + n);
      return dest;
    },
    memset(dest: number, value: number, len: number): number {
      const c = cx();
      const d = dest >>> 0,
        n = len >>> 0;
      c.charge(n);
      c.mem.check(d, n, 'memset destination').fill(value & 0xff, d, d + n);
      return dest;
    },
    memcmp(a: number, b: number, len: number): number {
      const c = cx();
      const pa = a >>> 0,
        pb = b >>> 0,
        n = len >>> 0;
      c.charge(n);
      c.mem.check(pa, n, 'memcmp first');
      const mem = c.mem.check(pb, n, 'memcmp second');
      const r = Buffer.compare(mem.subarray(pa, pa + n), mem.subarray(pb, pb + n));
      return r < 0 ? -1 : r > 0 ? 1 : 0;
    },
  };
}
