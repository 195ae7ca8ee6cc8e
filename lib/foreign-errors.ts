/**
 * Recognises errors thrown by code we do not own that carry no code: V8's stack and memory
 * `RangeError`s, fd-lock's refusal (reached through hypercore), Node's module loader, and Leap's
 * generic "unknown key" reply. This is the one file allowed to read their message text or name (test/lib/error-patterns.test.ts checks that no other source does); everything
 * else branches on our codes. Imports nothing of ours.
 */

/** V8 ran out of stack ("Maximum call stack size exceeded"): deep guest or compiler recursion. */
export function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError && /call stack/i.test(err.message);
}

/** V8 could not allocate memory for a wasm memory or buffer ("could not allocate memory", "Out of memory"). */
export function isAllocationFailure(err: unknown): boolean {
  return err instanceof RangeError && /memory/i.test(err.message);
}

/** fd-lock could not take its lock: another process holds the hypercore files. */
export function isFileLockRefused(err: unknown): boolean {
  return err instanceof Error && /could not be locked/.test(err.message);
}

/**
 * Leap answers a lookup of an account or ABI that does not exist with its generic `exception`
 * (code 0, "unspecified") and a first detail `unknown key (…)`: the text is its only signal.
 */
export function isLeapUnknownKey(exceptionName: string, firstDetail: string | undefined): boolean {
  return exceptionName === 'exception' && firstDetail !== undefined && firstDetail.startsWith('unknown key');
}

/** Node could not find the module `file` itself (not one of its imports). */
export function isModuleMissing(err: unknown, file: string): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(file);
}
