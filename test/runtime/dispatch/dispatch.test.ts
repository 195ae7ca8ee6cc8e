// DMCS backends: the HTTP backend against a real HTTP chain API double (success, Antelope
// refusals by name, every way of being down), and the one rule for what a failed push means.
// CHAIN DOUBLE: the chain here is test/fixtures/fake-chain.ts, a scripted HTTP double of the chain API
// (it counts executions itself), not the node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpBackend, DmcsError, isUnreachable, isRejectedAs, pushFailureOf, pushMayHaveRun } from '../../../runtime/dispatch/index.js';
import { FakeChain, TEST_CHAIN_ID } from '../../fixtures/fake-chain.js';
import { signedTransfer } from '../../fixtures/test-transactions.js';

const chain = new FakeChain();
let backend: HttpBackend;

async function rejectsWith(p: Promise<unknown>, code: string, name?: string): Promise<DmcsError> {
  try {
    await p;
  } catch (err) {
    assert.instance(err, DmcsError, String(err));
    const e = err as DmcsError;
    assert.is(e.code, code, e.message);
    if (name) assert.is(e.antelopeName, name);
    return e;
  }
  throw new Error(`expected a ${code} DmcsError`);
}

test.before(async () => {
  await chain.start();
  backend = new HttpBackend(chain.url, { label: 'fake', timeoutMs: 5000 });
});
test.after(async () => {
  await chain.stop();
});
test.before.each(() => chain.up());

test('get_info is validated and normalised', async () => {
  const info = await backend.getInfo();
  assert.is(info.chain_id, TEST_CHAIN_ID);
  assert.is(info.head_block_num, chain.head);
  assert.is(info.server_version, 'fake', 'unknown fields pass through');
});

test('push_transaction: acknowledged with the transaction id and block', async () => {
  const body = signedTransfer(TEST_CHAIN_ID, { n: 1 });
  const ack = await backend.pushTransaction(body);
  assert.match(ack.transaction_id, /^[0-9a-f]{64}$/);
  assert.is(chain.executions.get(ack.transaction_id), 1);
  assert.is(ack.processed.block_num, chain.head);
});

test('push_transaction of zlib-compressed body', async () => {
  const ack = await backend.pushTransaction(signedTransfer(TEST_CHAIN_ID, { n: 2, compression: 'zlib' }));
  assert.is(chain.executions.get(ack.transaction_id), 1);
});

test('a duplicate push is REJECTED as tx_duplicate (Antelope error JSON on HTTP 500)', async () => {
  const body = signedTransfer(TEST_CHAIN_ID, { n: 3 });
  await backend.pushTransaction(body);
  const e = await rejectsWith(backend.pushTransaction(body), 'REJECTED', 'tx_duplicate');
  assert.is(e.antelopeCode, 3040008);
  assert.is(e.status, 500);
  assert.ok(isRejectedAs(e, 'tx_duplicate'));
  assert.match(e.message, /duplicate transaction/);
});

test('expired and scripted refusals carry their Antelope names', async () => {
  await rejectsWith(backend.pushTransaction(signedTransfer(TEST_CHAIN_ID, { n: 4, expiresIn: -5 })), 'REJECTED', 'expired_tx_exception');
  const body = signedTransfer(TEST_CHAIN_ID, { n: 5 });
  const id = (await import('../../../runtime/offline-queue/index.js')).inspectSignedTransaction(body).id;
  chain.rejectOnce.set(id, 'unsatisfied_authorization');
  await rejectsWith(backend.pushTransaction(body), 'REJECTED', 'unsatisfied_authorization');
  await rejectsWith(backend.getAccount('nobody'), 'REJECTED', 'account_query_exception');
});

test('an unknown endpoint answers Antelope JSON 404: REJECTED, not unreachable', async () => {
  await rejectsWith(backend.call('/v1/history/get_transaction', { id: 'x' }), 'REJECTED', 'exception');
});

