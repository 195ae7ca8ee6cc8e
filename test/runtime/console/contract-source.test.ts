// What the Contracts page deploys: a stock contract the build made (its bytes as built, its ABI),
// and the bounds and typed refusals of a folder typed in the page (length, relative, missing) and
// of a stock name the host does not ship. (Building a folder and deploying it run in Chromium:
// test/e2e/console-contracts-browser.test.ts.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConsoleError } from '../../../runtime/console/index.js';
import {
  MAX_CONTRACT_PATH_CHARS,
  STOCK_CONTRACTS,
  folderContract,
  stockContract,
  stockContracts,
} from '../../../runtime/console/contract-source.js';
import { TOKEN_WASM } from '../../e2e/world.js';
import { tempHome, cleanup } from '../helpers.js';

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.instance(err, ConsoleError);
    return `${(err as ConsoleError).code}: ${(err as Error).message}`;
  }
  throw new Error('expected a refusal');
}

test('the stock contracts the build made, each with the account the demo deploys it to', async () => {
  const names = stockContracts().map((c) => c.name);
  assert.equal(names, ['dpay', 'dsocial', 'dmessenger']);
  assert.is(stockContracts()[0]?.account, STOCK_CONTRACTS.dpay?.account);
  const dpay = await stockContract('dpay');
  assert.equal(Buffer.from(dpay.code), readFileSync(TOKEN_WASM));
  assert.ok(dpay.abi.actions.some((a) => a.name.toString() === 'transfer'));
  assert.is(dpay.from, 'stock dpay');
});

test('a stock name the host does not ship is NOT_FOUND (an own property only)', async () => {
  assert.match(await refusal(stockContract('nope')), /^NOT_FOUND: no stock contract "nope"/);
  assert.match(await refusal(stockContract('constructor')), /^NOT_FOUND/);
  assert.match(await refusal(stockContract('../dpay')), /^NOT_FOUND/);
});

test('a folder: at most MAX_CONTRACT_PATH_CHARS, absolute, present', async () => {
  assert.match(
    await refusal(folderContract(`/${'a'.repeat(MAX_CONTRACT_PATH_CHARS)}`)),
    /^BAD_REQUEST: the folder must be a path of 1 to 1024/,
  );
  assert.match(await refusal(folderContract('')), /^BAD_REQUEST/);
  assert.match(await refusal(folderContract('contracts/dpay')), /^BAD_REQUEST: the folder must be an absolute path/);
  assert.match(await refusal(folderContract('/tmp/\0x')), /^BAD_REQUEST/);
  const home = tempHome('contract-source');
  try {
    assert.match(await refusal(folderContract(join(home, 'absent'))), /^NOT_FOUND: no folder at/);
  } finally {
    cleanup(home);
  }
});

test.run();
