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

/**
 * Memories whose cap is above 256 pages = 16 MiB start at their cap (memory-limits.ts): V8 makes
 * every grow past 64 MiB of wasm memory a garbage collection and ignores termination meanwhile, so
 * growth a page at a time outlives the CPU deadline. At or below it, growing is cheap and keeps
 * instantiation at tens of µs; 16 MiB leaves room for a poisoned instance's memory beside a fresh one.
 */
export const EAGER_MEMORY_PAGES = 256;

/**
 * The largest memory a worker keeps, zeroed, for its app's next instance (memory-reuse.ts): the
 * eager bound, so that a memory that starts at a large cap (reserved, mostly never touched) is not
 * committed page by page by the zeroing. Zeroing 16 MiB that the app did touch costs about 0.2 ms;
 * touching it afresh, page by page, costs tens of ms on a VM whose first touch of a page is slow.
 */
export const REUSED_MEMORY_MAX_PAGES = EAGER_MEMORY_PAGES;

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

/**
 * Values (scalars, arrays, maps, map keys) one msgpack message from a guest may hold: 100 000.
 * The wire size does not bound decoding (one byte 0x80 is a whole JS object); 100 000 empty maps
 * decode in ~80 ms to ~6 MiB of heap, while real payloads (a page of table rows) hold thousands.
 */
export const MAX_DECODED_VALUES = 100_000;

/**
 * Log bytes one call may record: 1 MiB — far more than a command's diagnostics, and it bounds what
 * one call queues for the main thread and writes to the terminal (unbounded: 2 GB in 3 s).
 */
export const LOG_BYTES_PER_CALL = 1 << 20;
/** Longest log message: 16 KiB — a longer one is data, not a diagnostic; it is cut with a marker. */
export const LOG_MESSAGE_MAX_BYTES = 16 << 10;
/**
 * Least a log message is charged against {@link LOG_BYTES_PER_CALL}: 64 bytes — roughly what one
 * message costs the host (a posted object, a terminal line) beside its text, so empty messages
 * cannot flood either (at most 16 384 messages per call).
 */
export const LOG_MESSAGE_CHARGE_BYTES = 64;

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
/**
 * Storage and fs: bytes charged per key (a drive's file) on top of key + value: 160, what its entry
 * in the in-memory index costs the host, so the index an app can pin stays below its quota however
 * tiny its keys (it covers the 11 bytes of framing on disk too). Measured with `--expose-gc` and
 * `process.memoryUsage().heapUsed` around opening logs of 32,769 to 131,072 empty values (Node 20,
 * x64): 116-146 bytes per key of 1-4 bytes (the Map entry, its slot object and the key string; the
 * most just after the Map's table doubles), ~1 more per key byte (charged as key bytes); a drive's
 * file adds ≤ 8 (its slot in its folder's sorted entries). Was 16: an app could hold ~6 × its quota
 * (a 16 MiB quota of tiny keys: ~760,000 entries, ~95-110 MiB of index).
 */
export const STORAGE_RECORD_OVERHEAD_BYTES = 160;
/** Storage: the log is compacted once dead bytes exceed live bytes plus this slack: 4 KiB (one page), so a tiny store is not rewritten on every write; bounds the file to ≤ 2 × quota + 4 KiB + one record. */
export const STORAGE_COMPACT_SLACK_BYTES = 4096;

/** fs: a path is at most 256 bytes of UTF-8 (it is the drive's record key, same cap as a storage key). */
export const MAX_FS_PATH_BYTES = MAX_STORAGE_KEY_BYTES;
/** fs: one path segment (a file or folder name) is at most 255 bytes, as on ext4 and in WASI. */
export const MAX_FS_NAME_BYTES = 255;
/** fs: a path has at most 32 segments, so a listing never walks an unbounded depth. */
export const MAX_FS_DEPTH = 32;
/** fs: the default drive quota when the grant gives no `maxBytes`: 16 MiB. */
export const DEFAULT_FS_MAX_BYTES = 16 << 20;
/** fs: host maximum drive quota per (account, app): 1 GiB. */
export const MAX_FS_MAX_BYTES = 1 << 30;
/** fs: one file is at most 64 MiB: a range write rewrites the file's record, so its cost is bounded by this. */
export const MAX_FS_FILE_BYTES = 64 << 20;
/**
 * fs: bytes charged per folder against the drive's quota: 192, what its node in the drive's folder
 * index costs (the map entry, its path, its file count and sorted entries), so a tree of deep unique
 * folders cannot pin more than its quota either. Measured as for `STORAGE_RECORD_OVERHEAD_BYTES`
 * over 32,769-131,072 files 30 new folders deep each: ~160 bytes per folder. Folders were free: one
 * 86-byte file could pin ~2.3 KiB of index (27 × its charge).
 */
export const FS_FOLDER_CHARGE_BYTES = 192;
/** fs: `list` returns at most this many entries whatever `limit` says. */
export const MAX_FS_LIST = 10_000;

