// The host owns each app's memory (host-memory.ts) and hands a new instance the memory of the one it
// replaced, zeroed (memory-reuse.ts): the rewrite keeps the module's meaning, and nothing an
// instance left in its memory reaches the next one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { HostError, Host } from '../../../runtime/index.js';
import { pack } from '../../../abi/boundary.js';
import { readModuleInfo } from '../../../runtime/sandbox/wasm-sections.js';
import { HOST_MEMORY_MODULE, HOST_MEMORY_NAME, importMemory } from '../../../runtime/sandbox/host-memory.js';
import { MemoryReuse } from '../../../runtime/sandbox/memory-reuse.js';
import { inspectModule, prepareModule } from '../../../runtime/sandbox/module-loader.js';
import { AppInstance } from '../../../runtime/sandbox/instance.js';
import { appendCommandsSection } from '../../../runtime/app-commands.js';
import { EAGER_MEMORY_PAGES, REUSED_MEMORY_MAX_PAGES, resolveLimits } from '../../../runtime/limits.js';
import { clampMemory } from '../../../runtime/sandbox/memory-limits.js';
import { wasmSection, wasmName } from '../../../runtime/sandbox/wasm-encode.js';
import * as M from '../../fixtures/hostile/modules.js';
import { tempHome, cleanup, writeApp, quietHost, grantAll } from '../helpers.js';

const home = tempHome('host-memory');
const env = { home, dataDir: home, logLevel: 0, logSink: () => {} };

/** `bytes` with a custom section put right after the 8-byte header (before every other section). */
function customFirst(bytes: Uint8Array): Uint8Array {
  const custom = wasmSection(0, [...wasmName('before-types'), 1, 2, 3]);
  const out = new Uint8Array(bytes.length + custom.length);
  out.set(bytes.subarray(0, 8), 0);
  out.set(custom, 8);
  out.set(bytes.subarray(8), 8 + custom.length);
  return out;
}

test('the rewrite imports the one memory with its limits and changes nothing else', () => {
  const withImports = M.appModule({ memory: [2, 16], imports: [['log', 'enabled', ['i32'], ['i32']]] });
  const cases = [M.appModule({ memory: [3, 9] }), withImports, customFirst(appendCommandsSection(withImports, { go: {} }))];
  for (const bytes of cases) {
    const before = readModuleInfo(bytes);
    const { memory: shape } = clampMemory(bytes, before, 16);
    const out = importMemory(bytes, before, shape);
    assert.ok(WebAssembly.validate(out));
    const after = readModuleInfo(out);
    assert.equal(after.memories, []);
    const mem = after.imports.at(-1)!;
    assert.equal([mem.module, mem.name, mem.kind], [HOST_MEMORY_MODULE, HOST_MEMORY_NAME, 'memory']);
    assert.equal(mem.memory, { min: shape.initial, max: shape.maximum, shared: false, memory64: false });
    assert.equal(shape, { initial: before.memories[0]!.min, maximum: before.memories[0]!.max! });
    // the function imports keep their order, so every function index is unchanged
    assert.equal(after.imports.slice(0, -1), before.imports);
    assert.equal(after.exports, before.exports);
    assert.equal(after.funcTypes, before.funcTypes);
    assert.equal(
      after.sections.filter((s) => s.id !== 2).map((s) => s.id),
      before.sections.filter((s) => s.id !== 2 && s.id !== 5).map((s) => s.id),
    );
  }
});

test('an app cannot ask for the host memory import itself', () => {
  assert.throws(
    () => inspectModule(M.importedMemory(HOST_MEMORY_MODULE), 'x', {}, 16),
    (e: HostError) => e.code === 'LINK_ERROR' && /peeros:sandbox::memory/.test(e.message),
  );
});

test('the cap decides the imported limits; only a module with one defined memory is rewritten', () => {
  // no maximum: capped at the app's pages; capped above the eager bound: it starts at its cap
  const uncapped = M.appModule({ memory: [1, undefined] });
  assert.equal(clampMemory(uncapped, readModuleInfo(uncapped), 8).memory, { initial: 1, maximum: 8 });
  const eager = clampMemory(uncapped, readModuleInfo(uncapped), EAGER_MEMORY_PAGES + 1).memory;
  assert.equal(eager, { initial: EAGER_MEMORY_PAGES + 1, maximum: EAGER_MEMORY_PAGES + 1 });
  const out = importMemory(uncapped, readModuleInfo(uncapped), { initial: 1, maximum: 8 });
  assert.equal(readModuleInfo(out).imports.at(-1)!.memory, { min: 1, max: 8, shared: false, memory64: false });
  const imported = M.importedMemory();
  assert.throws(
    () => importMemory(imported, readModuleInfo(imported), { initial: 1, maximum: 2 }),
    (e: HostError) => e.code === 'INTERNAL',
  );
});

test('an instance given a memory runs as with its own; data segments land in that memory', async () => {
  const prepared = await prepareModule(M.appModule({ result: pack('same') }), 'x', {}, 16);
  assert.equal(prepared.memory, { initial: 2, maximum: 16 });
  const memory = new WebAssembly.Memory(prepared.memory);
  const inst = AppInstance.create(prepared.module, [], 'x', {}, resolveLimits({ memoryPages: 16 }), env, memory);
  const r = inst.run('go', pack({}));
  assert.ok(r.ok);
  assert.equal([...r.bytes], [...pack('same')]);
  assert.is(inst.retire(), memory);
  assert.ok(inst.poisoned);
  assert.throws(() => inst.run('go', pack({})), /unusable/);
  // without a memory the host's module does not instantiate
  assert.throws(() => AppInstance.create(prepared.module, [], 'x', {}, resolveLimits({ memoryPages: 16 }), env), /peeros:sandbox/);
});

test('a reused memory is zeroed and keeps its size; a large one is not kept', () => {
  const reuse = new MemoryReuse({ initial: 1, maximum: REUSED_MEMORY_MAX_PAGES + 1 });
  const m = reuse.take();
  m.grow(2);
  new Uint8Array(m.buffer).fill(0xa5);
  reuse.give(m);
  const again = reuse.take();
  assert.is(again, m);
  assert.is(again.buffer.byteLength, 3 * 65536);
  assert.ok(new Uint8Array(again.buffer).every((b) => b === 0));
  assert.is.not(reuse.take(), m); // one taker only
  again.grow(REUSED_MEMORY_MAX_PAGES - 2);
  reuse.give(again);
  assert.is.not(reuse.take(), again);
});

let host: Host;
test('through a worker: the instance after a trap gets the old memory, with nothing left in it', async () => {
  host = quietHost(home);
  const commands = { x: { description: 'leaves a secret, grows, traps' }, peek: { description: 'looks' } };
  await host.install(writeApp(home, 'leftovers', M.memoryLeftovers(), { commands }), grantAll);
  assert.equal(await host.run('leftovers', 'peek'), [0, 2]);
  for (let i = 0; i < 3; i++) {
    const err = await host.run('leftovers', 'x').then(
      () => undefined,
      (e: HostError) => e,
    );
    assert.is(err?.code, 'TRAP');
    // 5 pages: the trapped instance's grown memory, reused; 0: its secret did not survive
    assert.equal(await host.run('leftovers', 'peek'), [0, 5 + 3 * i]);
  }
});

test.after(async () => {
  await host?.close();
  cleanup(home);
});

test.run();
