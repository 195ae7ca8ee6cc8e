// The dMemo channel (skv/vault-channel.ts): a plain message port to the one vault worker. Many
// calls at once are each answered with their own reply, past the worker's in-flight bound; a worker
// that dies fails the calls it held (INTERNAL) and the next call gets a fresh, locked vault; one
// that never answered is replaced once and then reported; a closed channel refuses (VAULT_CLOSED).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VaultChannel, VaultError, encodeMessage, decodeResponse, limits, type DmemoOp, type DmemoResults } from '../../skv/index.js';
import { tempHome, removeHome, PASS, vaultErrorCode } from './helpers.js';

function channel(home: string, extra: { testWorkerExitAtRequest?: number } = {}): VaultChannel {
  return new VaultChannel({
    home,
    autoLockMs: limits.DEFAULT_AUTO_LOCK_MS,
    assertionMaxTtlMs: limits.DEFAULT_ASSERTION_TTL_MS,
    backoffBaseMs: 100,
    insecureTestKdf: true,
    ...extra,
  });
}

async function call<O extends DmemoOp>(c: VaultChannel, op: O, fields: Record<string, unknown> = {}): Promise<DmemoResults[O]> {
  return decodeResponse(await c.call(encodeMessage({ v: 1, op, ...fields })), op);
}

test('more calls at once than the worker holds: every one answered with its own reply', async () => {
  const home = tempHome();
  const c = channel(home);
  try {
    const n = limits.MAX_REQUESTS_IN_FLIGHT * 3 + 5;
    // two ops whose replies differ: decodeResponse refuses a reply naming another op
    const ops = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 'status' : 'lock') as 'status' | 'lock');
    const replies = await Promise.all(ops.map((op) => call(c, op)));
    for (const [i, r] of replies.entries()) {
      if (ops[i] === 'status') assert.is((r as DmemoResults['status']).unlocked, false);
      else assert.is((r as DmemoResults['lock']).wasUnlocked, false);
    }
  } finally {
    await c.close();
    removeHome(home);
  }
});

test('a worker that dies after answering: its calls fail INTERNAL, the next call meets a fresh, locked vault', async () => {
  const home = tempHome();
  const c = channel(home, { testWorkerExitAtRequest: 3 });
  try {
    await call(c, 'unlock', { passphrase: PASS, create: true });
    assert.is((await call(c, 'status')).unlocked, true);
    const e = await call(c, 'status').then(
      () => null,
      (err: unknown) => err,
    );
    assert.instance(e, VaultError);
    assert.is((e as VaultError).code, 'INTERNAL');
    assert.match((e as VaultError).message, /restarts locked/);
    assert.is((await call(c, 'status')).unlocked, false, 'the new worker holds no session');
    assert.is(await vaultErrorCode(call(c, 'list_keys')), 'LOCKED');
  } finally {
    await c.close();
    removeHome(home);
  }
});

test('a worker that never answers is replaced once, then the failure is reported (no call hangs)', async () => {
  const home = tempHome();
  const c = channel(home, { testWorkerExitAtRequest: 1 });
  try {
    assert.is(await vaultErrorCode(call(c, 'status')), 'INTERNAL');
  } finally {
    await c.close();
    removeHome(home);
  }
});

test('a closed channel refuses every call with VAULT_CLOSED; a call in flight at close settles', async () => {
  const home = tempHome();
  const c = channel(home);
  try {
    const inFlight = vaultErrorCode(call(c, 'status'));
    await c.close();
    assert.ok(['OK', 'VAULT_CLOSED'].includes(await inFlight));
    assert.is(await vaultErrorCode(call(c, 'status')), 'VAULT_CLOSED');
    await c.close(); // twice is fine
  } finally {
    removeHome(home);
  }
});

test.run();
