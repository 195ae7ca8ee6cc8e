// `peeros node --dev` as a child process: state survives a graceful restart (SIGTERM) and a
// kill -9; the restarted node replays the hypercore block log to the identical state.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { APIClient } from '@wharfkit/antelope';
import { tempDir, removeDir, transact, newAccountAction, testKey } from './helpers.js';

const BIN = fileURLToPath(new URL('../../../bin/peeros.js', import.meta.url));
const dir = tempDir('restart');
const k = testKey('restart');

interface Running {
  child: ChildProcess;
  client: APIClient;
  url: string;
  chainId: string;
  exited: Promise<number | null>;
}

const children = new Set<ChildProcess>();

function startCli(): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'node', '--dev', '--http', '127.0.0.1:0', '--data', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    child.on('exit', () => children.delete(child));
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.stderr!.on('data', (d) => {
      err += d;
    });
    child.stdout!.on('data', (d) => {
      out += d;
      const url = /endpoint: (\S+)/.exec(out)?.[1];
      const chainId = /chain id: ([0-9a-f]{64})/.exec(out)?.[1];
      if (url && chainId) resolve({ child, client: new APIClient({ url }), url, chainId, exited });
    });
    child.on('exit', (code) => reject(new Error(`peeros node exited with ${code}: ${err}`)));
  });
}

interface Digest {
  head_block_num: number;
  head_block_id: string;
  durable_block_num: number;
  pending_transactions: number;
  state_digest: string;
}
async function digest(r: Running): Promise<Digest> {
  return (await fetch(`${r.url}/v1/peeros/get_state_digest`, { method: 'POST' })).json() as Promise<Digest>;
}

/** Waits until every pushed transaction is in a durable block. */
async function settle(r: Running): Promise<Digest> {
  for (const end = Date.now() + 60_000; Date.now() < end; ) {
    const d = await digest(r);
    if (d.pending_transactions === 0 && d.durable_block_num === d.head_block_num) return d;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('blocks were not produced');
}

test.after(() => {
  for (const c of children) c.kill('SIGKILL'); // a failed test must not leave nodes running
  removeDir(dir);
});

test('graceful restart (SIGTERM) keeps accounts and state; the chain id stays', async () => {
  const a = await startCli();
  await transact(a.client, [newAccountAction('persist1', String(k.toPublic()))]);
  await transact(a.client, [newAccountAction('persist2', String(k.toPublic()))]);
  const before = await settle(a);
  const acct = await a.client.v1.chain.get_account('persist2');
  a.child.kill('SIGTERM');
  assert.is(await a.exited, 0);
  const b = await startCli();
  assert.is(b.chainId, a.chainId);
  const after = await digest(b);
  assert.is(after.head_block_id, before.head_block_id);
  assert.is(after.state_digest, before.state_digest);
  const again = await b.client.v1.chain.get_account('persist2');
  assert.is(Number(again.ram_usage), Number(acct.ram_usage));
  b.child.kill('SIGINT');
  assert.is(await b.exited, 0);
});

test('kill -9 after blocks are durable: restart comes back at the same block with identical state', async () => {
  const a = await startCli();
  for (let i = 0; i < 5; i++) await transact(a.client, [newAccountAction(`killed${i + 1}`, String(k.toPublic()))]);
  const before = await settle(a);
  a.child.kill('SIGKILL');
  await a.exited;
  const b = await startCli();
  const after = await digest(b);
  assert.is(after.head_block_num, before.head_block_num);
  assert.is(after.state_digest, before.state_digest);
  assert.ok(await b.client.v1.chain.get_account('killed5'));
  b.child.kill('SIGTERM');
  await b.exited;
});

test('kill -9 in the middle of a stream of transactions: restart at the last durable block', async () => {
  const a = await startCli();
  let lastDurable = 0;
  const stop = Date.now() + 1500;
  let i = 0;
  while (Date.now() < stop) {
    await transact(a.client, [
      newAccountAction(
        `stream${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + (Math.floor(i / 26) % 26))}`,
        String(k.toPublic()),
      ),
    ]);
    i++;
    if (i % 5 === 0) lastDurable = (await digest(a)).durable_block_num;
  }
  a.child.kill('SIGKILL');
  await a.exited;
  const b = await startCli();
  const after = await digest(b);
  assert.ok(after.head_block_num >= lastDurable, `head ${after.head_block_num} < durable ${lastDurable}`);
  const info = await b.client.v1.chain.get_info();
  // get_info seals empty "freshening" blocks when the head is older than STALE_AFTER_MS (a slow
  // restart on a loaded machine): the head may only move forward, and the state must not change
  assert.ok(Number(info.head_block_num) >= after.head_block_num, `get_info head ${info.head_block_num} < ${after.head_block_num}`);
  assert.is((await digest(b)).state_digest, after.state_digest);
  // the restarted node keeps working
  await transact(b.client, [newAccountAction('afterkill', String(k.toPublic()))]);
  b.child.kill('SIGTERM');
  assert.is(await b.exited, 0);
});

test.run();
