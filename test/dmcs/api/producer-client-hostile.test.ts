// What a replica asks of the node it follows (dmcs/api/producer-client.ts) is answered by a server
// an attacker may run: the description of its block log and the replies to relayed pushes. A
// loopback server answers with what such a node could send: a reply that never ends, one larger
// than the bound, JSON nested tens of thousands deep, fields of the wrong type, a genesis with
// extra keys or values its fields cannot hold, an error whose message is an object whose toString
// is not a function. Each is refused with a clear error naming the field (the sender's text is not
// echoed), within its time bound, or (a genesis) kept with only the fields this node uses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChainError } from '../../../dmcs/chain-error.js';
import { chainIdOf, newGenesis, parseGenesis } from '../../../dmcs/chain/genesis.js';
import { fetchBlockLogInfo, MAX_BLOCK_LOG_INFO_BYTES, relay } from '../../../dmcs/api/producer-client.js';
import { bytesToHex, PublicKey } from '../../../abi/antelope/index.js';
import { DEV_KEY } from '../helpers.js';

const genesis = newGenesis(PublicKey.from(DEV_KEY.toPublic().toString()), Date.UTC(2026, 0, 1));
const good = { key: 'ab'.repeat(32), genesis, replication: '127.0.0.1:9999', length: 3 };

