// Issue 8 — keystore KDF bounds. A keystore file whose stored scrypt parameters ask for more (logN
// 20, r 16, p 4: 2 GiB and ~30 s per unlock) or less (a weakened N) than the vault itself writes is
// refused with KDF_OUT_OF_RANGE before any derivation: at once, without a memory spike, without
// counting a wrong passphrase — through the vault worker and through the real CLI.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Vault, VaultError, vaultPaths, limits } from '../../skv/index.js';
import { tempHome, removeHome, openTestVault, autoApprove, PASS } from './helpers.js';

const BIN = fileURLToPath(new URL('../../../bin/peeros.js', import.meta.url));
/**
 * Generous bounds for a loaded 2-core machine (a refusal takes milliseconds unloaded, the vault
 * worker's start included); a derivation with the crafted parameters takes ~30 s and 2 GiB.
 */
const REFUSAL_MS = 15_000;
const RSS_GROWTH_BYTES = 128 * 1024 * 1024;
const CLI_PEAK_RSS_KB = 400 * 1024;

/** Rewrites the stored KDF parameters of the keystore in `home`, with a valid checksum line. */
function craftKdf(home: string, kdf: Record<string, unknown>): void {
  const path = vaultPaths(home).keystore;
  const [body, mac] = readFileSync(path, 'utf8').split('\n') as [string, string];
  const b = JSON.parse(body) as { kdf: Record<string, unknown> };
  b.kdf = { ...b.kdf, ...kdf };
  const bodyText = JSON.stringify(b);
  const sum = createHash('sha256').update(`${bodyText}\n${mac}`).digest('hex');
  writeFileSync(path, `${bodyText}\n${mac}\nsha256=${sum}\n`);
}

async function newKeystore(): Promise<string> {
  const home = tempHome();
  const { vault } = await openTestVault(home);
  await vault.close();
  return home;
}

test('a keystore asking scrypt logN 20, r 16, p 4 is refused at once with KDF_OUT_OF_RANGE: no memory spike, no backoff counted', async () => {
  const home = await newKeystore();
  try {
    craftKdf(home, { logN: 20, r: 16, p: 4 });
    const v = Vault.open({ home, insecureTestKdf: true }); // even in test mode
    try {
      const rss0 = process.memoryUsage().rss;
      let peak = rss0;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 2);
      const t0 = performance.now();
      let err: unknown;
      try {
        await v.unlock(PASS, { verifier: autoApprove() });
      } catch (e) {
        err = e;
      }
      const ms = performance.now() - t0;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      console.log(`  crafted KDF refused in ${ms.toFixed(1)} ms, rss growth ${((peak - rss0) / 1048576).toFixed(1)} MiB`);
      assert.instance(err, VaultError);
      assert.is((err as VaultError).code, 'KDF_OUT_OF_RANGE');
      assert.match((err as Error).message, /logN=20 r=16 p=4/);
      assert.ok(ms < REFUSAL_MS, `${ms} ms`);
      assert.ok(peak - rss0 < RSS_GROWTH_BYTES, `rss grew ${peak - rss0} bytes`);
      assert.is((await v.status()).failures, 0, 'a refused file is not a wrong guess');
    } finally {
      await v.close();
    }
  } finally {
    removeHome(home);
  }
});

test('only the parameters the vault writes are accepted: weaker or stronger N, other r or p are refused; the test N only in test mode', async () => {
  const home = await newKeystore();
  try {
    const original = readFileSync(vaultPaths(home).keystore, 'utf8');
    const tryUnlock = async (kdf: Record<string, unknown>, insecureTestKdf: boolean) => {
      writeFileSync(vaultPaths(home).keystore, original);
      craftKdf(home, kdf);
      const v = Vault.open({ home, insecureTestKdf });
      try {
        await v.unlock(PASS, { verifier: autoApprove() });
        return 'OK';
      } catch (e) {
        return (e as VaultError).code;
      } finally {
        await v.close();
      }
    };
    const N = limits.SCRYPT_LOG_N;
    assert.is(await tryUnlock({ logN: limits.TEST_SCRYPT_LOG_N }, false), 'KDF_OUT_OF_RANGE', 'test N outside test mode');
    assert.is(await tryUnlock({ logN: N - 1 }, false), 'KDF_OUT_OF_RANGE', 'weaker N');
    assert.is(await tryUnlock({ logN: N + 1 }, false), 'KDF_OUT_OF_RANGE', 'stronger N');
    assert.is(await tryUnlock({ logN: N, r: limits.SCRYPT_R + 1 }, false), 'KDF_OUT_OF_RANGE', 'other r');
    assert.is(await tryUnlock({ logN: N, p: limits.SCRYPT_P + 1 }, false), 'KDF_OUT_OF_RANGE', 'other p');
    assert.is(await tryUnlock({ logN: 11 }, true), 'KDF_OUT_OF_RANGE', 'test mode accepts its own N, not a neighbour');
    assert.is(await tryUnlock({}, true), 'OK', 'the test keystore as written opens in test mode');
  } finally {
    removeHome(home);
  }
});

test('CLI: peeros key list over the crafted keystore exits 1 at once naming the KDF parameters, peak RSS measured', () => {
  const home = tempHome();
  try {
    const imp = spawnSync(process.execPath, [BIN, 'key', 'create', '--label', 'k'], {
      env: { ...process.env, PEEROS_HOME: home, PEEROS_PASSPHRASE: PASS },
      encoding: 'utf8',
    });
    assert.is(imp.status, 0, imp.stderr);
    craftKdf(home, { logN: 20, r: 16, p: 4 });
    const timed = existsSync('/usr/bin/time');
    const t0 = performance.now();
    const r = spawnSync(
      timed ? '/usr/bin/time' : process.execPath,
      [...(timed ? ['-f', 'peak-rss-kb=%M', process.execPath] : []), BIN, 'key', 'list'],
      {
        env: { ...process.env, PEEROS_HOME: home, PEEROS_PASSPHRASE: PASS },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    const ms = performance.now() - t0;
    assert.is(r.status, 1, r.stderr);
    assert.match(r.stderr, /KDF parameters are refused.*logN=20 r=16 p=4/);
    const peak = Number(/peak-rss-kb=(\d+)/.exec(r.stderr)?.[1] ?? NaN);
    console.log(
      `  CLI refusal: ${ms.toFixed(0)} ms for the whole process, peak RSS ${timed ? `${(peak / 1024).toFixed(0)} MiB` : 'not measured'}`,
    );
    if (timed) assert.ok(peak < CLI_PEAK_RSS_KB, `peak RSS ${peak} KiB`);
    assert.ok(ms < 20_000, `${ms} ms`);
  } finally {
    removeHome(home);
  }
});

test.run();
