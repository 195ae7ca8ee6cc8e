// apps/dappstore (the dAppStore as an app) through the real host on a real dev node: releases
// published to the registry contract are listed and shown through chain.read (the releases table in
// the scope of the app's row key, as runtime/store reads it); a yanked release shows as yanked.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { Action } from '../../abi/antelope/index.js';
import { type HostError, Host } from '../../runtime/index.js';
import { deployContract, submitUserTransaction } from '../../runtime/transaction-service/index.js';
import { startWorld, newAccount, ROOT, type World } from '../e2e/world.js';

let w: World;
let host: Host;
const run = (cmd: string, args: Record<string, unknown> = {}) => host.run('dappstore', cmd, args);
const STORE_WASM = join(ROOT, 'build/contracts/dappstore/dappstore.wasm');

async function push(name: string, data: Record<string, unknown>): Promise<void> {
  const abi = (await w.backend.getAbi('dappstore')).abi as Parameters<typeof Action.from>[1];
  const action = Action.from({ account: 'dappstore', name, authorization: [{ actor: 'alice', permission: 'active' }], data }, abi);
  await submitUserTransaction({ vault: w.vault, backend: w.backend, actions: [action], summary: [`dappstore ${name}`] });
}

const release = (app: string, version: string, hash: string) => ({
  publisher: 'alice',
  app,
  version,
  package_hash: hash.repeat(32),
  size: 4321,
  capabilities_hash: 'cd'.repeat(32),
  locations: [`https://example.org/${app}-${version}.peeros`],
});

test.before(async () => {
  w = await startWorld();
  await newAccount(w, 'alice');
  await newAccount(w, 'dappstore');
  await deployContract({
    vault: w.vault,
    backend: w.backend,
    account: 'dappstore',
    wasmPath: STORE_WASM,
    abiPath: STORE_WASM.replace(/\.wasm$/, '.abi'),
  });
  await push('publish', release('notes', '1.0.0', 'ab'));
  await push('publish', release('notes', '1.1.0', 'ef'));
  await push('publish', release('calculator', '0.3.0', '12'));
  await push('yank', { publisher: 'alice', app: 'notes', version: '1.0.0' });
  host = new Host({ home: w.home, bridge: w.services.bridge, onLog: () => {} });
  await host.install(join(ROOT, 'apps/dappstore'), { grant: async () => true });
});
test.after(async () => {
  await host?.close();
  await w?.close();
});

test('list: every app with its publisher, latest version and release count', async () => {
  const apps = (await run('list')) as Array<{ app: string; publisher: string; latest: string; releases: number }>;
  assert.equal(apps.map((a) => [a.app, a.publisher, a.latest, a.releases]).sort(), [
    ['calculator', 'alice', '0.3.0', 1],
    ['notes', 'alice', '1.1.0', 2],
  ]);
});

test('show: the releases with hash, size, capabilities hash, locations and yanked state', async () => {
  const notes = (await run('show', { app: 'notes' })) as { versions: Array<Record<string, unknown>> };
  assert.equal(
    notes.versions.map((v) => [v.version, v.packageHash, v.size, v.yanked, v.locations]),
    [
      ['1.0.0', 'ab'.repeat(32), 4321, true, ['https://example.org/notes-1.0.0.peeros']],
      ['1.1.0', 'ef'.repeat(32), 4321, false, ['https://example.org/notes-1.1.0.peeros']],
    ],
  );
  assert.is(notes.versions[0]!.capabilitiesHash, 'cd'.repeat(32));
  try {
    await run('show', { app: 'nosuchapp' });
    assert.unreachable();
  } catch (e) {
    assert.is((e as HostError).appCode, 'NOT_FOUND');
  }
});

test.run();
