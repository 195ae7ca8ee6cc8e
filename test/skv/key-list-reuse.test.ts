// The facade's copy of the vault's key list (Vault.listKeys({ recent })): the transaction service
// reads the keys on every push, and a copy saves that dMemo round trip. The copy must never outlive
// what it describes: a lock, an unlock, a key change through this facade, a reply whose key-set
// version differs (another process changed the keystore and a signature adopted it), a failure,
// and idleness long enough for the vault to have locked itself each make the next read go to the
// vault, which then answers for itself (LOCKED before any verifier is asked).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Vault, VaultChannel } from '../../skv/index.js';
import { limits } from '../../skv/index.js';
import { tempHome, removeHome, openTestVault, packTransaction, transfer, CHAIN_ID, PASS, autoApprove, vaultErrorCode } from './helpers.js';

/** Counts the dMemo messages every vault of this process sends (through the real channel). */
function countCalls(): { readonly n: number; restore(): void } {
  const orig = VaultChannel.prototype.call;
  const counter = { n: 0, restore: () => void (VaultChannel.prototype.call = orig) };
  VaultChannel.prototype.call = function (message: Uint8Array) {
    counter.n++;
    return orig.call(this, message);
  };
  return counter;
}

const keysOf = async (v: Vault, recent: boolean) => (await v.listKeys({ recent })).map((k) => k.publicKey).sort();

test('a recent list is answered without a round trip while signatures say the keys are unchanged', async () => {
  const home = tempHome();
  const calls = countCalls();
  try {
    const { vault, pub } = await openTestVault(home);
    const first = await keysOf(vault, true); // nothing kept yet: read
    const before = calls.n;
    assert.equal(await keysOf(vault, true), first);
    await vault.sign({ chainId: CHAIN_ID, transaction: packTransaction([transfer('1.0000 RSN')]), keys: [pub] });
    assert.is(calls.n, before + 1, 'only the signature went to the vault');
    assert.equal(await keysOf(vault, true), [pub]);
    assert.is(calls.n, before + 1, 'the signature reply carried the same key-set version: the copy is kept');
    assert.equal(await keysOf(vault, false), [pub]);
    assert.is(calls.n, before + 2, 'without recent, always read');
    await vault.close();
  } finally {
    calls.restore();
    removeHome(home);
  }
});

test('a key made, imported or discarded through the facade is in the next recent list', async () => {
  const home = tempHome();
  try {
    const { vault, pub } = await openTestVault(home);
    assert.equal(await keysOf(vault, true), [pub]);
    const made = (await vault.createKey('made')).publicKey;
    assert.equal(await keysOf(vault, true), [pub, made].sort());
    const imported = (await vault.importKey('5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3')).publicKey;
    assert.equal(await keysOf(vault, true), [pub, made, imported].sort());
    await vault.discardKey(made);
    assert.equal(await keysOf(vault, true), [pub, imported].sort());
    await vault.close();
  } finally {
    removeHome(home);
  }
});

test("another process's key reaches the recent list once a signature's reply shows the key set moved", async () => {
  const home = tempHome();
  const calls = countCalls();
  try {
    const { vault, pub } = await openTestVault(home);
    assert.equal(await keysOf(vault, true), [pub]);
    const other = Vault.open({ home, insecureTestKdf: true });
    await other.unlock(PASS, { verifier: autoApprove() });
    const added = (await other.importKey('5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3')).publicKey;
    await other.close();
    // this vault adopts the keystore's change at its next request that rereads it (a signature)
    await vault.sign({ chainId: CHAIN_ID, transaction: packTransaction([transfer('1.0000 RSN')]), keys: [pub] });
    const before = calls.n;
    assert.equal(await keysOf(vault, true), [pub, added].sort());
    assert.is(calls.n, before + 1, 'the copy was dropped: read again');
    await vault.close();
  } finally {
    calls.restore();
    removeHome(home);
  }
});

test('after a lock the recent list is not answered from the copy: LOCKED, and after unlock read again', async () => {
  const home = tempHome();
  try {
    const { vault, pub } = await openTestVault(home);
    assert.equal(await keysOf(vault, true), [pub]);
    await vault.lock();
    assert.is(await vaultErrorCode(vault.listKeys({ recent: true })), 'LOCKED');
    await vault.unlock(PASS, { verifier: autoApprove() });
    assert.equal(await keysOf(vault, true), [pub]);
    await vault.close();
  } finally {
    removeHome(home);
  }
});

test('a vault that locked itself by idleness is asked again (LOCKED), never answered from the copy', async () => {
  const home = tempHome();
  try {
    const autoLockMs = 300;
    const { vault, pub } = await openTestVault(home, { autoLockMs });
    assert.equal(await keysOf(vault, true), [pub]);
    // bounded wait until the worker's own timer locked it (status is not activity)
    const deadline = Date.now() + 20_000;
    while ((await vault.status()).unlocked) {
      if (Date.now() > deadline) assert.unreachable('the vault never locked itself');
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.is(await vaultErrorCode(vault.listKeys({ recent: true })), 'LOCKED');
    assert.is(limits.KEY_LIST_REUSE_SHARE < 1, true, 'the copy expires before the vault can lock by idleness');
    await vault.close();
  } finally {
    removeHome(home);
  }
});

test.run();
