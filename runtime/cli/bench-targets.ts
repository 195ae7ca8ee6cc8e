/**
 * The targets `peeros bench --check` judges, apart from the command so that its `--help` (which
 * quotes them) loads nothing else: ../definitions/bench.ts and ./commands/bench.ts both read them here.
 */
/**
 * Instantiation targets (µs), absolute: measured on the 2-core development machine on 2026-12-02
 * under another engineer's benchmarks (load ~4): instantiate.cold 237-260 µs, instantiate.warm
 * 32-42 µs. About twice that, so that noise passes and a regression (the old `instantiate.cached`
 * target of 50 µs was missed by a cold figure of 185-190 µs) fails `--check`.
 */
export const INSTANTIATE_COLD_TARGET_US = 500;
export const INSTANTIATE_WARM_TARGET_US = 80;
/**
 * instantiate.warm.p50 / instantiate.v8.p50, at most: what the host adds to V8's own instantiation
 * of the same module, in one run. This gates `--check`; the absolute bounds above and issue 15's
 * 50 µs do not, since on 2026-12-04 this machine's first touch of a fresh page cost 15-30 µs (a VM
 * whose guest memory is backed lazily), which made V8 alone take 127-154 µs per instance and the
 * host 137-182 µs (ratio 0.95-1.3), against 26 µs for the host on 2026-12-03. Since 2026-12-05 a
 * re-instantiation reuses the retired instance's memory (sandbox/memory-reuse.ts) and pays no fresh
 * page: 11-32 µs against V8's 133-171 µs with a fresh memory, on that machine (ratio 0.07-0.22).
 */
export const INSTANTIATE_OVER_V8_TARGET = 3;
/**
 * `peeros invoke`'s loader-lifted string call against the SDK glue's echo, a ratio. Measured on the
 * 2-core machine on 2026-12-02: 8.4 at load ~6, 20-30 at load 20-27 (the lifting path is JS and
 * allocation heavy and suffers more from a loaded machine: jco.echo.64 / isa.echo.64 went from 20
 * to 37 in the same runs). 50 lets that pass and fails a regression of the path itself (the host's
 * header checks, the loader's copies, a lost pin) that multiplies it.
 */
export const INVOKE_STRING_TARGET_RATIO = 50;
/**
 * `peeros node --help` / `node -e 0`, at most (bench/cli.ts): help reads one definition, no
 * command's code. Measured on the 2-core machine on 2026-12-05: about 2 (150-210 ms against 90),
 * and 5-9 before the definitions were split from the commands (every command's modules loaded for
 * any help). 3 lets a loaded machine pass and fails a definition that imports a subsystem again.
 */
export const CLI_HELP_OVER_BARE_TARGET = 3;
/**
 * The whole path at the speed of its parts (issue 15): each a ratio of two figures of one run (so it
 * holds on a noisy machine), or an absolute bound the issue states for a quiet machine. A target not
 * met is reported as not met, never loosened to pass; while the issue is open it does not fail
 * `--check` (see `BenchCheck.open`).
 */
export const PATH_TARGETS = {
  /** hybrid.transfer.rate / vault.sign.app-capped.per-s.1-thread, at least. */
  transferRateOfVault: 0.5,
  /** hybrid.transfer.ack.p50 / vault.sign.app-capped.p50, at most. */
  ackOfVaultRoundTrip: 3,
  /** hybrid.concurrent-8.rate / vault.sign.app-capped.per-s.2-threads, at least. */
  concurrentOfVault: 0.7,
  /** instantiate.warm.p99 / instantiate.warm.p50, at most. */
  instantiateSpread: 4,
  /** instantiate.warm.p50 in µs, at most (quiet machine). */
  instantiateP50Us: 50,
  /** hybrid.first-call.p50 in ms, at most (quiet machine). */
  firstCallP50Ms: 2,
  /** hybrid.first-call.p99 / hybrid.first-call.p50, at most. */
  firstCallSpread: 4,
  /** vault.sign.app-capped.per-s.2-threads / vault.noble.k1-sign, at least. */
  vaultThreadsOfNoble: 1.8,
  /** dmcs.transfer.in-process.pooled / dmcs.recover.native (the node at the speed of key recovery), at least. */
  pooledOfRecovery: 0.9,
} as const;
