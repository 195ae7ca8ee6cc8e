// An account whose active key is a WebAuthn key (PUB_WA_) transacts by passkey alone: a software
// authenticator signs a dPay transfer digest, wharfkit pushes it over HTTP to the embedded node, the
// node recovers the key on its recovery worker with Leap's checks and the transfer lands in a block
// that wharfkit decodes. Every forgery a relay or a hostile page could try is refused with Leap's
// exception name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_WEBAUTHN_VARIABLE_BYTES, Signature, UserPresence, bytesToHex } from '../../../abi/antelope/index.js';
import { nobleRecovery, defaultKeyRecovery, recoverPublicKey, ChainError } from '../../../dmcs/index.js';
import { errorName } from '../helpers.js';
import { FLAG_UP, FLAG_UV, SoftwareAuthenticator, type AssertionOptions } from '../../fixtures/software-authenticator.js';
import { startPasskeyTokenChain, type PasskeyTokenChain } from './passkey-token-chain.js';

const passkey = new SoftwareAuthenticator({ rpid: 'peeros.test', presence: UserPresence.VERIFIED });
let chain: PasskeyTokenChain;

const pushWithPasskey = (memo: string, opts: AssertionOptions = {}, sign = passkey.sign.bind(passkey)): Promise<any> =>
  chain.pushTransfer(memo, (digest) => sign(digest, opts));
const balance = (account: string) => chain.balance(account);

test.before(async () => {
  chain = await startPasskeyTokenChain();
});
test.after(async () => {
  await chain?.dn.close();
});

test('updateauth accepts a PUB_WA_ key; get_account shows it as Leap prints it', async () => {
  await chain.setActiveKey(passkey.publicKey);
  const acct = await chain.dn.client.v1.chain.get_account('alice');
  const active = acct.permissions.find((p) => String(p.perm_name) === 'active');
  assert.is(String(active?.required_auth.keys[0]?.key), passkey.publicKey.toString());
});

test('a passkey-signed transfer pushed over HTTP executes and lands in a block wharfkit decodes', async () => {
  const res = await pushWithPasskey('by passkey');
  assert.is(res.processed.receipt.status, 'executed');
  assert.is(await balance('alice'), '99.0000 RSN');
  const { num } = await chain.dn.node.produceBlock();
  const block = await chain.dn.client.v1.chain.get_block(num);
  const trx = block.transactions.find((t) => String(t.id) === String(res.transaction_id));
  assert.ok(trx, 'the transfer is in the block');
  const sigs = (trx!.trx as unknown as { signatures: unknown[] }).signatures.map(String);
  assert.is(sigs.length, 1);
  assert.ok(sigs[0]!.startsWith('SIG_WA_'));
  assert.ok(Signature.from(sigs[0]!).webauthn, 'our codec reads the signature back from the block');
});

test('high-S authenticator signatures and extra client-data members are accepted (no K1 canonical rule)', async () => {
  assert.is((await pushWithPasskey('high s', { highS: true })).processed.receipt.status, 'executed');
  assert.is((await pushWithPasskey('chromium', { extraJson: ',"other_keys_can_be_added_here":"x"' })).processed.receipt.status, 'executed');
  assert.is(await balance('alice'), '97.0000 RSN');
});

test("forgeries are refused with Leap's exception names and nothing moves", async () => {
  const cases: Array<[string, AssertionOptions, string]> = [
    ['tampered client JSON', { editJson: (j) => j }, 'unsatisfied_authorization'],
    ['http origin', { origin: 'http://peeros.test' }, 'assert_exception'],
    ['other host', { origin: 'https://evil.example' }, 'assert_exception'],
    ['other host with matching rp id hash', { origin: 'https://evil.example', rpidHash: new Uint8Array(32) }, 'assert_exception'],
    ['wrong rp id hash', { rpidHash: new Uint8Array(32) }, 'assert_exception'],
    ['UP but no UV for a VERIFIED key', { flags: FLAG_UP }, 'unsatisfied_authorization'],
    ['neither UP nor UV', { flags: 0 }, 'unsatisfied_authorization'],
    ['registration, not assertion', { type: 'webauthn.create' }, 'assert_exception'],
    ['another digest', { challenge: Buffer.alloc(32, 7).toString('base64url') }, 'assert_exception'],
  ];
  for (const [what, opts, expected] of cases) {
    let sign = passkey.sign.bind(passkey);
    if (what === 'tampered client JSON') {
      // a relay edits the JSON after the authenticator signed it
      sign = (digest, o) => {
        const s = passkey.sign(digest, o).webauthn!;
        const json = new TextDecoder().decode(s.clientJson).replace('"crossOrigin":false', '"crossOrigin":true');
        return Signature.fromWebAuthn({ ...s, clientJson: new TextEncoder().encode(json) });
      };
    }
    assert.is(await errorName(pushWithPasskey(`forgery: ${what}`, opts, sign)), expected, what);
  }
  assert.is(await balance('alice'), '97.0000 RSN');
  // the UV flag alone (no UP) still recovers VERIFIED, as in Leap
  assert.is((await pushWithPasskey('uv only', { flags: FLAG_UV })).processed.receipt.status, 'executed');
});

test('a client JSON over the size limit is sig_variable_size_limit_exception, before any recovery', async () => {
  // one byte over the limit (the string form of a much longer one is refused earlier, when parsed)
  const base = passkey.sign(new Uint8Array(32), { extraJson: ',"pad":""' }).variableSize;
  const pad = 'x'.repeat(MAX_WEBAUTHN_VARIABLE_BYTES + 1 - base);
  const name = await errorName(pushWithPasskey('big', { extraJson: `,"pad":"${pad}"` }));
  assert.is(name, 'sig_variable_size_limit_exception');
  const huge = await errorName(pushWithPasskey('huge', { extraJson: `,"pad":"${'x'.repeat(MAX_WEBAUTHN_VARIABLE_BYTES + 1500)}"` }));
  assert.is(huge, 'packed_transaction_type_exception');
});

test('main-thread recovery (noble and the default) gives the same WA key id as the worker', () => {
  const digest = new Uint8Array(32).fill(9);
  const sig = passkey.sign(digest);
  const a = nobleRecovery.recover(sig, digest);
  assert.is(defaultKeyRecovery().recover(sig, digest), a);
  assert.ok(a.startsWith('02'), 'key ids of WA keys start with type byte 2');
  assert.ok(a.endsWith(bytesToHex(new TextEncoder().encode('peeros.test'))));
});

test('recoverPublicKey, the one call for intrinsics, returns the WA key or a named ChainError', () => {
  const digest = new Uint8Array(32).fill(4);
  assert.ok(recoverPublicKey(passkey.sign(digest), digest).equals(passkey.publicKey));
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      assert.instance(e, ChainError);
      return (e as ChainError).code;
    }
    return 'no error';
  };
  assert.is(
    code(() => recoverPublicKey(passkey.sign(digest, { origin: 'http://peeros.test' }), digest)),
    'assert_exception',
  );
  assert.is(
    code(() => recoverPublicKey(passkey.sign(digest, { extraJson: `,"p":"${'x'.repeat(MAX_WEBAUTHN_VARIABLE_BYTES)}"` }), digest)),
    'sig_variable_size_limit_exception',
  );
});

test.run();
