// Keystore at rest: real scrypt parameters stored, authenticated header, one flipped byte anywhere
// refused with a clear error and never re-initialised, and no file holding a key in clear.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PrivateKey } from '../../abi/antelope/index.js';
import { Vault, VaultError, vaultPaths, KEYSTORE_VERSION } from '../../skv/index.js';
import { tempHome, removeHome, autoApprove, PASS, vaultErrorCode } from './helpers.js';

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

test('real parameters: scrypt N = 2^15 stored in a versioned keystore that reopens', async () => {
  const home = tempHome();
  try {
    const v = Vault.open({ home });
    const r = await v.unlock(PASS, { verifier: autoApprove(), create: true });
    assert.ok(r.created);
    const k = await v.createKey('main');
    await v.close();
    const body = JSON.parse(readFileSync(vaultPaths(home).keystore, 'utf8').split('\n')[0]!);
    assert.is(body.version, KEYSTORE_VERSION);
    assert.is(body.kdf.name, 'scrypt');
    assert.ok(body.kdf.logN >= 15, `logN ${body.kdf.logN}`);
    assert.is(body.cipher, 'aes-256-gcm');
    assert.is((statSync(vaultPaths(home).keystore).mode & 0o777).toString(8), '600');
    const v2 = Vault.open({ home });
    const r2 = await v2.unlock(PASS, { verifier: autoApprove() });
    assert.is(r2.keyCount, 1);
    assert.is((await v2.listKeys())[0]!.publicKey, k.publicKey);
    await v2.close();
  } finally {
    removeHome(home);
  }
});

test('a test-KDF keystore is refused by a vault without the explicit test option', async () => {
  const home = tempHome();
  try {
    const v = Vault.open({ home, insecureTestKdf: true });
    await v.unlock(PASS, { verifier: autoApprove(), create: true });
    await v.close();
    const v2 = Vault.open({ home });
    assert.is(await vaultErrorCode(v2.unlock(PASS, { verifier: autoApprove() })), 'KDF_OUT_OF_RANGE');
    await v2.close();
  } finally {
    removeHome(home);
  }
});

test('one flipped byte anywhere in the keystore → refused, and the file is left as it was', async () => {
  const home = tempHome();
  try {
    const v = Vault.open({ home, insecureTestKdf: true, backoffBaseMs: 1 });
    await v.unlock(PASS, { verifier: autoApprove(), create: true });
    await v.createKey('a');
    await v.importKey(PrivateKey.generate().toString(), 'b');
    await v.close();
    const path = vaultPaths(home).keystore;
    const original = readFileSync(path);
    const text = original.toString('utf8');
    // positions across every part: salt, check value, a public key, a nonce, sealed key, MAC, checksum
    const marks = ['"salt":"', '"check":"', '"publicKey":"PUB_K1_', '"nonce":"', '"sealed":"', 'mac=', 'sha256='];
    const positions = marks.map((m) => text.indexOf(m) + m.length + 3);
    positions.push(0, 10, Math.floor(text.length / 2), text.length - 1);
    for (const pos of positions) {
      const bad = Buffer.from(original);
      bad[pos] = bad[pos]! ^ 0x01;
      writeFileSync(path, bad);
      const v2 = Vault.open({ home, insecureTestKdf: true, backoffBaseMs: 1 });
      try {
        const c = await vaultErrorCode(v2.unlock(PASS, { verifier: autoApprove(), create: true }));
        assert.ok(['KEYSTORE_CORRUPT', 'KEYSTORE_TAMPERED', 'UNSUPPORTED_KEYSTORE_VERSION'].includes(c), `byte ${pos}: ${c}`);
        assert.ok(Buffer.compare(readFileSync(path), bad) === 0, `byte ${pos}: the damaged file must not be replaced`);
        assert.is((await v2.status()).keystore, 'corrupt');
      } finally {
        await v2.close();
      }
    }
  } finally {
    removeHome(home);
  }
});