/** A server whose every reply `answer` writes; its URL. */
async function serve(answer: (res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const json = (body: unknown) => (res: ServerResponse) => {
  res.setHeader('content-type', 'application/json');
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a refusal');
}

test('a sound description is taken, its genesis with only the fields this node uses', async () => {
  const extra = {
    ...good,
    genesis: { ...genesis, huge: 'x'.repeat(1000), initial_configuration: { ...genesis.initial_configuration, other: 1 } },
  };
  const { url, server } = await serve(json(extra));
  try {
    const info = await fetchBlockLogInfo(url);
    assert.equal(Object.keys(info.genesis).sort(), ['initial_configuration', 'initial_key', 'initial_timestamp']);
    assert.not.ok('other' in info.genesis.initial_configuration!);
    assert.is(bytesToHex(chainIdOf(info.genesis)), bytesToHex(chainIdOf(genesis)), 'the same chain');
    assert.is(info.key, good.key);
  } finally {
    server.close();
  }
});

test('a description with a field of the wrong kind is refused, naming the field', async () => {
  const cases: Array<[unknown, RegExp]> = [
    [[good], /not a JSON object/],
    [{ ...good, key: 'zz'.repeat(32) }, /key that is not 32 bytes of hex/],
    [{ ...good, key: { toString: 1 } }, /key that is not 32 bytes of hex/],
    [{ ...good, replication: 7 }, /replication address/],
    [{ ...good, replication: 'h'.repeat(301) }, /replication address/],
    [{ ...good, length: -1 }, /length/],
    [{ ...good, length: '3' }, /length/],
    [{ ...good, genesis: null }, /genesis this node cannot use \(genesis: expected an object/],
    [{ ...good, genesis: { ...genesis, initial_key: { toString: 1 } } }, /initial_key must be text/],
    [
      { ...good, genesis: { ...genesis, initial_configuration: { max_authority_depth: 70000 } } },
      /max_authority_depth must be a whole number from 0 to 65535/,
    ],
    [
      { ...good, genesis: { ...genesis, initial_configuration: { max_block_cpu_usage: '200000' } } },
      /max_block_cpu_usage must be a whole number/,
    ],
    [{ ...good, genesis: { ...genesis, initial_configuration: 'abc' } }, /initial_configuration must be an object/],
    [`${'['.repeat(30_000)}${']'.repeat(30_000)}`, /nested deeper than 8/],
    ['{"key":', /not JSON/],
  ];
  for (const [body, want] of cases) {
    const { url, server } = await serve(json(body));
    try {
      const e = await failure(fetchBlockLogInfo(url));
      assert.match(e.message, want, `${e.message} for ${JSON.stringify(body).slice(0, 80)}`);
      assert.ok(e.message.startsWith(url), e.message);
      assert.ok(e.message.length < 400, 'the reply is not echoed');
    } finally {
      server.close();
    }
  }
});

test('a description larger than its bound is refused before it is all read; an HTTP error is named', async () => {
  let sent = 0;
  const endless = await serve((res) => {
    res.setHeader('content-type', 'application/json');
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const more = () => {
      while (sent < 64 * 1024 * 1024) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', more);
      }
      res.end();
    };
    more();
  });
  try {
    const e = await failure(fetchBlockLogInfo(endless.url));
    assert.match(e.message, `more than ${MAX_BLOCK_LOG_INFO_BYTES} bytes`);
    assert.ok(sent < 16 * 1024 * 1024, `read stopped early (${sent} bytes sent)`);
  } finally {
    endless.server.closeAllConnections();
    endless.server.close();
  }
  const declared = await serve((res) => {
    res.setHeader('content-length', String(MAX_BLOCK_LOG_INFO_BYTES + 1));
    res.end();
  });
  try {
    assert.match((await failure(fetchBlockLogInfo(declared.url))).message, 'more than');
  } finally {
    declared.server.closeAllConnections();
    declared.server.close();
  }
  const status = await serve((res) => {
    res.statusCode = 404;
    res.end('no');
  });
  try {
    assert.match((await failure(fetchBlockLogInfo(status.url))).message, /did not describe its block log \(HTTP 404\)/);
  } finally {
    status.server.close();
  }
});

test("a relayed push's reply: an error whose parts are objects is a typed refusal; a reply too deep or not JSON is not passed on", async () => {
  const cases: Array<[number, unknown, string, RegExp]> = [
    [
      500,
      { error: { name: { toString: 1 }, what: { toString: 1 }, details: [{ message: { toString: 1 } }] } },
      'http_request_fail',
      /HTTP 500/,
    ],
    [500, { error: { name: 'tx_duplicate', details: [{ message: 'duplicate transaction' }] } }, 'tx_duplicate', /duplicate transaction/],
    [500, { error: { name: 'tx_duplicate', details: [{ message: 'm'.repeat(100_000) }] } }, 'tx_duplicate', /^m+…$/],
    [200, `${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'http_request_fail', /HTTP 200, no usable reply/],
    [200, 'not json', 'http_request_fail', /HTTP 200, no usable reply/],
    [200, 42, 'http_request_fail', /HTTP 200, no usable reply/],
  ];
  for (const [status, body, code, message] of cases) {
    const { url, server } = await serve((res) => {
      res.statusCode = status;
      json(body)(res);
    });
    try {
      const e = await failure(relay(url, 'push_transaction', {}));
      assert.instance(e, ChainError);
      assert.is((e as ChainError).code, code);
      assert.match(e.message, message);
      assert.ok(e.message.length <= 5000);
    } finally {
      server.close();
    }
  }
  const ok = await serve(json({ transaction_id: 'ab'.repeat(32), processed: {} }));
  try {
    assert.equal(await relay(ok.url, 'push_transaction', {}), { transaction_id: 'ab'.repeat(32), processed: {} });
  } finally {
    ok.server.close();
  }
});

test('parseGenesis keeps a genesis file sound and canonical: the same chain id, no other keys', () => {
  const parsed = parseGenesis({ ...genesis, comment: 'x' });
  assert.equal(Object.keys(parsed).sort(), ['initial_configuration', 'initial_key', 'initial_timestamp']);
  assert.is(bytesToHex(chainIdOf(parsed)), bytesToHex(chainIdOf(genesis)));
  const bare = parseGenesis({ initial_timestamp: genesis.initial_timestamp, initial_key: genesis.initial_key });
  assert.not.ok('initial_configuration' in bare);
  assert.is(bytesToHex(chainIdOf(bare)), bytesToHex(chainIdOf(genesis)), 'defaults fill what is left out');
});

test.run();
