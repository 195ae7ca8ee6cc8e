// The chain API's HTTP transport (runtime/dispatch/http-client.ts) through HttpBackend, against a
// real local HTTP server that counts its connections: keep-alive reuse, the socket bound, the body
// cap, the deadline, a reply cut off mid-body, a compressed body it did not ask for, an Antelope
// error on HTTP 500, and a refused connection marked as never delivered.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HttpBackend, DmcsError, dispatchLimits } from '../../../runtime/dispatch/index.js';
import { antelopeError, TEST_CHAIN_ID } from '../../fixtures/fake-chain.js';

const INFO = JSON.stringify({ chain_id: TEST_CHAIN_ID, head_block_num: 7, head_block_id: 'ab', last_irreversible_block_num: 6 });

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let handler: Handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(INFO);
let server: Server;
let url: string;
const sockets = new Set<Socket>();
let connections = 0;

test.before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
test.before.each(() => {
  handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(INFO);
  connections = 0;
});

async function rejectsWith(p: Promise<unknown>, code: string): Promise<DmcsError> {
  try {
    await p;
  } catch (err) {
    assert.instance(err, DmcsError, String(err));
    assert.is((err as DmcsError).code, code, (err as DmcsError).message);
    return err as DmcsError;
  }
  throw new Error(`expected a ${code} DmcsError`);
}

async function until(what: string, cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('N requests in series share one kept-alive socket; close() releases it', async () => {
  const b = new HttpBackend(url, { label: 'ka' });
  let seen = '';
  handler = (req, res, body) => {
    seen = `${req.method} ${req.url} ${req.headers['content-type']} ${body}`;
    res.writeHead(200, { 'content-type': 'application/json' }).end(INFO);
  };
  try {
    for (let i = 0; i < 25; i++) assert.is((await b.getInfo()).head_block_num, 7);
    assert.is(seen, 'POST /v1/chain/get_info application/json {}');
    assert.is(connections, 1, 'one TCP connection for 25 requests');
    assert.is(b.openSockets(), 1);
  } finally {
    await b.close();
  }
  assert.is(b.openSockets(), 0);
  await until('the server to see the socket closed', () => sockets.size === 0);
});

test('an idle socket is closed after the keep-alive idle time (KEEP_ALIVE_IDLE_MS, 4 s by default)', async () => {
  assert.is(dispatchLimits.KEEP_ALIVE_IDLE_MS, 4_000);
  const b = new HttpBackend(url, { label: 'idle', keepAliveIdleMs: 150 });
  try {
    await b.getInfo();
    await until('the idle socket to be closed', () => b.openSockets() === 0 && sockets.size === 0);
    assert.is((await b.getInfo()).head_block_num, 7, 'the next request opens a new one');
    assert.is(connections, 2);
  } finally {
    await b.close();
  }
});

test('concurrent requests open at most MAX_SOCKETS_PER_DMCS sockets, the rest wait their turn', async () => {
  const b = new HttpBackend(url, { label: 'bound' });
  const held: ServerResponse[] = [];
  handler = (_req, res) => held.push(res);
  const n = dispatchLimits.MAX_SOCKETS_PER_DMCS * 2 + 3;
  try {
    const all = Promise.all(Array.from({ length: n }, () => b.getInfo()));
    await until('the first requests to arrive', () => held.length === dispatchLimits.MAX_SOCKETS_PER_DMCS);
    assert.is(connections, dispatchLimits.MAX_SOCKETS_PER_DMCS, 'no socket beyond the bound');
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(INFO);
    for (const res of held.splice(0)) res.writeHead(200, { 'content-type': 'application/json' }).end(INFO);
    const infos = await all;
    assert.is(infos.length, n);
    assert.is(connections, dispatchLimits.MAX_SOCKETS_PER_DMCS, 'the waiting requests reused the same sockets');
  } finally {
    await b.close();
  }
});

test('a reply over the cap is BAD_REPLY, declared or streamed, and the socket is not reused', async () => {
  const b = new HttpBackend(url, { label: 'cap', maxReplyBytes: 1000 });
  try {
    handler = (_req, res) => res.writeHead(200, { 'content-length': 5000 }).end('x'.repeat(5000));
    assert.match((await rejectsWith(b.getInfo(), 'BAD_REPLY')).message, /reply of 5000 bytes exceeds the 1000-byte limit/);
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked, no length
      for (let i = 0; i < 20; i++) res.write('y'.repeat(100));
      res.end();
    };
    assert.match((await rejectsWith(b.getInfo(), 'BAD_REPLY')).message, /reply exceeds the 1000-byte limit/);
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(INFO);
    assert.is((await b.getInfo()).head_block_num, 7, 'the next request works on a fresh socket');
  } finally {
    await b.close();
  }
});

