// The stock apps through the whole path: real wasm in worker threads, the ISA's chain and dmcs
// imports through the sync bridge to the main thread's hybrid API and transaction service, the vault
// worker, the dev node. dPay: whoami, balance, transfer, history; dSocial: post, follow, feed;
// not logged in; scope denied at the ISA; unknown app and command; bad arguments.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { Host } from '../../runtime/index.js';
import { HostError } from '../../runtime/errors.js';
import { deployContract } from '../../runtime/transaction-service/index.js';
import { clearSession } from '../../runtime/session/index.js';
import { startWorld, newAccount, deployToken, loginAs, balanceOf, ROOT, type World } from './world.js';

let w: World;
let host: Host;

async function appError(p: Promise<unknown>, code: string, appCode?: string): Promise<HostError> {
  try {
    await p;
  } catch (err) {
    assert.instance(err, HostError, String(err));
    const e = err as HostError;
    assert.is(e.code, code, e.message);
    if (appCode) assert.is(e.appCode, appCode, e.message);
    return e;
  }
  throw new Error(`expected HostError ${code}`);
}

test.before(async () => {
  w = await startWorld();
  await newAccount(w, 'alice');
  await newAccount(w, 'bob');
  await deployToken(w, ['alice']);
  await newAccount(w, 'dsocial');
  await deployContract({
    vault: w.vault,
    backend: w.backend,
    account: 'dsocial',
    wasmPath: join(ROOT, 'build/contracts/dsocial/dsocial.wasm'),
    abiPath: join(ROOT, 'build/contracts/dsocial/dsocial.abi'),
  });
  host = new Host({ home: w.home, bridge: w.services.bridge, onLog: () => {} });
  for (const app of ['dpay', 'dsocial']) {
    await host.install(join(ROOT, 'apps', app), { grant: async () => true });
    assert.ok(await w.services.installAppGrant(app));
  }
});
test.after(async () => {
  await host.close();
  await w.close();
});

test('not logged in: the apps answer NO_SESSION', async () => {
  await appError(host.run('dpay', 'whoami'), 'APP_ERROR', 'NO_SESSION');
  await appError(host.run('dpay', 'transfer', { to: 'bob', quantity: '1.0000 RSN' }), 'APP_ERROR', 'NO_SESSION');
  await appError(host.run('dsocial', 'post', { text: 'hi' }), 'APP_ERROR', 'NO_SESSION');
});

test('dPay: whoami, balance, transfer, history — through chain.read and dmcs.push', async () => {
  await loginAs(w, 'alice');
  assert.equal(await host.run('dpay', 'whoami'), { account: 'alice' });
  assert.equal(await host.run('dpay', 'balance'), { account: 'alice', balances: ['1000.0000 RSN'] });
  const out = (await host.run('dpay', 'transfer', { to: 'bob', quantity: '12.5000 RSN', memo: 'rent' })) as {
    status: string;
    id: string;
    block?: number;
  };
  assert.is(out.status, 'executed', JSON.stringify(out));
  await w.node.produceBlock();
  assert.is(await balanceOf(w, 'bob'), '12.5000 RSN');
  const bob = (await host.run('dpay', 'balance', { account: 'bob' })) as { balances: string[] };
  assert.equal(bob.balances, ['12.5000 RSN']);
  const h = (await host.run('dpay', 'history')) as Array<Record<string, unknown>>;
  assert.is(h.length, 1);
  assert.is(h[0]!.to, 'bob');
  assert.is(h[0]!.status, 'executed');
  assert.is(h[0]!.id, out.id);
  const shown = w.verifier.seen.at(-1)!;
  assert.is(shown.app, 'dpay');
  assert.match(shown.summary.join('\n'), /dpay\.token::transfer — from: alice, to: bob, quantity: 12\.5000 RSN, memo: "?rent"?/);
});

test("dPay: a refused transfer comes back as failed with the chain's reason; bad arguments are app errors", async () => {
  const out = (await host.run('dpay', 'transfer', { to: 'nosuchacct', quantity: '1.0000 RSN' })) as { status: string; error?: string };
  assert.is(out.status, 'failed');
  assert.match(out.error!, /to account does not exist/);
  await appError(host.run('dpay', 'transfer', { to: 'bob', quantity: 'lots' }), 'APP_ERROR', 'INVALID_ARGUMENT');
  await appError(host.run('dpay', 'transfer', { to: 'Bob!', quantity: '1.0000 RSN' }), 'APP_ERROR', 'INVALID_ARGUMENT');
  // above the manifest's maxAmount: the host refuses before anything is shown (capability-denied)
  const seen = w.verifier.seen.length;
  await appError(host.run('dpay', 'transfer', { to: 'bob', quantity: '1000.0001 RSN' }), 'APP_ERROR', 'ISA_CAPABILITY_DENIED');
  assert.is(w.verifier.seen.length, seen);
});

test('dSocial: post, follow, feed, posts', async () => {
  const p1 = (await host.run('dsocial', 'post', { text: 'hello from alice' })) as { status: string };
  assert.is(p1.status, 'executed');
  await loginAs(w, 'bob');
  assert.is(((await host.run('dsocial', 'post', { text: 'bob here' })) as { status: string }).status, 'executed');
  assert.is(((await host.run('dsocial', 'follow', { account: 'alice' })) as { status: string }).status, 'executed');
  await w.node.produceBlock();
  assert.equal(await host.run('dsocial', 'following'), ['alice']);
  const feed = (await host.run('dsocial', 'feed')) as { posts: Array<{ author: string; text: string; id: number }> };
  assert.equal(
    feed.posts.map((p) => `${p.author}: ${p.text}`),
    ['bob: bob here', 'alice: hello from alice'],
  );
  const again = (await host.run('dsocial', 'follow', { account: 'alice' })) as { status: string; error?: string };
  assert.is(again.status, 'failed');
  assert.match(again.error!, /already following/);
  const alices = (await host.run('dsocial', 'posts', { account: 'alice' })) as { posts: unknown[] };
  assert.is(alices.posts.length, 1);
  await appError(host.run('dsocial', 'post', { text: '' }), 'APP_ERROR', 'INVALID_ARGUMENT');
});

test('unknown app and unknown command', async () => {
  await appError(host.run('nosuchapp', 'x'), 'UNKNOWN_APP');
  await appError(host.run('dpay', 'steal'), 'UNKNOWN_COMMAND');
});

test('logged out: the apps lose the account', async () => {
  clearSession(w.home);
  await appError(host.run('dsocial', 'feed'), 'APP_ERROR', 'NO_SESSION');
});

test.run();
