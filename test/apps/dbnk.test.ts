// apps/dbnk through the real host on a real dev node (the e2e world: node over HTTP, vault worker,
// host services): follow accounts, see their balances and exact totals, transfer within the cap;
// a transfer above the manifest's 100 RSN cap is refused before anything is shown or signed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { Host } from '../../runtime/index.js';
import { startWorld, newAccount, deployToken, loginAs, balanceOf, ROOT, type World } from '../e2e/world.js';
import { refusalCode } from '../runtime/helpers.js';

let w: World;
let host: Host;
const run = (cmd: string, args: Record<string, unknown> = {}) => host.run('dbnk', cmd, args);

const appCode = (p: Promise<unknown>) => refusalCode(p);

test.before(async () => {
  w = await startWorld();
  for (const a of ['alice', 'bob', 'carol']) await newAccount(w, a);
  await deployToken(w, ['alice', 'bob', 'carol'], '250.5000 RSN');
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

test.run();
