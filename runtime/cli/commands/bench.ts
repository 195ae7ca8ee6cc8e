/**
 * `peeros bench`: runs every benchmark module in one process and prints the figures, then the
 * target checks of issue 2. Modules are found by dynamic import; one that does not exist yet is
 * skipped with a note on stderr, one that fails is reported and the others still run.
 */
import type { CliCommand, CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import type { BenchFigure as BenchResult, BenchFunction } from '../bench-module.js';
import { flagSpec } from '../command-definition.js';
import { isModuleMissing } from '../../../lib/foreign-errors.js';
import { definition } from '../definitions/bench.js';
import {
  INSTANTIATE_COLD_TARGET_US,
  INSTANTIATE_OVER_V8_TARGET,
  INSTANTIATE_WARM_TARGET_US,
  INVOKE_STRING_TARGET_RATIO,
  CLI_HELP_OVER_BARE_TARGET,
  PATH_TARGETS,
} from '../bench-targets.js';

const QUIET_ONLY = 'a bound for a quiet machine of normal memory: instantiate.warm.p50 / instantiate.v8.p50 gates';
const FIRST_CALL_QUIET = "a bound for a quiet machine: an idle app's first call waits for two thread wake-ups, which other load delays";

/** The node's pooled in-process transfer figure (its name carries what it includes). */
export const DMCS_POOLED_FIGURE = 'dmcs.transfer.in-process.pooled (recovery on worker threads, journal synced)';

interface BenchModule {
  file: string;
  fn: string;
  /** Every figure this module produces starts with one of these: `--only` skips the module otherwise. */
  prefixes: string[];
}

const MODULES: BenchModule[] = [
  { file: 'isa', fn: 'benchIsa', prefixes: ['v8.', 'isa.', 'instantiate.'] },
  { file: 'jco', fn: 'benchJco', prefixes: ['jco.'] },
  { file: 'invoke', fn: 'benchInvoke', prefixes: ['invoke.'] },
  { file: 'antelope', fn: 'benchAntelope', prefixes: ['antelope.'] },
  { file: 'vault', fn: 'benchVault', prefixes: ['vault.'] },
  { file: 'vault-webauthn', fn: 'benchVaultWebAuthn', prefixes: ['vault.webauthn.'] },
  { file: 'dmcs', fn: 'benchDmcs', prefixes: ['dmcs.'] },
  { file: 'dmcs-scale', fn: 'benchDmcsScale', prefixes: ['dmcs.scale.'] },
  { file: 'dmcs-replay', fn: 'benchDmcsReplay', prefixes: ['dmcs.replay.'] },
  { file: 'dmcs-big-table', fn: 'benchDmcsBigTable', prefixes: ['dmcs.big_table.'] },
  { file: 'dmcs-big-index', fn: 'benchDmcsBigIndex', prefixes: ['dmcs.big_index.'] },
  { file: 'contract-vm', fn: 'benchContractVm', prefixes: ['contract-vm.'] },
  { file: 'hybrid', fn: 'benchHybrid', prefixes: ['hybrid.'] },
  { file: 'packages', fn: 'benchPackages', prefixes: ['packages.'] },
  { file: 'fs', fn: 'benchFs', prefixes: ['fs.'] },
  { file: 'cli', fn: 'benchCli', prefixes: ['cli.'] },
];

/** Whether a module whose figures start with `prefixes` can produce a figure starting with `only`. */
export function moduleMatches(prefixes: readonly string[], only: string | undefined): boolean {
  return only === undefined || prefixes.some((p) => p.startsWith(only) || only.startsWith(p));
}

/**
 * Whether `peeros bench --only only` runs the module `file`: it can produce such a figure, and no
 * other module owns `only` by a longer prefix inside this one's (`--only dmcs.scale.`, or
 * `dmcs.scale`, runs the scale module, not the whole `dmcs.` one).
 */
export function moduleRuns(file: string, only: string | undefined): boolean {
  const m = MODULES.find((x) => x.file === file);
  if (!m || !moduleMatches(m.prefixes, only)) return false;
  if (only === undefined) return true;
  return !MODULES.some(
    (o) =>
      o !== m &&
      o.prefixes.some((p) => (only.startsWith(p) || p === `${only}.`) && m.prefixes.some((q) => p.length > q.length && p.startsWith(q))),
  );
}

export interface BenchCheck {
  name: string;
  target: string;
  /** The measured ratio or value the target is about. */
  value: number | null;
  pass: boolean | null;
  note?: string;
  /**
   * The open issue whose target this is, while it is not met yet: reported as NOT MET but not failing
   * `--check` (CI gates on the targets the product already holds; an open one is never loosened).
   */
  open?: string;
  /**
   * Why this absolute bound is reported but does not gate `--check`: it holds on a quiet machine of
   * normal memory, and a ratio of the same run gates in its place (the figures here measure the
   * machine first; see INSTANTIATE_OVER_V8_TARGET).
   */
  quietOnly?: string;
}

/** The checks that fail `--check`: missed, and neither an open issue's nor a quiet machine's bound. */
export function gatingFailures(cs: readonly BenchCheck[]): BenchCheck[] {
  return cs.filter((c) => c.pass === false && c.open === undefined && c.quietOnly === undefined);
}

/** Issue 15's targets: measured and reported in every run, gating `--check` once the issue closes. */
const ISSUE_15 = 'issue 15';
const opened = (c: BenchCheck): BenchCheck => ({ ...c, open: ISSUE_15 });

/** Median in ns (converts µs/ms units). */
function ns(r: BenchResult | undefined): number | undefined {
  if (!r) return undefined;
  const u = r.unit.replace('/op', '');
  const f = u === 'ns' ? 1 : u === 'µs' || u === 'us' ? 1e3 : u === 'ms' ? 1e6 : u === 's' ? 1e9 : NaN;
  return Number.isFinite(f) ? r.median * f : undefined;
}

export function checks(results: BenchResult[]): BenchCheck[] {
  const get = (n: string) => ns(results.find((r) => r.name === n));
  /** A rate's median (ops/s); undefined for anything else. */
  const rate = (n: string) => {
    const r = results.find((x) => x.name === n);
    return r?.unit.endsWith('/s') ? r.median : undefined;
  };
  const T = PATH_TARGETS;
  const ratio = (
    name: string,
    target: string,
    a: number | undefined,
    b: number | undefined,
    ok: (v: number) => boolean,
    missing: string,
  ): BenchCheck =>
    a === undefined || b === undefined
      ? { name, target, value: null, pass: null, note: missing }
      : { name, target, value: Number((a / b).toFixed(2)), pass: ok(a / b) };
  const upTo = (name: string, targetUs: number): BenchCheck => {
    const v = get(name);
    return v === undefined
      ? { name: `${name} (µs)`, target: `<= ${targetUs}`, value: null, pass: null, note: `${name} not measured` }
      : { name: `${name} (µs)`, target: `<= ${targetUs}`, value: Number((v / 1000).toFixed(2)), pass: v / 1000 <= targetUs };
  };
  return [
    ratio(
      'isa.null / v8.import.noop',
      '<= 3',
      get('isa.null'),
      get('v8.import.noop'),
      (v) => v <= 3,
      'isa.null or v8.import.noop not measured',
    ),
    ratio(
      'jco.echo.64 / isa.echo.64',
      '>= 10',
      get('jco.echo.64'),
      get('isa.echo.64'),
      (v) => v >= 10,
      'jco.echo.64 or isa.echo.64 not measured',
    ),
    ratio(
      'invoke.string.64 / isa.echo.64',
      `<= ${INVOKE_STRING_TARGET_RATIO}`,
      get('invoke.string.64'),
      get('isa.echo.64'),
      (v) => v <= INVOKE_STRING_TARGET_RATIO,
      'invoke.string.64 or isa.echo.64 not measured',
    ),
    ratio(
      'cli.help.node / cli.node-bare',
      `<= ${CLI_HELP_OVER_BARE_TARGET}`,
      get('cli.help.node'),
      get('cli.node-bare'),
      (v) => v <= CLI_HELP_OVER_BARE_TARGET,
      'cli.help.node or cli.node-bare not measured',
    ),
    { ...upTo('instantiate.cold', INSTANTIATE_COLD_TARGET_US), quietOnly: QUIET_ONLY },
    { ...upTo('instantiate.warm', INSTANTIATE_WARM_TARGET_US), quietOnly: QUIET_ONLY },
    ratio(
      'instantiate.warm.p50 / instantiate.v8.p50',
      `<= ${INSTANTIATE_OVER_V8_TARGET}`,
      get('instantiate.warm.p50'),
      get('instantiate.v8.p50'),
      (v) => v <= INSTANTIATE_OVER_V8_TARGET,
      'instantiate.warm.p50 or instantiate.v8.p50 not measured',
    ),
    opened(
      ratio(
        'hybrid.transfer.rate / vault.sign.app-capped.per-s.1-thread',
        `>= ${T.transferRateOfVault}`,
        rate('hybrid.transfer.rate'),
        rate('vault.sign.app-capped.per-s.1-thread'),
        (v) => v >= T.transferRateOfVault,
        'hybrid.transfer.rate or vault.sign.app-capped.per-s.1-thread not measured',
      ),
    ),
    opened(
      ratio(
        'hybrid.transfer.ack.p50 / vault.sign.app-capped.p50',
        `<= ${T.ackOfVaultRoundTrip}`,
        get('hybrid.transfer.ack.p50'),
        get('vault.sign.app-capped.p50'),
        (v) => v <= T.ackOfVaultRoundTrip,
        'hybrid.transfer.ack.p50 or vault.sign.app-capped.p50 not measured',
      ),
    ),
    opened(
      ratio(
        'hybrid.concurrent-8.rate / vault.sign.app-capped.per-s.2-threads',
        `>= ${T.concurrentOfVault}`,
        rate('hybrid.concurrent-8.rate'),
        rate('vault.sign.app-capped.per-s.2-threads'),
        (v) => v >= T.concurrentOfVault,
        'hybrid.concurrent-8.rate or vault.sign.app-capped.per-s.2-threads not measured',
      ),
    ),
    // not held: 1.7-2.0 in four runs at load 12-15 on 2026-12-03, 18.7 in a fifth (p99 604 µs);
    // 2026-12-05, memory reused: 2.49 and 4.18 (p99 of 32 = the largest), then 4.37-5.21 in three
    // runs with p99 of 200 (a p99 of 49-79 µs over a p50 of 11-15 µs: about the machine's floor)
    opened(
      ratio(
        'instantiate.warm.p99 / instantiate.warm.p50',
        `<= ${T.instantiateSpread}`,
        get('instantiate.warm.p99'),
        get('instantiate.warm.p50'),
        (v) => v <= T.instantiateSpread,
        'instantiate.warm.p99 or .p50 not measured',
      ),
    ),
    // met and held on 2026-12-03 (27-32 µs in five runs at load 12-15); 135-182 µs on 2026-12-04,
    // when a fresh page cost this machine 15-30 µs; 11-32 µs in five runs on 2026-12-05 on that
    // machine, the memory reused: reported, the ratio to V8 above gates
    { ...upTo('instantiate.warm.p50', T.instantiateP50Us), quietOnly: QUIET_ONLY },
    // met since the warm-up runs an ISA import (2026-12-05, load about 1: p50 1.77 and 1.79 ms,
    // p99 / p50 1.4, in runs of 5; 2.0-2.1 ms before); the first call waits for two thread wakes,
    // which a loaded 2-core machine stretches (p50 3.1-4.1 ms and spreads of 5-71 at load 9-21)
    { ...upTo('hybrid.first-call.p50', T.firstCallP50Ms * 1000), quietOnly: FIRST_CALL_QUIET },
    {
      ...ratio(
        'hybrid.first-call.p99 / hybrid.first-call.p50',
        `<= ${T.firstCallSpread}`,
        get('hybrid.first-call.p99'),
        get('hybrid.first-call.p50'),
        (v) => v <= T.firstCallSpread,
        'hybrid.first-call.p99 or .p50 not measured',
      ),
      quietOnly: FIRST_CALL_QUIET,
    },
    opened(
      ratio(
        'vault.sign.app-capped.per-s.2-threads / vault.noble.k1-sign',
        `>= ${T.vaultThreadsOfNoble}`,
        rate('vault.sign.app-capped.per-s.2-threads'),
        rate('vault.noble.k1-sign'),
        (v) => v >= T.vaultThreadsOfNoble,
        'vault.sign.app-capped.per-s.2-threads or vault.noble.k1-sign not measured',
      ),
    ),
    opened(
      ratio(
        'dmcs.transfer.in-process.pooled / dmcs.recover.native',
        `>= ${T.pooledOfRecovery}`,
        rate(DMCS_POOLED_FIGURE),
        rate('dmcs.recover.native'),
        (v) => v >= T.pooledOfRecovery,
        'dmcs.transfer.in-process.pooled or dmcs.recover.native not measured',
      ),
    ),
  ];
}

function fmt(n: number): string {
  return n >= 1000 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

const command: CliCommand = {
  definition,
  async run(argv: string[], io: CliIO) {
    const { flags, positionals } = parseArgs(argv, flagSpec(definition), 'bench');
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const runs = flags.runs === undefined ? 7 : Number(flags.runs);
    if (!Number.isInteger(runs) || runs < 1 || runs > 1000)
      throw new UsageError(`--runs expects an integer from 1 to 1000, got '${String(flags.runs)}'`);
    const onlyList =
      typeof flags.only === 'string'
        ? flags.only
            .split(',')
            .map((p) => p.trim())
            .filter(Boolean)
        : undefined;
    if (onlyList && onlyList.length === 0) throw new UsageError('--only expects a figure-name prefix, e.g. isa.');
    const wanted = (name: string) => !onlyList || onlyList.some((p) => name.startsWith(p));

    const results: BenchResult[] = [];
    /** Modules that threw: the run goes on, but exits 1 and says so (a record missing figures is not a record). */
    const failures: Array<{ module: string; error: string }> = [];
    for (const m of MODULES) {
      const matching = onlyList?.filter((p) => moduleRuns(m.file, p));
      if (matching && matching.length === 0) continue;
      const url = new URL(`../../../bench/${m.file}.js`, import.meta.url);
      let mod: Record<string, unknown>;
      try {
        mod = (await import(url.href)) as Record<string, unknown>;
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (isModuleMissing(e, `bench/${m.file}.js`)) {
          io.err(`bench: skipping ${m.file} (bench/${m.file}.ts is not there yet)`);
        } else {
          io.err(`bench: ${m.file} failed to load: ${e.message}`);
          failures.push({ module: m.file, error: e.message });
        }
        continue;
      }
      const fn = mod[m.fn] as BenchFunction | undefined;
      if (typeof fn !== 'function') {
        io.err(`bench: skipping ${m.file} (it exports no ${m.fn})`);
        continue;
      }
      io.err(`bench: ${m.file} …`);
      const t0 = Date.now();
      try {
        const rs = await fn(matching ? { runs, only: matching } : { runs }); // it may skip what no prefix asks for
        for (const r of rs) {
          if (!m.prefixes.some((p) => r.name.startsWith(p)))
            io.err(`bench: ${m.file} produced '${r.name}', outside its declared prefixes ${m.prefixes.join(', ')}`);
          if (wanted(r.name)) results.push(r);
        }
        io.err(`bench: ${m.file} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      } catch (err) {
        io.err(`bench: ${m.file} failed: ${(err as Error).message}`);
        failures.push({ module: m.file, error: (err as Error).message });
      }
    }
    const cs = checks(results);
    const failed = gatingFailures(cs);
    const status = (flags.check && failed.length > 0) || failures.length > 0 ? 1 : 0;
    if (flags.check && failed.length > 0)
      io.err(`bench: ${failed.length} target(s) missed: ${failed.map((c) => `${c.name} = ${c.value} (target ${c.target})`).join('; ')}`);
    if (failures.length > 0) io.err(`bench: ${failures.length} module(s) failed: ${failures.map((f) => f.module).join(', ')}`);
    if (flags.json) {
      io.out(JSON.stringify(failures.length > 0 ? { results, checks: cs, failed: failures } : { results, checks: cs }));
      return status;
    }
    const w = Math.max(20, ...results.map((r) => r.name.length));
    io.out(`${'name'.padEnd(w)}  ${'median'.padStart(10)}  ${'min'.padStart(10)}  ${'max'.padStart(10)}  unit    runs`);
    for (const r of results) {
      io.out(
        `${r.name.padEnd(w)}  ${fmt(r.median).padStart(10)}  ${fmt(r.min).padStart(10)}  ${fmt(r.max).padStart(10)}  ${r.unit.padEnd(6)}  ${r.runs}`,
      );
    }
    io.out('');
    io.out('targets:');
    for (const c of cs) {
      const mark = c.pass === null ? 'n/a ' : c.pass ? 'PASS' : c.open || c.quietOnly ? 'MISS' : 'FAIL';
      const open = c.open && c.pass === false ? ` — not met yet (${c.open}, open)` : '';
      const quiet = c.quietOnly && c.pass === false ? ` — not met here (${c.quietOnly})` : '';
      io.out(`  ${mark}  ${c.name} = ${c.value ?? '-'} (target ${c.target})${c.note ? ` — ${c.note}` : ''}${open}${quiet}`);
    }
    return status;
  },
};

export default command;
