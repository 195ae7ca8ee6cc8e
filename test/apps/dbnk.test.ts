// apps/dbnk through the real host on a real dev node (the e2e world: node over HTTP, vault worker,
// host services): follow accounts, see their balances and exact totals, transfer within the cap;
// a transfer above the manifest's 100 RSN cap is refused before anything is shown or signed.
// Savings through the dbnk contract: deposit within the cap (a deposit over the grant's cap is
// refused before anything is signed), savings shows the terms and deposits, an early withdraw is
// refused by the contract and moves nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { Host, type HostError } from '../../runtime/index.js';
import { startWorld, newAccount, deployToken, loginAs, balanceOf, ROOT, type World } from '../e2e/world.js';
import { refusalCode } from '../runtime/helpers.js';
import { deploySavings, pushAll } from './savings-fixture.js';

let w: World;
let host: Host;
const run = (cmd: string, args: Record<string, unknown> = {}) => host.run('dbnk', cmd, args);

const appCode = (p: Promise<unknown>) => refusalCode(p);

test.before(async () => {
  w = await startWorld();
  const key = await newAccount(w, 'alice');
  for (const a of ['bob', 'carol']) await newAccount(w, a);
  await deployToken(w, ['alice', 'bob', 'carol'], '250.5000 RSN');
  await deploySavings(w, { account: 'dbnk', key, funder: 'carol', symbol: '4,RSN', lockSeconds: 3600, rateBps: 250 });
  host = new Host({ home: w.home, bridge: w.services.bridge, onLog: () => {} });
  await host.install(join(ROOT, 'apps/dbnk'), { grant: async () => true });
  assert.ok(await w.services.installAppGrant('dbnk'));
});
test.after(async () => {
  await host?.close();
  await w?.close();
});

test('without a session: NO_SESSION', async () => {
  assert.is(await appCode(run('overview')), 'NO_SESSION');
});

test('follow accounts; overview shows each balance and exact totals', async () => {
  await loginAs(w, 'alice');
  await run('watch', { account: 'bob' });
  await run('watch', { account: 'carol' });
  await run('watch', { account: 'alice' }); // yourself: listed once
  const o = (await run('overview')) as { accounts: Array<{ account: string; balances: string[] }>; totals: string[] };
  assert.equal(
    o.accounts.map((a) => [a.account, a.balances]),
    [
      ['alice', ['250.5000 RSN']],
      ['bob', ['250.5000 RSN']],
      ['carol', ['250.5000 RSN']],
    ],
  );
  assert.equal(o.totals, ['751.5000 RSN']);
  await run('unwatch', { account: 'carol' });
  assert.equal(((await run('overview')) as { totals: string[] }).totals, ['501.0000 RSN']);
  assert.is(await appCode(run('watch', { account: 'Not An Account' })), 'INVALID_ARGUMENT');
});

test('transfer within the cap goes through the vault; above the cap is refused before anything is signed', async () => {
  const out = (await run('transfer', { to: 'bob', quantity: '100.0000 RSN', memo: 'savings' })) as { status: string };
  assert.is(out.status, 'executed', JSON.stringify(out));
  assert.match(w.verifier.seen.at(-1)!.summary.join('\n'), /dpay\.token::transfer — from: alice, to: bob, quantity: 100\.0000 RSN/);
  assert.is(await balanceOf(w, 'bob'), '350.5000 RSN');
  const seen = w.verifier.seen.length;
  assert.is(await appCode(run('transfer', { to: 'bob', quantity: '100.0001 RSN' })), 'ISA_CAPABILITY_DENIED');
  assert.is(w.verifier.seen.length, seen, 'nothing was shown for signing');
  assert.is(await balanceOf(w, 'bob'), '350.5000 RSN');
  assert.is(await appCode(run('transfer', { to: 'bob', quantity: 'lots' })), 'INVALID_ARGUMENT');
});

test('savings: a deposit within the cap is locked and earns interest; over the cap is refused unsigned; an early withdraw moves nothing', async () => {
  await pushAll(w, [
    { account: 'dpay.token', name: 'transfer', actor: 'carol', data: { from: 'carol', to: 'dbnk', quantity: '10.0000 RSN', memo: 'fund' } },
  ]);
  await loginAs(w, 'alice');
  const before = await balanceOf(w, 'alice');
  const out = (await run('deposit', { quantity: '40.0000 RSN' })) as { status: string };
  assert.is(out.status, 'executed', JSON.stringify(out));
  assert.match(
    w.verifier.seen.at(-1)!.summary.join('\n'),
    /dpay\.token::transfer — from: alice, to: dbnk, quantity: 40\.0000 RSN, memo: deposit/,
  );
  const seen = w.verifier.seen.length;
  assert.is(await appCode(run('deposit', { quantity: '100.0001 RSN' })), 'ISA_CAPABILITY_DENIED');
  assert.is(w.verifier.seen.length, seen, 'nothing was shown for signing');
  const s = (await run('savings')) as {
    pool: string;
    rateBps: number;
    lockSeconds: number;
    deposits: Array<{ id: number; principal: string; interest: string; unlock: string }>;
  };
  assert.equal([s.pool, s.rateBps, s.lockSeconds], ['9.0000 RSN', 250, 3600]);
  assert.equal(
    s.deposits.map((d) => [d.principal, d.interest]),
    [['40.0000 RSN', '1.0000 RSN']],
  );
  assert.match(s.deposits[0]!.unlock, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
  try {
    await run('withdraw', { id: s.deposits[0]!.id });
    assert.unreachable('an early withdraw was accepted');
  } catch (e) {
    assert.is((e as HostError).appCode, 'REFUSED');
    assert.match((e as Error).message, new RegExp(`deposit ${s.deposits[0]!.id} is locked for another \\d+ s`));
  }
  assert.is(((await run('savings')) as { deposits: unknown[] }).deposits.length, 1, 'the deposit is still there');
  assert.is(await appCode(run('withdraw', { id: 0 })), 'INVALID_ARGUMENT');
  assert.is(await balanceOf(w, 'alice'), subtract(before, '40.0000 RSN'));
});

/** "a RSN" − "b RSN" at 4 decimals (exact: integer units). */
function subtract(a: string, b: string): string {
  const units = (s: string) => BigInt(s.split(' ')[0]!.replace('.', ''));
  const d = (units(a) - units(b)).toString().padStart(5, '0');
  return `${d.slice(0, -4)}.${d.slice(-4)} RSN`;
}

test.run();
