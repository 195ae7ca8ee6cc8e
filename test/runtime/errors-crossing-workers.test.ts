// Errors that cross a worker boundary keep their class and code: the vault worker's refusals come
// back as VaultError (dMemo error body), an app worker's failures as HostError (HostErrorData),
// and a peer that sends a code outside the receiver's table gets INTERNAL, never a made-up code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CodedError } from '../../lib/coded-error.js';
import { VaultError } from '../../skv/index.js';
import { vaultErrorFrom } from '../../skv/protocol.js';
import { HostError, type Host } from '../../runtime/index.js';
import * as M from '../fixtures/hostile/modules.js';
import { tempHome as skvHome, removeHome, openTestVault, packTransaction, transfer, CHAIN_ID } from '../skv/helpers.js';
import { tempHome, cleanup, writeApp, quietHost, grantAll } from './helpers.js';

async function thrown(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

test('vault worker → main thread: a refusal arrives as VaultError with its code (LOCKED, UNKNOWN_KEY)', async () => {
  const home = skvHome();
  try {
    const { vault, pub } = await openTestVault(home);
    const unknown = await thrown(
      vault.sign({
        chainId: CHAIN_ID,
        transaction: packTransaction([transfer('1.0000 RSN')]),
        keys: ['PUB_K1_6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5BoDq63'],
      }),
    );
    assert.instance(unknown, VaultError);
    assert.instance(unknown, CodedError);
    assert.is((unknown as VaultError).name, 'VaultError');
    assert.ok(['UNKNOWN_KEY', 'INVALID_KEY'].includes((unknown as VaultError).code), (unknown as Error).message);
    await vault.lock();
    const locked = await thrown(vault.sign({ chainId: CHAIN_ID, transaction: packTransaction([transfer('1.0000 RSN')]), keys: [pub] }));
    assert.instance(locked, VaultError);
    assert.is((locked as VaultError).code, 'LOCKED');
    await vault.close();
  } finally {
    removeHome(home);
  }
});

test("a dMemo error body with a code that is not the vault's becomes INTERNAL; a prototype name is no code", () => {
  for (const code of ['NO_SUCH_CODE', 'constructor', '__proto__', 'toString', 42, undefined]) {
    const e = vaultErrorFrom({ code, message: 'x' });
    assert.instance(e, VaultError);
    assert.is(e.code, 'INTERNAL', String(code));
  }
  const b = vaultErrorFrom({ code: 'BACKOFF', message: 'wait', retryAfterMs: 1500 });
  assert.is(b.code, 'BACKOFF');
  assert.is(b.retryAfterMs, 1500);
  assert.ok(vaultErrorFrom({ code: 'LOCKED', message: 'y'.repeat(100_000) }).message.length < 5000, 'a peer message is bounded');
});

const home = tempHome('errors-crossing');
let host: Host;
test.before(() => {
  host = quietHost(home);
});
test.after(async () => {
  await host.close();
  cleanup(home);
});

test('app worker → main thread: a trap arrives as HostError TRAP with app, command and cause', async () => {
  await host.install(writeApp(home, 'recursion', M.deepRecursion()), grantAll);
  const e = await thrown(host.run('recursion', 'go'));
  assert.instance(e, HostError);
  assert.instance(e, CodedError);
  assert.is((e as HostError).name, 'HostError');
  assert.is((e as HostError).code, 'TRAP');
  assert.is((e as HostError).app, 'recursion');
  assert.is((e as HostError).trapCause, 'call stack exhausted');
});

test('HostError data round-trips through structured clone and JSON; an unknown code becomes INTERNAL', () => {
  const e = new HostError('APP_ERROR', 'app said no', { app: 'a', command: 'c', appCode: 'NOPE' });
  for (const data of [structuredClone(e.toData()), JSON.parse(JSON.stringify(e))]) {
    const back = HostError.fromData(data);
    assert.instance(back, HostError);
    assert.equal(back.toData(), e.toData());
  }
  const bad = HostError.fromData({ code: 'constructor' as never, message: 'm' });
  assert.is(bad.code, 'INTERNAL');
});

test.run();
