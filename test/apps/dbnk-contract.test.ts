// The dBnk savings contract (apps/dbnk/contract) on a real embedded node through the contract VM:
// deposits arrive as dpay.token transfer notifications, are time-locked, earn interest reserved from
// a funder's pool at deposit time, and are paid back (principal + interest) by an inline transfer.
// Attacks: withdrawing someone else's savings, withdrawing early, amounts whose interest would
// overflow a naive i64 product, a fake token contract sending "transfer" notices, the wrong symbol,
// a non-funder funding, a deposit the pool cannot pay.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deployContract } from '../../runtime/transaction-service/index.js';
import { startWorld, newAccount, deployToken, ROOT, TOKEN_ABI, TOKEN_WASM, type World } from '../e2e/world.js';
import { type Act, deploySavings, pushAll as pushFixture } from './savings-fixture.js';
/** A generous bound for the 1-second lock to pass on a loaded machine. */
const UNLOCK_WAIT_MS = 30_000;

let w: World;
let devKey = '';

const pushAll = (acts: Act[]) => pushFixture(w, acts);
const push = (account: string, name: string, actor: string, data: Record<string, unknown>) => pushAll([{ account, name, actor, data }]);
const transfer = (from: string, to: string, quantity: string, memo: string, token = 'dpay.token') =>
  push(token, 'transfer', from, { from, to, quantity, memo });

const errorText = (e: unknown) => String((e as Error).message ?? e);

async function refused(p: Promise<unknown>, text: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(errorText(e).includes(text), `expected "${text}" in: ${errorText(e)}`);
    return;
  }
  assert.unreachable(`expected a refusal: ${text}`);
}

