// Behaviour of the ABI layer: abi_def JSON/binary validation, the ABI-driven serializer's limits and
// error paths, binary extensions as Leap defines them, transactions and packed transactions, and
// the built-in eosio ABI.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deflateSync } from 'node:zlib';
import {
  Abi,
  AbiSerializer,
  Action,
  AntelopeError,
  MAX_DECODE_DEPTH,
  MAX_DECOMPRESSED_SIZE,
  PackedTransaction,
  PrivateKey,
  Transaction,
  TransactionHeader,
  BinaryReader,
  bytesToHex,
  eosioSerializer,
  hexToBytes,
  EOSIO_ABI,
  NATIVE_ACTIONS,
} from '../../abi/antelope/index.js';
import { TOKEN_TRANSFER_ABI as TOKEN } from '../fixtures/token-abi.js';

function err(fn: () => unknown): AntelopeError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, AntelopeError);
    return e as AntelopeError;
  }
  assert.unreachable('expected an AntelopeError');
  throw new Error('unreachable');
}

test('errors name the field path: transfer.quantity', () => {
  const s = new AbiSerializer(TOKEN);
  const e = err(() => s.encode('transfer', { from: 'alice', to: 'bob', quantity: '1 eos', memo: '' }));
  assert.is(e.path, 'transfer.quantity');
  assert.is(e.code, 'INVALID_ASSET');
  assert.match(e.message, /^transfer\.quantity: expected asset/);
  const m = err(() => s.encode('transfer', { from: 'alice', to: 'bob', memo: '' }));
  assert.is(m.path, 'transfer.quantity');
  assert.match(m.message, /missing field/);
  const d = err(() => s.decode('transfer', hexToBytes('0000000000855c340000000000000e3d0100')));
  assert.is(d.code, 'DECODE_EOF');
  assert.is(d.path, 'transfer.quantity');
  const t = err(() => s.decode('transfer', hexToBytes('0000000000855c340000000000000e3da40100000000000001474d5a000000000000')));
  assert.is(t.code, 'DECODE_TRAILING');
});

test('decoding untrusted input: nesting depth is capped', () => {
  const abi = { structs: [{ name: 'node', base: '', fields: [{ name: 'next', type: 'node?' }] }] };
  const s = new AbiSerializer(abi);
  const ok = hexToBytes(`${'01'.repeat(10)}00`);
  assert.ok(s.decode('node', ok));
  const deep = hexToBytes(`${'01'.repeat(MAX_DECODE_DEPTH * 2)}00`);
  const e = err(() => s.decode('node', deep));
  assert.is(e.code, 'DECODE_DEPTH');
  assert.match(e.path, /^node\.next\.next/);
  // arrays nest too
  const a = new AbiSerializer({
    types: [{ new_type_name: 'deep', type: 'deep2[]' }],
    structs: [{ name: 'deep2', base: '', fields: [{ name: 'x', type: 'deep' }] }],
  });
  assert.is(err(() => a.decode('deep', hexToBytes('01'.repeat(100)))).code, 'DECODE_DEPTH');
  // a cyclic JSON value cannot recurse forever either
  const cyc: Record<string, unknown> = {};
  cyc.next = cyc;
  assert.is(err(() => s.encode('node', cyc)).code, 'DECODE_DEPTH');
});

test('decoding untrusted input: array counts must fit the bytes left', () => {
  const s = new AbiSerializer({});
  const e = err(() => s.decode('string[]', hexToBytes('ffffffff0f')));
  assert.is(e.code, 'DECODE_INVALID');
  assert.match(e.message, /count 4294967295 does not fit/);
  const z = new AbiSerializer({ structs: [{ name: 'empty', base: '', fields: [] }] });
  assert.is((z.decode('empty[]', hexToBytes('03')) as unknown[]).length, 3);
  assert.is(err(() => z.decode('empty[]', hexToBytes('ffffffff0f'))).code, 'DECODE_INVALID');
  assert.is(err(() => s.decode('bool?', hexToBytes('02'))).code, 'DECODE_INVALID');
});

