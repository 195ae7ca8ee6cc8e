// The linker: deny by default, exact signatures, no drift between the generated ISA table and the host.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ISA_IMPORTS } from '../../../isa/generated/imports.js';
import { HostError } from '../../../runtime/index.js';
import { readModuleInfo } from '../../../runtime/sandbox/wasm-sections.js';
import { planImports, checkExports, hasImplementation, buildImports } from '../../../runtime/sandbox/linker.js';
import { inspectModule } from '../../../runtime/sandbox/module-loader.js';
import { IsaContext } from '../../../runtime/isa/index.js';
import { resolveLimits } from '../../../runtime/limits.js';
import * as M from '../../fixtures/hostile/modules.js';

function fails(f: () => unknown, code: string): string {
  try {
    f();
  } catch (e) {
    assert.instance(e, HostError);
    assert.is((e as HostError).code, code, (e as Error).message);
    return (e as Error).message;
  }
  throw new Error(`expected ${code}`);
}

test('every generated ISA import has a host implementation (no drift)', () => {
  assert.ok(ISA_IMPORTS.length >= 15);
  for (const imp of ISA_IMPORTS) assert.ok(hasImplementation(imp), `${imp.interface}.${imp.func} has no host implementation`);
});

test('deny by default: with no grants, any ISA import is CAPABILITY_DENIED naming import and capability', () => {
  const info = readModuleInfo(M.ungrantedImport());
  const msg = fails(() => planImports(info, {}, 'x'), 'CAPABILITY_DENIED');
  assert.match(msg, /import peeros:isa\/storage@0\.1\.0::get needs capability 'storage', which is not granted/);
  fails(() => planImports(info, { log: {} }, 'x'), 'CAPABILITY_DENIED');
  assert.is(planImports(info, { storage: { prefixes: ['a/'], maxBytes: 10 } }, 'x').length, 1);
});

test('each capability gates exactly its own interface', () => {
  for (const imp of ISA_IMPORTS) {
    const mod = M.appModule({ imports: [[imp.interface, imp.name, imp.core.params, imp.core.results]] });
    const info = readModuleInfo(mod);
    const others = Object.fromEntries(ISA_IMPORTS.filter((i) => i.capability !== imp.capability).map((i) => [i.capability, {}]));
    const msg = fails(() => planImports(info, others, 'x'), 'CAPABILITY_DENIED');
    assert.ok(msg.includes(`'${imp.capability}'`));
    assert.is(planImports(info, { [imp.capability]: {} }, 'x')[0]!.func, imp.func);
  }
});

test('an import outside the ISA is a LINK_ERROR naming it', () => {
  const msg = fails(() => planImports(readModuleInfo(M.unknownImport()), { log: {} }, 'x'), 'LINK_ERROR');
  assert.match(msg, /unknown import peeros:isa\/log@0\.1\.0::format-disk/);
});

test('an ISA import with the wrong core signature is a LINK_ERROR', () => {
  const msg = fails(() => planImports(readModuleInfo(M.wrongImportSignature()), { log: {} }, 'x'), 'LINK_ERROR');
  assert.match(msg, /enabled has signature \(i64\) -> \(i32\), expected \(i32\) -> \(i32\)/);
});

test('export signatures are checked: run, cabi_realloc, memory', () => {
  assert.match(
    fails(() => checkExports(readModuleInfo(M.wrongExportSignature()), 'x'), 'LINK_ERROR'),
    /export 'peeros:isa\/command@0\.1\.0#run' has signature \(i32\) -> \(i32\)/,
  );
  assert.match(
    fails(() => checkExports(readModuleInfo(M.missingRealloc()), 'x'), 'LINK_ERROR'),
    /missing export 'cabi_realloc'/,
  );
  assert.match(
    fails(() => inspectModule(M.importedMemory(), 'x', {}, 16), 'LINK_ERROR'),
    /env::memory is a memory/,
  );
  checkExports(readModuleInfo(M.appModule()), 'x');
});

test('only the imports a module declares are built', () => {
  const info = readModuleInfo(M.outOfBoundsPointer());
  const plan = planImports(info, { log: {}, clock: {}, storage: { prefixes: ['a'], maxBytes: 1 } }, 'x');
  const ctx = new IsaContext('x', { log: {} }, resolveLimits({}), { home: '/tmp', dataDir: '/tmp/none', logLevel: 2, logSink: () => {} });
  const imports = buildImports(plan, ctx) as Record<string, Record<string, unknown>>;
  assert.equal(Object.keys(imports), ['peeros:isa/log@0.1.0']);
  assert.equal(Object.keys(imports['peeros:isa/log@0.1.0']!), ['write']);
});

test('garbage is INVALID_MODULE, not a crash', () => {
  fails(() => readModuleInfo(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), 'INVALID_MODULE');
  const good = M.appModule();
  fails(() => readModuleInfo(good.subarray(0, good.length - 5)), 'INVALID_MODULE');
});

test.run();
