// The built dappstore contract (apps/dappstore/contract) on the contract VM: publish needs the
// publisher's authority and claims the app name; a version is published once; app names, versions,
// locations and sizes are checked; yank only by the app's publisher, once. Arguments are encoded with
// the contract's own emitted ABI, and the row keys match the host's appKey (runtime/store/app-key.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Abi, AbiSerializer } from '../../abi/antelope/index.js';
import { ContractVm } from '../../dmcs/vm/contract-vm.js';
import { ContractError } from '../../dmcs/vm/contract-error.js';
import { MemoryHost, n } from '../dmcs/vm/memory-host.js';
import { appKey } from '../../runtime/store/app-key.js';

const ROOT = new URL('../../../', import.meta.url);
const wasm = new Uint8Array(readFileSync(new URL('build/contracts/dappstore/dappstore.wasm', ROOT)));
const abi = AbiSerializer.for(Abi.from(JSON.parse(readFileSync(new URL('build/contracts/dappstore/dappstore.abi', ROOT), 'utf8'))));
const STORE = n('dappstore');

function harness() {
  const host = new MemoryHost(['alice', 'bob', 'dappstore']);
  const vm = new ContractVm();
  const push = (action: string, data: Record<string, unknown>, actor: string) =>
    vm.apply(
      wasm,
      {
        receiver: STORE,
        account: STORE,
        name: n(action),
        data: abi.encodeAction(action, data),
        authorization: [{ actor: n(actor), permission: n('active') }],
      },
      host,
    );
  const rows = (table: string, scope: bigint, type: string) =>
    (host.db.findTable(STORE, scope, n(table))?.rows ?? []).map((r) => abi.decode(type, r.value) as Record<string, unknown>);
  return { host, push, rows };
}

const release = (over: Record<string, unknown> = {}) => ({
  publisher: 'alice',
  app: 'notes',
  version: '1.0.0',
  package_hash: 'ab'.repeat(32),
  size: 1234,
  capabilities_hash: 'cd'.repeat(32),
  locations: ['https://example.org/notes-1.0.0.peeros'],
  ...over,
});

function refused(fn: () => unknown, message: string): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, ContractError);
    assert.ok((e as Error).message.includes(message), (e as Error).message);
    return;
  }
  assert.unreachable(`expected: ${message}`);
}

test('publish stores the app under appKey and the release in its scope', () => {
  const h = harness();
  h.push('publish', release(), 'alice');
  h.push('publish', release({ version: '1.1.0' }), 'alice');
  const apps = h.rows('apps', STORE, 'app_row');
  assert.is(apps.length, 1);
  assert.is(String(apps[0]!.key), appKey('notes').toString());
  assert.is(String(apps[0]!.latest), '1.1.0');
  const rels = h.rows('releases', appKey('notes'), 'release_row');
  assert.equal(
    rels.map((r) => String(r.version)),
    ['1.0.0', '1.1.0'],
  );
  assert.is(String(rels[0]!.package_hash), 'ab'.repeat(32));
  assert.is(rels[0]!.yanked, false);
});

test('publish needs the publisher authority, the same publisher, and a new version', () => {
  const h = harness();
  refused(() => h.push('publish', release(), 'bob'), 'missing authority of alice');
  h.push('publish', release(), 'alice');
  refused(() => h.push('publish', release({ publisher: 'bob', version: '2.0.0' }), 'bob'), 'published by another account');
  refused(() => h.push('publish', release({ package_hash: 'ee'.repeat(32) }), 'alice'), 'version already published');
});

test('publish checks the app name, version, size and locations', () => {
  const h = harness();
  for (const app of ['', 'Notes', '1notes', 'no tes', '../x', 'a'.repeat(65)])
    refused(() => h.push('publish', release({ app }), 'alice'), 'app: expected an app name');
  for (const version of ['1.0', 'v1.0.0 ', '1.0.0/x'])
    refused(() => h.push('publish', release({ version }), 'alice'), 'version: expected a semantic version');
  refused(() => h.push('publish', release({ size: 0 }), 'alice'), 'size: a package has at least one byte');
  refused(() => h.push('publish', release({ locations: [] }), 'alice'), 'a release has 1 to 8 locations');
  refused(() => h.push('publish', release({ locations: Array(9).fill('x') }), 'alice'), 'a release has 1 to 8 locations');
  refused(() => h.push('publish', release({ locations: ['x'.repeat(513)] }), 'alice'), 'a location has 1 to 512 bytes');
});

test('yank: only by the publisher, only an existing version, only once', () => {
  const h = harness();
  h.push('publish', release(), 'alice');
  refused(() => h.push('yank', { publisher: 'bob', app: 'notes', version: '1.0.0' }, 'bob'), "only the app's publisher may yank it");
  refused(() => h.push('yank', { publisher: 'alice', app: 'notes', version: '9.9.9' }, 'alice'), 'no such version');
  refused(() => h.push('yank', { publisher: 'alice', app: 'nope', version: '1.0.0' }, 'alice'), 'no such app');
  h.push('yank', { publisher: 'alice', app: 'notes', version: '1.0.0' }, 'alice');
  assert.is(h.rows('releases', appKey('notes'), 'release_row')[0]!.yanked, true);
  refused(() => h.push('yank', { publisher: 'alice', app: 'notes', version: '1.0.0' }, 'alice'), 'already yanked');
});

test.run();
