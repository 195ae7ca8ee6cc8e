/**
 * `peeros:isa/log` — diagnostic messages from the app, recorded with the app's name.
 * capability: log (no scope). Messages longer than the host-call byte limit are truncated.
 */
import { BoundaryError } from '../../abi/boundary-errors.js';
import type { IsaContext, InterfaceImpl } from './context.js';

/** `log.level` values (WIT enum order). */
export const LOG_LEVEL_NAMES = ['trace', 'debug', 'info', 'warn', 'error'] as const;

function badLevel(lvl: number): never {
  throw new BoundaryError('INVALID_VALUE', `log level ${lvl} is not a log.level (0 trace … 4 error)`);
}

export function createLog(ctx: IsaContext): InterfaceImpl {
  const env = ctx.env;
  return {
    enabled(lvl: number): number {
      if (lvl >>> 0 > 4) badLevel(lvl);
      return lvl >= env.logLevel ? 1 : 0;
    },
    write(lvl: number, ptr: number, len: number): void {
      if (lvl >>> 0 > 4) badLevel(lvl);
      const max = ctx.limits.hostCallBytes;
      ctx.mem.check(ptr, len, 'log.write message');
      if (lvl < env.logLevel) return;
      const text = ctx.mem.readStringLossy(ptr, len > max ? max : len, 'log.write message');
      env.logSink(ctx.app, lvl, len > max ? `${text}… (truncated from ${len} bytes)` : text);
    },
  };
}
