/**
 * The call clock an app worker shares with the host (a 24-byte SharedArrayBuffer):
 * `[id of the call being run, when it started (epoch ms), paused since (epoch ms) or 0]`.
 *
 * The host's CPU deadline (app-process.ts) counts from the start stamp, so message latency is not
 * charged to the app; and while host code inside the worker waits on the main thread for a
 * service (a bridged chain read, a push awaiting the user's confirmation), it pauses the clock so
 * that the wait is not charged either. Only host code can pause: the guest has no way to reach
 * this module.
 */

/** Float64 slots of the clock. */
export const CLOCK_ID = 0;
export const CLOCK_START = 1;
export const CLOCK_PAUSED = 2;
export const CALL_CLOCK_BYTES = 24;

/** Epoch milliseconds with sub-ms precision, comparable across threads. */
export const clockNow = (): number => performance.timeOrigin + performance.now();

let clock: Float64Array | undefined;

/**
 * Worker side: binds the clock the host passed in `workerData`, and reads the time once: a
 * worker's first use of `performance` loads it (0.8 ms on a loaded 2-core machine), which must not
 * land on the first call's path (a prepared app's first call, warm-apps.ts).
 */
export function bindCallClock(buffer: SharedArrayBuffer): void {
  clock = new Float64Array(buffer);
  clockNow();
}

/** Worker side: stamps the start of call `id` (the time first, then the id that validates it). */
export function startCall(id: number): void {
  if (!clock) return;
  clock[CLOCK_START] = clockNow();
  clock[CLOCK_PAUSED] = 0;
  clock[CLOCK_ID] = id;
}

/** Worker side: the current call is waiting on the host; stop charging it. No-op outside a worker. */
export function pauseCallClock(): void {
  if (clock && clock[CLOCK_PAUSED] === 0) clock[CLOCK_PAUSED] = clockNow();
}

/** Worker side: the wait is over; the paused time is added to the start, so it is not charged. */
export function resumeCallClock(): void {
  if (!clock) return;
  const since = clock[CLOCK_PAUSED]!;
  if (since > 0) {
    clock[CLOCK_START] = clock[CLOCK_START]! + (clockNow() - since);
    clock[CLOCK_PAUSED] = 0;
  }
}
