// The vault worker's lease on the vault lock (skv/vault-lock.ts over lib/file-lock.ts, issue 15),
// attacked as a second process and as the vault's own owner would: a real `node` child revoking an
// app's grant while this vault signs for it in a tight loop gets the lock at the next signature, and
// the next signature after the revoke is refused; a vault closed during its lease (its worker
// terminated, unable to let go) leaves no lock behind, so the next vault of this process unlocks at once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Vault, vaultPaths } from '../../skv/index.js';
import { LOCK_LEASE_IDLE_MS } from '../../lib/file-lock.js';
import { tempHome, removeHome, openTestVault, packTransaction, transfer, autoApprove, vaultErrorCode, CHAIN_ID, PASS } from './helpers.js';

const CHILD = fileURLToPath(new URL('./vault-racer.child.js', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a process revoking a grant while this vault signs in a tight loop gets the lock at the next signature, and that one is refused', async () => {
  const home = tempHome();
  const { vault, pub } = await openTestVault(home);
  const child = spawn(process.execPath, [CHILD, home, 'revoke', 'dpay'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  try {
    // a daily amount cap: every signature counts in the spend ledger, under the lock
    await vault.setGrant({
      app: 'dpay',
      chainIds: [CHAIN_ID],
      contracts: { 'dpay.token': ['transfer'] },
      maxAmountPerTx: '1.0000 RSN',
      maxAmountPerDay: '100000.0000 RSN',
    });
    for (const end = Date.now() + 120_000; !out.includes('ready') && Date.now() < end; ) await sleep(5);
    assert.ok(out.includes('ready'), 'the child unlocked its vault');
    const signs: { at: number; reported: boolean; code: string }[] = [];
    let t0 = Date.now();
    for (let i = 0; ; i++) {
      // a pause lets the lease go, so a stretch starts at signature 20 (far from LOCK_LEASE_MAX_MS); then the child wants the lock
      if (i === 20) await sleep(2 * LOCK_LEASE_IDLE_MS);
      if (i === 21) {
        child.stdin.end('go\n');
        t0 = Date.now();
      }
      const reported = out.includes('"done"');
      const trx = packTransaction([transfer('0.0001 RSN', 'dpay.token', `n${i}`)]);
      const at = Date.now();
      const code = await vaultErrorCode(vault.sign({ chainId: CHAIN_ID, transaction: trx, keys: [pub], app: 'dpay' }));
      if (i <= 20) {
        assert.is(code, 'OK');
        continue;
      }
      signs.push({ at, reported, code });
      if (reported) break;
      assert.ok(Date.now() - t0 < 120_000, `no revoke within 120 s (${i} signatures)`);
      if (code !== 'OK') await sleep(1); // let the child's report in
    }
    const { code, start, done } = JSON.parse(/\{.*"done".*\}/.exec(out)![0]) as { code: string; start: number; done: number };
    assert.is(code, 'OK', 'the child revoked the grant');
    // the child asked at `start`; its vault worker announces itself a message hop later, and this
    // vault's worker looks for that at the start of each signature: at most the ones under way then pass
    const okAfterAsked = signs.filter((s) => s.at > start && s.code === 'OK').length;
    const firstRefused = signs.findIndex((s) => s.code !== 'OK');
    console.log(
      `  ${signs.length} signatures; the child asked at +${start - t0} ms, revoked at +${done - t0} ms; ${okAfterAsked} signed after it asked`,
    );
    assert.ok(firstRefused >= 0, 'the revoke was seen');
    assert.ok(
      signs.slice(firstRefused).every((s) => s.code === 'SCOPE_DENIED'),
      signs.map((s) => s.code).join(' '),
    );
    assert.is(signs.find((s) => s.reported)?.code, 'SCOPE_DENIED', 'the first signature after the revoke was reported is refused');
    assert.ok(
      signs.filter((s) => s.at > done).every((s) => s.code === 'SCOPE_DENIED'),
      'no signature asked after the revoke passed',
    );
    // (without the announcement this vault keeps the lock to LOCK_LEASE_MAX_MS: dozens of signatures)
    assert.ok(okAfterAsked <= 4, `${okAfterAsked} signatures after the child asked for the lock`);
  } finally {
    child.kill('SIGKILL');
    await once(child, 'close');
    await vault.close();
    removeHome(home);
  }
});

test('a vault closed during its lease leaves no lock: the next vault of this process unlocks at once', async () => {
  const home = tempHome();
  try {
    const { vault } = await openTestVault(home); // the unlock and the key's write leave the lock leased
    assert.ok(existsSync(vaultPaths(home).lock), 'the worker keeps the lock after its operation');
    await vault.close();
    assert.not.ok(existsSync(vaultPaths(home).lock), 'the terminated worker could not let go: its owner removed the lock');
    const next = Vault.open({ home, insecureTestKdf: true });
    try {
      const t0 = Date.now();
      await next.unlock(PASS, { verifier: autoApprove() });
      console.log(`  the next vault unlocked in ${Date.now() - t0} ms`);
    } finally {
      await next.close();
    }
  } finally {
    removeHome(home);
  }
});

test.run();
