// The ISA generator: committed outputs match a fresh generation from isa/wit (no drift), every
// WIT function appears in both outputs with the core signature CORE-ABI.md fixes, and the WIT
// parser names file and line on what it cannot accept.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  generate,
  loadIsa,
  parseWitPackage,
  isaImports,
  HOST_OUTPUT,
  AS_OUTPUT,
  WitSyntaxError,
  IsaLoweringError,
} from '../../isa/generator/index.js';
import {
  ISA_IMPORTS,
  ERROR_CODES,
  LOG_LEVELS,
  COMMAND_EXPORT,
  COMMAND_POST_RETURN,
  ISA_PACKAGE,
  ISA_VERSION,
} from '../../isa/generated/imports.js';
import { ROOT } from './paths.js';

test('generated files match the WIT (no drift), on disk and as committed', () => {
  const fresh = generate(ROOT);
  for (const rel of [HOST_OUTPUT, AS_OUTPUT]) {
    const onDisk = readFileSync(join(ROOT, rel), 'utf8');
    assert.ok(onDisk === fresh[rel], `${rel} differs from a fresh generation: run node scripts/build.mjs`);
    // the build regenerates in place, so also compare with the committed version when git is here
    const git = spawnSync('git', ['show', `HEAD:${rel}`], { cwd: ROOT, encoding: 'utf8' });
    if (git.status === 0) assert.ok(git.stdout === fresh[rel], `${rel} as committed differs from the WIT: regenerate and commit it`);
  }
});

test('every WIT function of every imported interface is in both outputs', () => {
  const pkg = loadIsa(ROOT);
  const world = pkg.worlds.find((w) => w.name === 'app')!;
  const asText = readFileSync(join(ROOT, AS_OUTPUT), 'utf8');
  let n = 0;
  for (const ifName of world.imports) {
    const iface = pkg.interfaces.find((i) => i.name === ifName)!;
    for (const f of iface.funcs) {
      n++;
      const module = `peeros:isa/${ifName}@0.1.0`;
      assert.ok(
        ISA_IMPORTS.some((i) => i.module === module && i.name === f.name),
        `${module} ${f.name} missing from imports.ts`,
      );
      assert.ok(asText.includes(`@external("${module}", "${f.name}")`), `${module} ${f.name} missing from isa.generated.ts`);
    }
  }
  assert.is(ISA_IMPORTS.length, n);
  assert.ok(n >= 15);
});

test('isa/ISA.md documents every import', () => {
  const doc = readFileSync(join(ROOT, 'isa/ISA.md'), 'utf8');
  for (const i of ISA_IMPORTS) {
    assert.ok(doc.includes(`\`${i.interface}.${i.func}\``), `ISA.md does not document ${i.interface}.${i.func}`);
    assert.ok(doc.includes(`capability \`${i.capability}\``), `ISA.md does not name capability ${i.capability}`);
  }
});

test('core signatures follow CORE-ABI.md', () => {
  const sig = (m: string, f: string): string => {
    const i = ISA_IMPORTS.find((x) => x.interface === m && x.func === f)!;
    return `${i.core.params.join(',')}->${i.core.results.join(',')}`;
  };
  assert.is(sig('log', 'enabled'), 'i32->i32');
  assert.is(sig('log', 'write'), 'i32,i32,i32->');
  assert.is(sig('clock', 'now-ms'), '->i64');
  assert.is(sig('clock', 'monotonic-ns'), '->i64');
  assert.is(sig('random', 'bytes'), 'i32,i32->');
  assert.is(sig('storage', 'get'), 'i32,i32,i32->');
  assert.is(sig('storage', 'set'), 'i32,i32,i32,i32,i32->');
  assert.is(sig('storage', 'delete'), 'i32,i32,i32->');
  assert.is(sig('storage', 'list'), 'i32,i32,i32,i32->');
  assert.is(sig('ual', 'account'), 'i32->');
  assert.is(sig('chain', 'get-info'), 'i32->');
  assert.is(sig('chain', 'get-account'), 'i32,i32,i32->');
  assert.is(sig('chain', 'get-table-rows'), 'i32,i32,i32->');
  assert.is(sig('dmcs', 'push'), 'i32,i32,i32->');
  assert.is(sig('diag', 'echo'), 'i32,i32,i32->');
  assert.is(sig('fs', 'read'), 'i32,i32,i64,i32,i32->');
  assert.is(sig('fs', 'write-file'), 'i32,i32,i32,i32,i32->');
  assert.is(sig('fs', 'write'), 'i32,i32,i64,i32,i32,i32->');
  assert.is(sig('fs', 'list'), 'i32,i32,i32,i32->');
  assert.is(sig('fs', 'stat'), 'i32,i32,i32->');
  assert.is(sig('fs', 'remove'), 'i32,i32,i32->');
  assert.is(sig('fs', 'rename'), 'i32,i32,i32,i32,i32->');
  const shapes = Object.fromEntries(ISA_IMPORTS.map((i) => [`${i.interface}.${i.func}`, i.shape]));
  assert.is(shapes['storage.set'], 'result-unit');
  assert.is(shapes['ual.account'], 'result-bytes');
  assert.is(shapes['log.write'], 'none');
  assert.is(shapes['clock.now-ms'], 'u64');
});

