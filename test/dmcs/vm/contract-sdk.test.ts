// The contract SDK (sdk-as/contract) compiled into a probe contract
// (fixtures/sdk-probe/index.as) and run on the VM: names, assets with overflow checks, symbols,
// tables with cursors, inline actions, AssemblyScript assert/abort mapping, return values, ABI output.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, copyFileSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Abi, AbiSerializer, Name } from '../../../abi/antelope/index.js';
import { ContractVm } from '../../../dmcs/vm/contract-vm.js';
import { ContractError } from '../../../dmcs/vm/contract-error.js';
import { MemoryHost, n } from './memory-host.js';
import { ROOT } from './token-harness.js';
import { TOKEN_TRANSFER_ABI } from '../../fixtures/token-abi.js';

const root = fileURLToPath(ROOT);
const src = new URL('test/dmcs/vm/fixtures/sdk-probe/', ROOT);
const dir = new URL('build/test-contracts/sdk-probe/', ROOT);
mkdirSync(dir, { recursive: true });
copyFileSync(new URL('index.as', src), new URL('index.ts', dir));
copyFileSync(new URL('abi.json', src), new URL('abi.json', dir));
const { compileContract } = await import(new URL('sdk-as/contract/tools/compile-contract.mjs', ROOT).href);
const out = await compileContract({ root, dir: fileURLToPath(dir), name: 'probe', outDir: fileURLToPath(dir) });
const wasm = new Uint8Array(readFileSync(out.wasm));
const abiJson = JSON.parse(readFileSync(out.abi, 'utf8'));
const abi = AbiSerializer.for(Abi.from(abiJson));
const vm = new ContractVm();

function run(action: string, data: Record<string, unknown>, host = new MemoryHost(['probe'])) {
  const probe = n('probe');
  return vm.apply(
    wasm,
    {
      receiver: probe,
      account: probe,
      name: n(action),
      data: abi.encodeAction(action, data),
      authorization: [{ actor: probe, permission: n('active') }],
    },
    host,
  );
}

function throwsMsg(fn: () => unknown, code: string, text: string): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, ContractError);
    assert.is((e as ContractError).code, code, (e as Error).message);
    assert.ok((e as Error).message.includes(text), (e as Error).message);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

test('the emitted ABI is a standard eosio::abi/1.2 with i64 tables', () => {
  assert.is(abiJson.version, 'eosio::abi/1.2');
  assert.equal(abiJson.tables[0], { name: 'items', index_type: 'i64', key_names: [], key_types: [], type: 'item' });
  assert.equal(
    abiJson.actions.map((a: { name: string }) => a.name),
    ['names', 'assetadd', 'symbols', 'items', 'inline', 'failassert', 'retval', 'single'],
  );
});

test('names convert both ways like abi/antelope', () => {
  for (const s of ['alice', 'dpay.token', 'eosio.code', 'a', '', '1.2.3.4.5', 'zzzzzzzzzzzzj']) {
    assert.is(run('names', { s }).console, `${Name.from(s).value} ${s}`, s);
  }
  throwsMsg(() => run('names', { s: 'Alice' }), 'eosio_assert_message_exception', 'character is not in allowed character set for names');
  throwsMsg(() => run('names', { s: 'abcdefghijklmn' }), 'eosio_assert_message_exception', 'string is too long to be a valid name');
});

test('assets add and subtract with symbol and overflow checks', () => {
  assert.is(run('assetadd', { a: '1.5000 RSN', b: '0.2500 RSN' }).console, '1.7500 RSN 1.2500 RSN');
  assert.is(run('assetadd', { a: '0.0001 RSN', b: '0.0003 RSN' }).console, '0.0004 RSN -0.0002 RSN');
  throwsMsg(
    () => run('assetadd', { a: '1.0000 RSN', b: '1.00 RSN' }),
    'eosio_assert_message_exception',
    'attempt to add asset with different symbol',
  );
  throwsMsg(
    () => run('assetadd', { a: '461168601842738.7903 RSN', b: '0.0001 RSN' }),
    'eosio_assert_message_exception',
    'addition overflow',
  );
});

