// Issue 8, class 4: memory grown one page at a time. Past 64 MiB of wasm memory each grow used to
// cost V8 a garbage collection while the worker's termination waited for the loop to end, so a
// terminated app kept a core busy for a minute after its DEADLINE_EXCEEDED. Now a memory whose cap
// is above EAGER_MEMORY_PAGES starts at its cap and never grows: the deadline ends the CPU use.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HostError, type Host } from '../../../runtime/index.js';
import { EAGER_MEMORY_PAGES, MAX_MEMORY_PAGES } from '../../../runtime/limits.js';
import { clampMemory } from '../../../runtime/sandbox/memory-limits.js';
import { readModuleInfo } from '../../../runtime/sandbox/wasm-sections.js';
import * as M from '../../fixtures/hostile/modules.js';
import { tempHome, cleanup, writeApp, quietHost, grantAll } from '../helpers.js';

const home = tempHome('hostile-memory-growth');
let host: Host;

const cpuMs = (since: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.before(async () => {
  host = quietHost(home);
  await host.install(writeApp(home, 'good', M.appModule()), grantAll);
});

test('a memory capped above EAGER_MEMORY_PAGES starts at its cap; a small one keeps its minimum', () => {
  const big = M.growByPages(MAX_MEMORY_PAGES);
  const c = clampMemory(big, readModuleInfo(big), MAX_MEMORY_PAGES);
  assert.ok(c.eager);
  assert.equal(readModuleInfo(c.bytes).memories[0], { min: MAX_MEMORY_PAGES, max: MAX_MEMORY_PAGES, shared: false, memory64: false });
  const small = M.growByPages(EAGER_MEMORY_PAGES);
  const s = clampMemory(small, readModuleInfo(small), MAX_MEMORY_PAGES);
  assert.not.ok(s.eager);
  assert.is(readModuleInfo(s.bytes).memories[0]!.min, 2);
});

test('growing 4096 pages one at a time → DEADLINE_EXCEEDED, and the process is quiet right after; another app runs', async () => {
  await host.install(
    writeApp(home, 'grower', M.growByPages(MAX_MEMORY_PAGES), { limits: { memoryPages: MAX_MEMORY_PAGES, cpuMs: 2000 } }),
    grantAll,
  );
  const t0 = Date.now();
  try {
    await host.run('grower', 'go');
    assert.unreachable('the app loops forever');
  } catch (e) {
    assert.instance(e, HostError);
    assert.is((e as HostError).code, 'DEADLINE_EXCEEDED', (e as Error).message);
  }
  const wall = Date.now() - t0;
  assert.ok(wall < 2000 + 58_000, `deadline reported after ${wall} ms`); // the 2 s deadline, and a loaded machine's worker start
  // Before the fix the terminated worker burnt ~0.6 core for over a minute (measured 1.8 s of CPU
  // in the 4 s after the deadline); now it is gone at once (measured ~5-50 ms).
  const after = process.cpuUsage();
  await sleep(4000);
  const used = cpuMs(after);
  assert.ok(used < 800, `the process used ${used.toFixed(0)} ms of CPU in the 4 s after the deadline`);
  assert.equal(await host.run('good', 'go'), { ok: true });
});

test.after(async () => {
  await host.close();
  cleanup(home);
});
test.run();
