// `peeros agent` on loopback TCP, attacked by a local process without the token (any local user can
// reach the port) and by web pages: thousands of silent sockets must not take the agent's
// descriptors (before: 1,200 of them held all 1,024, for ever, and the user's cleos got EPIPE), and
// a browser's request (it carries Origin) is refused even when it somehow holds the token.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { request } from 'node:http';
import { MAX_AGENT_CONNECTIONS } from '../../runtime/cli/wallet-agent-limits.js';
import { call, startAgent } from './wallet-agent-process.js';

test('a flood of silent sockets is bounded and the user is still answered; a page`s request is refused', async () => {
  const agent = await startAgent();
  const flood: Socket[] = [];
  try {
    const token = readFileSync(join(agent.home, 'agent.token'), 'utf8').trim();
    let closed = 0;
    for (let i = 0; i < MAX_AGENT_CONNECTIONS * 20; i++) {
      const s = connect(agent.port, '127.0.0.1');
      s.on('error', () => undefined);
      s.on('close', () => closed++);
      flood.push(s);
    }
    const end = Date.now() + 5000;
    while (closed < MAX_AGENT_CONNECTIONS * 19 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    assert.ok(
      closed >= MAX_AGENT_CONNECTIONS * 19,
      `${closed} of ${flood.length} silent sockets closed: the agent holds at most ${MAX_AGENT_CONNECTIONS}`,
    );

    const keys = await call({ port: agent.port, token }, 'get_public_keys', {});
    assert.is(keys.status, 201, 'the user`s tool, with the token, is answered during the flood');
    assert.is((await call({ socketPath: agent.socketPath }, 'get_public_keys', {})).status, 201);

    // a page that learned the token (or a DNS-rebound one guessing it) still cannot sign: browsers send Origin
    const fromPage = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: agent.port,
          path: '/v1/wallet/get_public_keys',
          method: 'POST',
          headers: { origin: 'http://evil.example', 'content-type': 'text/plain', 'x-peeros-agent-token': token },
        },
        (res) => {
          let body = '';
          res.on('data', (d) => {
            body += d;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    assert.is(fromPage.status, 403);
    assert.match(fromPage.body, /forbidden_origin/);
    assert.not.match(fromPage.body, /PUB_K1_|EOS[1-9A-HJ-NP-Za-km-z]{50}/);
    assert.not.match(agent.output(), new RegExp(token), 'the token is never printed');
  } finally {
    for (const s of flood) s.destroy();
    await agent.stop();
  }
});

test.run();