test('symbols: precision, code and validity', () => {
  assert.is(run('symbols', { sym: '4,RSN', code: 'ABC' }).console, '4,RSN valid ABC ok');
  throwsMsg(
    () => run('symbols', { sym: '4,RSN', code: 'abc' }),
    'eosio_assert_message_exception',
    'only uppercase letters allowed in symbol_code string',
  );
});

test('tables: store, get, modify, erase and cursor iteration in key order', () => {
  const host = new MemoryHost(['probe']);
  assert.is(run('items', {}, host).console, '2:two 3:item3 gone last=3');
  const rows = host.db
    .findTable(n('probe'), n('probe'), n('items'))!
    .rows.map((r) => abi.decode('item', r.value) as { id: unknown; label: string });
  assert.equal(
    rows.map((r) => `${String(r.id)}:${r.label}`),
    ['2:two', '3:item3'],
  );
});

test('inline actions are packed as Antelope actions', () => {
  const host = new MemoryHost(['probe']);
  run('inline', { to: 'bob' }, host);
  assert.is(host.inline.length, 1);

  const data = AbiSerializer.for(Abi.from(TOKEN_TRANSFER_ABI)).encodeAction('transfer', {
    from: 'probe',
    to: 'bob',
    quantity: '1.0000 RSN',
    memo: 'hi',
  });
  const packed = host.inline[0]!;
  const hex = Buffer.from(packed).toString('hex');
  const expected = [
    Buffer.alloc(8),
    Buffer.alloc(8),
    Buffer.from([1]),
    Buffer.alloc(8),
    Buffer.alloc(8),
    Buffer.from([data.length]),
    Buffer.from(data),
  ];
  expected[0]!.writeBigUInt64LE(n('dpay.token'));
  expected[1]!.writeBigUInt64LE(n('transfer'));
  expected[3]!.writeBigUInt64LE(n('probe'));
  expected[4]!.writeBigUInt64LE(n('active'));
  assert.is(hex, Buffer.concat(expected).toString('hex'));
});

test('AssemblyScript assert and out-of-bounds access become Antelope assertions', () => {
  throwsMsg(() => run('failassert', { n: 7 }), 'eosio_assert_message_exception', 'seven is not allowed');
  throwsMsg(() => run('failassert', { n: 5 }), 'eosio_assert_message_exception', 'Index out of range');
  assert.is(run('failassert', { n: 1 }).console, '0');
});

test('a singleton lives under the key equal to its table name', () => {
  const host = new MemoryHost(['probe']);
  assert.is(run('single', { n: 5 }, host).console, 'new 5');
  assert.is(run('single', { n: 2 }, host).console, 'had 7');
  const row = host.db.findTable(n('probe'), n('probe'), n('config'))!.find(n('config'))!;
  assert.equal(JSON.parse(JSON.stringify(abi.decode('config', row.value))), { counter: 7, stamp: String(host.time) });
});

test('notifications reach onNotify handlers only for the named contract and action', () => {
  const probe = n('probe');
  const notify = (code: string, name: string) =>
    vm.apply(wasm, { receiver: probe, account: n(code), name: n(name), data: new Uint8Array(3), authorization: [] }, new MemoryHost())
      .console;
  assert.is(notify('dpay.token', 'transfer'), 'notified of 3 bytes');
  assert.is(notify('other.token', 'transfer'), '');
  assert.is(notify('dpay.token', 'issue'), '');
});

test('return values and unknown actions', () => {
  assert.equal([...run('retval', { n: 21 }).returnValue], [42, 0, 0, 0, 0, 0, 0, 0]);
  const probe = n('probe');
  throwsMsg(
    () => vm.apply(wasm, { receiver: probe, account: probe, name: n('nope'), data: new Uint8Array(), authorization: [] }, new MemoryHost()),
    'eosio_assert_message_exception',
    'unknown action nope',
  );
});

test.run();