test('server closed (connection refused) → UNREACHABLE', async () => {
  await chain.stop();
  try {
    const e = await rejectsWith(backend.getInfo(), 'UNREACHABLE');
    assert.match(e.message, /ECONNREFUSED|UND_ERR_SOCKET|ECONNRESET/, e.message);
    assert.ok(isUnreachable(e));
  } finally {
    await chain.start();
  }
  assert.is((await backend.getInfo()).chain_id, TEST_CHAIN_ID, 'back on the same port');
});

test('socket reset → UNREACHABLE', async () => {
  chain.down('reset');
  await rejectsWith(backend.getInfo(), 'UNREACHABLE');
});

test('a 502 from a proxy (not Antelope JSON) → UNREACHABLE', async () => {
  chain.down('bad-gateway');
  const e = await rejectsWith(backend.getInfo(), 'UNREACHABLE');
  assert.is(e.status, 502);
});

test('no answer within the timeout → UNREACHABLE', async () => {
  chain.down('hang');
  const t0 = Date.now();
  const e = await rejectsWith(new HttpBackend(chain.url, { timeoutMs: 300 }).getInfo(), 'UNREACHABLE');
  assert.match(e.message, /no answer within 300 ms/);
  assert.ok(Date.now() - t0 < 30_000, 'it gave up on the server that never answers (loose: the machine may be loaded)');
});

test('replies over the size limit, non-JSON and wrong shapes → BAD_REPLY', async () => {
  const small = new HttpBackend(chain.url, { maxReplyBytes: 64 });
  await rejectsWith(small.getInfo(), 'BAD_REPLY');
  const odd = createServer((req, res) => {
    if (req.url === '/v1/chain/get_info')
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"chain_id":"nothex","head_block_num":1,"head_block_id":"x"}');
    else if (req.url === '/v1/chain/get_table_rows') res.writeHead(200).end('<html>hi</html>');
    else if (req.url === '/v1/chain/get_block') res.writeHead(307, { location: 'http://example.invalid/v1/chain/get_block' }).end();
    else res.writeHead(403).end('forbidden');
  });
  await new Promise<void>((r) => odd.listen(0, '127.0.0.1', () => r()));
  const b = new HttpBackend(`http://127.0.0.1:${(odd.address() as AddressInfo).port}/`);
  try {
    assert.match((await rejectsWith(b.getInfo(), 'BAD_REPLY')).message, /chain_id must be 64 hex/);
    await rejectsWith(b.getTableRows({ code: 'a', scope: 'a', table: 't' }), 'BAD_REPLY');
    await rejectsWith(b.getAccount('a'), 'BAD_REPLY');
    assert.match((await rejectsWith(b.getBlock(1), 'BAD_REPLY')).message, /redirects \(HTTP 307\) to http:\/\/example\.invalid/);
  } finally {
    odd.closeAllConnections();
    await new Promise((r) => odd.close(r));
  }
});

test('bad endpoint URLs are refused with a message that says what is expected', () => {
  assert.throws(() => new HttpBackend('ftp://x'), /http:\/\/ or https:\/\//);
  assert.throws(() => new HttpBackend('not a url'), /not a URL/);
  assert.throws(() => new HttpBackend('http://h:1/?q=1'), /query/);
  assert.is(new HttpBackend('http://127.0.0.1:8888/').endpoint, 'http://127.0.0.1:8888');
});

test('one rule for a failed push: refused is final, unreachable and bad replies are kept, a local refusal never goes', () => {
  const cases: Array<[DmcsError | Error, string, boolean]> = [
    [DmcsError.rejected('x', 'tx_duplicate', 'dup'), 'refused', true],
    [DmcsError.unreachable('x', 'reset'), 'retry', true],
    [DmcsError.unreachable('x', 'ECONNREFUSED', undefined, undefined, true), 'retry', false],
    [DmcsError.badReply('x', 'not JSON'), 'retry', true],
    [new DmcsError('BAD_ARGUMENT', 'too large'), 'unsendable', true],
    [new DmcsError('CHAIN_MISMATCH', 'other chain'), 'other', false],
    [new TypeError('a bug'), 'other', true],
  ];
  for (const [err, kind, mayHaveRun] of cases) {
    assert.is(pushFailureOf(err), kind, err.message);
    assert.is(pushMayHaveRun(err), mayHaveRun, err.message);
  }
});

test.run();
