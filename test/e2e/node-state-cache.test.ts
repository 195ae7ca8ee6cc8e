// `peeros node --state-cache N` as a process: the state lives in the data folder's on-disk store with
// N accounts and tables cached, more accounts than N are created, and after a clean stop (SIGTERM) a
// restart with the same flag answers every one of them from the store at the same head.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { APIClient } from '@wharfkit/antelope';
import { tempHome } from './world.js';
import { startPeeros } from './run-cli.js';
import { transact, newAccountAction, testKey } from '../dmcs/helpers.js';
import { STATE_STORE_DIR } from '../../dmcs/index.js';
import { STATE_CACHE_MIN } from '../../runtime/cli/definitions/node.js';

const WAIT_MS = 60_000;
/** More accounts than the cache holds, so answering them needs the store. */
const ACCOUNTS = STATE_CACHE_MIN * 3;

interface Running {
  child: ChildProcess;
  doc: { endpoint: string; stateCache: number | null; headBlock: number };
  stderr: () => string;
}

async function start(home: string, data: string): Promise<Running> {
  const node = startPeeros(['node', '--dev', '--http', '127.0.0.1:0', '--data', data, '--state-cache', String(STATE_CACHE_MIN), '--json'], {
    env: { PEEROS_HOME: home },
  });
  const { child } = node;
  const end = Date.now() + WAIT_MS;
  while (!node.out.includes('\n')) {
    if (Date.now() > end || child.exitCode !== null) {
      child.kill('SIGKILL');
      assert.unreachable(`the node did not start; stdout:\n${node.out}\nstderr:\n${node.err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, doc: JSON.parse(node.out.split('\n')[0]!), stderr: () => node.err };
}

async function stop(r: Running): Promise<void> {
  if (r.child.exitCode !== null || r.child.signalCode !== null) return;
  const closed = new Promise((done) => r.child.once('close', done));
  r.child.kill('SIGTERM');
  await closed;
}

test('accounts beyond the cache are kept in the data folder’s store and read back after a restart', async () => {
  const home = tempHome('node-state-cache');
  const data = join(home, 'node');
  const names = Array.from(
    { length: ACCOUNTS },
    (_, i) => `cache${'abcdefghijklmnopqrstuvwxyz'[Math.floor(i / 26)]}${'abcdefghijklmnopqrstuvwxyz'[i % 26]}`,
  );
  let running: Running | undefined;
  try {
    running = await start(home, data);
    assert.is(running.doc.stateCache, STATE_CACHE_MIN);
    let client = new APIClient({ url: running.doc.endpoint });
    await transact(
      client,
      names.map((n) => newAccountAction(n, testKey(n).toPublic().toString())),
    );
    const head = Number((await client.v1.chain.get_info()).head_block_num);
    await stop(running);
    assert.is(running.child.exitCode, 0, running.stderr());
    assert.ok(existsSync(join(data, STATE_STORE_DIR)), 'the state store is in the data folder');

    running = await start(home, data);
    client = new APIClient({ url: running.doc.endpoint });
    // the chain API listens while the state catches up: wait until get_info no longer says replaying
    const end = Date.now() + WAIT_MS;
    let info = (await (await fetch(`${running.doc.endpoint}/v1/chain/get_info`)).json()) as { replaying?: boolean; head_block_num: number };
    while (info.replaying) {
      assert.ok(Date.now() < end, 'still replaying');
      await new Promise((r) => setTimeout(r, 50));
      info = (await (await fetch(`${running.doc.endpoint}/v1/chain/get_info`)).json()) as typeof info;
    }
    assert.ok(info.head_block_num >= head, `restarted at ${info.head_block_num}, stopped at ${head}`);
    for (const n of names) {
      const a = await client.v1.chain.get_account(n);
      assert.is(
        String(a.permissions.find((p) => String(p.perm_name) === 'owner')!.required_auth.keys[0]!.key),
        testKey(n).toPublic().toString(),
      );
    }
  } finally {
    if (running) await stop(running);
    rmSync(home, { recursive: true, force: true });
  }
});

test.run();