/** Module size accepted at install: 32 MiB — AssemblyScript apps are tens of KiB. */
export const MAX_MODULE_BYTES = 32 << 20;
/** `peeros.json` size accepted at build and install: 64 KiB — real manifests are about 1 KiB. */
export const MAX_MANIFEST_BYTES = 64 << 10;
/** One AssemblyScript source file read by `app build`: 1 MiB — the largest SDK file is about 11 KiB. */
export const MAX_APP_SOURCE_BYTES = 1 << 20;
/** All source files one build reads together: 16 MiB — an app with the whole SDK is about 120 KiB. */
export const MAX_APP_SOURCES_TOTAL_BYTES = 16 << 20;
/** Wall time one `app build` compile may take before its worker is terminated: 120 s — stock apps take 1-3 s, 10x that on a loaded machine. */
export const BUILD_DEADLINE_MS = 120_000;
/** JS heap (old generation) of the compile worker: 512 MiB — dpay compiles within 64 MiB (8x headroom); a hostile source hits this, not the host. */
export const BUILD_HEAP_MB = 512;
/** Young generation of the compile worker: 64 MiB. */
export const BUILD_YOUNG_HEAP_MB = 64;
/** An idle compile worker is stopped after 5 s — long enough for a build script's next app, short enough to give back its memory. */
export const BUILD_WORKER_IDLE_MS = 5_000;
/** Stack of the compile worker: 8 MiB — bounds the recursive parser on deeply nested sources (a stack overflow becomes a compile error). */
export const BUILD_STACK_MB = 8;
/** Installed apps' compiled modules kept in memory (by sha256). */
export const MODULE_CACHE_ENTRIES = 64;

/**
 * Workers of one app terminated at their deadline that may still be exiting: 1. Termination takes
 * V8 milliseconds, but a worker stuck where V8 does not check for it (native code; formerly
 * memory.grow) keeps its core busy; a new worker for the same app waits for it (below) instead
 * of adding another busy thread.
 */
export const MAX_TERMINATING_WORKERS = 1;
/** How long a new call waits for its app's terminating worker to exit before LIMIT_EXCEEDED: 2 s. */
export const TERMINATING_WORKER_WAIT_MS = 2000;

/**
 * Pre-started, app-less sandbox workers a host keeps once an app has gone idle: 2. An idle app's
 * first call takes one instead of paying a thread start (tens to hundreds of ms); each costs an idle
 * thread (a few MiB), so few. 0 disables the pool.
 */
export const WARM_WORKERS = 2;
/** Most warm workers a host may be configured with: 8 — beyond the cores of any machine we target. */
export const MAX_WARM_WORKERS = 8;

/**
 * Installed apps a host keeps prepared once they have gone idle (warm-apps.ts): 4. A prepared app
 * has its own worker with its module instantiated afresh and nothing else run, so its next first
 * call is one call round trip; each costs a thread (a few MiB) and the app's guest memory, so few.
 * 0 disables it.
 */
export const WARM_APPS = 4;
/** Most prepared apps a host may be configured with: 16. */
export const MAX_WARM_APPS = 16;
/**
 * Guest memory the prepared apps may hold together, counted at each app's cap (`limits.memoryPages`,
 * what its start function could grow to): 1024 pages, 64 MiB — four apps at the default cap. An app
 * that does not fit after evicting the least recently prepared ones is not prepared.
 */
export const WARM_APPS_MEMORY_PAGES = 1024;

/**
 * An app whose worker has had no call for this long goes idle (worker-pool.ts, live-apps.ts): its
 * worker is stopped, its guest memory given back, and it is prepared again within WARM_APPS: 60 s.
 * Long beside a user's pause between two clicks on an app's screen (every call after it would pay
 * the prepared first call, ~1-2 ms, instead of ~0.3 ms), short beside how long a console stays
 * open. `HostOptions.appIdleMs`; 0: never.
 */
export const APP_IDLE_MS = 60_000;
/** Longest idle time a host may be configured with: 24 h (setTimeout holds at most 2^31-1 ms). */
export const MAX_APP_IDLE_MS = 86_400_000;
/**
 * Apps that may hold a live worker at once (prepared apps are bounded apart, by WARM_APPS): 8. Each
 * is a thread with up to 80 MiB of JS heap and the app's guest memory (16 MiB by default); a call
 * of a ninth app makes the least recently used one that is not busy go idle. Eight covers the
 * stock apps a console user has open and the bench's eight concurrent apps. `HostOptions.liveAppWorkers`.
 */
export const LIVE_APP_WORKERS = 8;
/** Most live app workers a host may be configured with: 64. */
export const MAX_LIVE_APP_WORKERS = 64;
/**
 * Guest memory the live apps may hold together, counted at each app's cap (`limits.memoryPages`):
 * 8192 pages, 512 MiB — one app at the host maximum (MAX_MEMORY_PAGES) with sixteen at the default
 * cap beside it, so one busy app, however large, never keeps the others waiting. Past it the least
 * recently used idle apps go idle to make room, as for LIVE_APP_WORKERS.
 */
export const LIVE_APPS_MEMORY_PAGES = 8192;
/**
 * How long a call waits for a place among the live workers when all LIVE_APP_WORKERS are busy
 * before it fails with LIMIT_EXCEEDED: 5 s — several default CPU deadlines (1 s), so a burst of
 * calls waits rather than fails; a call held by a user's approval can take longer, and then the
 * caller hears the bound instead of hanging behind it.
 */
export const LIVE_WORKER_WAIT_MS = 5_000;

/** Time a worker gets to start and instantiate its app before the call fails: 10 s. */
export const WORKER_START_MS = 10_000;

/**
 * How often the host looks again at a call its worker has not begun yet (a loaded machine, a slow
 * start function) or whose clock is paused (host code waiting on the main thread): once running,
 * the call has cpuMs of running time, so a call begun late or resumed from a wait still ends at
 * most this much past its deadline.
 */
export const CALL_START_POLL_MS = 20;

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
