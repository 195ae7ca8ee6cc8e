// `peeros node --log-json` as a process: a transaction pushed by an outside client (wharfkit) makes
// a block, and the node logs exactly that block (number and id as get_block reports them, producer,
// one transaction).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { APIClient } from '@wharfkit/antelope';
import { tempHome } from './world.js';
import { startPeeros } from './run-cli.js';
import { transact, newAccountAction, testKey } from '../dmcs/helpers.js';

const WAIT_MS = 60_000;

test('a block made by a pushed transaction is logged as produced_block with its number, id and transaction count', async () => {
  const home = tempHome('node-log');
  const node = startPeeros(['node', '--dev', '--http', '127.0.0.1:0', '--data', join(home, 'node'), '--log-json'], {
    env: { PEEROS_HOME: home },
  });
  const { child } = node;
  const until = async (ok: () => boolean, what: string) => {
    const end = Date.now() + WAIT_MS;
    while (!ok()) {
      if (Date.now() > end || child.exitCode !== null) assert.unreachable(`${what}; stdout:\n${node.out}\nstderr:\n${node.err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  try {
    await until(() => /endpoint: http/.test(node.out), 'the node did not start');
    const url = /endpoint: (\S+)/.exec(node.out)![1]!;
    const client = new APIClient({ url });
    const reply = await transact(client, [newAccountAction('alice', testKey('alice').toPublic().toString())]);
    const num = reply.processed.block_num as number;
    const produced = () =>
      node.err
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((o) => o.event === 'produced_block' && o.num === num);
    await until(() => produced() !== undefined, `no produced_block line for block ${num}`);
    const line = produced()!;
    const block = await client.v1.chain.get_block(num);
    assert.is(line.id, String(block.id));
    assert.is(line.producer, 'eosio');
    assert.is(line.trxs, 1);
    assert.is(line.level, 'info');
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const closed = new Promise((r) => child.once('close', r));
      child.kill('SIGTERM');
      await closed;
    }
    rmSync(home, { recursive: true, force: true });
  }
});

test.run();