test('a consistent forgery (checksum recomputed) is caught by the MAC: KEYSTORE_TAMPERED with a clear message', async () => {
  const home = tempHome();
  try {
    const v = Vault.open({ home, insecureTestKdf: true });
    await v.unlock(PASS, { verifier: autoApprove(), create: true });
    await v.createKey('a');
    await v.close();
    const path = vaultPaths(home).keystore;
    const [body, macLine] = readFileSync(path, 'utf8').split('\n') as [string, string];
    const forged = body.replace('"label":"a"', '"label":"b"');
    const { createHash } = await import('node:crypto');
    const sum = createHash('sha256').update(`${forged}\n${macLine}`).digest('hex');
    writeFileSync(path, `${forged}\n${macLine}\nsha256=${sum}\n`);
    const v2 = Vault.open({ home, insecureTestKdf: true });
    try {
      await v2.unlock(PASS, { verifier: autoApprove() });
      assert.unreachable('tampered keystore opened');
    } catch (err) {
      assert.instance(err, VaultError);
      assert.is((err as VaultError).code, 'KEYSTORE_TAMPERED');
      assert.match((err as Error).message, /restore it from a backup/);
    } finally {
      await v2.close();
    }
  } finally {
    removeHome(home);
  }
});

test('two vaults over one keystore: each write merges what the other wrote (under the vault lock), nothing is lost', async () => {
  const home = tempHome();
  try {
    const a = Vault.open({ home, insecureTestKdf: true });
    await a.unlock(PASS, { verifier: autoApprove(), create: true });
    const b = Vault.open({ home, insecureTestKdf: true });
    await b.unlock(PASS, { verifier: autoApprove() });
    const ka = await a.createKey('from a');
    const kb = await b.createKey('from b');
    assert.equal((await b.listKeys()).map((k) => k.publicKey).sort(), [ka.publicKey, kb.publicKey].sort(), "b adopted a's key");
    const c = Vault.open({ home, insecureTestKdf: true });
    await c.unlock(PASS, { verifier: autoApprove() });
    assert.equal((await c.listKeys()).map((k) => k.publicKey).sort(), [ka.publicKey, kb.publicKey].sort());
    await Promise.all([a.close(), b.close(), c.close()]);
  } finally {
    removeHome(home);
  }
});

test('status of an unlocked vault: the grants and keys another process changed since, not those of its unlock', async () => {
  const home = tempHome();
  try {
    const a = Vault.open({ home, insecureTestKdf: true });
    await a.unlock(PASS, { verifier: autoApprove(), create: true });
    await a.setGrant({ app: 'dpay', chainIds: ['00'.repeat(32)], contracts: { 'dpay.token': ['transfer'] } });
    const b = Vault.open({ home, insecureTestKdf: true });
    await b.unlock(PASS, { verifier: autoApprove() });
    assert.equal((await b.status()).grants, ['dpay']);
    // a (another process: `peeros app remove --purge`) revokes; b has not touched the keystore since
    assert.ok(await a.revokeGrant('dpay'));
    await a.createKey('from a');
    const st = await b.status();
    assert.equal(st.grants, [], 'the revoked grant is not reported');
    assert.is(st.keyCount, 1, "a's new key is counted");
    await Promise.all([a.close(), b.close()]);
  } finally {
    removeHome(home);
  }
});

test('no file under $PEEROS_HOME holds a private key in clear (raw bytes, hex, WIF, PVT_K1)', async () => {
  const home = tempHome();
  try {
    const key = PrivateKey.generate();
    const v = Vault.open({ home, insecureTestKdf: true });
    await v.unlock(PASS, { verifier: autoApprove(), create: true });
    await v.importKey(key.toWif(), 'imported');
    await v.createKey('created');
    const exported = await v.exportKey((await v.listKeys())[1]!.publicKey, PASS);
    await v.close();
    for (const secret of [key, PrivateKey.from(exported)]) {
      const needles = [
        Buffer.from(secret.data),
        Buffer.from(Buffer.from(secret.data).toString('hex')),
        Buffer.from(secret.toWif()),
        Buffer.from(secret.toString()),
      ];
      for (const f of allFiles(home)) {
        const data = readFileSync(f);
        for (const n of needles) assert.is(data.indexOf(n), -1, `${f} holds the key`);
        assert.is(data.indexOf(Buffer.from(PASS)), -1, `${f} holds the passphrase`);
      }
    }
  } finally {
    removeHome(home);
  }
});

test.run();
