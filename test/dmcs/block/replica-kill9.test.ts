// The full local replica on the real path: `peeros node --producer …` and `peeros node --follow`
// as child processes. The replica verifies (Leap's signature rule) and re-executes every block;
// killed with -9 while the network goes on, it restarts, replays and verifies its own log, catches
// up with what it missed, and answers GET /v1/peeros/state_digest exactly as the producer does.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APIClient } from '@wharfkit/antelope';
import { newAccountAction, removeDir, tempDir, testKey, transact } from '../helpers.js';

const BIN = fileURLToPath(new URL('../../../../bin/peeros.js', import.meta.url));
const pdir = tempDir('net-producer');
const rdir = tempDir('net-replica');
const k = testKey('kill9');
const children = new Set<ChildProcess>();

interface Running {
  child: ChildProcess;
  endpoint: string;
  replication: string | null;
}

function startNodeCli(args: string[]): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'node', '--http', '127.0.0.1:0', '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
    });
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        const doc = JSON.parse(line) as { endpoint: string; replication: string | null };
        resolve({ child, endpoint: doc.endpoint, replication: doc.replication });
      }
    });
    child.on('exit', (code) => {
      children.delete(child);
      reject(new Error(`peeros node exited with ${code}: ${err}`));
    });
  });
}

type Digest = {
  head_block_num: number;
  head_block_id: string;
  last_irreversible_block_num: number;
  state_digest: string;
  pending_transactions: number;
};
const digestOf = async (endpoint: string) => (await (await fetch(`${endpoint}/v1/peeros/state_digest`)).json()) as Digest;

async function sameState(producer: string, replica: string, timeoutMs = 60_000): Promise<Digest> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [p, r] = [await digestOf(producer), await digestOf(replica)];
    if (p.head_block_id === r.head_block_id && p.state_digest === r.state_digest) return r;
    if (Date.now() > until) throw new Error(`replica at ${r.head_block_num}, producer at ${p.head_block_num}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

test.after(() => {
  for (const c of children) c.kill('SIGKILL');
  removeDir(pdir);
  removeDir(rdir);
});

test('a replica killed with -9 catches up on restart and reaches the producer’s state digest', async () => {
  const producer = await startNodeCli([
    '--dev',
    '--producer',
    'proda',
    '--producer',
    'prodb',
    '--replicate',
    '127.0.0.1:0',
    '--data',
    pdir,
  ]);
  assert.ok(existsSync(join(pdir, 'producers', 'proda.key')) && existsSync(join(pdir, 'producers', 'prodb.key')), '--producer keys made');
  const client = new APIClient({ url: producer.endpoint });
  await transact(client, [newAccountAction('before', String(k.toPublic()))]);

  let replica = await startNodeCli(['--follow', producer.endpoint, '--data', rdir]);
  const first = await sameState(producer.endpoint, replica.endpoint);
  assert.ok(first.head_block_num >= 2);

  replica.child.kill('SIGKILL');
  await new Promise((r) => replica.child.once('exit', r));
  for (let i = 0; i < 3; i++) await transact(client, [newAccountAction(`missed${i + 1}`, String(k.toPublic()))]);
  // the last block is sealed 500 ms after its first transaction (polled: later on a loaded machine)
  for (const end = Date.now() + 60_000; (await digestOf(producer.endpoint)).pending_transactions > 0; ) {
    if (Date.now() > end) throw new Error('the producer did not seal its pending transactions within 60 s');
    await new Promise((r) => setTimeout(r, 50));
  }

  replica = await startNodeCli(['--follow', producer.endpoint, '--data', rdir]);
  const after = await sameState(producer.endpoint, replica.endpoint);
  assert.ok(after.head_block_num > first.head_block_num, `caught up from ${first.head_block_num} to ${after.head_block_num}`);
  assert.is(after.last_irreversible_block_num, (await digestOf(producer.endpoint)).last_irreversible_block_num);
  const rclient = new APIClient({ url: replica.endpoint });
  assert.is(String((await rclient.v1.chain.get_account('missed3')).account_name), 'missed3', 'read from local state');
});

test.run();
