// The node's in-process API (what `peeros node`, tests and benchmarks drive; the host reaches the
// node over HTTP): push, read, produce, close; and the CLI's argument errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { ABI, Action, PackedTransaction, SignedTransaction, Transaction, Serializer, Bytes } from '@wharfkit/antelope';
import { startNode, NodeClosedError, ChainError, type EmbeddedNode } from '../../dmcs/index.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, removeDir, DEV_KEY, keyAuth, testKey } from './helpers.js';

const BIN = fileURLToPath(new URL('../../../bin/peeros.js', import.meta.url));
const ROOT = new URL('../../../', import.meta.url);
const dir = tempDir('inproc');
let node: EmbeddedNode;
const owner = testKey('inproc');

async function eosioAbi(): Promise<ABI> {
  return ABI.from((node.getAbi('eosio') as { abi: unknown }).abi as never);
}

async function packedJson(
  actions: Array<{ account: string; name: string; actor: string; data: Record<string, unknown> }>,
  abis: Record<string, ABI>,
  key = DEV_KEY,
) {
  const info = node.getInfo() as {
    chain_id: string;
    last_irreversible_block_num: number;
    last_irreversible_block_id: string;
    head_block_time: string;
  };
  const prefix = Buffer.from(info.last_irreversible_block_id, 'hex').readUInt32LE(8);
  const trx = Transaction.from({
    expiration: new Date(Date.parse(`${info.head_block_time}Z`) + 60_000).toISOString().slice(0, 19),
    ref_block_num: info.last_irreversible_block_num & 0xffff,
    ref_block_prefix: prefix,
    actions: actions.map((a) =>
      Action.from(
        { account: a.account, name: a.name, authorization: [{ actor: a.actor, permission: 'active' }], data: a.data },
        abis[a.account]!,
      ),
    ),
  });
  const sig = key.signDigest(trx.signingDigest(info.chain_id));
  return JSON.parse(JSON.stringify(PackedTransaction.fromSigned(SignedTransaction.from({ ...trx, signatures: [sig] }))));
}

test.before(async () => {
  node = await startNode({ dev: true, dataDir: dir, autoProduce: false });
});
test.after(async () => {
  await node.close();
  removeDir(dir);
});

test('push a JSON packed transaction in process and read the account back', async () => {
  const abi = await eosioAbi();
  const res = node.pushTransaction(
    await packedJson(
      [
        {
          account: 'eosio',
          name: 'newaccount',
          actor: 'eosio',
          data: { creator: 'eosio', name: 'inproc', owner: keyAuth(String(owner.toPublic())), active: keyAuth(String(owner.toPublic())) },
        },
      ],
      { eosio: abi },
    ),
  ) as { transaction_id: string; processed: { block_num: number } };
  assert.ok(res.transaction_id);
  const { num } = await node.produceBlock();
  assert.is(num, res.processed.block_num);
  const acct = node.getAccount('inproc') as { account_name: string };
  assert.is(acct.account_name, 'inproc');
});

test('getTableRows, get_currency_balance and get_currency_stats on a deployed token', async () => {
  const abi = await eosioAbi();
  const tokenAbi = ABI.from(JSON.parse(readFileSync(new URL('build/contracts/dpay/dpay.abi', ROOT), 'utf8')));
  const wasm = readFileSync(new URL('build/contracts/dpay/dpay.wasm', ROOT));
  node.pushTransaction(
    await packedJson(
      [
        {
          account: 'eosio',
          name: 'setcode',
          actor: 'inproc',
          data: { account: 'inproc', vmtype: 0, vmversion: 0, code: Bytes.from(wasm).hexString },
        },
        {
          account: 'eosio',
          name: 'setabi',
          actor: 'inproc',
          data: { account: 'inproc', abi: Serializer.encode({ object: tokenAbi }).hexString },
        },
      ],
      { eosio: abi },
      owner,
    ),
  );
  node.pushTransaction(
    await packedJson(
      [
        { account: 'inproc', name: 'create', actor: 'inproc', data: { issuer: 'inproc', maximum_supply: '100.0 XYZ' } },
        { account: 'inproc', name: 'issue', actor: 'inproc', data: { to: 'inproc', quantity: '7.5 XYZ', memo: '' } },
      ],
      { inproc: tokenAbi },
      owner,
    ),
  );
  const rows = node.getTableRows({ code: 'inproc', scope: 'inproc', table: 'accounts', json: true }) as { rows: unknown[] };
  assert.equal(rows.rows, [{ balance: '7.5 XYZ' }]);
  assert.equal(node.api.endpoints.get_currency_balance!({ code: 'inproc', account: 'inproc', symbol: 'XYZ' }), ['7.5 XYZ']);
  assert.equal(node.api.endpoints.get_currency_stats!({ code: 'inproc', symbol: 'XYZ' }), {
    XYZ: { supply: '7.5 XYZ', max_supply: '100.0 XYZ', issuer: 'inproc' },
  });
});

test('errors are ChainError with Antelope names', async () => {
  try {
    node.getAccount('nosuchacct');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ChainError);
    assert.is((e as ChainError).code, 'account_query_exception');
  }
});

test('a block log shorter than what was committed is refused with a clear error', async () => {
  const d = tempDir('damaged');
  const n = await startNode({ dev: true, dataDir: d, autoProduce: false });
  await n.close();
  writeFileSync(join(d, 'committed.json'), JSON.stringify({ length: 99, lastBlockId: 'ab'.repeat(32) }));
  try {
    await startNode({ dev: true, dataDir: d, autoProduce: false });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /has 1 block\(s\) but 99 were committed/);
  }
  removeDir(d);
});

test('after close every call throws NodeClosedError', async () => {
  const d2 = tempDir('closed');
  const n2 = await startNode({ dev: true, dataDir: d2, autoProduce: false });
  await n2.close();
  assert.throws(
    () => n2.getInfo(),
    (e: unknown) => e instanceof NodeClosedError && (e as NodeClosedError).code === 'NODE_CLOSED',
  );
  removeDir(d2);
});

test('CLI: unknown flags are usage errors; a busy port is a clear error', async () => {
  const bad = spawnSync(process.execPath, [BIN, 'node', '--nope'], { encoding: 'utf8' });
  assert.is(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /unknown option --nope/);
  const help = spawnSync(process.execPath, [BIN, 'node', '--help'], { encoding: 'utf8' });
  assert.is(help.status, 0, help.stderr);
  assert.match(help.stdout, /--http HOST:PORT/);
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  const d3 = tempDir('busy');
  const busy = spawnSync(process.execPath, [BIN, 'node', '--dev', '--http', `127.0.0.1:${port}`, '--data', d3], { encoding: 'utf8' });
  srv.close();
  removeDir(d3);
  assert.is(busy.status, 1, busy.stderr);
  assert.match(busy.stderr, /cannot serve HTTP on 127\.0\.0\.1:\d+/);
});

test.run();
