// The hostile-module corpus: each module gets its typed error, and the host then still runs
// another app. All modules are hand-built (test/fixtures/hostile/modules.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HostError, type Host } from '../../runtime/index.js';
import * as M from '../fixtures/hostile/modules.js';
import { tempHome, cleanup, writeApp, quietHost, grantAll } from './helpers.js';

const home = tempHome('hostile');
let host: Host;

test.before(async () => {
  host = quietHost(home);
  await host.install(writeApp(home, 'good', M.appModule()), grantAll);
});

async function expectError(p: Promise<unknown>, code: string, pattern?: RegExp): Promise<HostError> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, HostError);
    assert.is((e as HostError).code, code, (e as Error).message);
    if (pattern) assert.match((e as Error).message, pattern);
    return e as HostError;
  }
  throw new Error(`expected ${code}`);
}

async function stillServing(): Promise<void> {
  assert.equal(await host.run('good', 'go'), { ok: true });
}

async function runHostile(
  name: string,
  wasm: Uint8Array,
  capabilities: Record<string, unknown> = {},
  limits: Record<string, number> = {},
): Promise<unknown> {
  await host.install(writeApp(home, name, wasm, { capabilities, limits }), grantAll);
  return host.run(name, 'go');
}

test('infinite loop → DEADLINE_EXCEEDED, worker terminated', async () => {
  // (no wall-clock bound: the message names the CPU deadline that fired, and a loaded machine stretches wall time)
  await expectError(
    runHostile('loop', M.infiniteLoop(), {}, { cpuMs: 200 }),
    'DEADLINE_EXCEEDED',
    /app 'loop' command 'go' ran past its CPU deadline of 200 ms/,
  );
  await stillServing();
});

test('memory.grow bomb → stops at the cap, then TRAP naming the cause', async () => {
  const e = await expectError(
    runHostile('bomb', M.memoryGrowBomb(), {}, { memoryPages: 64 }),
    'TRAP',
    /app 'bomb' command 'go' trapped: unreachable/,
  );
  assert.is(e.app, 'bomb');
  assert.is(e.command, 'go');
  await stillServing();
});

test('deep recursion → TRAP call stack exhausted', async () => {
  await expectError(runHostile('recursion', M.deepRecursion()), 'TRAP', /call stack exhausted/);
  await stillServing();
});

test('out-of-bounds pointer into a host call → BAD_POINTER', async () => {
  await expectError(
    runHostile('oob', M.outOfBoundsPointer(), { log: {} }),
    'BAD_POINTER',
    /log\.write message: range \[2147418112, 2147418122\) is outside linear memory/,
  );
  await stillServing();
});

test('length overflow (ptr + len past 2^32) → BAD_POINTER', async () => {
  await expectError(runHostile('overflow', M.lengthOverflow()), 'BAD_POINTER', /overflows the 32-bit address space/);
  await expectError(runHostile('neglen', M.negativeLength(), { log: {} }), 'BAD_POINTER', /negative length -1/);
  await stillServing();
});

test('malformed msgpack from the guest → MALFORMED_MSGPACK', async () => {
  await expectError(
    runHostile('malformed', M.malformedResult()),
    'MALFORMED_MSGPACK',
    /result is not well-formed msgpack: reserved byte 0xc1/,
  );
  await stillServing();
});

test('import of an ungranted capability → CAPABILITY_DENIED at install, naming import and capability', async () => {
  await expectError(
    runHostile('ungranted', M.ungrantedImport(), { log: {} }),
    'CAPABILITY_DENIED',
    /import peeros:isa\/storage@0\.1\.0::get needs capability 'storage'/,
  );
  await expectError(host.run('ungranted', 'go'), 'UNKNOWN_APP');
  await stillServing();
});

test('trap inside a host call (the guest allocator traps when the host calls it) → TRAP', async () => {
  await expectError(runHostile('hosttrap', M.trapInHostCall(), { random: {} }), 'TRAP', /trapped: unreachable/);
  await stillServing();
});

test('module without a memory maximum → clamped to the app limit: growing past it fails inside the guest', async () => {
  const r = await host.install(writeApp(home, 'nomax', M.noMemoryMaximum(40), { limits: { memoryPages: 32 } }), grantAll);
  assert.ok(r.memoryClamped);
  assert.equal(await host.run('nomax', 'go'), { ok: true }); // memory.grow(40) returned -1
  await expectError(
    host.install(writeApp(home, 'huge', M.hugeInitialMemory(100), { limits: { memoryPages: 32 } }), grantAll),
    'LIMIT_EXCEEDED',
    /starts at 100 pages, above the app's limit of 32 pages/,
  );
  await stillServing();
});

test('wrong export signature → LINK_ERROR naming the export', async () => {
  await expectError(
    runHostile('badexport', M.wrongExportSignature()),
    'LINK_ERROR',
    /export 'peeros:isa\/command@0\.1\.0#run' has signature \(i32\) -> \(i32\), expected \(i32, i32, i32, i32\) -> \(i32\)/,
  );
  await stillServing();
});

test('a start function that traps → TRAP at instantiation, naming the app', async () => {
  await expectError(runHostile('badstart', M.trapInStart()), 'TRAP', /app 'badstart' command '\(start\)' trapped: unreachable/);
  await expectError(host.run('badstart', 'go'), 'TRAP');
  await stillServing();
});

test('a start function that loops forever → DEADLINE_EXCEEDED within cpuMs, not the worker start-up allowance', async () => {
  // the message names the deadline that fired (the call's, not WORKER_START_MS): no wall-clock bound, which load stretches
  await expectError(
    runHostile('startloop', M.loopInStart(), {}, { cpuMs: 200 }),
    'DEADLINE_EXCEEDED',
    /app 'startloop': instantiation \(its start function\) ran past the CPU deadline of 200 ms/,
  );
  await stillServing();
});

test('a failed call poisons only that instance: the same app runs again afterwards', async () => {
  await expectError(host.run('hosttrap', 'go'), 'TRAP');
  await expectError(host.run('malformed', 'go'), 'MALFORMED_MSGPACK');
  assert.equal(await host.run('nomax', 'go'), { ok: true });
});

test.after(async () => {
  await host.close();
  cleanup(home);
});
test.run();
