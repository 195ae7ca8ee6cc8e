// A push reply of `peeros node` stays true across a kill -9 (issue 8, node item a): every
// transaction the node acknowledged over HTTP is in a block after a restart on the same data folder,
// even when the node was killed before it sealed the pending block. Real CLI in a child process.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APIClient, Serializer } from '@wharfkit/antelope';
import { tempDir, removeDir, buildSigned, newAccountAction, testKey } from '../helpers.js';

const BIN = fileURLToPath(new URL('../../../../bin/peeros.js', import.meta.url));
const dir = tempDir('crash-ack');
const k = testKey('crash-ack');
const children = new Set<ChildProcess>();

interface Running {
  child: ChildProcess;
  client: APIClient;
  url: string;
  err: () => string;
  exited: Promise<number | null>;
}

function startCli(): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'node', '--dev', '--http', '127.0.0.1:0', '--data', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((r) =>
      child.on('exit', (code) => {
        children.delete(child);
        r(code);
      }),
    );
    child.stderr!.on('data', (d) => {
      err += d;
    });
    child.stdout!.on('data', (d) => {
      out += d;
      const url = /endpoint: (\S+)/.exec(out)?.[1];
      if (url && /head block: \d+/.test(out)) resolve({ child, client: new APIClient({ url }), url, err: () => err, exited });
    });
    child.on('exit', (code) => reject(new Error(`peeros node exited with ${code}: ${err}`)));
  });
}

async function digest(r: Running): Promise<{ head_block_num: number; durable_block_num: number; pending_transactions: number }> {
  return (await fetch(`${r.url}/v1/peeros/get_state_digest`, { method: 'POST' })).json() as never;
}

/** Pushes over plain HTTP; resolves with the transaction id once the node acknowledged "executed". */
async function push(url: string, packed: unknown): Promise<string> {
  const res = await fetch(`${url}/v1/chain/push_transaction`, { method: 'POST', body: JSON.stringify(packed) });
  const json = (await res.json()) as { transaction_id?: string; processed?: { receipt?: { status?: string } }; error?: unknown };
  if (!res.ok || !json.transaction_id) throw new Error(`push refused: ${JSON.stringify(json)}`);
  assert.is(json.processed?.receipt?.status, 'executed');
  return json.transaction_id;
}

const name = (i: number) => `ack${'abcdefghijklmnopqrstuvwxyz'[Math.floor(i / 26) % 26]}${'abcdefghijklmnopqrstuvwxyz'[i % 26]}`;

test.after(() => {
  for (const c of children) c.kill('SIGKILL'); // a failed test must not leave nodes running
  removeDir(dir);
});

test('kill -9 right after the last acknowledgement: every acknowledged transaction is in a block after the restart', async () => {
  const a = await startCli();
  const N = 60;
  const signed = [];
  for (let i = 0; i < N; i++)
    signed.push(Serializer.objectify((await buildSigned(a.client, [newAccountAction(name(i), String(k.toPublic()))])).packed));
  // a stream of concurrent pushes, then one more into a fresh pending block, killed on its reply
  const acked: string[] = await Promise.all(signed.slice(0, N - 1).map((p) => push(a.url, p)));
  for (const end = Date.now() + 60_000; (await digest(a)).pending_transactions > 0; ) {
    if (Date.now() > end) throw new Error('the pushed transactions were not sealed in a block within 60 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  const last = await push(a.url, signed[N - 1]);
  a.child.kill('SIGKILL');
  acked.push(last);
  await a.exited;
  assert.ok(existsSync(join(dir, 'accepted.log')));

  const b = await startCli();
  for (let i = 0; i < N; i++) assert.ok(await b.client.v1.chain.get_account(name(i)), `${name(i)} (acknowledged) is on the chain`);
  // the last one was acknowledged before its block was sealed: the journal carried it
  assert.match(b.err(), /acknowledged before the last stop were not known to be in a block: [1-9]\d* re-applied into block \d+/);
  const d = await digest(b);
  assert.is(d.pending_transactions, 0, 'carried transactions are sealed at start');
  assert.is(d.durable_block_num, d.head_block_num);
  await b.client.v1.chain.get_info(); // serving: its SIGTERM handler is in place
  b.child.kill('SIGTERM');
  assert.is(await b.exited, 0, b.err());

  const c = await startCli(); // nothing carried twice
  assert.not.match(c.err(), /re-applied/);
  await c.client.v1.chain.get_info();
  c.child.kill('SIGTERM');
  assert.is(await c.exited, 0, c.err());
  assert.is(acked.length, N);
});

test.run();
