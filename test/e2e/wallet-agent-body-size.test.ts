// `peeros agent`'s 1 MiB request bound (MAX_REQUEST_BYTES), from clients that write their whole
// request before reading the answer, as cleos does. Past the bound the agent destroyed the
// connection while the body was still coming: those clients got EPIPE or a reset and no answer
// (Unix socket and TCP, 1 MiB + 1 to 64 MiB, length-declared or chunked); now each gets a 413 JSON
// error it can read, and a body at the bound is still served.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { MAX_DISCARDED_BYTES, MAX_REQUEST_BYTES } from '../../runtime/cli/wallet-agent-limits.js';
import { type AgentProcess, CHAIN_ID, startAgent, updateauthTx } from './wallet-agent-process.js';

const DEV_PUBLIC_KEY = 'EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV';

/** A sign_transaction body of exactly `bytes` bytes: valid JSON, padded with spaces. */
function signBody(bytes: number): Buffer {
  const core = JSON.stringify([updateauthTx(), [DEV_PUBLIC_KEY], CHAIN_ID]);
  return Buffer.from(`${core.slice(0, -1)}${' '.repeat(bytes - core.length)}]`);
}

/** The data of a chunked HTTP body. */
function dechunk(text: string): string {
  let out = '';
  for (let at = 0; ; ) {
    const eol = text.indexOf('\r\n', at);
    const size = Number.parseInt(text.slice(at, eol), 16);
    if (!size) return out;
    out += text.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

/** Writes the whole request (headers, then the body, optionally chunked), then reads: the status and JSON answer, or the error. */
function writeAllThenRead(
  where: { socketPath: string } | { port: number; token: string },
  body: Buffer,
  chunked = false,
): Promise<{ status?: number; json?: any; error?: string }> {
  return new Promise((resolve) => {
    const c = 'socketPath' in where ? connect(where.socketPath) : connect(where.port, '127.0.0.1');
    let text = '';
    c.setEncoding('utf8');
    c.on('data', (d) => {
      text += d;
    });
    c.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    c.on('close', () => {
      const m = /^HTTP\/1\.1 (\d+)([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(text);
      if (!m) return resolve({ error: `no answer: ${text.slice(0, 80)}` });
      resolve({ status: Number(m[1]), json: JSON.parse(/transfer-encoding: chunked/i.test(m[2]!) ? dechunk(m[3]!) : m[3]!) });
    });
    const token = 'token' in where ? `X-Peeros-Agent-Token: ${where.token}\r\n` : '';
    const length = chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${body.length}`;
    c.write(`POST /v1/wallet/sign_transaction HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${token}${length}\r\n\r\n`);
    if (!chunked) c.write(body);
    else {
      for (let at = 0; at < body.length; at += 64 * 1024) {
        const part = body.subarray(at, at + 64 * 1024);
        c.write(`${part.length.toString(16)}\r\n`);
        c.write(part);
        c.write('\r\n');
      }
      c.write('0\r\n\r\n');
    }
  });
}

let agent: AgentProcess;

test.before(async () => {
  agent = await startAgent({ args: ['--yes'] });
});
test.after(async () => {
  await agent.stop();
});

test('a body at the bound is signed; past it, every client reads a 413 over the Unix socket and TCP', async () => {
  const token = readFileSync(join(agent.home, 'agent.token'), 'utf8').trim();
  for (const where of [{ socketPath: agent.socketPath }, { port: agent.port, token }]) {
    const via = 'socketPath' in where ? 'unix' : 'tcp';
    const atBound = await writeAllThenRead(where, signBody(MAX_REQUEST_BYTES));
    assert.is(atBound.status, 201, `${via}, exactly ${MAX_REQUEST_BYTES} bytes: ${JSON.stringify(atBound)}`);
    assert.is(atBound.json.signatures.length, 1);
    for (const [bytes, chunked] of [
      [MAX_REQUEST_BYTES + 1, false],
      [MAX_REQUEST_BYTES + 1, true],
      [8 * MAX_REQUEST_BYTES, false],
      [8 * MAX_REQUEST_BYTES, true],
    ] as const) {
      const r = await writeAllThenRead(where, signBody(bytes), chunked);
      assert.is(r.status, 413, `${via}, ${bytes} bytes${chunked ? ' chunked' : ''}: ${JSON.stringify(r)}`);
      assert.is(r.json.error.name, 'request_too_large');
      assert.match(r.json.error.what, String(MAX_REQUEST_BYTES));
    }
  }
});

test('a body far past what is worth reading is answered and its connection closed, and the agent serves on', async () => {
  const r = await writeAllThenRead({ socketPath: agent.socketPath }, Buffer.alloc(MAX_REQUEST_BYTES + MAX_DISCARDED_BYTES * 2, 32));
  assert.ok(r.status === 413 || r.error !== undefined, JSON.stringify(r)); // the answer, or a reset once it stopped reading
  const after = await writeAllThenRead({ socketPath: agent.socketPath }, signBody(1024));
  assert.is(after.status, 201, JSON.stringify(after));
});

test.run();