test('decoding untrusted input: a struct shared at every level is sized once, not once per path', () => {
  // s0 { a: s1, b: s1 } … s19 { a: s20, b: s20 }, s20 { x: uint8 }: 2^20 paths down to s20
  const levels = 20;
  const structs = Array.from({ length: levels }, (_, i) => ({
    name: `s${i}`,
    base: '',
    fields: [
      { name: 'a', type: `s${i + 1}` },
      { name: 'b', type: `s${i + 1}` },
    ],
  }));
  structs.push({ name: `s${levels}`, base: '', fields: [{ name: 'x', type: 'uint8' }] });
  const s = new AbiSerializer({ structs });
  const leaf = s.resolve(`s${levels}`) as unknown as { minSize(seen: Set<unknown>): number };
  const minSize = leaf.minSize.bind(leaf);
  let calls = 0;
  leaf.minSize = (seen) => {
    calls++;
    return minSize(seen);
  };
  // an empty array of s0: its element's fewest bytes (2^20) are what the count is checked against
  assert.equal(s.decode('s0[]', hexToBytes('00')), []);
  assert.equal(s.decode('s0[]', hexToBytes('00')), []);
  assert.ok(calls <= 2, `the leaf was sized ${calls} times`);
  assert.is(err(() => s.decode('s0[]', hexToBytes('01'))).code, 'DECODE_INVALID');
});

