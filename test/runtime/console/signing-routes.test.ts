// The console's routes for dialogs, passkeys, limits, export and install over real HTTP: they sit
// behind the same guard as every other route (the session cookie and its token for every request;
// the console's own Origin for writes), refuse malformed arguments with typed errors, and the page's
// new files are served with the strict headers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:http';
import { ConsoleHost, ConsoleServer, CONTENT_SECURITY_POLICY, CSRF_HEADER } from '../../../runtime/console/index.js';
import { tempHome, cleanup } from '../helpers.js';

let home: string;
let host: ConsoleHost;
let server: ConsoleServer;

function call(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; json: any }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, method, path, headers: { host: `127.0.0.1:${server.port}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };

test.before(async () => {
  home = tempHome('console-signing-routes');
  host = await ConsoleHost.open({ home, insecureTestKdf: true, flusher: false });
  server = await ConsoleServer.start({ host });
});
test.after(async () => {
  await server.close();
  await host.close();
  cleanup(home);
});

test('the new routes behind the guard: session, CSRF, Origin; typed refusals; the page files with the strict headers', async () => {
  const secret = new URL(server.launchUrl).hash.slice(1);
  const s = await call('POST', '/api/session', JSON_TYPE, JSON.stringify({ secret }));
  const cookie = String(s.headers['set-cookie']).split(';')[0]!;
  const csrf = s.json.csrf as string;
  const write = (path: string, body: object, extra: Record<string, string> = {}) =>
    call('POST', path, { ...JSON_TYPE, cookie, [CSRF_HEADER]: csrf, ...extra }, JSON.stringify(body));

  assert.is((await call('GET', '/api/signing')).status, 401, 'no session, no dialogs');
  assert.is((await call('GET', '/api/signing', { cookie })).json.error.code, 'BAD_CSRF', 'the cookie alone is no session');
  assert.equal((await call('GET', '/api/signing', { cookie, [CSRF_HEADER]: csrf })).json, { dialogs: [] });
  assert.equal((await call('GET', '/api/passkeys', { cookie, [CSRF_HEADER]: csrf })).json, { passkeys: 0 });

  const noCsrf = await call('POST', '/api/signing/deny', { ...JSON_TYPE, cookie }, JSON.stringify({ id: 'x' }));
  assert.is(noCsrf.status, 403);
  assert.is(noCsrf.json.error.code, 'BAD_CSRF');
  const foreign = await write('/api/signing/approve', { id: 'x', assertion: {} }, { origin: 'http://evil.example' });
  assert.is(foreign.status, 403);
  assert.is(foreign.json.error.code, 'FORBIDDEN_ORIGIN');

  const none = await write('/api/signing/deny', { id: 'no-such-dialog' });
  assert.is(none.status, 404);
  assert.is(none.json.error.code, 'NOT_FOUND');
  const locked = await write('/api/passkey/challenge', {});
  assert.is(locked.status, 409);
  assert.is(locked.json.error.code, 'LOCKED');
  const unasked = await write('/api/passkey/register', { clientDataJSON: 'e30', attestationObject: 'oA' });
  assert.is(unasked.json.error.code, 'BAD_REQUEST', 'no challenge asked for');
  const notB64 = await write('/api/passkey/register', { clientDataJSON: '<script>', attestationObject: 'oA' });
  assert.is(notB64.json.error.code, 'BAD_REQUEST');
  assert.is((await write('/api/apps/preview', { dir: 'relative/path' })).json.error.code, 'BAD_REQUEST');
  assert.is((await write('/api/apps/install', { dir: '/x', packageHash: 'nope' })).json.error.code, 'BAD_REQUEST');
  assert.is((await write('/api/grants/limits', { app: 'dpay', maxCount: '5' })).json.error.code, 'BAD_REQUEST');
  assert.is((await write('/api/keys/export', { publicKey: 'PUB_K1_x', passphrase: '' })).json.error.code, 'BAD_REQUEST');

  for (const file of ['/signing-dialog.js', '/guarded-actions.js', '/signing-dialog.css', '/page-tools.js']) {
    const r = await call('GET', file);
    assert.is(r.status, 200, file);
    assert.is(r.headers['content-security-policy'], CONTENT_SECURITY_POLICY, file);
  }
});

test.run();
