// A restarting node is never dark: its HTTP server listens before the block log is replayed, and
// get_info answers meanwhile with `replaying: true` and the progress, while endpoints whose answer
// needs the current state refuse; once replayed, the chain API answers as usual.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import { startNode } from '../../../dmcs/index.js';
import { tempDir, removeDir } from '../helpers.js';

const dir = tempDir('replay-gate');
const BLOCKS = 300;

test.after(() => removeDir(dir));

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

const post = async (url: string, body: unknown = {}) => {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

test('get_info says "replaying" with progress during the replay; the chain API answers after it', async () => {
  const first = await startNode({ dev: true, dataDir: dir, autoProduce: false, snapshotEvery: 0, recoveryWorkers: 0 });
  for (let i = 0; i < BLOCKS; i++) await first.produceBlock();
  const head = first.chain.head.num;
  await first.close();

  // the port is known before the node listens (to poll it during the replay); another process may
  // take it between freePort and the node's listen, so a start refused for the port picks another
  let base = '';
  let seen: Array<{ done_blocks: number; total_blocks: number }> = [];
  let refused: { status: number; json: Record<string, unknown> } | null = null;
  let node: Awaited<ReturnType<typeof startNode>> | undefined;
  for (let attempt = 1; !node; attempt++) {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    seen = [];
    refused = null;
    let started = false;
    const starting = startNode({
      dev: true,
      dataDir: dir,
      http: `127.0.0.1:${port}`,
      autoProduce: false,
      snapshotEvery: 0,
      recoveryWorkers: 0,
    }).finally(() => {
      started = true;
    });
    while (!started) {
      try {
        const info = await post(`${base}/v1/chain/get_info`);
        if (info.json.replaying === true) {
          seen.push(info.json.replay_progress as { done_blocks: number; total_blocks: number });
          refused ??= await post(`${base}/v1/chain/get_account`, { account_name: 'eosio' });
        }
      } catch {
        await new Promise((r) => setTimeout(r, 1)); // not listening yet
      }
    }
    node = await starting.catch((e: Error) => {
      if (attempt < 5 && /cannot serve HTTP/.test(e.message)) return undefined;
      throw e;
    });
  }
  try {
    assert.ok(seen.length > 0, 'get_info answered during the replay');
    console.log(`  ${seen.length} get_info replies during the replay, last ${JSON.stringify(seen.at(-1))}`);
    for (const p of seen) {
      assert.is(p.total_blocks, head);
      assert.ok(p.done_blocks >= 0 && p.done_blocks <= head);
    }
    assert.ok(refused && refused.status >= 500, 'other endpoints refuse while replaying');
    assert.match(JSON.stringify(refused!.json), 'replaying');
    const after = await post(`${base}/v1/chain/get_info`);
    assert.is(after.json.replaying, undefined);
    assert.is(after.json.head_block_num, head);
    assert.is((await post(`${base}/v1/chain/get_account`, { account_name: 'eosio' })).status, 200);
  } finally {
    await node.close();
  }
});

test.run();