test('decoding untrusted input: the values one decode makes are capped by its length', () => {
  // act { v: w[] }, w { a: e[] }, e {}: each w of 3 bytes is 65,536 empty structs
  const s = new AbiSerializer({
    structs: [
      { name: 'e', base: '', fields: [] },
      { name: 'w', base: '', fields: [{ name: 'a', type: 'e[]' }] },
      { name: 'act', base: '', fields: [{ name: 'v', type: 'w[]' }] },
    ],
  });
  const one = hexToBytes('01ff3f'); // one w of 8,191
  assert.is((s.decode('act', one) as { v: Array<{ a: unknown[] }> }).v[0]!.a.length, 8191);
  // one of MAX_ZERO_SIZE_ELEMENTS (what one array may count) makes more than 4 bytes may
  assert.is(err(() => s.decode('act', hexToBytes('01808004'))).code, 'DECODE_INVALID');
  const many = hexToBytes(`14${'808004'.repeat(20)}`); // 61 bytes, 1.3 million structs before
  const e = err(() => s.decode('act', many));
  assert.is(e.code, 'DECODE_INVALID');
  assert.match(e.message, /more values than the input's length allows/);
  // what honest input makes stays well inside: 3,000 one-byte elements, two structs deep
  const deep = new AbiSerializer({
    structs: [
      { name: 'in', base: '', fields: [{ name: 'x', type: 'uint8' }] },
      { name: 'out', base: '', fields: [{ name: 'y', type: 'in' }] },
    ],
  });
  const n = 3000;
  const bytes = new Uint8Array(2 + n);
  bytes.set(hexToBytes('b817')); // varuint32 3000
  assert.is((deep.decode('out[]', bytes) as unknown[]).length, n);
});

test('ABI resolution: unknown, circular, duplicate and badly based types', () => {
  assert.is(err(() => new AbiSerializer({}).encode('santa', 1)).code, 'UNKNOWN_TYPE');
  assert.is(
    err(() =>
      new AbiSerializer({
        types: [
          { new_type_name: 'a', type: 'b' },
          { new_type_name: 'b', type: 'a' },
        ],
      }).resolve('a'),
    ).code,
    'INVALID_ABI',
  );
  assert.is(
    err(() => new AbiSerializer({ types: [{ new_type_name: 'x', type: 'int8' }], structs: [{ name: 'x', base: '', fields: [] }] })).code,
    'INVALID_ABI',
  );
  assert.is(err(() => new AbiSerializer({ types: [{ new_type_name: 'name', type: 'string' }] })).code, 'INVALID_ABI');
  assert.is(err(() => new AbiSerializer({ structs: [{ name: 's', base: 'int8', fields: [] }] }).resolve('s')).code, 'INVALID_ABI');
  assert.is(
    err(() =>
      new AbiSerializer({
        structs: [
          { name: 'a', base: 'b', fields: [] },
          { name: 'b', base: 'a', fields: [] },
        ],
      }).resolve('a'),
    ).code,
    'INVALID_ABI',
  );
  // two fields of one name (in the struct, or one of them its base's) cannot both be in the object
  // a value decodes to: refused, where the first value was lost and the object did not encode back
  // (found by the antelope-action-data fuzz target)
  const twice = new AbiSerializer({
    structs: [
      {
        name: 'own',
        base: '',
        fields: [
          { name: 'x', type: 'uint8' },
          { name: 'x', type: 'uint16' },
        ],
      },
      { name: 'base', base: '', fields: [{ name: 'y', type: 'uint8' }] },
      { name: 'derived', base: 'base', fields: [{ name: 'y', type: 'string' }] },
    ],
  });
  for (const type of ['own', 'derived']) {
    const e = err(() => twice.decode(type, new Uint8Array([1, 2, 3, 4])));
    assert.is(e.code, 'INVALID_ABI');
    assert.match(e.message, /has two fields named/);
  }
  assert.equal(twice.decode('base', new Uint8Array([7])), { y: 7 });
  const f = err(() => new AbiSerializer({ structs: [{ name: 's', base: '', fields: [{ name: 'x', type: 'nope' }] }] }).validate());
  assert.is(f.code, 'UNKNOWN_TYPE');
  assert.is(f.path, 's.x');
  assert.is(
    err(() =>
      new AbiSerializer({
        structs: [
          {
            name: 's',
            base: '',
            fields: [
              { name: 'a', type: 'int8$' },
              { name: 'b', type: 'int8' },
            ],
          },
        ],
      }).validate(),
    ).code,
    'INVALID_ABI',
  );
  assert.is(err(() => new AbiSerializer(TOKEN).encodeAction('issue', {})).code, 'UNKNOWN_TYPE');
});

test('structs with bases, aliases, variants, optionals', () => {
  const s = new AbiSerializer({
    types: [
      { new_type_name: 'account', type: 'name' },
      { new_type_name: 'base_alias', type: 'a' },
    ],
    structs: [
      { name: 'a', base: '', fields: [{ name: 'x', type: 'account' }] },
      {
        name: 'b',
        base: 'base_alias',
        fields: [
          { name: 'y', type: 'v?' },
          { name: 'z', type: 'uint64[]' },
        ],
      },
    ],
    variants: [{ name: 'v', types: ['int8', 'b'] }],
  }).validate();
  const value = { x: 'alice', y: ['b', { x: 'bob', y: null, z: [] }], z: ['18446744073709551615', 5] };
  const bytes = s.encode('b', value);
  assert.equal(s.decode('b', bytes), { x: 'alice', y: ['b', { x: 'bob', y: null, z: [] }], z: ['18446744073709551615', 5] });
  assert.equal(s.decode('b', s.encode('b', { x: 'a', z: [], y: { type: 'int8', value: -1 } })), { x: 'a', y: ['int8', -1], z: [] });
  assert.is(err(() => s.encode('v', ['int16', 1])).code, 'INVALID_VALUE');
  assert.is(err(() => s.decode('v', hexToBytes('05'))).code, 'DECODE_INVALID');
  // a missing optional field encodes as absent (00)
  assert.is(bytesToHex(s.encode('b', { x: '', z: [] })), '00000000000000000000');
});

test('binary extensions follow Leap: stop at the first absent one, never write it', () => {
  const s = new AbiSerializer({
    structs: [
      {
        name: 'e',
        base: '',
        fields: [
          { name: 'a', type: 'uint8' },
          { name: 'b', type: 'uint8?$' },
          { name: 'c', type: 'string$' },
        ],
      },
    ],
  }).validate();
  assert.is(bytesToHex(s.encode('e', { a: 1 })), '01');
  assert.is(bytesToHex(s.encode('e', { a: 1, b: null })), '0100');
  assert.is(bytesToHex(s.encode('e', { a: 1, b: 2, c: 'x' })), '0101020178');
  assert.equal(s.decode('e', hexToBytes('01')), { a: 1 });
  assert.equal(s.decode('e', hexToBytes('0100')), { a: 1, b: null });
  assert.equal(s.decode('e', hexToBytes('0101020178')), { a: 1, b: 2, c: 'x' });
  const e = err(() => s.encode('e', { a: 1, c: 'x' }));
  assert.is(e.path, 'e.c');
  // null for a non-optional extension means absent (wharfkit prints absent extensions as null)
  assert.is(bytesToHex(s.encode('e', { a: 1, b: 2, c: null })), '010102');
});

test('every builtin round-trips, 64-bit integers print as Leap does', () => {
  const s = new AbiSerializer({});
  const cases: [string, unknown, unknown?][] = [
    ['int64', '-9223372036854775808'],
    ['int64', -5],
    ['uint64', '4294967296'],
    ['uint64', 4294967295],
    ['uint64', '7', 7],
    ['int128', '-170141183460469231731687303715884105728'],
    ['uint128', '340282366920938463463374607431768211455'],
    ['uint128', '0xff', '255'],
    ['float64', 1.5],
    ['float64', '2.25', 2.25],
    ['float32', -0.125],
    ['float128', `0x${'11'.repeat(16)}`],
    ['bytes', 'beef'],
    ['checksum160', '00'.repeat(20)],
    ['symbol_code', 'EOS'],
    ['extended_asset', { quantity: '1.0000 EOS', contract: 'eosio.token' }],
    ['block_timestamp_type', '2021-08-25T02:37:24.500'],
    ['time_point_sec', '1970-01-01T00:00:00'],
    ['varint32', -2147483648],
  ];
  for (const [type, json, want] of cases) assert.equal(s.decode(type, s.encode(type, json)), want ?? json, type);
  assert.is(err(() => s.encode('uint64', '18446744073709551616')).code, 'INVALID_VALUE');
  assert.is(err(() => s.encode('int8', 128)).code, 'INVALID_VALUE');
  assert.is(err(() => s.encode('uint32', 1.5)).code, 'INVALID_VALUE');
  assert.is(err(() => s.encode('int64', 2 ** 60)).code, 'INVALID_VALUE'); // unsafe number: pass a string
  assert.is(err(() => s.encode('checksum256', 'abcd')).code, 'INVALID_VALUE');
  assert.is(err(() => s.encode('string', 5)).code, 'INVALID_VALUE');
});

test('abi_def: JSON validation with paths, binary counts bounded, extensions kept', () => {
  const e = err(() => Abi.from({ structs: [{ name: 's', fields: [{ name: 'a' } as never] }] }));
  assert.is(e.path, 'abi.structs[0].fields[0].type');
  assert.is(err(() => Abi.from('{oops')).code, 'INVALID_ABI');
  assert.is(err(() => Abi.from(hexToBytes('00ffffffff0f'))).code, 'DECODE_INVALID');
  const full = Abi.from({
    version: 'eosio::abi/1.2',
    ricardian_clauses: [{ id: 'c', body: 'b' }],
    error_messages: [{ error_code: '18446744073709551615', error_msg: 'boom' }],
    abi_extensions: [{ tag: 7, value: 'beef' }],
    variants: [{ name: 'v', types: ['int8'] }],
    action_results: [{ name: 'doit', result_type: 'int8' }],
    tables: [{ name: 'accounts', index_type: 'i64', key_names: [], key_types: [], type: 'v' }],
  });
  const back = Abi.from(full.toBinary());
  assert.equal(back.toJSON(), full.toJSON());
  assert.is(new AbiSerializer(full).actionResultType('doit'), 'int8');
  assert.is(new AbiSerializer(full).tableType('accounts'), 'v');
  const first = AbiSerializer.for(full);
  assert.ok(AbiSerializer.for(full) === first);
});

const TX = {
  expiration: '2026-11-27T12:00:00',
  ref_block_num: 1,
  ref_block_prefix: 2,
  actions: [
    {
      account: 'eosio.token',
      name: 'transfer',
      authorization: [{ actor: 'alice', permission: 'active' }],
      data: { from: 'alice', to: 'bob', quantity: '1.0000 EOS', memo: 'hi' },
    },
  ],
};

test('transactions: ABI-encoded action data, errors with paths, decode back', () => {
  const trx = Transaction.from(TX, TOKEN);
  const again = Transaction.fromBinary(trx.toBinary());
  assert.ok(again.equals(trx));
  assert.equal(again.actions[0]!.decodeData(TOKEN), TX.actions[0]!.data);
  assert.is(Transaction.fromBinary(bytesToHex(trx.toBinary())).id.toString(), trx.id.toString());
  assert.is(err(() => Transaction.from(TX)).code, 'INVALID_VALUE'); // object data needs an ABI
  assert.is(err(() => Transaction.from({ ...TX, ref_block_num: 70000 }, TOKEN)).path, 'transaction.ref_block_num');
  const bad = { ...TX, actions: [{ ...TX.actions[0]!, data: { ...TX.actions[0]!.data, to: 'Bob' } }] };
  assert.is(err(() => Transaction.from(bad, TOKEN)).path, 'transaction.actions[0].transfer.to');
  assert.is(err(() => Transaction.fromBinary(new Uint8Array([...trx.toBinary(), 0]))).code, 'DECODE_TRAILING');
  assert.ok(['DECODE_EOF', 'DECODE_INVALID'].includes(err(() => Transaction.fromBinary(trx.toBinary().subarray(0, 20))).code));
  assert.is(err(() => Transaction.fromBinary(trx.toBinary().subarray(0, 10))).code, 'DECODE_EOF');
  assert.ok(Action.from(again.actions[0]!).equals(trx.actions[0]!));
  // Leap's get_block shape: decoded data plus hex_data, extensions as [type, hex] pairs
  const leapShape = {
    ...TX,
    transaction_extensions: [[1, 'beef']] as [number, string][],
    actions: [{ ...TX.actions[0]!, hex_data: bytesToHex(trx.actions[0]!.data) }],
  };
  const fromLeap = Transaction.from(leapShape);
  assert.is(bytesToHex(fromLeap.actions[0]!.data), bytesToHex(trx.actions[0]!.data));
  assert.equal(fromLeap.toJSON().transaction_extensions, [{ type: 1, data: 'beef' }]);
  // the header is the first part of the serialized transaction
  const header = TransactionHeader.decode(new BinaryReader(trx.toBinary()));
  assert.equal(header.toJSON(), TransactionHeader.from(TX).toJSON());
  assert.is(header.toJSON().expiration, '2026-11-27T12:00:00');
  assert.ok(trx instanceof TransactionHeader);
  assert.is(err(() => TransactionHeader.from({ ...TX, expiration: 'soon' })).path, 'transaction.expiration');
});

test('packed transactions: none and zlib, signatures, binary and JSON forms, inflate cap', () => {
  const trx = Transaction.from(TX, TOKEN);
  const key = PrivateKey.generate();
  const chainId = 'ab'.repeat(32);
  const sig = key.sign(trx.signingDigest(chainId));
  for (const c of ['none', 'zlib'] as const) {
    const p = PackedTransaction.fromSigned(trx, [sig], [], c);
    assert.is(p.compression, c);
    assert.is(p.packed_context_free_data.length, 0);
    assert.ok(p.getTransaction().equals(trx));
    assert.is(p.id.toString(), trx.id.toString());
    assert.ok(p.signatures[0]!.recover(p.signingDigest(chainId)).equals(key.toPublic()));
    const json = p.toJSON();
    assert.is(json.compression, c);
    assert.equal(PackedTransaction.from(json).toJSON(), json);
    assert.equal(PackedTransaction.from({ ...json, compression: c === 'zlib' ? 1 : 0 }).toJSON(), json);
  }
  assert.is(err(() => PackedTransaction.from({ packed_trx: '00', compression: 'gzip' as never })).code, 'COMPRESSION');
  // a non-minimal varuint (max_net_usage_words = 0 as 80 00) decodes; the id is that of the
  // re-serialized transaction, as Leap computes it
  const raw = trx.toBinary();
  const padded = new Uint8Array([...raw.subarray(0, 10), 0x80, 0x00, ...raw.subarray(11)]);
  const odd = PackedTransaction.from({ packed_trx: padded });
  assert.is(odd.id.toString(), trx.id.toString());
  assert.is(odd.signingDigest(chainId).toString(), trx.signingDigest(chainId).toString());
  const bomb = deflateSync(Buffer.alloc(MAX_DECOMPRESSED_SIZE + 1024));
  const p = PackedTransaction.from({ packed_trx: new Uint8Array(bomb), compression: 'zlib' });
  assert.is(err(() => p.getTransaction()).code, 'COMPRESSION');
  assert.is(err(() => PackedTransaction.from({ packed_trx: 'beef', compression: 'zlib' }).getTransaction()).code, 'COMPRESSION');
});

test('built-in eosio ABI: native actions round-trip; keys in EOS… form on request', () => {
  const s = eosioSerializer();
  assert.equal(
    [...NATIVE_ACTIONS],
    ['newaccount', 'setcode', 'setabi', 'updateauth', 'deleteauth', 'linkauth', 'unlinkauth', 'canceldelay'],
  );
  const auth = {
    threshold: 2,
    keys: [{ key: 'PUB_K1_6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5BoDq63', weight: 1 }],
    accounts: [{ permission: { actor: 'bob', permission: 'active' }, weight: 1 }],
    waits: [{ wait_sec: 3600, weight: 1 }],
  };
  const samples: Record<string, unknown> = {
    newaccount: { creator: 'eosio', name: 'alice', owner: auth, active: auth },
    setcode: { account: 'alice', vmtype: 0, vmversion: 0, code: '0061736d01000000' },
    setabi: { account: 'alice', abi: bytesToHex(Abi.from(TOKEN).toBinary()) },
    updateauth: { account: 'alice', permission: 'trade', parent: 'active', auth },
    deleteauth: { account: 'alice', permission: 'trade' },
    linkauth: { account: 'alice', code: 'eosio.token', type: 'transfer', requirement: 'trade' },
    unlinkauth: { account: 'alice', code: 'eosio.token', type: 'transfer' },
    canceldelay: { canceling_auth: { actor: 'alice', permission: 'active' }, trx_id: 'cd'.repeat(32) },
  };
  for (const name of NATIVE_ACTIONS) {
    const bytes = s.encodeAction(name, samples[name]);
    assert.equal(s.decodeAction(name, bytes), samples[name], name);
  }
  const legacy = eosioSerializer({ legacyKeys: true }).decodeAction('newaccount', s.encodeAction('newaccount', samples.newaccount)) as {
    owner: { keys: { key: string }[] };
  };
  assert.is(legacy.owner.keys[0]!.key, 'EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV');
  assert.ok(EOSIO_ABI.getStruct('authority'));
  // a native transaction decodes end to end
  const trx = Transaction.from(
    {
      ...TX,
      actions: [
        { account: 'eosio', name: 'linkauth', authorization: [{ actor: 'alice', permission: 'active' }], data: samples.linkauth as never },
      ],
    },
    s,
  );
  assert.equal(Transaction.fromBinary(trx.toBinary()).actions[0]!.decodeData(s), samples.linkauth);
  assert.equal(s.decode('transaction', trx.toBinary()), JSON.parse(JSON.stringify(trx.toJSON())));
});

test.run();
