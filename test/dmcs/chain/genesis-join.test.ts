// Joining a chain without its genesis key (`peeros node --genesis FILE`): the genesis is saved in
// the data folder and no key is made; later starts without the file are the same joined node; a
// folder of another chain is refused; a folder of the development key without --dev is refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, writeFileSync } from 'node:fs';
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

test.run();
