// discard_key: the undo of a key made for something the user then declined (peeros account
// create). Only a key create_key made in this unlock session and nothing used since can go; the
// user's other keys cannot be deleted through it, so a host gains no way to destroy keys.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempHome, removeHome, openTestVault, packTransaction, transfer, CHAIN_ID, PASS, autoApprove, vaultErrorCode } from './helpers.js';

test('a key created in this session and never used is discarded, from memory and from the keystore', async () => {
  const home = tempHome();
  try {
    const { vault } = await openTestVault(home);
    const { publicKey } = await vault.createKey('alice');
    assert.is(await vault.discardKey(publicKey), publicKey);
    assert.not.ok((await vault.listKeys()).some((k) => k.publicKey === publicKey));
    await vault.lock();
    await vault.unlock(PASS, { verifier: autoApprove() });
    assert.not.ok(
      (await vault.listKeys()).some((k) => k.publicKey === publicKey),
      'gone from the keystore too',
    );
    await vault.close();
  } finally {
    removeHome(home);
  }
});

test('a key that signed, a key of an earlier session and an imported key are refused (SCOPE_DENIED) and kept', async () => {
  const home = tempHome();
  try {
    const { vault, pub } = await openTestVault(home);
    const used = (await vault.createKey('used')).publicKey;
    await vault.sign({ chainId: CHAIN_ID, transaction: packTransaction([transfer('1.0000 RSN')]), keys: [used] });
    assert.is(await vaultErrorCode(vault.discardKey(used)), 'SCOPE_DENIED');
    const earlier = (await vault.createKey('earlier')).publicKey;
    await vault.lock();
    await vault.unlock(PASS, { verifier: autoApprove() });
    assert.is(await vaultErrorCode(vault.discardKey(earlier)), 'SCOPE_DENIED', 'a new unlock is a new session');
    const imported = (await vault.importKey('5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3')).publicKey;
    assert.is(await vaultErrorCode(vault.discardKey(imported)), 'SCOPE_DENIED');
    assert.is(await vaultErrorCode(vault.discardKey('not a key')), 'INVALID_KEY');
    const keys = (await vault.listKeys()).map((k) => k.publicKey);
    for (const k of [pub, used, earlier, imported]) assert.ok(keys.includes(k));
    await vault.close();
  } finally {
    removeHome(home);
  }
});

test.run();