/** Pushes again while the node answers "duplicate transaction" (the same action within one TaPoS window), up to UNLOCK_WAIT_MS. */
async function pushFresh(account: string, name: string, actor: string, data: Record<string, unknown>): Promise<void> {
  const deadline = Date.now() + UNLOCK_WAIT_MS;
  for (;;) {
    try {
      return await push(account, name, actor, data);
    } catch (e) {
      if (Date.now() > deadline || !errorText(e).includes('tx_duplicate')) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function balance(account: string, symbol: string): Promise<string> {
  const r = (await rows('dpay.token', account, 'accounts')).map((x) => String(x.balance));
  return r.find((b) => b.endsWith(` ${symbol}`)) ?? 'none';
}

async function rows(code: string, scope: string, table: string): Promise<Array<Record<string, unknown>>> {
  return (await w.backend.getTableRows({ code, scope, table, json: true, limit: 100 })).rows as Array<Record<string, unknown>>;
}
const config = async (code: string) => (await rows(code, code, 'config'))[0]!;

const deploy = (account: string, symbol: string, lockSeconds: number, rateBps: number) =>
  deploySavings(w, { account, key: devKey, funder: 'funder', symbol, lockSeconds, rateBps });

test.before(async () => {
  w = await startWorld();
  devKey = await newAccount(w, 'alice');
  for (const a of ['bob', 'mallory', 'funder']) await newAccount(w, a);
  await deployToken(w, ['alice', 'bob', 'mallory', 'funder'], '1000.0000 RSN');
  // a second symbol with the largest supply Antelope allows, for the overflow attack
  await pushAll([
    {
      account: 'dpay.token',
      name: 'create',
      actor: 'dpay.token',
      data: { issuer: 'dpay.token', maximum_supply: '4611686018427387903 BIG' },
    },
    {
      account: 'dpay.token',
      name: 'issue',
      actor: 'dpay.token',
      data: { to: 'dpay.token', quantity: '4611686018427387903 BIG', memo: '' },
    },
    {
      account: 'dpay.token',
      name: 'transfer',
      actor: 'dpay.token',
      data: { from: 'dpay.token', to: 'mallory', quantity: '2305843009213693952 BIG', memo: '' },
    },
    {
      account: 'dpay.token',
      name: 'transfer',
      actor: 'dpay.token',
      data: { from: 'dpay.token', to: 'funder', quantity: '2305843009213693951 BIG', memo: '' },
    },
  ]);
  await deploy('dbnk', '4,RSN', 3600, 1000); // 10 % per hour-long lock
  await deploy('dbnkfast', '0,BIG', 1, 5000); // 50 % per one-second lock
});
test.after(async () => {
  await w?.close();
});

test('setup: only the contract, only once, within bounds', async () => {
  await refused(
    push('dbnk', 'setup', 'mallory', { funder: 'mallory', symbol: '4,RSN', lock_seconds: 1, rate_bps: 10000 }),
    'missing authority of dbnk',
  );
  await refused(push('dbnk', 'setup', 'dbnk', { funder: 'mallory', symbol: '4,RSN', lock_seconds: 1, rate_bps: 1 }), 'already set up');
  const c = await config('dbnk');
  assert.equal([c.funder, c.symbol, c.lock_seconds, c.rate_bps, c.pool], ['funder', '4,RSN', 3600, 1000, '0.0000 RSN']);
});

test('setup refuses terms outside MAX_RATE_BPS (10000) and MAX_LOCK_SECONDS (ten years)', async () => {
  await deploySavings(w, {
    account: 'dbnkterms',
    key: devKey,
    funder: 'funder',
    symbol: '4,RSN',
    lockSeconds: 1,
    rateBps: 0,
    setup: false,
  });
  const setup = (lock_seconds: number, rate_bps: number) =>
    push('dbnkterms', 'setup', 'dbnkterms', { funder: 'funder', symbol: '4,RSN', lock_seconds, rate_bps });
  await refused(setup(60, 10001), 'rate_bps: expected 0 to 10000');
  await refused(setup(0, 100), 'lock_seconds: expected 1 to 315360000');
  await refused(setup(315360001, 100), 'lock_seconds: expected 1 to 315360000');
  assert.is((await rows('dbnkterms', 'dbnkterms', 'config')).length, 0);
  await setup(315360000, 10000);
  assert.equal([(await config('dbnkterms')).lock_seconds, (await config('dbnkterms')).rate_bps], [315360000, 10000]);
});

test('funding: only the funder, only the symbol, only the memos it knows', async () => {
  await refused(transfer('mallory', 'dbnk', '5.0000 RSN', 'fund'), 'only the funder (funder) funds the interest pool');
  await refused(transfer('alice', 'dbnk', '5.0000 RSN', 'thanks'), 'memo: expected "deposit" or "fund"');
  await refused(transfer('mallory', 'dbnk', '5 BIG', 'deposit'), 'dbnk takes only 4,RSN');
  assert.is(await balance('mallory', 'RSN'), '1000.0000 RSN', 'refused transfers move nothing');
  await transfer('funder', 'dbnk', '12.0000 RSN', 'fund');
  assert.is((await config('dbnk')).pool, '12.0000 RSN');
});

test('deposit reserves its interest; a deposit the pool cannot pay is refused with its transfer', async () => {
  await transfer('alice', 'dbnk', '100.0000 RSN', 'deposit');
  const [d] = await rows('dbnk', 'alice', 'deposits');
  assert.equal([d!.principal, d!.interest], ['100.0000 RSN', '10.0000 RSN']);
  let c = await config('dbnk');
  assert.equal([c.pool, c.reserved, c.deposited], ['2.0000 RSN', '10.0000 RSN', '100.0000 RSN']);
  await refused(
    transfer('bob', 'dbnk', '20.0010 RSN', 'deposit'),
    'the interest pool has 2.0000 RSN left and this deposit would earn 2.0001 RSN',
  );
  assert.is(await balance('bob', 'RSN'), '1000.0000 RSN');
  assert.is((await rows('dbnk', 'bob', 'deposits')).length, 0);
  await transfer('bob', 'dbnk', '20.0000 RSN', 'deposit'); // exactly the pool
  c = await config('dbnk');
  assert.equal([c.pool, c.reserved, c.deposited], ['0.0000 RSN', '12.0000 RSN', '120.0000 RSN']);
  assert.is(await balance('dbnk', 'RSN'), '132.0000 RSN', 'the contract holds principal + pool + reserved interest');
});

test('withdraw: not before the lock ends, not someone else, not twice', async () => {
  const [d] = await rows('dbnk', 'alice', 'deposits');
  await refused(push('dbnk', 'withdraw', 'alice', { owner: 'alice', id: d!.id }), `deposit ${d!.id} is locked for another`);
  await refused(push('dbnk', 'withdraw', 'mallory', { owner: 'alice', id: d!.id }), 'missing authority of alice');
  await refused(push('dbnk', 'withdraw', 'mallory', { owner: 'mallory', id: d!.id }), `no deposit ${d!.id} of mallory`);
  assert.is((await rows('dbnk', 'alice', 'deposits')).length, 1);
  assert.is(await balance('alice', 'RSN'), '900.0000 RSN');
});

test('a fake token contract sending transfer notices deposits nothing', async () => {
  await newAccount(w, 'fake.token');
  await deployContract({ vault: w.vault, backend: w.backend, account: 'fake.token', wasmPath: TOKEN_WASM, abiPath: TOKEN_ABI });
  await pushAll([
    { account: 'fake.token', name: 'create', actor: 'fake.token', data: { issuer: 'mallory', maximum_supply: '1000000.0000 RSN' } },
    { account: 'fake.token', name: 'issue', actor: 'mallory', data: { to: 'mallory', quantity: '1000000.0000 RSN', memo: '' } },
  ]);
  const before = await config('dbnk');
  await transfer('mallory', 'dbnk', '1000.0000 RSN', 'deposit', 'fake.token');
  await transfer('mallory', 'dbnk', '1000.0000 RSN', 'fund', 'fake.token');
  assert.is((await rows('dbnk', 'mallory', 'deposits')).length, 0);
  assert.equal(await config('dbnk'), before);
});

test('a genuine dpay.token transfer to another contract, forwarded to dbnk as a notice, deposits nothing', async () => {
  const dir = join(ROOT, 'build/test-contracts/notice-relay');
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(ROOT, 'test/fixtures/contracts/notice-relay/index.as'), join(dir, 'index.ts'));
  const { compileContract } = (await import(pathToFileURL(join(ROOT, 'sdk-as/contract/tools/compile-contract.mjs')).href)) as {
    compileContract: (o: { root: string; dir: string; name: string; outDir: string }) => Promise<{ wasm: string; abi: string }>;
  };
  const out = await compileContract({ root: ROOT, dir, name: 'relay', outDir: dir });
  await newAccount(w, 'relay');
  await deployContract({ vault: w.vault, backend: w.backend, account: 'relay', wasmPath: out.wasm, abiPath: out.abi });
  const before = await config('dbnk');
  await transfer('mallory', 'relay', '7.0000 RSN', 'deposit');
  assert.is(await balance('relay', 'RSN'), '7.0000 RSN', 'the tokens went to the relay');
  assert.is((await rows('dbnk', 'mallory', 'deposits')).length, 0, 'dbnk credited nothing for a transfer it did not receive');
  assert.equal(await config('dbnk'), before);
});

test('interest of an amount near 2^62 is exact (no i64 wrap) and the payout after the lock is principal + interest', async () => {
  await transfer('funder', 'dbnkfast', '2305843009213693951 BIG', 'fund');
  // 2^61 × 5000 overflows an i64 product; the contract's split arithmetic gives exactly 2^60
  await transfer('mallory', 'dbnkfast', '2305843009213693952 BIG', 'deposit');
  const [d] = await rows('dbnkfast', 'mallory', 'deposits');
  assert.equal([d!.principal, d!.interest], ['2305843009213693952 BIG', '1152921504606846976 BIG']);
  const deadline = Date.now() + UNLOCK_WAIT_MS;
  for (;;) {
    try {
      await push('dbnkfast', 'withdraw', 'mallory', { owner: 'mallory', id: d!.id });
      break;
    } catch (e) {
      if (Date.now() > deadline || !errorText(e).includes('is locked')) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  assert.is(await balance('mallory', 'BIG'), '3458764513820540928 BIG');
  const c = await config('dbnkfast');
  assert.equal([c.pool, c.reserved, c.deposited], ['1152921504606846975 BIG', '0 BIG', '0 BIG']);
  assert.is((await rows('dbnkfast', 'mallory', 'deposits')).length, 0);
  await refused(pushFresh('dbnkfast', 'withdraw', 'mallory', { owner: 'mallory', id: d!.id }), `no deposit ${d!.id} of mallory`);
});

test('an account has at most 50 open deposits', async () => {
  const fifty = Array.from({ length: 50 }, () => ({
    account: 'dpay.token',
    name: 'transfer',
    actor: 'mallory',
    data: { from: 'mallory', to: 'dbnkfast', quantity: '1 BIG', memo: 'deposit' },
  }));
  await pushAll(fifty);
  assert.is((await rows('dbnkfast', 'mallory', 'deposits')).length, 50);
  await refused(transfer('mallory', 'dbnkfast', '1 BIG', 'deposit'), 'at most 50 open deposits');
});

test.run();
