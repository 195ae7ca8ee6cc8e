// Malformed and unknown dMemo messages get typed errors and the vault keeps serving: garbage bytes,
// non-bytes, wrong versions, unknown operations, missing, extra and mistyped fields, oversized.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Packr } from 'msgpackr';
import { signingDigest } from '../../abi/antelope/index.js';
import { VaultError, mintAssertion, decodeResponse, encodeMessage, limits } from '../../skv/index.js';
import { tempHome, removeHome, packTransaction, transfer, CHAIN_ID, RawVault } from './helpers.js';

const pk = new Packr({ useRecords: false });

function errorOf(bytes: Uint8Array): { code: string; message: string } {
  try {
    decodeResponse(bytes, 'status');
  } catch (err) {
    if (err instanceof VaultError) return { code: err.code, message: err.message };
    throw err;
  }
  return { code: 'OK', message: '' };
}

test('every malformed message gets a typed error, and the vault keeps serving (still unlocked, still signing)', async () => {
  const home = tempHome();
  const raw = new RawVault(home);
  try {
    await raw.unlock();
    const { publicKey } = await raw.call('create_key', {});
    const chainId = new Uint8Array(Buffer.from(CHAIN_ID, 'hex'));
    const cases: [string, unknown, string][] = [
      ['garbage bytes', new Uint8Array([0xc1, 0xff, 0x00]), 'MALFORMED_MESSAGE'],
      ['empty', new Uint8Array(0), 'MALFORMED_MESSAGE'],
      ['not bytes', { v: 1, op: 'status' }, 'MALFORMED_MESSAGE'],
      ['a string', 'status', 'MALFORMED_MESSAGE'],
      ['msgpack array', pk.pack([1, 'status']), 'MALFORMED_MESSAGE'],
      ['msgpack nil', pk.pack(null), 'MALFORMED_MESSAGE'],
      ['no version', pk.pack({ op: 'status' }), 'UNSUPPORTED_VERSION'],
      ['future version', pk.pack({ v: 2, op: 'status' }), 'UNSUPPORTED_VERSION'],
      ['unknown op', pk.pack({ v: 1, op: 'dump_keys' }), 'UNKNOWN_OPERATION'],
      ['prototype op', pk.pack({ v: 1, op: 'constructor' }), 'UNKNOWN_OPERATION'],
      ['op not a string', pk.pack({ v: 1, op: 7 }), 'UNKNOWN_OPERATION'],
      ['extra field', pk.pack({ v: 1, op: 'list_keys', includePrivate: true }), 'MALFORMED_MESSAGE'],
      ['unlock without passphrase', pk.pack({ v: 1, op: 'unlock' }), 'MALFORMED_MESSAGE'],
      ['passphrase not a string', pk.pack({ v: 1, op: 'unlock', passphrase: 12 }), 'MALFORMED_MESSAGE'],
      ['label too long', pk.pack({ v: 1, op: 'create_key', label: 'x'.repeat(500) }), 'MALFORMED_MESSAGE'],
      [
        'chainId as hex string',
        pk.pack({ v: 1, op: 'sign', chainId: CHAIN_ID, transaction: new Uint8Array(10), keys: [publicKey], app: '@user' }),
        'MALFORMED_MESSAGE',
      ],
      [
        'chainId 31 bytes',
        pk.pack({ v: 1, op: 'sign', chainId: new Uint8Array(31), transaction: new Uint8Array(10), keys: [publicKey], app: '@user' }),
        'MALFORMED_MESSAGE',
      ],
      ['keys empty', pk.pack({ v: 1, op: 'sign', chainId, transaction: new Uint8Array(10), keys: [], app: '@user' }), 'MALFORMED_MESSAGE'],
      [
        'assertion not an object',
        pk.pack({ v: 1, op: 'sign', chainId, transaction: new Uint8Array(10), keys: [publicKey], app: '@user', assertion: 'yes' }),
        'MALFORMED_MESSAGE',
      ],
      [
        'assertion mac short',
        pk.pack({
          v: 1,
          op: 'sign',
          chainId,
          transaction: new Uint8Array(10),
          keys: [publicKey],
          app: '@user',
          assertion: {
            scheme: 'hmac-sha256',
            purpose: 'sign',
            app: '@user',
            session: 'x',
            expiresAt: 1,
            digest: new Uint8Array(32),
            nonce: new Uint8Array(16),
            mac: new Uint8Array(3),
          },
        }),
        'MALFORMED_MESSAGE',
      ],
      [
        'bad app id',
        pk.pack({ v: 1, op: 'sign', chainId, transaction: new Uint8Array(10), keys: [publicKey], app: '../etc' }),
        'INVALID_ARGUMENT',
      ],
      [
        'unknown key',
        pk.pack({ v: 1, op: 'sign', chainId, transaction: new Uint8Array(10), keys: ['PUB_K1_nope'], app: '@user' }),
        'INVALID_KEY',
      ],
      ['oversized', new Uint8Array(limits.MAX_MESSAGE_BYTES + 1), 'MESSAGE_TOO_LARGE'],
    ];
    for (const [name, msg, expected] of cases) {
      const res = await raw.channel.call(msg as Uint8Array);
      const e = errorOf(res);
      assert.is(e.code, expected, `${name}: ${e.message}`);
      assert.ok(e.message.length > 10, `${name}: the message explains`);
    }
    // still serving, still unlocked, still signing
    const st = await raw.call('status');
    assert.is(st.unlocked, true);
    const transaction = packTransaction([transfer('1.0000 RSN')]);
    const r = await raw.call('sign', {
      chainId,
      transaction,
      keys: [publicKey],
      app: '@user',
      assertion: mintAssertion(raw.registration!, { purpose: 'sign', app: '@user', digest: signingDigest(chainId, transaction).array }),
    });
    assert.is(r.signatures.length, 1);
  } finally {
    await raw.close();
    removeHome(home);
  }
});

