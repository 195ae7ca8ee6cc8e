// peeros.json validation: every problem reported with its field path, what was expected and what arrived.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { withModuleCommands } from '../../runtime/app-commands.js';
import { validateManifest, HostError } from '../../runtime/index.js';

const base = () => ({
  name: 'demo',
  version: '1.0.0',
  publisher: 'alice',
  entry: 'build/demo.wasm',
  commands: { go: { description: 'go' } },
  capabilities: { log: {}, storage: { prefixes: ['notes/'], maxBytes: 1024 } },
});

function invalid(m: unknown): string {
  try {
    validateManifest(m);
  } catch (e) {
    assert.instance(e, HostError);
    assert.is((e as HostError).code, 'MANIFEST_INVALID');
    return (e as Error).message;
  }
  throw new Error('expected MANIFEST_INVALID');
}

test('a complete manifest validates and keeps its scopes', () => {
  const m = validateManifest({
    ...base(),
    description: 'd',
    source: 'assembly/index.ts',
    dmcs: { contract: 'demo' },
    capabilities: {
      log: {},
      clock: {},
      random: {},
      ual: {},
      diag: {},
      storage: { prefixes: ['notes/'], maxBytes: 1048576 },
      'chain.read': { contracts: ['eosio.token'] },
      'dmcs.push': { contracts: { 'eosio.token': ['transfer'] }, maxAmount: '100.0000 RSN' },
    },
    limits: { memoryPages: 32, cpuMs: 500, hostCallBytes: 4096, msgpackDepth: 8 },
  });
  assert.equal(m.capabilities.storage, { prefixes: ['notes/'], maxBytes: 1048576 });
  assert.equal(m.limits, { memoryPages: 32, cpuMs: 500, hostCallBytes: 4096, msgpackDepth: 8 });
});

test("the stock apps' manifests validate; their commands come from the built module", () => {
  for (const p of ['apps/calculator/peeros.json', 'apps/notes/peeros.json', 'test/fixtures/apps/bench/peeros.json']) {
    assert.ok(existsSync(p), `${p} is missing`);
    const raw = JSON.parse(readFileSync(p, 'utf8')) as { name: string; entry: string; commands?: Record<string, unknown> };
    const m = withModuleCommands(validateManifest(raw, p), readFileSync(join(dirname(p), raw.entry)), p);
    assert.is(m.name, raw.name);
    assert.ok(Object.keys(m.commands).length > 0, p);
    // an app with @command functions lists no commands in peeros.json (the fixture app registers by hand)
    if (p.startsWith('apps/')) assert.is(raw.commands, undefined, p);
    else assert.equal(Object.keys(m.commands), Object.keys(raw.commands ?? {}));
  }
});

test('missing and mistyped top-level fields name the field, expected and got', () => {
  const msg = invalid({ ...base(), name: 'Bad Name', version: 1, publisher: 'UPPER', entry: '../x.wasm' });
  assert.match(msg, /name: expected an app name.*got "Bad Name"/);
  assert.match(msg, /version: expected a semantic version.*got 1/);
  assert.match(msg, /publisher: expected an Antelope account name.*got "UPPER"/);
  assert.match(msg, /entry: expected a relative path.*got "\.\.\/x\.wasm"/);
  assert.match(invalid({ ...base(), commands: [] }), /commands: expected an object with at least one command/);
  // none declared: they come from the module, and an app with commands in neither place is refused there
  const none = validateManifest({ ...base(), commands: {} });
  assert.throws(() => withModuleCommands(none, new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])), /commands: expected @command functions/);
  assert.match(invalid([]), /\(root\): expected an object, got an array/);
});

test('scopes are validated with their full path', () => {
  const msg = invalid({ ...base(), capabilities: { storage: { prefixes: [42], maxBytes: -1 } } });
  assert.match(msg, /capabilities\.storage\.prefixes\[0\]: expected a non-empty string of at most 256 bytes, got 42/);
  assert.match(msg, /capabilities\.storage\.maxBytes: expected an integer from 1 to \d+, got -1/);
  assert.match(
    invalid({ ...base(), capabilities: { 'dmcs.push': { contracts: { 'eosio.token': [] } } } }),
    /capabilities\.dmcs\.push\.contracts\.eosio\.token: expected a non-empty array of action names/,
  );
  assert.match(invalid({ ...base(), capabilities: { log: { level: 'x' } } }), /capabilities\.log\.level: expected no fields/);
});

test('unknown capabilities and unknown fields are refused, not ignored', () => {
  assert.match(
    invalid({ ...base(), capabilities: { 'fs.write': {} } }),
    /capabilities\.fs\.write: expected one of the ISA capabilities .*got "fs\.write"/,
  );
  assert.match(invalid({ ...base(), capabilitys: {} }), /capabilitys: expected no such field/);
});

test('limits must be positive integers within the host maxima', () => {
  const msg = invalid({ ...base(), limits: { memoryPages: 100000, cpuMs: 0, stack: 1 } });
  assert.match(msg, /limits\.memoryPages: expected an integer from 1 to 4096 \(the host maximum\), got 100000/);
  assert.match(msg, /limits\.cpuMs: expected an integer from 1 to 30000/);
  assert.match(msg, /limits\.stack: expected one of memoryPages, cpuMs, hostCallBytes, msgpackDepth/);
});

test.run();
