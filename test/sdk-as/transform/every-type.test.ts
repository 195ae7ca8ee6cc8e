// The contract transform (sdk-as/transform) over a contract that uses every Antelope type it maps
// (fixtures/every-type.as): each action echoes its argument, so every type goes wharfkit's
// serializer → generated decoder → generated encoder → action return value, compared byte for byte
// with what wharfkit encoded, and decoded again by wharfkit against the generated ABI. Runs on the
// contract VM (real wasm); tables, the singleton, binary extensions and notifications too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ABI, Bytes, PrivateKey, Serializer, Checksum256 } from '@wharfkit/antelope';
import { ContractVm } from '../../../dmcs/vm/contract-vm.js';
import { MemoryHost, n } from '../../dmcs/vm/memory-host.js';
import { ROOT } from '../../dmcs/vm/token-harness.js';

const root = fileURLToPath(ROOT);
const dir = new URL('build/test-contracts/every-type/', ROOT);
mkdirSync(dir, { recursive: true });
copyFileSync(new URL('test/sdk-as/transform/fixtures/every-type.as', ROOT), new URL('index.ts', dir));
const { compileContract } = await import(new URL('sdk-as/contract/tools/compile-contract.mjs', ROOT).href);
const out = await compileContract({ root, dir: fileURLToPath(dir), name: 'everytype', outDir: fileURLToPath(dir) });
const abiJson = out.abiJson as {
  actions: { name: string; type: string }[];
  action_results: { name: string; result_type: string }[];
  structs: { name: string; fields: { name: string; type: string }[] }[];
} & Record<string, unknown>;
const abi = ABI.from(abiJson as never);
const wasm = new Uint8Array((await import('node:fs')).readFileSync(out.wasm));
const vm = new ContractVm({ secondaryIndexes: true });

const key = PrivateKey.generate('K1');
const sample: Record<string, unknown> = {
  bool: true,
  int8: -5,
  uint8: 250,
  int16: -30000,
  uint16: 65000,
  int32: -2000000000,
  uint32: 4000000000,
  int64: '-9000000000000000000',
  uint64: '18000000000000000000',
  int128: '-170141183460469231731687303715884105728',
  uint128: '340282366920938463463374607431768211455',
  varint32: -12345,
  varuint32: 4000000000,
  float32: 1.5,
  float64: -2.718281828459045e-300,
  float128: '0x0123456789abcdef0123456789abcdef',
  time_point: '2024-01-02T03:04:05.678',
  time_point_sec: '2024-01-02T03:04:05',
  block_timestamp_type: '2024-01-02T03:04:05.500',
  name: 'dpay.token',
  bytes: 'deadbeef00ff',
  string: 'héllo wörld',
  checksum160: '0123456789abcdef0123456789abcdef01234567',
  checksum256: Checksum256.hash(Bytes.from('x', 'utf8')).hexString,
  checksum512: 'ab'.repeat(64),
  public_key: String(key.toPublic()),
  signature: String(key.signDigest(Checksum256.hash(Bytes.from('y', 'utf8')))),
  symbol: '4,RSN',
  symbol_code: 'RSN',
  asset: '1.2345 RSN',
  extended_asset: { quantity: '1.0000 RSN', contract: 'dpay.token' },
  'name[]': ['alice', 'bob', 'eosio.token'],
  'string?': 'present',
  'uint64?': '42',
  point: { x: -1, y: 2, label: 'here' },
  name_or_text: ['string', 'a text alternative'],
  row: { id: '7', tags: ['a', 'b'], where: { x: 3, y: 4, label: null } },
};

function run(action: string, data: Uint8Array, host = new MemoryHost(['everytype'])) {
  const me = n('everytype');
  return vm.apply(
    wasm,
    { receiver: me, account: me, name: n(action), data, authorization: [{ actor: me, permission: n('active') }] },
    host,
  );
}

test('every echo action has a result type, and every mapped type is covered', () => {
  const echoes = abiJson.actions.filter((a) => a.name.startsWith('e') && a.name !== 'eext');
  assert.equal(abiJson.structs.find((st) => st.name === 'ebool')!.fields, [{ name: 'v', type: 'bool' }]);
  assert.is(echoes.length, 37);
  for (const a of echoes) {
    const result = abiJson.action_results.find((r) => r.name === a.name)?.result_type;
    assert.ok(result, `${a.name} has an action result`);
    assert.ok(Object.hasOwn(sample, result!) || result === 'row', `a sample for ${result}`);
  }
});

