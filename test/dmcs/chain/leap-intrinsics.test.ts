// The intrinsics Leap's reference contracts need, checked on the node against Leap's semantics
// (libraries/chain/webassembly/*.cpp) with a probe contract in WebAssembly text: context-aware
// intrinsics refused in context-free actions (unaccessible_api), the running transaction's bytes
// (their sha256 is the transaction id), get_action's packing, key recovery, deferred transactions
// as Leap 5 no-ops, privileged-only intrinsics and the permission queries.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Action, Bytes, Checksum256, PublicKey, Serializer, Transaction } from '@wharfkit/antelope';
import { BinaryWriter, Name, UserPresence, bytesToHex } from '../../../abi/antelope/index.js';
import { SoftwareAuthenticator } from '../../fixtures/software-authenticator.js';
import { wat } from '../vm/wat.js';
import { startDevNode, transact, newAccountAction, errorName, testKey, buildSigned, type DevNode, setcodeAction } from '../helpers.js';

const probe = testKey('probe');
const other = testKey('probe.other');
let dn: DevNode;

const i64 = (n: string) => BigInt.asIntN(64, Name.from(n).value).toString();
const on = (action: string, body: string) => `(if (i64.eq (local.get $a) (i64.const ${i64(action)})) (then ${body}))`;

function probeWasm(): Uint8Array {
  return wat(`(module
    (import "env" "read_action_data" (func $read (param i32 i32) (result i32)))
    (import "env" "printi" (func $printi (param i64)))
    (import "env" "printhex" (func $printhex (param i32 i32)))
    (import "env" "current_time" (func $current_time (result i64)))
    (import "env" "require_auth" (func $require_auth (param i64)))
    (import "env" "get_context_free_data" (func $cfd (param i32 i32 i32) (result i32)))
    (import "env" "transaction_size" (func $tsize (result i32)))
    (import "env" "read_transaction" (func $rtrx (param i32 i32) (result i32)))
    (import "env" "expiration" (func $exp (result i32)))
    (import "env" "sha256" (func $sha256 (param i32 i32 i32)))
    (import "env" "get_action" (func $get_action (param i32 i32 i32 i32) (result i32)))
    (import "env" "recover_key" (func $recover_key (param i32 i32 i32 i32 i32) (result i32)))
    (import "env" "assert_recover_key" (func $assert_recover_key (param i32 i32 i32 i32 i32)))
    (import "env" "is_privileged" (func $is_priv (param i64) (result i32)))
    (import "env" "send_deferred" (func $send_deferred (param i32 i64 i32 i32 i32)))
    (import "env" "cancel_deferred" (func $cancel_deferred (param i32) (result i32)))
    (import "env" "check_permission_authorization" (func $cpa (param i64 i64 i32 i32 i32 i32 i64) (result i32)))
    (import "env" "get_account_creation_time" (func $created (param i64) (result i64)))
    (memory 2)
    (func (export "apply") (param $r i64) (param $c i64) (param $a i64)
      (local $n i32)
      (local.set $n (call $read (i32.const 4096) (i32.const 4096)))
      ${on('ctime', '(call $printi (call $current_time))')}
      ${on('auth', '(call $require_auth (local.get $r))')}
      ${on('cfdata', '(call $printi (i64.extend_i32_s (call $cfd (i32.const 0) (i32.const 8192) (i32.const 64))))')}
      ${on(
        'trx',
        `(call $printi (i64.extend_i32_s (call $exp)))
         (call $sha256 (i32.const 8192) (call $rtrx (i32.const 8192) (call $tsize)) (i32.const 100))
         (call $printhex (i32.const 100) (i32.const 32))`,
      )}
      ${on('getact', '(call $printhex (i32.const 8192) (call $get_action (i32.const 1) (i32.const 0) (i32.const 8192) (i32.const 1024)))')}
      ${on('recover', '(call $printhex (i32.const 200) (call $recover_key (i32.const 4096) (i32.const 4128) (i32.const 66) (i32.const 200) (i32.const 34)))')}
      ${on('recoverwa', '(call $printhex (i32.const 200) (call $recover_key (i32.const 4096) (i32.const 4128) (i32.sub (local.get $n) (i32.const 32)) (i32.const 200) (i32.const 256)))')}
      ${on('assertkey', '(call $assert_recover_key (i32.const 4096) (i32.const 4128) (i32.const 66) (i32.const 4194) (i32.const 34))')}
      ${on('ispriv', '(call $printi (i64.extend_i32_s (call $is_priv (local.get $r))))')}
      ${on(
        'deferred',
        `(call $send_deferred (i32.const 300) (local.get $r) (i32.const 4096) (local.get $n) (i32.const 0))
         (call $printi (i64.extend_i32_s (call $cancel_deferred (i32.const 300))))`,
      )}
      ${on(
        'permauth',
        `(call $printi (i64.extend_i32_s
           (call $cpa (local.get $r) (i64.const ${i64('active')}) (i32.const 4096) (local.get $n) (i32.const 0) (i32.const 0) (i64.const 0))))`,
      )}
      ${on('created', '(call $printi (call $created (local.get $r)))')}))`);
}

const run = (name: string, data = '', opts: Parameters<typeof transact>[2] = {}) =>
  transact(dn.client, [{ account: 'probe', name, authorization: 'probe@active', data }], { keys: [probe], ...opts });
