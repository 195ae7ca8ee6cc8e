/**
 * `peeros:isa/log` — diagnostic messages from the app, recorded with the app's name.
 * capability: log (no scope).
 *
 * Logging is bounded per call, inside the app's worker and so inside its CPU deadline:
 * - a message longer than {@link LOG_MESSAGE_MAX_BYTES} (or the app's host-call limit) is cut,
 *   with `… (truncated from N bytes)`;
 * - a call may record {@link LOG_BYTES_PER_CALL} bytes, each message charged at least
 *   {@link LOG_MESSAGE_CHARGE_BYTES}. The message that reaches the budget is followed by one
 *   marker line; later messages of the call cost only the bounds check (no copy, no message to
 *   the main thread), and when the call returns one line says how much was dropped.
 * Before this, one 3 s call wrote 2 GB to stderr and the host held 2 GB of queued messages.
 */
import { BoundaryError } from '../../abi/boundary-errors.js';
import { LOG_BYTES_PER_CALL, LOG_MESSAGE_CHARGE_BYTES, LOG_MESSAGE_MAX_BYTES } from '../limits.js';
import type { IsaContext, InterfaceImpl } from './context.js';

/** `log.level` values (WIT enum order). */
export const LOG_LEVEL_NAMES = ['trace', 'debug', 'info', 'warn', 'error'] as const;

function badLevel(lvl: number): never {
  throw new BoundaryError('INVALID_VALUE', `log level ${lvl} is not a log.level (0 trace … 4 error)`);
}

/** What one call of one instance has logged so far. */
class LogBudget {
  used = 0;
  droppedBytes = 0;
  droppedMessages = 0;
  /** Level of the first dropped message (it passed the level filter, so its summary does too). */
  droppedLevel = 0;
}

const budgets = new WeakMap<IsaContext, LogBudget>();

function budgetOf(ctx: IsaContext): LogBudget {
  let b = budgets.get(ctx);
  if (!b) budgets.set(ctx, (b = new LogBudget()));
  return b;
}

/** `1 MiB`, `16 KiB`, or bytes. */
const size = (n: number) => (n % (1 << 20) === 0 ? `${n >> 20} MiB` : n % 1024 === 0 ? `${n >> 10} KiB` : `${n} bytes`);

/**
 * Ends the log budget of the call `ctx` was running: when messages were dropped, records one line
 * saying how many bytes; the next call starts with a full budget. Called by the instance after
 * every call (app-side: not reachable by the guest).
 */
export function endLogCall(ctx: IsaContext): void {
  const b = budgets.get(ctx);
  if (!b) return;
  budgets.delete(ctx);
  if (b.droppedMessages > 0) {
    ctx.env.logSink(
      ctx.app,
      b.droppedLevel,
      `… ${b.droppedBytes} more log bytes in ${b.droppedMessages} messages dropped (log budget of ${size(LOG_BYTES_PER_CALL)} per call)`,
    );
  }
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
      ctx.mem.check(ptr, len, 'log.write message');
      if (lvl < env.logLevel) return;
      const b = budgetOf(ctx);
      const left = LOG_BYTES_PER_CALL - b.used;
      if (left <= 0) {
        if (b.droppedMessages++ === 0) b.droppedLevel = lvl;
        b.droppedBytes += len;
        return;
      }
      const cap = Math.min(LOG_MESSAGE_MAX_BYTES, ctx.limits.hostCallBytes, left);
      const n = Math.min(len, cap);
      const text = ctx.mem.readStringLossy(ptr, n, 'log.write message');
      b.used += Math.max(n, LOG_MESSAGE_CHARGE_BYTES);
      env.logSink(ctx.app, lvl, n < len ? `${text}… (truncated from ${len} bytes)` : text);
      if (b.used >= LOG_BYTES_PER_CALL) {
        env.logSink(ctx.app, lvl, `… log budget of ${size(LOG_BYTES_PER_CALL)} per call reached: the rest of this call's log is dropped`);
      }
    },
  };
}