test('each type round-trips through the generated decoder and encoder, byte for byte', () => {
  const echo = (x: { name: string; type: string }) =>
    abiJson.action_results.some((r) => r.name === x.name) &&
    abiJson.structs
      .find((st) => st.name === x.type)!
      .fields.map((f) => f.name)
      .join() === 'v';
  for (const a of abiJson.actions.filter(echo)) {
    const result = abiJson.action_results.find((r) => r.name === a.name)!.result_type;
    const value = sample[result];
    const data = Serializer.encode({ object: { v: value }, type: a.type, abi }).array;
    const { returnValue } = run(a.name, data);
    assert.equal(Bytes.from(returnValue).hexString, Bytes.from(data).hexString, `${a.name} (${result})`);
    const back = Serializer.objectify(Serializer.decode({ data: returnValue, type: result, abi }));
    assert.equal(Serializer.encode({ object: back, type: result, abi }).hexString, Bytes.from(data).hexString, `${a.name} decodes`);
  }
  // the absent alternative of an optional, and a variant's other alternative
  for (const [action, v] of [
    ['eoptstr', null],
    ['eoptnum', null],
    ['evariant', ['name', 'alice']],
  ] as const) {
    const type = abiJson.actions.find((x) => x.name === action)!.type;
    const data = Serializer.encode({ object: { v }, type, abi }).array;
    assert.equal(Bytes.from(run(action, data).returnValue).hexString, Bytes.from(data).hexString, `${action} ${JSON.stringify(v)}`);
  }
});

test('a binary extension may be left out by the sender', () => {
  const type = abiJson.actions.find((x) => x.name === 'eext')!.type;
  assert.equal(abiJson.structs.find((s) => s.name === type)!.fields, [
    { name: 'n', type: 'uint8' },
    { name: 'v', type: 'string$' },
  ]);
  assert.is(run('eext', Serializer.encode({ object: { n: 3, v: 'there' }, type, abi }).array).console, '3 there');
  assert.is(run('eext', Serializer.encode({ object: { n: 4 }, type, abi }).array).console, '4 absent');
});

test('tables and singletons use the generated codecs, table() and singleton()', () => {
  const host = new MemoryHost(['everytype']);
  const type = abiJson.actions.find((x) => x.name === 'store')!.type;
  const data = Serializer.encode({ object: { row: sample.row }, type, abi }).array;
  const first = run('store', data, host);
  assert.is(Serializer.decode({ data: first.returnValue, type: 'uint64', abi }).toString(), '1');
  const row = { ...(sample.row as object), id: '8' };
  const second = run('store', Serializer.encode({ object: { row }, type, abi }).array, host);
  assert.is(Serializer.decode({ data: second.returnValue, type: 'uint64', abi }).toString(), '2');
  assert.equal(abiJson.tables, [
    { name: 'rows', index_type: 'i64', key_names: [], key_types: [], type: 'row' },
    { name: 'owned', index_type: 'i64', key_names: [], key_types: [], type: 'owned' },
    { name: 'wide', index_type: 'i64', key_names: [], key_types: [], type: 'wide' },
    { name: 'config', index_type: 'i64', key_names: [], key_types: [], type: 'config' },
  ]);
});

test('@secondary fields are kept in CDT-layout indexes on store, modify and erase, and looked up by key', () => {
  const host = new MemoryHost(['everytype', 'alice', 'bob']);
  const act = (name: string, object: Record<string, unknown>) => {
    const type = abiJson.actions.find((x) => x.name === name)!.type;
    return run(name, Serializer.encode({ object, type, abi }).array, host);
  };
  const ids = (owner: string) =>
    (Serializer.objectify(Serializer.decode({ data: act('ownedby', { owner }).returnValue, type: 'uint64[]', abi })) as unknown[]).map(
      String,
    );
  act('own', { id: 1, owner: 'alice', price: 5.5 });
  act('own', { id: 2, owner: 'bob', price: 1.25 });
  act('own', { id: 3, owner: 'alice', price: 9 });
  assert.equal(ids('alice'), ['1', '3']);
  assert.equal(ids('bob'), ['2']);
  act('reown', { id: 3, owner: 'bob' });
  assert.equal(ids('alice'), ['1']);
  assert.equal(ids('bob'), ['2', '3']);
  act('drop', { id: 2 });
  assert.equal(ids('bob'), ['3']);
  const cheapest = (min: number) => Serializer.decode({ data: act('cheapest', { min }).returnValue, type: 'uint64', abi }).toString();
  assert.is(cheapest(0), '1');
  assert.is(cheapest(6), '3');
  assert.is(cheapest(10), '0');
  // CDT's layout: index n of table t lives in table (t & ~0xF) | n
  const owned = BigInt(n('owned'));
  const me = BigInt(n('everytype'));
  assert.is(host.db.findIndex('idx64', me, 0n, (owned & ~0xfn) | 0n)?.rows.length, 2, 'owner index');
  assert.is(host.db.findIndex('idx_double', me, 0n, (owned & ~0xfn) | 1n)?.rows.length, 2, 'price index');
});

