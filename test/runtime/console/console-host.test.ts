// The console's host with a real vault worker: a signature asked while the console runs goes
// through the console's verifier, which (no passkey registered) refuses what no session grant
// covers — and the activity log shows it with the summary the vault decoded from the bytes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConsoleHost } from '../../../runtime/console/index.js';
import { VaultError } from '../../../skv/index.js';
import { CHAIN_ID, packTransaction, transfer } from '../../skv/helpers.js';
import { tempHome, cleanup } from '../helpers.js';
import { connect } from 'node:net';

test('a signature no grant covers is refused and recorded with its decoded summary', async () => {
  const home = tempHome('console-host');
  const host = await ConsoleHost.open({ home, insecureTestKdf: true, flusher: false });
  try {
    assert.equal(await host.unlock('console pass', true), { keyCount: 0, created: true });
    const key = await host.vault.createKey('main');
    try {
      await host.vault.sign({
        chainId: CHAIN_ID,
        transaction: packTransaction([transfer('1.5000 RSN', 'dpay.token', '<b>memo</b>')]),
        keys: [key.publicKey],
      });
      assert.unreachable('refused');
    } catch (err) {
      assert.instance(err, VaultError);
      assert.is((err as VaultError).code, 'NOT_APPROVED');
    }
    const [r, ...rest] = host.activity();
    assert.is(rest.length, 0);
    assert.is(r!.purpose, 'sign');
    assert.is(r!.app, '@user');
    assert.is(r!.outcome, 'refused');
    const text = r!.summary.join('\n');
    assert.match(text, /1\.5000 RSN/);
    assert.match(text, /dpay\.token/);
    assert.match(text, key.publicKey);
    // locking stops the services; the vault refuses until unlocked again
    await host.lock();
    assert.is((await host.status()).unlocked, false);
  } finally {
    await host.close();
    cleanup(home);
  }
});

test('with shareListen, the unlocked console serves peer-to-peer shares and runs share cycles; locking stops serving', async () => {
  const home = tempHome('console-shares');
  const host = await ConsoleHost.open({
    home,
    insecureTestKdf: true,
    flusher: false,
    shareListen: { host: '127.0.0.1', port: 0 },
    shareCycleMs: 0,
  });
  const reach = (at: { host: string; port: number }) =>
    new Promise<boolean>((resolve) => {
      const s = connect(at.port, at.host);
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
  try {
    assert.is(host.shareAddress, undefined, 'nothing served while locked');
    await host.unlock('console pass', true);
    const at = host.shareAddress!;
    assert.ok(at.port > 0);
    assert.ok(await reach(at), 'serving');
    assert.equal(await host.shareCycle(), { published: 0, revoked: [], synced: {}, errors: [] });
    await host.lock();
    assert.is(host.shareAddress, undefined);
    assert.not.ok(await reach(at), 'no longer serving once locked');
  } finally {
    await host.close();
    cleanup(home);
  }
});

test.run();
