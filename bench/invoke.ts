/**
 * `peeros invoke`'s call path, beside the SDK glue's `isa.echo.64` in the same `peeros bench` run:
 *
 * - `invoke.string.64` — one call of `echo(string): string` of the plain AssemblyScript fixture
 *   (test/fixtures/invoke, asc --exportRuntime) through {@link InvokeInstance.call}, in process (the
 *   same path an invoke worker runs, without its message): a 64-character string lowered with
 *   `@assemblyscript/loader`'s `__newString` and pinned, the export called, the result's header
 *   checked by the host and lifted with `__getString`, the argument unpinned. ns/op.
 * - `invoke.i32` — `add(i32, i32): i32` through the same path: the floor of that path (no memory).
 *
 * Unlike `isa.echo.64` (a loop inside wasm, one wasm→host crossing each), every op here is a JS→wasm
 * call from the host plus the runtime's allocation and collection work: the ratio
 * `invoke.string.64 / isa.echo.64` is what lifting through the AssemblyScript runtime costs beside
 * the canonical-ABI glue.
 */
import { readFile } from 'node:fs/promises';
import { summarize, type BenchResult } from './result.js';
import { resolveLimits } from '../runtime/limits.js';
import { InvokeInstance, type InvokeCall } from '../runtime/sandbox/invoke-instance.js';
import { figureWanted } from '../runtime/cli/bench-module.js';

const FIXTURE = new URL('../../test/fixtures/invoke/build/plain.wasm', import.meta.url);

function nsPerOp(fn: () => void, n: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - t0) / n;
}

function measure(name: string, runs: number, fn: () => number): BenchResult {
  fn(); // warm-up: V8 optimises, the runtime's heap settles
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(fn());
  return summarize(name, 'ns/op', samples);
}

export async function benchInvoke(opts: { runs: number; only?: readonly string[] }): Promise<BenchResult[]> {
  const runs = Math.max(1, opts.runs);
  const want = (name: string) => figureWanted(opts.only, name);
  const results: BenchResult[] = [];
  const module = await WebAssembly.compile(await readFile(FIXTURE));
  const instance = InvokeInstance.create(module, 'plain.wasm', resolveLimits(undefined), () => {});
  if (want('invoke.string.64')) {
    const text = 'x'.repeat(64);
    const call: InvokeCall = { params: [{ kind: 'string' }], result: { kind: 'string' }, args: [text] };
    const N = 100_000;
    results.push(
      measure('invoke.string.64', runs, () =>
        nsPerOp(() => {
          if (instance.call('echo', call) !== text) throw new Error('invoke bench: echo returned something else');
        }, N),
      ),
    );
  }
  if (want('invoke.i32')) {
    const call: InvokeCall = {
      params: [
        { kind: 'number', type: 'i32' },
        { kind: 'number', type: 'i32' },
      ],
      result: { kind: 'number', type: 'i32' },
      args: [1, 2],
    };
    const N = 1_000_000;
    results.push(measure('invoke.i32', runs, () => nsPerOp(() => instance.call('add', call), N)));
  }
  return results;
}
