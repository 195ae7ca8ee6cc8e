// Wrong passphrases: a clear WRONG_PASSPHRASE, then exponentially growing delays that persist on
// disk, so a restarted vault (or a new process) still waits; the right passphrase resets them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Vault, VaultError, vaultPaths } from '../../skv/index.js';
import { tempHome, removeHome, autoApprove, PASS } from './helpers.js';

// long enough that a loaded machine still retries inside the delay: the retry after a restart
// (a new vault worker) must come within 2 × BASE of the failure
const BASE = 3000;

async function attempt(v: Vault, pass: string): Promise<VaultError | null> {
  try {
    await v.unlock(pass, { verifier: autoApprove() });
    return null;
  } catch (err) {
    if (err instanceof VaultError) return err;
    throw err;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('wrong passphrase → WRONG_PASSPHRASE with a message that says so', async () => {
  const home = tempHome();
  try {
    const v = Vault.open({ home, insecureTestKdf: true, backoffBaseMs: BASE });
    await v.unlock(PASS, { verifier: autoApprove(), create: true });
    await v.lock();
    const e = await attempt(v, 'not it');
    assert.is(e?.code, 'WRONG_PASSPHRASE');
    assert.match(e!.message, /wrong passphrase/);
    assert.not.match(e!.message, /not it/);
    assert.is((await v.status()).unlocked, false);
    await v.close();
  } finally {
    removeHome(home);
  }
});

test('backoff doubles, refuses even the right passphrase while it runs, and survives a restart', async () => {
  const home = tempHome();
  try {
    let v = Vault.open({ home, insecureTestKdf: true, backoffBaseMs: BASE });
    await v.unlock(PASS, { verifier: autoApprove(), create: true });
    await v.lock();
    assert.is((await attempt(v, 'bad-1'))?.code, 'WRONG_PASSPHRASE');
    const b1 = await attempt(v, PASS);
    assert.is(b1?.code, 'BACKOFF');
    assert.ok(b1!.retryAfterMs! > 0 && b1!.retryAfterMs! <= BASE, `first delay ${b1!.retryAfterMs}`);
    await sleep(BASE + 20);
    assert.is((await attempt(v, 'bad-2'))?.code, 'WRONG_PASSPHRASE');
    // restart: a new worker over the same home
    await v.close();
    v = Vault.open({ home, insecureTestKdf: true, backoffBaseMs: BASE });
    const b2 = await attempt(v, PASS);
    assert.is(b2?.code, 'BACKOFF', 'the delay must survive a restart');
    assert.ok(b2!.retryAfterMs! > 0 && b2!.retryAfterMs! <= 2 * BASE, `second delay ${b2!.retryAfterMs}`);
    const st = await v.status();
    assert.is(st.failures, 2);
    const onDisk = JSON.parse(readFileSync(vaultPaths(home).backoff, 'utf8'));
    assert.is(onDisk.failures, 2);
    assert.is(onDisk.nextAllowedAt - onDisk.lastFailureAt, 2 * BASE, 'the delay doubled');
    await sleep(2 * BASE + 20);
    assert.is(await attempt(v, PASS), null, 'the right passphrase opens after the delay');
    assert.is((await v.status()).failures, 0, 'success resets the counter');
    await v.close();
  } finally {
    removeHome(home);
  }
});

test('export re-verifies the passphrase under the same backoff', async () => {
  const home = tempHome();
  try {
    const v = Vault.open({ home, insecureTestKdf: true, backoffBaseMs: BASE });
    await v.unlock(PASS, { verifier: autoApprove(), create: true });
    const k = await v.createKey();
    try {
      await v.exportKey(k.publicKey, 'wrong');
      assert.unreachable();
    } catch (err) {
      assert.is((err as VaultError).code, 'WRONG_PASSPHRASE');
    }
    try {
      await v.exportKey(k.publicKey, PASS);
      assert.unreachable();
    } catch (err) {
      assert.is((err as VaultError).code, 'BACKOFF');
    }
    await sleep(BASE + 20);
    assert.match(await v.exportKey(k.publicKey, PASS), /^PVT_K1_/);
    await v.close();
  } finally {
    removeHome(home);
  }
});

test.run();