test('@secondary U128 and Checksum256 fields are idx128 and idx256 indexes in CDT layout, found by key', () => {
  const host = new MemoryHost(['everytype']);
  const act = (name: string, object: Record<string, unknown>) => {
    const type = abiJson.actions.find((x) => x.name === name)!.type;
    return run(name, Serializer.encode({ object, type, abi }).array, host);
  };
  const ids = (action: string, object: Record<string, unknown>) =>
    (Serializer.objectify(Serializer.decode({ data: act(action, object).returnValue, type: 'uint64[]', abi })) as unknown[]).map(String);
  // keys whose order differs between bytes read little-endian and big-endian: the index orders as CDT's
  const hashA = `01${'00'.repeat(30)}ff`;
  const hashB = `02${'00'.repeat(31)}`;
  const big1 = (1n << 100n).toString();
  const big2 = ((1n << 100n) + 1n).toString();
  act('putwide', { id: 1, big: big2, hash: hashB });
  act('putwide', { id: 2, big: big1, hash: hashA });
  assert.equal(ids('bybig', { big: big1 }), ['2', '2']);
  assert.equal(ids('bybig', { big: big2 }), ['1', '1']);
  assert.equal(ids('bybig', { big: '5' }), ['0', '2'], 'no exact match; the lower bound is the smallest key');
  assert.equal(ids('byhash', { hash: hashA }), ['2', '2']);
  assert.equal(ids('byhash', { hash: `01${'00'.repeat(31)}` }), ['0', '2'], 'byte order: 01…00 < 01…ff < 02…');
  assert.equal(ids('byhash', { hash: `01${'ff'.repeat(31)}` }), ['0', '1']);
  // the node holds the keys as CDT writes them: idx128 the number, idx256 the big-endian value of the 32 bytes
  const me = BigInt(n('everytype'));
  const wide = BigInt(n('wide')) & ~0xfn;
  assert.is(host.db.findIndex('idx128', me, 0n, wide | 0n)?.findPrimary(1n)?.secondary, 1n + (1n << 100n));
  assert.is(host.db.findIndex('idx256', me, 0n, wide | 1n)?.findPrimary(1n)?.secondary, BigInt(`0x${hashB}`));
  // modify moves the entries; erase removes them
  act('putwide', { id: 1, big: '7', hash: hashA });
  assert.equal(ids('bybig', { big: '7' }), ['1', '1']);
  assert.equal(ids('byhash', { hash: hashA }), ['1', '1'], 'the lowest primary key first among equal keys');
  assert.is(host.db.findIndex('idx256', me, 0n, wide | 1n)?.findPrimary(1n)?.secondary, BigInt(`0x${hashA}`));
  act('dropwide', { id: 1 });
  assert.equal(ids('bybig', { big: '7' }), ['0', '2']);
  assert.is(host.db.findIndex('idx128', me, 0n, wide | 0n)?.findPrimary(1n), undefined);
});

test('notifications run the @notify handler with decoded arguments; unknown own actions fail', () => {
  const me = n('everytype');
  const data = Serializer.encode({
    object: { from: 'alice', to: 'everytype', quantity: '1.0000 RSN', memo: 'hi' },
    type: 'transfer',
    abi: ABI.from({
      version: 'eosio::abi/1.2',
      structs: [
        {
          name: 'transfer',
          base: '',
          fields: [
            { name: 'from', type: 'name' },
            { name: 'to', type: 'name' },
            { name: 'quantity', type: 'asset' },
            { name: 'memo', type: 'string' },
          ],
        },
      ],
    } as never),
  }).array;
  const r = vm.apply(
    wasm,
    { receiver: me, account: n('dpay.token'), name: n('transfer'), data, authorization: [] },
    new MemoryHost(['everytype']),
  );
  assert.is(r.console, 'notified alice everytype 1.0000 RSN hi');
  assert.throws(() => run('nope', new Uint8Array()), /unknown action nope/);
});

test.run();
