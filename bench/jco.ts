/**
 * `jco.echo.64`: the bench fixture app's `echo {n, size: 64}` through the standard component-model
 * path — the core module wrapped with `component new` against `world app` and transpiled to JS by
 * jco (build/bench time only; the host never runs this path). The figure is ns per `diag.echo`
 * call, the loop running inside wasm, to compare with the host's own glue (`isa.echo.64`,
 * bench/isa.ts; target: jco ≥ 10× isa).
 *
 * The host side of `diag.echo` is the host's own rule, `echoPayload` from runtime/isa/diag.ts
 * (msgpack well-formedness and depth check, then the same bytes back), so both paths do the same
 * work and differ only in glue. jco issue 708: the transpiled JS reads import keys without
 * `@version` while its `.d.ts` names them with it, so both keys are passed.
 *
 * jco at its best: the glue jco-transpile 0.15 generates calls a `_debugLog(…)` helper on every
 * call, which builds its argument objects and then reads `process.env.JCO_DEBUG` (a property read
 * that goes through the environment) before returning. We compare against the strongest version of
 * the alternative, so the bench rewrites every `_debugLog(` call into `(void 0) && _debugLog(` —
 * neither the arguments nor the env read are evaluated — and reports how many calls it removed.
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pack } from 'msgpackr';
import { componentEmbed, componentNew } from '@bytecodealliance/jco-transpile/wasm-tools';
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { witSource } from '../isa/generator/index.js';
import { summarize, type BenchResult } from './result.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BENCH_WASM = join(ROOT, 'test/fixtures/apps/bench/build/bench.wasm');
/** Depth limit handed to echoPayload: the host's default (runtime/limits.ts DEFAULT_MSGPACK_DEPTH). */
const ECHO_DEPTH = 32;
/** diag.echo calls per run (inside one `echo` command). */
const CALLS_PER_RUN = 20_000;

type Echo = (bytes: Uint8Array, maxDepth: number) => Uint8Array;

/** The host's echo rule if runtime/isa/diag.ts provides it, else a pass-through (reported in `source`). */
export async function hostEcho(): Promise<{ echo: Echo; source: string }> {
  try {
    const mod = (await import('../runtime/isa/diag.js')) as { echoPayload?: Echo };
    if (typeof mod.echoPayload === 'function') return { echo: mod.echoPayload, source: 'runtime/isa/diag.ts echoPayload' };
  } catch {
    /* not built yet */
  }
  return { echo: (b) => b, source: 'pass-through (runtime/isa/diag.ts echoPayload unavailable)' };
}

interface CommandExport {
  run(name: string, args: Uint8Array): Uint8Array;
}

/** Wraps, transpiles and instantiates the bench fixture through jco; returns its `command` export. */
/** Makes every `_debugLog(…)` call of jco's generated glue a no-op that evaluates nothing; returns the count. */
export function neutraliseDebugLog(js: string): { js: string; removed: number } {
  let removed = 0;
  const out = js.replace(/(?<![\w$.])_debugLog\(/g, () => {
    removed++;
    return '(void 0) && _debugLog(';
  });
  return { js: out, removed };
}

export async function instantiateBenchComponent(
  echo: Echo,
  opts: { neutraliseDebug?: boolean } = {},
): Promise<{ command: CommandExport; cleanup: () => Promise<void>; debugCallsRemoved: number }> {
  const core = await readFile(BENCH_WASM);
  const embedded = await componentEmbed({ binary: core, witSource: witSource(ROOT), world: 'app', stringEncoding: 'utf8' });
  const component = await componentNew(embedded);
  const out = await transpileBytes(component, { name: 'bench', instantiation: 'async' });
  const dir = await mkdtemp(join(tmpdir(), 'peeros-jco-'));
  let debugCallsRemoved = 0;
  for (const [file, bytes] of Object.entries(out.files)) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    if (file.endsWith('.js') && opts.neutraliseDebug !== false) {
      const n = neutraliseDebugLog(new TextDecoder().decode(bytes));
      debugCallsRemoved += n.removed;
      await writeFile(join(dir, file), n.js);
    } else {
      await writeFile(join(dir, file), bytes);
    }
  }
  const js = (await import(pathToFileURL(join(dir, 'bench.js')).href)) as {
    instantiate(
      getCoreModule: (path: string) => Promise<WebAssembly.Module>,
      imports: Record<string, unknown>,
    ): Promise<Record<string, unknown>>;
  };
  const log = { enabled: (_lvl: string): boolean => true, write: (_lvl: string, _msg: string): void => {} };
  const diag = { echo: (payload: Uint8Array): Uint8Array => echo(payload, ECHO_DEPTH) };
  const imports: Record<string, unknown> = {};
  for (const [name, impl] of Object.entries({ log, diag, types: {} })) {
    imports[`peeros:isa/${name}`] = impl;
    imports[`peeros:isa/${name}@0.1.0`] = impl;
  }
  const instance = await js.instantiate((path) => readFile(join(dir, path)).then((b) => WebAssembly.compile(b)), imports);
  const command = (instance.command ?? instance['peeros:isa/command@0.1.0']) as CommandExport;
  return { command, cleanup: () => rm(dir, { recursive: true, force: true }), debugCallsRemoved };
}

export async function benchJco(opts: { runs: number }): Promise<BenchResult[]> {
  const runs = Math.max(1, opts.runs);
  const { echo } = await hostEcho();
  const { command, cleanup, debugCallsRemoved } = await instantiateBenchComponent(echo);
  if (debugCallsRemoved === 0) process.stderr.write('bench: jco glue had no _debugLog calls to neutralise (jco changed?)\n');
  try {
    const args = pack({ n: CALLS_PER_RUN, size: 64 });
    const once = (): number => {
      const t0 = process.hrtime.bigint();
      command.run('echo', args);
      return Number(process.hrtime.bigint() - t0) / CALLS_PER_RUN;
    };
    once(); // warm-up
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(once());
    return [summarize('jco.echo.64', 'ns/op', samples)];
  } finally {
    await cleanup();
  }
}
