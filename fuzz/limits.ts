/** Bounds of the fuzz harness's shared oracles (per target bounds live on each FuzzTarget). */

/** Heap measured (after a forced GC) every this many inputs: often enough to see a leak early. */
export const HEAP_CHECK_EVERY = 5000;
/** Retained heap + external memory may grow this much over a run: decoders keep no state per input. */
export const MAX_HEAP_GROWTH_BYTES = 64 * 1024 * 1024;
/** Old-space cap of the worker a target runs in: an unbounded allocation ends there, not in the driver. */
export const WORKER_MAX_OLD_GENERATION_MB = 768;
/** An input slower than its target's bound is run this many more times; the fastest run decides. */
export const SLOW_RERUNS = 2;
/** No progress on one input for this long (or 10× the target's bound, if larger) is a hang. */
export const MIN_HANG_MS = 20_000;
/** A target's open() (starting a node, deriving a key) may take this long. */
export const SETUP_TIMEOUT_MS = 120_000;
/** The current input is mirrored here for the driver (to save it on a hang or OOM); larger inputs are cut. */
export const MIRROR_BYTES = 1024 * 1024;
/** Findings kept per target (the first ones; a run stops adding after this). */
export const MAX_FINDINGS = 10;
