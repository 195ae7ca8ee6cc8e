// Crash during a write: a child process rewrites the keystore in a loop and is SIGKILLed at random
// moments; afterwards the keystore is always one complete version (old or new), that opens with the
// passphrase and authenticates — never a torn file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Vault, vaultPaths } from '../../skv/index.js';
import { parseKeystore, authenticateKeystore, openPrivateKey } from '../../skv/keystore-format.js';
import { deriveKeys } from '../../skv/kdf.js';
import { tempHome, removeHome, autoApprove, PASS } from './helpers.js';

const CHILD = fileURLToPath(new URL('./keystore-writer.child.js', import.meta.url));

function runAndKill(path: string, killAfterWrites: number, extraDelayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, path, PASS], { stdio: ['ignore', 'pipe', 'pipe'] });
    let last = 0;
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.stdout.on('data', (d: Buffer) => {
      // whole lines only: a chunk may end inside one, or hold several
      out += d.toString();
      for (const m of out.matchAll(/wrote (\d+)\n/g)) last = Math.max(last, Number(m[1]));
      out = out.slice(out.lastIndexOf('\n') + 1);
      if (last >= killAfterWrites && !child.killed) setTimeout(() => child.kill('SIGKILL'), extraDelayMs);
    });
    // 'close', not 'exit': the last "wrote N" lines may still be in the pipe when the writer has exited
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited ${code}: ${err}`));
      else resolve(last);
    });
  });
}

test('SIGKILL mid-write leaves the old or the new keystore, never a broken one', async () => {
  const home = tempHome();
  try {
    const v = Vault.open({ home, insecureTestKdf: true });
    await v.unlock(PASS, { verifier: autoApprove(), create: true });
    await v.close();
    const path = vaultPaths(home).keystore;
    for (let round = 0; round < 6; round++) {
      const lastReported = await runAndKill(path, 2 + round, round * 3);
      const parsed = parseKeystore(readFileSync(path)); // throws on a torn file
      const keys = await deriveKeys(PASS, parsed.body.kdf);
      authenticateKeystore(parsed, keys);
      const labels = new Set(parsed.body.keys.map((k) => k.label));
      assert.is(labels.size, 1, 'one complete version');
      const version = Number([...labels][0]!.slice(1));
      assert.ok(version >= lastReported && version <= lastReported + 1, `version ${version}, last reported ${lastReported}`);
      for (const e of parsed.body.keys.slice(0, 3)) assert.is(openPrivateKey(keys, parsed.body.id, e).length, 32);
    }
    // and the vault still opens it
    const v2 = Vault.open({ home, insecureTestKdf: true });
    assert.is((await v2.unlock(PASS, { verifier: autoApprove() })).keyCount, 300);
    await v2.close();
  } finally {
    removeHome(home);
  }
});

test.run();
