// Limits: each a named constant, each hit by a test (memory cap, bytes per host call, msgpack depth,
// CPU is in worker.test.ts and hostile.test.ts, stack in hostile.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pack } from '../../../abi/boundary.js';
import { type HostError, limits as L } from '../../../runtime/index.js';
import { readModuleInfo } from '../../../runtime/sandbox/wasm-sections.js';
import { clampMemory } from '../../../runtime/sandbox/memory-limits.js';
import * as M from '../../fixtures/hostile/modules.js';
import { instantiate } from '../helpers.js';

test('defaults sit within the host maxima; overrides replace defaults', () => {
  for (const k of Object.keys(L.DEFAULT_LIMITS) as (keyof typeof L.DEFAULT_LIMITS)[]) assert.ok(L.DEFAULT_LIMITS[k] <= L.HOST_MAXIMA[k], k);
  assert.equal(L.resolveLimits({ cpuMs: 5 }), { ...L.DEFAULT_LIMITS, cpuMs: 5 });
  // every guest address stays below 2^31, so a negative i32 pointer is always out of bounds
  assert.ok(L.MAX_MEMORY_PAGES * L.WASM_PAGE_BYTES <= 2 ** 31);
});

test('memory clamp rewrites only the memory section; a fitting maximum is kept', () => {
  const bytes = M.appModule({ memory: [2, undefined] });
  const c = clampMemory(bytes, readModuleInfo(bytes), 8);
  assert.ok(c.clamped);
  assert.is(c.declaredMax, undefined);
  const after = readModuleInfo(c.bytes);
  assert.equal(after.memories[0], { min: 2, max: 8, shared: false, memory64: false });
  assert.equal(
    after.exports.map((e) => e.name),
    readModuleInfo(bytes).exports.map((e) => e.name),
  );
  assert.ok(WebAssembly.validate(c.bytes));
  const big = M.appModule({ memory: [2, 1000] });
  assert.equal(readModuleInfo(clampMemory(big, readModuleInfo(big), 8).bytes).memories[0]!.max, 8);
  const fits = M.appModule({ memory: [2, 4] });
  assert.is(clampMemory(fits, readModuleInfo(fits), 8).bytes, fits);
});

test('memory cap holds at run time: the guest cannot grow past memoryPages', () => {
  const inst = instantiate(M.noMemoryMaximum(10), {}, { memoryPages: 8 });
  assert.ok(inst.run('go', pack({})).ok); // grow(10) returned -1, no trap
  assert.is(inst.memoryPages, 2);
  const lax = instantiate(M.noMemoryMaximum(10), {}, { memoryPages: 64 });
  assert.throws(
    () => lax.run('go', pack({})),
    (e: HostError) => e.code === 'TRAP',
  ); // grow succeeded → the module traps on purpose
});

test('bytes per host call: command args and results above hostCallBytes are LIMIT_EXCEEDED', () => {
  const inst = instantiate(M.appModule(), {}, { hostCallBytes: 1024 });
  assert.throws(
    () => inst.run('go', pack('x'.repeat(2000))),
    (e: HostError) => e.code === 'LIMIT_EXCEEDED' && /arguments are \d+ bytes, above the host-call limit of 1024/.test(e.message),
  );
  const big = instantiate(M.appModule({ result: pack('y'.repeat(3000)) }), {}, { hostCallBytes: 1024 });
  assert.throws(
    () => big.run('go', pack({})),
    (e: HostError) => e.code === 'LIMIT_EXCEEDED' && /result is \d+ bytes/.test(e.message),
  );
});

test('log messages above hostCallBytes are truncated, not refused', () => {
  const logs: string[] = [];
  const text = new TextEncoder().encode('z'.repeat(300));
  instantiate(
    M.appModule({
      imports: [['log', 'write', ['i32', 'i32', 'i32'], []]],
      prelude: (b) => {
        b.data(1024, text);
        return [
          [0x41, 2],
          [0x41, 0x80, 0x08],
          [0x41, 0xac, 0x02],
          [0x10, 0],
        ];
      },
    }),
    { log: {} },
    { hostCallBytes: 100 },
    '/tmp',
    logs,
  ).run('go', pack({}));
  assert.is(logs.length, 1);
  assert.match(logs[0]!, /^probe:2:z{100}… \(truncated from 300 bytes\)$/);
});

test.run();
