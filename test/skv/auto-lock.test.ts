// Auto-lock after idle: by the timer inside the worker while nobody asks, and by the wall clock at
// the next request even when the timer has not fired (tested on VaultCore with a moved clock).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VaultError } from '../../skv/index.js';
import { VaultCore } from '../../skv/vault-core.js';
import { tempHome, removeHome, openTestVault, packTransaction, transfer, CHAIN_ID, PASS, autoApprove } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('the timer locks an idle vault; requests then get LOCKED until unlocked again', async () => {
  const home = tempHome();
  try {
    // margins wide enough for a loaded machine: what is asserted is checked against measured times
    const autoLockMs = 3000;
    const unlockedAt = Date.now();
    const { vault, pub } = await openTestVault(home, { autoLockMs });
    await sleep(1700);
    await vault.listKeys(); // activity pushes the deadline
    const activeAt = Date.now();
    await sleep(1700);
    const stillUnlocked = (await vault.status()).unlocked;
    assert.ok(Date.now() - unlockedAt > autoLockMs, 'past the first deadline, so only the activity can keep it open');
    if (Date.now() - activeAt < autoLockMs - 200) assert.is(stillUnlocked, true, 'activity less than autoLockMs ago: still unlocked');
    await sleep(autoLockMs + 300);
    const st = await vault.status();
    assert.is(st.unlocked, false, 'idle past autoLockMs: locked');
    assert.is(st.lastLockReason, 'idle-timer', 'the timer inside the worker locked it, not this request');
    try {
      await vault.sign({ chainId: CHAIN_ID, transaction: packTransaction([transfer('1.0000 RSN')]), keys: [pub] });
      assert.unreachable('signed while locked');
    } catch (err) {
      assert.instance(err, VaultError);
      assert.is((err as VaultError).code, 'LOCKED');
    }
    await vault.unlock(PASS, { verifier: autoApprove() });
    assert.is((await vault.listKeys()).length, 1);
    await vault.close();
  } finally {
    removeHome(home);
  }
});

test('status does not count as activity', async () => {
  const home = tempHome();
  try {
    const { vault } = await openTestVault(home, { autoLockMs: 300 });
    for (let i = 0; i < 5; i++) {
      await sleep(100);
      await vault.status();
    }
    assert.is((await vault.status()).unlocked, false);
    await vault.close();
  } finally {
    removeHome(home);
  }
});

test('wall clock: a request after the deadline finds the vault locked even before the timer fires', async () => {
  const home = tempHome();
  const realNow = Date.now;
  try {
    const core = new VaultCore({ home, autoLockMs: 60_000, assertionMaxTtlMs: 60_000, backoffBaseMs: 100, insecureTestKdf: true });
    await core.handle({ v: 1, op: 'unlock', passphrase: PASS, create: true });
    await core.handle({ v: 1, op: 'create_key' });
    assert.is(((await core.handle({ v: 1, op: 'list_keys' })) as { keys: unknown[] }).keys.length, 1);
    const t = realNow();
    Date.now = () => t + 60_001; // the machine slept past the deadline; the timer has not run
    try {
      await core.handle({ v: 1, op: 'list_keys' });
      assert.unreachable('listed keys after the deadline');
    } catch (err) {
      assert.is((err as VaultError).code, 'LOCKED');
    }
    const st = (await core.handle({ v: 1, op: 'status' })) as { lastLockReason?: string };
    assert.is(st.lastLockReason, 'idle-at-request');
    Date.now = realNow;
    core.lock();
  } finally {
    Date.now = realNow;
    removeHome(home);
  }
});

test.run();
