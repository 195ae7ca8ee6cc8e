/**
 * The contract between `peeros bench` and the benchmark modules under bench/, owned by the CLI:
 * bench/ sits above the CLI, so the CLI loads its modules at run time by file name and calls them
 * through these types, never importing bench/ (bench/result.ts implements `BenchFigure`).
 */

/** One figure as `peeros bench --json` prints it: the median, min and max of `runs` runs. */
export interface BenchFigure {
  name: string;
  /** 'ns/op', 'µs/op', 'ops/s', 'ms', … — larger-is-better only for rates ('…/s'). */
  unit: string;
  median: number;
  min: number;
  max: number;
  runs: number;
}

/**
 * What a bench module exports under its function name; `only` (the `--only` prefixes that concern
 * it) lets it skip work whose figures none of them asks for (`figureWanted`).
 */
export type BenchFunction = (options: { runs: number; only?: readonly string[] }) => Promise<BenchFigure[]>;

/**
 * Whether a figure named `name` (or any figure under it, when `name` is a prefix such as
 * `dmcs.p2p.`) is asked for by one of the `only` prefixes; every figure without `only`.
 */
export function figureWanted(only: readonly string[] | undefined, name: string): boolean {
  return !only || only.some((p) => name.startsWith(p) || p.startsWith(name));
}