test('capabilities, error codes, log levels and command names', () => {
  const caps = Object.fromEntries(ISA_IMPORTS.map((i) => [i.interface, i.capability]));
  assert.equal(caps, {
    log: 'log',
    clock: 'clock',
    random: 'random',
    storage: 'storage',
    ual: 'ual',
    chain: 'chain.read',
    dmcs: 'dmcs.push',
    diag: 'diag',
    fs: 'fs',
    store: 'store.install',
    host: 'host.read',
    ui: 'ui',
  });
  assert.equal(
    { ...ERROR_CODES },
    { 'invalid-argument': 0, 'capability-denied': 1, 'not-found': 2, unavailable: 3, 'limit-exceeded': 4, 'no-session': 5, internal: 6 },
  );
  assert.equal({ ...LOG_LEVELS }, { trace: 0, debug: 1, info: 2, warn: 3, error: 4 });
  assert.is(COMMAND_EXPORT, 'peeros:isa/command@0.1.0#run');
  assert.is(COMMAND_POST_RETURN, 'cabi_post_peeros:isa/command@0.1.0#run');
  assert.is(ISA_PACKAGE, 'peeros:isa');
  assert.is(ISA_VERSION, '0.1.0');
});

const wit = (source: string) => [{ file: 'x.wit', source }];

test('parser: a syntax error names the file and line', () => {
  try {
    parseWitPackage(wit('package a:b@0.1.0;\n\ninterface i {\n  f: func(x: u32) -> ;\n}\n'));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, WitSyntaxError);
    assert.match((e as Error).message, /^x\.wit:4: /);
  }
});

test('parser: types outside the subset are refused by name', () => {
  assert.throws(
    () => parseWitPackage(wit('package a:b;\ninterface i {\n  record r { x: u32 }\n}\n')),
    /'record' is outside the WIT subset/,
  );
  assert.throws(() => parseWitPackage(wit('package a:b;\ninterface i {\n  f: func() -> option<u32>;\n}\n')), /'option<…>' is outside/);
  assert.throws(() => parseWitPackage(wit('package a:b;\ninterface i {\n  f: func(x: nope);\n}\n')), /unknown type 'nope'/);
});

test('parser: doc comments, escaped keywords, use and capability', () => {
  const pkg = parseWitPackage(
    wit(`package p:q@1.2.3;
interface types { enum error-code { bad, worse } }
/// Things.
/// capability: things.read   (scope: none)
interface things {
  use types.{error-code};
  /// Lists them.
  %list: func(prefix: string, limit: u32) -> result<list<u8>, error-code>;
  put: func(k: string, v: list<u8>) -> result<_, error-code>;
}
world app { import things; }
`),
  );
  assert.is(pkg.version, '1.2.3');
  const things = pkg.interfaces.find((i) => i.name === 'things')!;
  assert.is(things.capability, 'things.read');
  assert.is(things.funcs[0]!.name, 'list');
  assert.is(things.funcs[0]!.doc, 'Lists them.');
  const lowered = isaImports(pkg);
  assert.equal(
    lowered.map((i) => [i.module, i.name, i.shape, i.core.params.length]),
    [
      ['p:q/things@1.2.3', 'list', 'result-bytes', 4],
      ['p:q/things@1.2.3', 'put', 'result-unit', 5],
    ],
  );
});

test('lowering: an imported interface without a capability line is refused', () => {
  const pkg = parseWitPackage(wit('package p:q;\ninterface open { f: func() -> u32; }\nworld app { import open; }\n'));
  assert.throws(
    () => isaImports(pkg),
    (e: unknown) => e instanceof IsaLoweringError && /no 'capability: NAME'/.test((e as Error).message),
  );
});

test.run();
