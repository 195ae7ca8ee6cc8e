// Compile once, instantiate many: the module cache and the cost it saves; clock and random host functions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModuleCache } from '../../../runtime/sandbox/module-cache.js';
import { createClock } from '../../../runtime/isa/clock.js';
import { IsaContext } from '../../../runtime/isa/index.js';
import { resolveLimits } from '../../../runtime/limits.js';
import { pack, unpackGuest } from '../../../abi/boundary.js';
import { op } from '../../fixtures/wasm-builder.js';
import * as M from '../../fixtures/hostile/modules.js';
import { instantiate } from '../helpers.js';

test('the same bytes under the same cap compile once; another cap is another entry', async () => {
  const cache = new ModuleCache(4);
  const bytes = M.appModule({ memory: [1, undefined] });
  const a = await cache.get(bytes, 'x', {}, 16);
  const b = await cache.get(bytes, 'x', {}, 16);
  assert.is(a, b);
  assert.is(a.module, b.module);
  const c = await cache.get(bytes, 'x', {}, 32);
  assert.is.not(c.module, a.module);
  assert.is(c.memoryMaxPages, 32);
  assert.is(cache.size, 2);
});

test('least recently used modules are dropped past the capacity', async () => {
  const cache = new ModuleCache(2);
  const mods = [1, 2, 3].map((n) => M.appModule({ result: pack(n) }));
  await cache.get(mods[0]!, 'x', {}, 16);
  await cache.get(mods[1]!, 'x', {}, 16);
  await cache.get(mods[0]!, 'x', {}, 16); // touch 0
  await cache.get(mods[2]!, 'x', {}, 16); // evicts 1
  assert.is(cache.size, 2);
});

test('a module that fails to load is not cached', async () => {
  const cache = new ModuleCache();
  await cache.get(M.wrongExportSignature(), 'x', {}, 16).then(
    () => assert.unreachable(),
    () => {},
  );
  assert.is(cache.size, 0);
});

test('clock: wall time in ms and a monotonic ns counter, both u64 (bigint)', () => {
  const ctx = new IsaContext('x', { clock: {} }, resolveLimits({}), { home: '/tmp', dataDir: '/tmp', logLevel: 2, logSink: () => {} });
  const c = createClock(ctx) as unknown as Record<string, () => bigint>;
  const now = c['now-ms']!();
  assert.is(typeof now, 'bigint');
  assert.ok(Math.abs(Number(now) - Date.now()) < 1000);
  const a = c['monotonic-ns']!();
  const b = c['monotonic-ns']!();
  assert.ok(b >= a);
});

test('random.bytes fills the guest buffer from the CSPRNG', () => {
  const inst = instantiate(M.isaProbe('random', 'bytes', ['i32', 'i32'], [op.i32_const(64)]), { random: {} });
  const area = M.readArea(unpackGuest(inst.run('go', pack({})).bytes, 4) as Uint8Array);
  const bytes = inst.ctx.mem.copyOut(area.ptr!, area.len!, 'random');
  assert.is(bytes.length, 64);
  assert.ok(bytes.some((x) => x !== 0));
});

test.run();
