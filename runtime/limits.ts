/**
 * Every resource limit of the app sandbox: a named constant with the reason for its value, the
 * host maximum an app may ask for, and the resolution of an app's per-manifest overrides.
 *
 * An app's manifest may set `limits.{memoryPages,cpuMs,hostCallBytes,msgpackDepth}`; each must be
 * a positive integer no larger than the host maximum, otherwise the manifest is refused (we do not
 * silently lower what the developer asked for).
 */

/** 64 KiB: the WebAssembly page size. */
export const WASM_PAGE_BYTES = 65536;

/** Default linear memory cap: 256 pages = 16 MiB — ample for AssemblyScript apps, small enough to run many. */
export const DEFAULT_MEMORY_PAGES = 256;
/** Host maximum: 4096 pages = 256 MiB; keeps every guest address below 2^31 so a negative i32 is always out of bounds. */
export const MAX_MEMORY_PAGES = 4096;

/** Default CPU deadline per call: 1 s — an interactive command that takes longer is a bug or a loop. */
export const DEFAULT_CPU_MS = 1000;
/** Host maximum per call: 30 s — anything longer must be split; a stuck app cannot hold its worker longer. */
export const MAX_CPU_MS = 30_000;

/** Default bytes per host call (each list/string in or out, command args and result): 1 MiB. */
export const DEFAULT_HOST_CALL_BYTES = 1 << 20;
/** Host maximum per host call: 16 MiB — bounds what one call can make the host allocate. */
export const MAX_HOST_CALL_BYTES = 16 << 20;

/** Deepest JSON nesting of a peeros.json: real manifests nest 4 levels; deeper parses but cannot be written back at install (stack). */
export const MAX_MANIFEST_JSON_DEPTH = 32;
/** Default msgpack nesting depth accepted from a guest: 32 — real payloads nest a handful of levels. */
export const DEFAULT_MSGPACK_DEPTH = 32;
/** Host maximum msgpack depth: 128 — keeps the recursive scanner and msgpackr far from the JS stack limit. */
export const MAX_MSGPACK_DEPTH = 128;

/** Worker thread stack: 4 MiB — bounds guest recursion (wasm frames live on this stack); deep recursion traps. */
export const WORKER_STACK_MB = 4;
/** Worker JS heap (old generation): 64 MiB — the glue needs little; guest memory is separate and capped by pages. */
export const WORKER_HEAP_MB = 64;
/** Worker young generation: 16 MiB. */
export const WORKER_YOUNG_HEAP_MB = 16;

/** Storage: key length in UTF-8 bytes (ISA: 1..=256). */
export const MAX_STORAGE_KEY_BYTES = 256;
/** Storage: default total quota when the grant gives no `maxBytes`: 1 MiB. */
export const DEFAULT_STORAGE_MAX_BYTES = 1 << 20;
/** Storage: host maximum quota per app: 256 MiB. */
export const MAX_STORAGE_MAX_BYTES = 256 << 20;
/** Storage: `list` returns at most this many keys whatever `limit` says. */
export const MAX_STORAGE_LIST = 10_000;

/** Module size accepted at install: 32 MiB — AssemblyScript apps are tens of KiB. */
export const MAX_MODULE_BYTES = 32 << 20;
/** Installed apps' compiled modules kept in memory (by sha256). */
export const MODULE_CACHE_ENTRIES = 64;

/** Time a worker gets to start and instantiate its app before the call fails: 10 s. */
export const WORKER_START_MS = 10_000;

/** The resolved limits of one app. */
export interface AppLimits {
  memoryPages: number;
  cpuMs: number;
  hostCallBytes: number;
  msgpackDepth: number;
}

export const DEFAULT_LIMITS: Readonly<AppLimits> = Object.freeze({
  memoryPages: DEFAULT_MEMORY_PAGES,
  cpuMs: DEFAULT_CPU_MS,
  hostCallBytes: DEFAULT_HOST_CALL_BYTES,
  msgpackDepth: DEFAULT_MSGPACK_DEPTH,
});

export const HOST_MAXIMA: Readonly<AppLimits> = Object.freeze({
  memoryPages: MAX_MEMORY_PAGES,
  cpuMs: MAX_CPU_MS,
  hostCallBytes: MAX_HOST_CALL_BYTES,
  msgpackDepth: MAX_MSGPACK_DEPTH,
});

/** The app's limits: manifest overrides (already validated against {@link HOST_MAXIMA}) over defaults. */
export function resolveLimits(overrides: Partial<AppLimits> | undefined): AppLimits {
  return { ...DEFAULT_LIMITS, ...(overrides ?? {}) };
}
