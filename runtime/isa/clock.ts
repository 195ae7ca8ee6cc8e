/**
 * `peeros:isa/clock` — wall time (ms since the epoch) and monotonic time (ns).
 * capability: clock (no scope). u64 results are returned directly as i64 (a JS bigint).
 */
import type { IsaContext, InterfaceImpl } from './context.js';

export function createClock(_ctx: IsaContext): InterfaceImpl {
  return {
    'now-ms': (): bigint => BigInt(Date.now()),
    'monotonic-ns': (): bigint => process.hrtime.bigint(),
  };
}
