// `peeros node` on a data folder that was copied, is in use, or has a damaged committed marker
// (issue 8, node items b and c), through the real CLI in child processes: a folder restored with
// `cp -a` starts with the same chain and state; only a live node holding the folder blocks a start,
// and the message names it; a garbage committed.json says which file, what is wrong and what to do.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APIClient } from '@wharfkit/antelope';
import { tempDir, removeDir, transact, newAccountAction, testKey } from '../helpers.js';

const BIN = fileURLToPath(new URL('../../../../bin/peeros.js', import.meta.url));
const root = tempDir('data-folder');
const k = testKey('data-folder');
const children = new Set<ChildProcess>();

interface Running {
  child: ChildProcess;
  client: APIClient;
  url: string;
  chainId: string;
  err: () => string;
  exited: Promise<number | null>;
}

function startCli(dir: string): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'node', '--dev', '--http', '127.0.0.1:0', '--data', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((r) =>
      child.on('exit', (code, signal) => {
        children.delete(child);
        if (signal) err += `\n[exited on ${signal}]`;
        r(code);
      }),
    );
    child.stderr!.on('data', (d) => {
      err += d;
    });
    child.stdout!.on('data', (d) => {
      out += d;
      const url = /endpoint: (\S+)/.exec(out)?.[1];
      const chainId = /chain id: ([0-9a-f]{64})/.exec(out)?.[1];
      if (url && chainId && /head block: \d+/.test(out))
        resolve({ child, client: new APIClient({ url }), url, chainId, err: () => err, exited });
    });
    child.on('exit', (code) => reject(new Error(`peeros node exited with ${code}: ${err}`)));
  });
}

/** A node run that is expected to refuse to start. */
function refusedStart(dir: string): { status: number | null; stderr: string } {
  return spawnSync(process.execPath, [BIN, 'node', '--dev', '--http', '127.0.0.1:0', '--data', dir], { encoding: 'utf8', timeout: 60_000 });
}

async function stop(r: Running): Promise<void> {
  await r.client.v1.chain.get_info(); // serving: past start-up, its SIGTERM handler is in place
  r.child.kill('SIGTERM');
  assert.is(await r.exited, 0, r.err());
}

async function settled(r: Running): Promise<{ head_block_num: number; state_digest: string }> {
  for (const end = Date.now() + 60_000; Date.now() < end; ) {
    const d = (await (await fetch(`${r.url}/v1/peeros/get_state_digest`, { method: 'POST' })).json()) as {
      head_block_num: number;
      durable_block_num: number;
      pending_transactions: number;
      state_digest: string;
    };
    if (d.pending_transactions === 0 && d.durable_block_num === d.head_block_num) return d;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('blocks were not produced');
}

test.after(() => {
  for (const c of children) c.kill('SIGKILL'); // a failed test must not leave nodes running
  removeDir(root);
});

test('a data folder copied with cp -a starts with the same chain and state (adopted, with a notice); the original still starts', async () => {
  const original = join(root, 'original');
  const a = await startCli(original);
  await transact(a.client, [newAccountAction('copied1', String(k.toPublic()))]);
  const before = await settled(a);
  await stop(a);
  const copy = join(root, 'copy');
  execFileSync('cp', ['-a', original, copy]);
  const b = await startCli(copy);
  assert.is(b.chainId, a.chainId);
  assert.ok(await b.client.v1.chain.get_account('copied1'));
  const after = await settled(b);
  assert.ok(after.head_block_num >= before.head_block_num);
  assert.match(b.err(), /was copied or restored from a backup .* adopted here/);
  assert.not.match(b.err(), /another node/);
  assert.ok(
    readdirSync(copy).some((f) => f.startsWith('CORESTORE.copied-')),
    'the old device file is kept aside',
  );
  await transact(b.client, [newAccountAction('copied2', String(k.toPublic()))]); // the copy produces
  await settled(b);
  await stop(b);
  const again = await startCli(copy); // adopted once: no notice the second time
  assert.not.match(again.err(), /copied or restored/);
  assert.ok(await again.client.v1.chain.get_account('copied2'));
  await stop(again);
  const a2 = await startCli(original);
  assert.ok(await a2.client.v1.chain.get_account('copied1'));
  await stop(a2);
});

test('a folder held by a live node is refused, naming its pid; after kill -9 it starts at once (no stale lock)', async () => {
  const dir = join(root, 'busy');
  const a = await startCli(dir);
  const busy = refusedStart(dir);
  assert.is(busy.status, 1, busy.stderr);
  assert.match(
    busy.stderr,
    new RegExp(`the data folder .*busy is in use by another running node \\(pid ${a.child.pid}\\): stop that node first`),
  );
  a.child.kill('SIGKILL');
  await a.exited;
  assert.ok(existsSync(join(dir, 'node.pid')), 'kill -9 leaves the pid file behind');
  const b = await startCli(dir);
  assert.not.match(b.err(), /in use|copied/);
  await stop(b);
  assert.not.ok(existsSync(join(dir, 'node.pid')), 'a clean stop removes the pid file');
});

test('a garbage committed.json is refused with the file, the problem and the fix; deleting it replays the log', async () => {
  const dir = join(root, 'marker');
  const a = await startCli(dir);
  await transact(a.client, [newAccountAction('marker1', String(k.toPublic()))]);
  const before = await settled(a);
  await stop(a);
  const marker = join(dir, 'committed.json');
  for (const [garbage, problem] of [
    ['{garbage', /it is not valid JSON/],
    ['{"length": -3, "lastBlockId": 7}', /it is JSON but not \{"length": N/],
    ['', /it is not valid JSON/],
  ] as const) {
    writeFileSync(marker, garbage);
    const r = refusedStart(dir);
    assert.is(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${marker.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is damaged: `));
    assert.match(r.stderr, problem);
    assert.match(r.stderr, /To start anyway, delete it: the node replays the \d+ block\(s\)/);
    assert.not.match(r.stderr, /SyntaxError|another node/);
  }
  execFileSync('rm', [marker]);
  const b = await startCli(dir);
  const after = await settled(b);
  assert.ok(after.head_block_num >= before.head_block_num);
  assert.ok(await b.client.v1.chain.get_account('marker1'));
  await transact(b.client, [newAccountAction('marker2', String(k.toPublic()))]);
  await settled(b);
  await stop(b);
  assert.ok(existsSync(marker), 'a new marker is written with the next block');
});

test.run();
