// Joining a chain without its genesis key (`peeros node --genesis FILE`): the genesis is saved in
// the data folder and no key is made; later starts without the file are the same joined node; a
// folder of another chain is refused; a folder of the development key without --dev is refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrivateKey } from '../../../abi/antelope/index.js';
import { DEV_PUBLIC_KEY, loadGenesis, newGenesis, readGenesisFile } from '../../../dmcs/chain/genesis.js';
import { removeDir, tempDir } from '../helpers.js';

const dirs: string[] = [];
const dir = (tag: string) => {
  const d = tempDir(tag);
  dirs.push(d);
  return d;
};
async function refuses(p: Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable(`expected a refusal matching ${re}`);
}
test.after(() => {
  for (const d of dirs) removeDir(d);
});

test('a joined node holds no genesis key, keeps the genesis, and restarts without --genesis', async () => {
  const origin = dir('origin');
  const made = await loadGenesis(origin, false);
  assert.ok(made.producerKey, 'the first node holds the genesis key');
  const file = join(origin, 'genesis.json');
  const joiner = dir('joiner');
  const joined = await loadGenesis(joiner, false, readGenesisFile(file));
  assert.is(joined.producerKey, null);
  assert.is(joined.chainIdHex, made.chainIdHex);
  assert.not.ok(existsSync(join(joiner, 'producer.key')), 'no key is made for a joined node');
  const again = await loadGenesis(joiner, false);
  assert.is(again.producerKey, null);
  assert.is(again.chainIdHex, made.chainIdHex);
  // the genesis node restarted with its own file keeps its key
  assert.ok((await loadGenesis(origin, false, readGenesisFile(file))).producerKey);
});

test('another chain, a dev-key folder without --dev, --dev with --genesis and a bad file are refused', async () => {
  const joiner = dir('joiner2');
  await loadGenesis(joiner, false, newGenesis(PrivateKey.generate().toPublic()));
  const other = newGenesis(PrivateKey.generate().toPublic(), Date.now() + 10_000);
  await refuses(loadGenesis(joiner, false, other), /belongs to chain/);
  await refuses(loadGenesis(dir('dev'), true, other), /--dev/);
  const devJoined = dir('devjoined');
  await loadGenesis(devJoined, false, newGenesis(PrivateKey.from('5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3').toPublic()));
  await refuses(loadGenesis(devJoined, false), new RegExp(`development key|${DEV_PUBLIC_KEY}`));
  const bad = join(dir('bad'), 'genesis.json');
  writeFileSync(bad, '{"initial_key": "nope"}');
  assert.throws(() => readGenesisFile(bad), /not a genesis.json/);
});

test("a genesis to join whose limits contradict each other is refused with Leap's rule (chain_config validate)", () => {
  const file = join(dir('limits'), 'genesis.json');
  const base = newGenesis(PrivateKey.generate().toPublic());
  const refusedWith = (config: Record<string, number>, re: RegExp) => {
    writeFileSync(file, JSON.stringify({ ...base, initial_configuration: { ...base.initial_configuration, ...config } }));
    assert.throws(() => readGenesisFile(file), re);
  };
  // a block that holds no transaction: every push would wait, then fail
  refusedWith({ max_block_net_usage: 0 }, /max transaction net usage must be less than max block net usage/);
  refusedWith({ max_block_cpu_usage: 0 }, /max transaction cpu usage must be less than max block cpu usage/);
  // one transaction allowed the whole block, or a minimum billed above the maximum
  refusedWith({ max_transaction_cpu_usage: 0xffffffff, max_block_cpu_usage: 0xffffffff }, /must be less than max block cpu usage/);
  refusedWith({ min_transaction_cpu_usage: 300_000 }, /min transaction cpu usage cannot exceed max transaction cpu usage/);
  refusedWith({ context_free_discount_net_usage_den: 0 }, /cannot have a 0 denominator/);
  refusedWith({ target_block_cpu_usage_pct: 10_001 }, /cannot exceed 100%/);
  refusedWith({ max_authority_depth: 0 }, /max authority depth should be at least 1/);
  // Leap's defaults, and limits that agree, are taken
  writeFileSync(file, JSON.stringify({ ...base, initial_configuration: { ...base.initial_configuration, max_block_cpu_usage: 400_000 } }));
  assert.is(readGenesisFile(file).initial_configuration?.max_block_cpu_usage, 400_000);
});

test('a saved genesis.json that does not parse, or holds null, is refused naming the file, never written over', async () => {
  for (const text of ['{"initial_', 'null']) {
    const d = dir('saved');
    writeFileSync(join(d, 'genesis.json'), text);
    await refuses(loadGenesis(d, true), /genesis\.json: not a genesis\.json/);
    assert.is(readFileSync(join(d, 'genesis.json'), 'utf8'), text);
  }
});

test.run();