test('fuzz: random bytes and random maps always get a typed answer; the vault keeps serving', async () => {
  const home = tempHome();
  const raw = new RawVault(home);
  try {
    await raw.unlock();
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const ops = [
      'unlock',
      'lock',
      'status',
      'create_key',
      'import_key',
      'list_keys',
      'sign',
      'export_key',
      'set_grant',
      'revoke_grant',
      'x',
    ];
    const values = () => [null, true, 1, -1, 2 ** 40, 'a', 'x'.repeat(300), new Uint8Array(rnd(40)), [1, 'a'], { a: 1 }, 1.5][rnd(11)];
    const codes = new Set([
      'MALFORMED_MESSAGE',
      'UNSUPPORTED_VERSION',
      'UNKNOWN_OPERATION',
      'MESSAGE_TOO_LARGE',
      'INVALID_ARGUMENT',
      'INVALID_KEY',
      'ASSERTION_REQUIRED',
      'UNKNOWN_KEY',
      'WRONG_PASSPHRASE',
      'BACKOFF',
      'OK',
      'LOCKED',
    ]);
    for (let i = 0; i < 400; i++) {
      let msg: Uint8Array;
      if (i % 2) msg = new Uint8Array(Array.from({ length: rnd(64) }, () => rnd(256)));
      else {
        const m: Record<string, unknown> = { v: rnd(4) ? 1 : values(), op: ops[rnd(ops.length)] };
        for (const f of ['passphrase', 'label', 'privateKey', 'chainId', 'transaction', 'keys', 'app', 'assertion', 'grant', 'key'])
          if (rnd(3) === 0) m[f] = values();
        if (m.op === 'unlock' || m.op === 'lock') m.op = 'status'; // keep the session to prove it survives
        msg = pk.pack(m);
      }
      const res = pk.unpack(await raw.channel.call(msg));
      assert.is(res.v, 1);
      const c = res.ok ? 'OK' : res.error.code;
      assert.ok(codes.has(c), `input ${i}: unexpected ${c} ${res.error?.message}`);
    }
    assert.is((await raw.call('status')).unlocked, true, 'still unlocked after 400 bad messages');
  } finally {
    await raw.close();
    removeHome(home);
  }
});

test('responses are versioned msgpack maps', async () => {
  const home = tempHome();
  const raw = new RawVault(home);
  try {
    const res = pk.unpack(await raw.channel.call(encodeMessage({ v: 1, op: 'status' })));
    assert.is(res.v, 1);
    assert.is(res.ok, true);
    assert.is(res.op, 'status');
    const bad = pk.unpack(await raw.channel.call(encodeMessage({ v: 1, op: 'nope' })));
    assert.equal(Object.keys(bad).sort(), ['error', 'ok', 'v']);
    assert.is(bad.error.code, 'UNKNOWN_OPERATION');
  } finally {
    await raw.close();
    removeHome(home);
  }
});

test.run();
