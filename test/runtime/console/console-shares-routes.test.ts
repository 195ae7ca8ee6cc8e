// The console's share routes over real HTTP (runtime/console/share-api.ts): reading needs the
// session and its token; Revoke and Sync now need them too like every write, and the vault
// unlocked; a malformed or unknown id is refused; Sync now on a console without --share-listen says
// it does not serve (NOT_SERVING); Revoke on such a console opens the share store for the revoke
// alone (a real share made by a ShareService in the same home), and is SHARE_BUSY while another
// process holds the store.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:http';
import { join } from 'node:path';
import { ConsoleHost, ConsoleServer, CSRF_HEADER } from '../../../runtime/console/index.js';
import { USER_APP } from '../../../skv/index.js';
import { Drive, driveDir } from '../../../runtime/fs/drive.js';
import { driveKey } from '../../../runtime/fs/drive-key.js';
import { ShareService } from '../../../runtime/fs/share-service.js';
import { readOutgoing } from '../../../runtime/fs/share-records.js';
import { tempHome, cleanup } from '../helpers.js';

const PASS = 'console share routes';
let home: string;
let host: ConsoleHost;
let server: ConsoleServer;

function call(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, method, path, headers: { host: `127.0.0.1:${server.port}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let spent: { cookie: string; csrf: string } | undefined;
/** The launch secret works once: the session made from it, kept for both tests. */
async function session(): Promise<{ cookie: string; csrf: string }> {
  spent ??= await exchange();
  return spent;
}

async function exchange(): Promise<{ cookie: string; csrf: string }> {
  const secret = new URL(server.launchUrl).hash.slice(1);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: '/api/session',
        headers: { host: `127.0.0.1:${server.port}`, 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            cookie: String(res.headers['set-cookie']).split(';')[0]!,
            csrf: JSON.parse(Buffer.concat(chunks).toString('utf8')).csrf,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ secret }));
  });
}

/** A read with the session: its cookie and its token. */
const read = (s: { cookie: string; csrf: string }, path: string) => call('GET', path, { cookie: s.cookie, [CSRF_HEADER]: s.csrf });

const post = (s: { cookie: string; csrf: string }, path: string, body: unknown, csrf = true) =>
  call(
    'POST',
    path,
    { cookie: s.cookie, 'content-type': 'application/json', ...(csrf ? { [CSRF_HEADER]: s.csrf } : {}) },
    JSON.stringify(body),
  );

test.before(async () => {
  home = tempHome('console-share-routes');
  host = await ConsoleHost.open({ home, insecureTestKdf: true, flusher: false });
  server = await ConsoleServer.start({ host });
});
test.after(async () => {
  await server.close();
  await host.close();
  cleanup(home);
});

test('reads and writes need the session and its token, writes the vault unlocked; Sync now without --share-listen is NOT_SERVING', async () => {
  assert.is((await call('GET', '/api/shares')).status, 401);
  const s = await session();
  assert.is((await call('GET', '/api/shares', { cookie: s.cookie })).json.error.code, 'BAD_CSRF', 'the cookie alone');
  const empty = await read(s, '/api/shares');
  assert.equal(empty.json, { serving: null, outgoing: [], incoming: [] });
  const id = 'a'.repeat(32);
  assert.is((await post(s, '/api/shares/revoke', { id }, false)).status, 403, 'no CSRF token');
  assert.is((await post(s, '/api/shares/sync', {}, false)).status, 403);
  assert.equal((await post(s, '/api/shares/revoke', { id })).json.error.code, 'LOCKED');
  assert.equal((await post(s, '/api/shares/sync', {})).json.error.code, 'LOCKED');
  await host.unlock(PASS, true);
  const sync = await post(s, '/api/shares/sync', {});
  assert.equal([sync.status, sync.json.error.code], [409, 'NOT_SERVING']);
  for (const bad of ['x', 'A'.repeat(32), `${id}0`, 7, null, undefined])
    assert.equal((await post(s, '/api/shares/revoke', { id: bad })).json.error.code, 'BAD_REQUEST', String(bad));
  assert.equal((await post(s, '/api/shares/revoke', { id })).json.error.code, 'SHARE_NOT_FOUND');
});

test('Revoke on a console that does not serve: the store is opened for the revoke alone; SHARE_BUSY while another process holds it', async () => {
  const s = await session();
  const key = (await host.vault.createKey('alice')).publicKey;
  const dir = driveDir(join(home, 'data', 'dbox'), 'alice');
  const d = new Drive(dir, 1 << 20, { key: await driveKey(host.vault, USER_APP, dir, key) });
  assert.ok(d.writeFile('files/a.bin', Buffer.alloc(10_000, 7)).ok);
  const shares = await ShareService.open({ home, vault: host.vault, userApp: USER_APP, serve: { host: '127.0.0.1', port: 0 } });
  let id: string;
  try {
    id = (await shares.share({ app: 'dbox', account: 'alice', accountKey: key, path: 'files/a.bin', to: 'bob' })).id;
    const listed = await read(s, '/api/shares');
    assert.equal(
      listed.json.outgoing.map((x: { id: string; servedHere: boolean; revoked: boolean }) => [x.id, x.servedHere, x.revoked]),
      [[id, false, false]],
      'listed; not served by this console',
    );
    assert.equal((await post(s, '/api/shares/revoke', { id })).json.error.code, 'SHARE_BUSY');
  } finally {
    await shares.close();
  }
  const r = await post(s, '/api/shares/revoke', { id });
  assert.is(r.status, 200, JSON.stringify(r.json));
  assert.equal([r.json.revoked.id, r.json.revoked.revoked], [id, true]);
  assert.ok(readOutgoing(home).find((x) => x.id === id)?.revoked);
  assert.equal((await post(s, '/api/shares/revoke', { id })).json.error.code, 'SHARE_NOT_FOUND', 'already revoked');
});

test.run();