test('no answer within the deadline → UNREACHABLE, also when the reply stalls mid-body', async () => {
  const b = new HttpBackend(url, { label: 'slow', timeoutMs: 200 });
  try {
    handler = () => {}; // never answers
    assert.match((await rejectsWith(b.getInfo(), 'UNREACHABLE')).message, /no answer within 200 ms/);
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': 100 });
      res.write('{"chain_id":'); // then nothing
    };
    assert.match(
      (await rejectsWith(b.getInfo(), 'UNREACHABLE')).message,
      /reply to \/v1\/chain\/get_info broke off: no answer within 200 ms/,
    );
  } finally {
    await b.close();
  }
});

test('the server closing mid-reply → UNREACHABLE (the push may have run), not a truncated body', async () => {
  const b = new HttpBackend(url, { label: 'cut' });
  handler = (_req, res) => {
    res.writeHead(200, { 'content-length': 1000, 'content-type': 'application/json' });
    res.write('{"transaction_id":"');
    setImmediate(() => res.socket?.destroy());
  };
  try {
    const e = await rejectsWith(b.call('/v1/chain/push_transaction', {}), 'UNREACHABLE');
    assert.match(e.message, /reply to \/v1\/chain\/push_transaction broke off/);
    assert.is(e.notDelivered, false);
  } finally {
    await b.close();
  }
});

test('HTTP 500 with Antelope error JSON → REJECTED with its name; the socket stays in use', async () => {
  const b = new HttpBackend(url, { label: 'node' });
  handler = (_req, res) =>
    res
      .writeHead(500, { 'content-type': 'application/json' })
      .end(JSON.stringify(antelopeError('tx_duplicate', 'duplicate transaction 00')));
  try {
    for (let i = 0; i < 3; i++) {
      const e = await rejectsWith(
        b.pushTransaction({ signatures: [], compression: 0, packed_context_free_data: '', packed_trx: '' }),
        'REJECTED',
      );
      assert.is(e.antelopeName, 'tx_duplicate');
      assert.is(e.antelopeCode, 3040008);
      assert.is(e.status, 500);
    }
    assert.is(connections, 1);
  } finally {
    await b.close();
  }
});

test('a compressed body that was not asked for is BAD_REPLY', async () => {
  const b = new HttpBackend(url, { label: 'gz' });
  handler = (req, res) => {
    assert.is(req.headers['accept-encoding'], undefined, 'no compression is asked for');
    res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' }).end('\x1f\x8b');
  };
  try {
    assert.match((await rejectsWith(b.getInfo(), 'BAD_REPLY')).message, /body encoded as "gzip"/);
  } finally {
    await b.close();
  }
});

test('a refused connection is UNREACHABLE and marked never delivered', async () => {
  const spare = createServer();
  await new Promise<void>((r) => spare.listen(0, '127.0.0.1', () => r()));
  const port = (spare.address() as AddressInfo).port;
  await new Promise((r) => spare.close(r));
  const b = new HttpBackend(`http://127.0.0.1:${port}`, { label: 'gone' });
  const e = await rejectsWith(b.getInfo(), 'UNREACHABLE');
  assert.match(e.message, /ECONNREFUSED/);
  assert.is(e.notDelivered, true);
  await b.close();
});

test('a base path in the endpoint URL is kept in front of each call', async () => {
  let path = '';
  handler = (req, res) => {
    path = req.url ?? '';
    res.writeHead(200, { 'content-type': 'application/json' }).end(INFO);
  };
  const b = new HttpBackend(`${url}/chain-a/`, { label: 'prefixed' });
  try {
    await b.getInfo();
    assert.is(path, '/chain-a/v1/chain/get_info');
  } finally {
    await b.close();
  }
});

test('https: TLS with the verified certificate chain; an untrusted certificate is UNREACHABLE', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  let tlsRequests = 0;
  const tls = createTlsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    tlsRequests++;
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(INFO));
  });
  await new Promise<void>((r) => tls.listen(0, '127.0.0.1', () => r()));
  const tlsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
  try {
    // this process does not trust the certificate: refused before any request is sent
    const b = new HttpBackend(tlsUrl, { label: 'tls' });
    assert.match((await rejectsWith(b.getInfo(), 'UNREACHABLE')).message, /SELF_SIGNED|certificate/i);
    await b.close();
    assert.is(tlsRequests, 0);
    // a process that trusts it (NODE_EXTRA_CA_CERTS) gets its answers over one kept-alive TLS socket
    const dispatch = new URL('../../../runtime/dispatch/index.js', import.meta.url).href;
    const script = `const { HttpBackend } = await import(${JSON.stringify(dispatch)});
      const b = new HttpBackend(${JSON.stringify(tlsUrl)});
      const a = await b.getInfo(); const c = await b.getInfo();
      console.log(JSON.stringify([a.head_block_num, c.head_block_num, b.openSockets()])); await b.close();`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: cert },
      timeout: 60_000,
    });
    assert.equal(JSON.parse(stdout.trim()), [7, 7, 1]);
    assert.is(tlsRequests, 2);
  } finally {
    tls.closeAllConnections();
    await new Promise((r) => tls.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
