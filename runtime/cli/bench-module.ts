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

/** What a bench module exports under its function name; `only` lets it skip other figures. */
export type BenchFunction = (options: { runs: number; only?: string }) => Promise<BenchFigure[]>;
