// Keystore format v1 compatibility: a keystore written by this version (test/skv/fixtures/keystore-v1,
// test KDF, passphrase "fixture passphrase v1", holding the public EOSIO development key and one
// grant) must keep opening, listing, signing and enforcing its grant in every later version.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Signature } from '../../abi/antelope/index.js';
import { Vault, type VaultError, vaultPaths } from '../../skv/index.js';
import { tempHome, removeHome, autoApprove, packTransaction, transfer, CHAIN_ID } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('../../../test/skv/fixtures/keystore-v1', import.meta.url));
const DEV_PUB = 'PUB_K1_6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5BoDq63'; // EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV

test('keystore v1 fixture opens, lists, signs and keeps its grant', async () => {
  const home = tempHome();
  try {
    mkdirSync(vaultPaths(home).dir, { recursive: true });
    copyFileSync(FIXTURE, vaultPaths(home).keystore);
    const v = Vault.open({ home, insecureTestKdf: true });
    const r = await v.unlock('fixture passphrase v1', { verifier: autoApprove() });
    assert.is(r.keyCount, 1);
    const [k] = await v.listKeys();
    assert.is(k!.publicKey, DEV_PUB);
    assert.is(k!.legacyKey, 'EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV');
    assert.is(k!.label, 'eosio dev key');
    assert.equal((await v.status()).grants, ['dpay']);
    const s = await v.sign({ chainId: CHAIN_ID, transaction: packTransaction([transfer('1.0000 RSN')]), keys: [DEV_PUB], app: 'dpay' });
    assert.is(Signature.from(s.signatures[0]!).recover(s.digest).toString(), DEV_PUB);
    try {
      await v.sign({ chainId: CHAIN_ID, transaction: packTransaction([transfer('101.0000 RSN')]), keys: [DEV_PUB], app: 'dpay' });
      assert.unreachable();
    } catch (err) {
      assert.is((err as VaultError).code, 'SCOPE_DENIED');
    }
    await v.close();
  } finally {
    removeHome(home);
  }
});

test.run();
