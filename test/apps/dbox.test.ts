// apps/dbox through the real host (worker, fs imports, drive on disk): put, get, list, remove;
// hostile paths from the user are refused by the host's path rules; files persist across restarts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { HostError, Host } from '../../runtime/index.js';
import { ROOT } from '../isa/paths.js';
import { tempHome, cleanup, quietHost, grantAll, refusalCode } from '../runtime/helpers.js';

const home = tempHome('dbox');
let host: Host;
const run = (cmd: string, args: Record<string, unknown> = {}) => host.run('dbox', cmd, args);

const appCode = (cmd: string, args: Record<string, unknown>) => refusalCode(run(cmd, args), `${cmd} ${JSON.stringify(args)}`);

test.before(async () => {
  host = quietHost(home);
  await host.install(join(ROOT, 'apps/dbox'), grantAll);
});
test.after(async () => {
  await host.close();
  cleanup(home);
});

test('put, get, list, remove', async () => {
  assert.equal(await run('put', { path: 'notes/todo.txt', text: 'buy milk' }), { path: 'notes/todo.txt', size: 8 });
  await run('put', { path: 'photo.bin', data: new Uint8Array([1, 2, 3]) });
  assert.equal(await run('get', { path: 'notes/todo.txt' }), { path: 'notes/todo.txt', size: 8, text: 'buy milk' });
  const raw = (await run('get', { path: 'photo.bin', raw: true })) as { data: Uint8Array };
  assert.equal([...raw.data], [1, 2, 3]);
  assert.equal(await run('list'), [
    { name: 'notes', dir: true, size: 0 },
    { name: 'photo.bin', dir: false, size: 3 },
  ]);
  assert.equal(await run('list', { folder: 'notes' }), [{ name: 'todo.txt', dir: false, size: 8 }]);
  await run('remove', { path: 'photo.bin' });
  assert.is(await appCode('get', { path: 'photo.bin' }), 'NOT_FOUND');
  assert.equal(await run('shares').catch((e: HostError) => e.appCode), 'NO_SESSION');
});

test('paths that would escape the drive are refused by the host', async () => {
  for (const path of ['../../etc/passwd', 'a/../../b', '/abs', 'a\u0000b', 'x'.repeat(300)]) {
    assert.is(await appCode('put', { path, text: 'x' }), 'ISA_INVALID_ARGUMENT', path.slice(0, 20));
  }
  assert.is(await appCode('get', { path: 'x', from: '../alice' }), 'INVALID_ARGUMENT');
});

test('files persist across host restarts', async () => {
  await host.close();
  host = quietHost(home);
  assert.equal(await run('get', { path: 'notes/todo.txt' }), { path: 'notes/todo.txt', size: 8, text: 'buy milk' });
});

test.run();
