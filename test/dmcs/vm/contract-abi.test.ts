// ABI generation from a contract's abi.json description (sdk-as/contract/tools/contract-abi.mjs):
// the emitted shape, and the mistakes it refuses so that a typo fails the build.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Abi } from '../../../abi/antelope/index.js';
import { ROOT } from './token-harness.js';

type Gen = {
  abiFromDescription(desc: unknown, where?: string): Record<string, unknown[]> & { version: string };
  dispatchedActions(source: string): string[];
};
const gen = (await import(new URL('sdk-as/contract/tools/contract-abi.mjs', ROOT).href)) as Gen;

test('a description becomes an eosio::abi/1.2 ABI that abi/antelope accepts', () => {
  const abi = gen.abiFromDescription({
    types: { account_name: 'name' },
    structs: { greet: { from: 'account_name', to: 'name[]', note: 'string?' }, row: { id: 'uint64' } },
    actions: ['greet', { name: 'hi', type: 'greet' }],
    tables: { rows: { type: 'row' } },
    action_results: { greet: 'uint64' },
  });
  assert.is(abi.version, 'eosio::abi/1.2');
  assert.equal(abi.structs, [
    {
      name: 'greet',
      base: '',
      fields: [
        { name: 'from', type: 'account_name' },
        { name: 'to', type: 'name[]' },
        { name: 'note', type: 'string?' },
      ],
    },
    { name: 'row', base: '', fields: [{ name: 'id', type: 'uint64' }] },
  ]);
  assert.equal(abi.actions, [
    { name: 'greet', type: 'greet', ricardian_contract: '' },
    { name: 'hi', type: 'greet', ricardian_contract: '' },
  ]);
  assert.equal(abi.tables, [{ name: 'rows', index_type: 'i64', key_names: [], key_types: [], type: 'row' }]);
  Abi.from(abi as never);
});

test('mistakes fail the build with the place named', () => {
  const bad = (desc: unknown, text: string) =>
    assert.throws(
      () => gen.abiFromDescription(desc, 'x/abi.json'),
      (e: Error) => e.message.includes(text) && e.message.startsWith('x/abi.json'),
    );
  bad({ structs: { a: { f: 'nmae' } } }, 'struct a field f has unknown type "nmae"');
  bad({ structs: {}, actions: ['missing'] }, 'action missing needs a struct missing');
  bad({ structs: { a: {} }, actions: [{ name: 'Bad', type: 'a' }] }, 'is not a valid Antelope name');
  bad({ structs: {}, tables: { t: { type: 'nope' } } }, 'table t needs a struct nope');
  bad({ structs: { a: {} }, tables: { toolongtablename: { type: 'a' } } }, 'not a valid Antelope name');
});

test('dispatched action names are read from the contract source', () => {
  assert.equal(
    gen.dispatchedActions(
      'new Dispatcher(r, c, a)\n  .on("create", create)\n  .on( "transfer", t)\n  .onNotify("eosio.token", "transfer", n)',
    ),
    ['create', 'transfer'],
  );
});

test.run();
