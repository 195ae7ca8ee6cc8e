// No API path returns a private key except export: every dMemo response of every operation is
// searched for the key (raw bytes, hex, WIF, PVT_K1); export needs the passphrase again and an
// approval bound to that one key.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PrivateKey, signingDigest } from '../../abi/antelope/index.js';
import { mintAssertion, encodeMessage, exportDigest, grantDigest, type VaultError } from '../../skv/index.js';
import { tempHome, removeHome, packTransaction, transfer, CHAIN_ID, RawVault, openTestVault, PASS } from './helpers.js';

function holds(haystack: Uint8Array, key: PrivateKey): boolean {
  const h = Buffer.from(haystack);
  const needles = [
    Buffer.from(key.data),
    Buffer.from(Buffer.from(key.data).toString('hex')),
    Buffer.from(key.toWif()),
    Buffer.from(key.toString()),
  ];
  return needles.some((n) => h.indexOf(n) !== -1);
}

test('no response of any operation but export_key carries the private key', async () => {
  const home = tempHome();
  const raw = new RawVault(home);
  try {
    const key = PrivateKey.generate();
    const responses: [string, Uint8Array][] = [];
    const call = async (op: string, fields: Record<string, unknown> = {}) => {
      const res = await raw.channel.call(encodeMessage({ v: 1, op, ...fields }));
      responses.push([op, res]);
      return res;
    };
    const unlockRes = await call('unlock', { passphrase: PASS, create: true });
    const { decodeResponse } = await import('../../skv/index.js');
    raw.registration = decodeResponse(unlockRes, 'unlock').verifier;
    await call('import_key', { privateKey: key.toWif(), label: 'w' });
    await call('import_key', { privateKey: key.toString(), label: 'dup' }); // DUPLICATE_KEY error response
    await call('create_key', {});
    await call('list_keys');
    await call('status');
    const pub = key.toPublic().toString();
    const chainId = new Uint8Array(Buffer.from(CHAIN_ID, 'hex'));
    const transaction = packTransaction([transfer('1.0000 RSN')]);
    await call('sign', {
      chainId,
      transaction,
      keys: [pub],
      app: '@user',
      assertion: mintAssertion(raw.registration!, { purpose: 'sign', app: '@user', digest: signingDigest(chainId, transaction).array }),
    });
    await call('sign', { chainId, transaction, keys: [pub], app: '@user' }); // error response
    const grant = { app: 'dpay', chainIds: [CHAIN_ID], contracts: { 'dpay.token': ['transfer'] } };
    await call('set_grant', {
      grant,
      assertion: mintAssertion(raw.registration!, { purpose: 'grant', app: 'dpay', digest: grantDigest(grant) }),
    });
    await call('export_key', { key: pub, passphrase: PASS }); // no assertion
    await call('export_key', {
      key: pub,
      passphrase: 'wrong',
      assertion: mintAssertion(raw.registration!, { purpose: 'export', app: '@user', digest: exportDigest(pub) }),
    });
    await new Promise((r) => setTimeout(r, 120)); // backoff base in RawVault is 100 ms
    await call('lock');
    await call('status');
    for (const [op, res] of responses) assert.not.ok(holds(res, key), `${op} response leaks the private key`);

    // export: needs unlock, the passphrase again and an export assertion for exactly this key
    await call('unlock', { passphrase: PASS });
    raw.registration = decodeResponse(responses[responses.length - 1]![1], 'unlock').verifier;
    const other = (await raw.call('list_keys')).keys.find((k) => k.publicKey !== pub)!.publicKey;
    assert.is(
      await raw.code('export_key', {
        key: pub,
        passphrase: PASS,
        assertion: mintAssertion(raw.registration!, { purpose: 'export', app: '@user', digest: exportDigest(other) }),
      }),
      'ASSERTION_MISMATCH',
    );
    assert.is(
      await raw.code('export_key', {
        key: pub,
        passphrase: PASS,
        assertion: mintAssertion(raw.registration!, { purpose: 'sign', app: '@user', digest: exportDigest(pub) }),
      }),
      'ASSERTION_MISMATCH',
    );
    const ok = await raw.call('export_key', {
      key: pub,
      passphrase: PASS,
      assertion: mintAssertion(raw.registration!, { purpose: 'export', app: '@user', digest: exportDigest(pub) }),
    });
    assert.is(ok.privateKey, key.toString());
    // the export's reply was packed into the worker's codec buffer: no later reply may carry it,
    // in its bytes or in the buffer behind them (postMessage clones a window's whole buffer)
    const after = await raw.channel.call(encodeMessage({ v: 1, op: 'status' }));
    assert.not.ok(holds(after, key), 'the status reply after an export');
    assert.not.ok(holds(new Uint8Array(after.buffer), key), 'the buffer behind the status reply after an export holds the exported key');
  } finally {
    await raw.close();
    removeHome(home);
  }
});

test('the facade: public keys and signatures only; exportKey is the one way out', async () => {
  const home = tempHome();
  try {
    const { vault, pub } = await openTestVault(home);
    const infos = await vault.listKeys();
    assert.equal(Object.keys(infos[0]!).sort(), ['created', 'label', 'legacyKey', 'publicKey']);
    const r = await vault.sign({ chainId: CHAIN_ID, transaction: packTransaction([transfer('1.0000 RSN')]), keys: [pub] });
    assert.equal(Object.keys(r).sort(), ['digest', 'signatures', 'signedBytes']);
    try {
      await vault.exportKey(pub, 'wrong');
      assert.unreachable();
    } catch (err) {
      assert.is((err as VaultError).code, 'WRONG_PASSPHRASE');
    }
    await new Promise((r) => setTimeout(r, 250));
    const pvt = await vault.exportKey(pub, PASS);
    assert.is(PrivateKey.from(pvt).toPublic().toString(), pub);
    assert.ok(!('privateKey' in vault), 'no private-key property on the facade');
    await vault.close();
  } finally {
    removeHome(home);
  }
});

test.run();
