// Installing, listing and loading apps under $PEEROS_HOME; running the stock apps when they are built.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostError, Host } from '../../runtime/index.js';
import { pack } from '../../abi/boundary.js';
import * as M from '../fixtures/hostile/modules.js';
import { tempHome, cleanup, writeApp, quietHost, grantAll } from './helpers.js';

const home = tempHome('registry');
let host: Host;
test.before(() => {
  host = quietHost(home);
});

const code = async (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'resolved',
    (e: HostError) => e.code,
  );

test('install copies manifest and module and records the grants', async () => {
  const dir = writeApp(home, 'alpha', M.appModule({ result: pack(1) }), { capabilities: { log: {} } });
  const r = await host.install(dir, grantAll);
  assert.is(r.name, 'alpha');
  const appDir = join(home, 'apps', 'alpha');
  assert.ok(existsSync(join(appDir, 'app.wasm')));
  assert.ok(existsSync(join(appDir, 'peeros.json')));
  const record = JSON.parse(readFileSync(join(appDir, 'install.json'), 'utf8'));
  assert.equal(record.grants, { log: {} });
  assert.is(record.sha256.length, 64);
  assert.is(await host.run('alpha', 'go'), 1);
});

test('the grant callback sees the requested scopes; declining installs nothing', async () => {
  let seen: unknown;
  const dir = writeApp(home, 'beta', M.appModule(), { capabilities: { storage: { prefixes: ['b/'], maxBytes: 10 } } });
  assert.is(
    await code(
      host.install(dir, {
        grant: (caps) => {
          seen = caps;
          return false;
        },
      }),
    ),
    'NOT_GRANTED',
  );
  assert.equal(seen, { storage: { prefixes: ['b/'], maxBytes: 10 } });
  assert.is(await code(host.install(dir)), 'NOT_GRANTED');
  assert.not.ok(existsSync(join(home, 'apps', 'beta')));
});

test('list shows installed apps sorted with their capabilities and commands', async () => {
  await host.install(writeApp(home, 'aardvark', M.appModule()), grantAll);
  const apps = await host.list();
  assert.equal(
    apps.map((a) => a.name),
    ['aardvark', 'alpha'],
  );
  assert.equal(apps[1]!.capabilities, ['log']);
  assert.equal(apps[1]!.commands, ['go']);
});

test('unknown apps, path tricks and unlisted commands are typed errors', async () => {
  assert.is(await code(host.run('nope', 'go')), 'UNKNOWN_APP');
  assert.is(await code(host.run('../apps/alpha', 'go')), 'UNKNOWN_APP');
  assert.is(await code(host.run('alpha', 'stop')), 'UNKNOWN_COMMAND');
});

test('a tampered module is refused at load (sha256 recorded at install)', async () => {
  await host.install(writeApp(home, 'gamma', M.appModule()), grantAll);
  writeFileSync(join(home, 'apps', 'gamma', 'app.wasm'), M.appModule({ result: pack('evil') }));
  assert.is(await code(host.run('gamma', 'go')), 'INVALID_MODULE');
});

test('a missing entry module says to build first', async () => {
  const dir = writeApp(home, 'delta', M.appModule(), { entry: 'build/missing.wasm' });
  const e = await host.install(dir, grantAll).catch((x: HostError) => x);
  assert.is((e as HostError).code, 'MANIFEST_INVALID');
  assert.match((e as Error).message, /peeros app build/);
});

test('an app error that is not a {code, message} map is INVALID_VALUE', async () => {
  await host.install(writeApp(home, 'weird', M.appModule({ tag: 1, result: pack([1, 2]) })), grantAll);
  assert.is(await code(host.run('weird', 'go')), 'INVALID_VALUE');
});

test('reinstalling (an unverified app: with replace) replaces the module; the next run uses the new one', async () => {
  // another module under the installed version is another package: only as a developer's build (anyVersion)
  const rebuilt = writeApp(home, 'alpha', M.appModule({ result: pack(2) }), { capabilities: { log: {} } });
  assert.is(await code(host.install(rebuilt, { ...grantAll, replace: true })), 'VERSION_REFUSED');
  await host.install(rebuilt, { ...grantAll, replace: true, anyVersion: true });
  assert.is(await host.run('alpha', 'go'), 2);
  await host.install(writeApp(home, 'alpha', M.appModule({ result: pack(3) }), { version: '0.2.0', capabilities: { log: {} } }), {
    ...grantAll,
    replace: true,
  });
  assert.is(await host.run('alpha', 'go'), 3);
});

test('another package cannot install over an unverified app without replace (it would inherit its data); remove keeps data unless purged', async () => {
  await host.install(writeApp(home, 'owned', M.appModule(), { publisher: 'alice' }), grantAll);
  assert.is(await code(host.install(writeApp(home, 'owned', M.appModule(), { publisher: 'mallory' }), grantAll)), 'INSTALL_CONFLICT');
  mkdirSync(join(home, 'data', 'owned'), { recursive: true });
  writeFileSync(join(home, 'data', 'owned', 'x.kv'), 'x');
  assert.ok(await host.remove('owned'));
  assert.is(await code(host.run('owned', 'go')), 'UNKNOWN_APP');
  assert.ok(existsSync(join(home, 'data', 'owned', 'x.kv')));
  // removed but its data kept: another publisher still cannot take the name
  assert.is(await code(host.install(writeApp(home, 'owned', M.appModule(), { publisher: 'mallory' }), grantAll)), 'INSTALL_CONFLICT');
  // the same self-declared publisher proves nothing either: only the user's explicit replace
  assert.is(await code(host.install(writeApp(home, 'owned', M.appModule(), { publisher: 'alice' }), grantAll)), 'INSTALL_CONFLICT');
  await host.install(writeApp(home, 'owned', M.appModule(), { publisher: 'alice' }), { ...grantAll, replace: true });
  assert.ok(await host.remove('owned', { purge: true }));
  assert.not.ok(existsSync(join(home, 'data', 'owned')));
  assert.not.ok(await host.remove('owned'));
  await host.install(writeApp(home, 'owned', M.appModule(), { publisher: 'mallory' }), grantAll); // purged: free
});

test('stock apps: calculator and notes run, notes persist across hosts', async () => {
  // the build compiles the stock apps: a missing module is a failure, not a silent pass
  assert.ok(existsSync('apps/calculator/build/calculator.wasm'), 'apps/calculator is not built');
  assert.ok(existsSync('apps/notes/build/notes.wasm'), 'apps/notes is not built');
  await host.install('apps/calculator', grantAll);
  await host.install('apps/notes', grantAll);
  assert.is(await host.run('calculator', 'eval', { expr: '(1 + 2) * 3' }), '9');
  assert.is(await code(host.run('calculator', 'div', { a: 1, b: 0 })), 'APP_ERROR');
  const note = (await host.run('notes', 'create', { title: 'kept', body: 'across restarts' })) as { id: string };
  await host.close();
  host = quietHost(home);
  const got = (await host.run('notes', 'get', { id: note.id })) as { title: string };
  assert.is(got.title, 'kept');
});

test.after(async () => {
  await host.close();
  cleanup(home);
});
test.run();