const consoleOf = (res: any, i = 0): string => res.processed.action_traces[i].console;
const hex = (b: { array: Uint8Array } | Uint8Array) => Bytes.from(b instanceof Uint8Array ? b : b.array).hexString;

test.before(async () => {
  dn = await startDevNode();
  await transact(dn.client, [newAccountAction('probe', String(probe.toPublic()))]);
  await transact(dn.client, [setcodeAction('probe', probeWasm())], { keys: [probe] });
});
test.after(async () => {
  await dn.close();
});

test('context-free actions may not call context-aware intrinsics (current_time, require_auth): unaccessible_api', async () => {
  for (const name of ['ctime', 'auth']) {
    const cfa = [{ account: 'probe', name, authorization: [], data: '' }];
    assert.is(await errorName(run('ispriv', '', { contextFreeActions: cfa })), 'unaccessible_api', name);
  }
  const res = await run('ctime');
  assert.match(consoleOf(res), /^\d{16}$/, 'in a normal action current_time is the block time in µs');
});

test('get_context_free_data answers only in a context-free action (-1: no such entry)', async () => {
  const res = await run('created', '', { contextFreeActions: [{ account: 'probe', name: 'cfdata', authorization: [], data: '' }] });
  assert.is(consoleOf(res, 0), '-1');
  assert.is(await errorName(run('cfdata')), 'unaccessible_api');
});

test('read_transaction/transaction_size/expiration: the bytes hash to the transaction id', async () => {
  const { packed, trx } = await buildSigned(dn.client, [{ account: 'probe', name: 'trx', authorization: 'probe@active', data: '' }], {
    keys: [probe],
  });
  const res = await dn.client.v1.chain.push_transaction(packed);
  assert.is(consoleOf(res), `${trx.expiration.value.toNumber()}${String(trx.id)}`);
});

test('get_action packs the action as Leap does (and reads it in a context-free action too)', async () => {
  const { packed, trx } = await buildSigned(
    dn.client,
    [{ account: 'probe', name: 'getact', authorization: 'probe@active', data: 'c0ffee' }],
    {
      keys: [probe],
    },
  );
  const res = await dn.client.v1.chain.push_transaction(packed);
  assert.is(consoleOf(res), hex(Serializer.encode({ object: Action.from(trx.actions[0]!) })));
});

test('recover_key returns the packed public key; assert_recover_key with another key is crypto_api_exception', async () => {
  const digest = Checksum256.hash(Bytes.from('probe message', 'utf8'));
  const sig = probe.signDigest(digest);
  const sigHex = hex(Serializer.encode({ object: sig }));
  const res = await run('recover', hex(digest) + sigHex);
  assert.is(consoleOf(res), hex(Serializer.encode({ object: probe.toPublic() })));
  await run('assertkey', hex(digest) + sigHex + hex(Serializer.encode({ object: probe.toPublic() })));
  const wrong = hex(Serializer.encode({ object: PublicKey.from(other.toPublic()) }));
  assert.is(await errorName(run('assertkey', hex(digest) + sigHex + wrong, { expireSeconds: 61 })), 'crypto_api_exception');
});

test('recover_key recovers a WebAuthn signature (Leap client-data checks); a wrong challenge is assert_exception', async () => {
  const passkey = new SoftwareAuthenticator({ rpid: 'peeros.test', presence: UserPresence.VERIFIED });
  const digest = Checksum256.hash(Bytes.from('probe passkey', 'utf8'));
  const packed = (v: { encode(w: BinaryWriter): void }) => {
    const w = new BinaryWriter(256);
    v.encode(w);
    return bytesToHex(w.finish());
  };
  const res = await run('recoverwa', hex(digest) + packed(passkey.sign(digest.array)));
  assert.is(consoleOf(res), packed(passkey.publicKey));
  const other = passkey.sign(digest.array, { challenge: Buffer.from(new Uint8Array(32)).toString('base64url') });
  assert.is(await errorName(run('recoverwa', hex(digest) + packed(other), { expireSeconds: 61 })), 'assert_exception');
});

test('is_privileged is privileged-only, as in Leap: unaccessible_api from an unprivileged contract', async () => {
  assert.is(await errorName(run('ispriv')), 'unaccessible_api');
});

test('send_deferred is a no-op and cancel_deferred returns 0 (Leap 5, deferred disabled); a malformed transaction fails', async () => {
  const info = await dn.client.v1.chain.get_info();
  const inner = Transaction.from({
    ...info.getTransactionHeader(60),
    actions: [{ account: 'probe', name: 'ctime', authorization: [{ actor: 'probe', permission: 'active' }], data: '' }],
  });
  const res = await run('deferred', hex(Serializer.encode({ object: inner })));
  assert.is(consoleOf(res), '0');
  assert.is(await errorName(run('deferred', 'ff')), 'unpack_exception');
});

test("check_permission_authorization: the account's key satisfies its active permission, another key does not", async () => {
  const keys = (k: PublicKey) => `01${hex(Serializer.encode({ object: k }))}`;
  assert.is(consoleOf(await run('permauth', keys(probe.toPublic()))), '1');
  assert.is(consoleOf(await run('permauth', keys(other.toPublic()))), '0');
});

test('get_account_creation_time is the creation time in µs', async () => {
  const acct = await dn.client.v1.chain.get_account('probe');
  assert.is(consoleOf(await run('created')), String(acct.created.toMilliseconds() * 1000));
});

test.run();
