// The chain API's ABI cache: each account's ABI is decoded once per version (get_abi decoded and
// printed it again on every request: about 140 ms for an ABI of 512 KiB), a new version is decoded
// anew, an ABI whose types do not resolve is still served as JSON, stored bytes that are no ABI are
// refused with the reason, and at most MAX_CACHED_ABIS accounts' are kept (every account can set an
// ABI as large as a transaction).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Abi } from '../../../abi/antelope/index.js';
import type { Chain } from '../../../dmcs/chain/chain.js';
import { ContractAbis, MAX_CACHED_ABIS } from '../../../dmcs/api/contract-abis.js';

const token = Abi.from({
  version: 'eosio::abi/1.1',
  structs: [{ name: 'transfer', base: '', fields: [{ name: 'to', type: 'name' }] }],
  actions: [{ name: 'transfer', type: 'transfer', ricardian_contract: '' }],
}).toBinary();
// decodes as an ABI, but a struct redefines a builtin: no serializer
const odd = Abi.from({ version: 'eosio::abi/1.1', structs: [{ name: 'name', base: '', fields: [] }] }).toBinary();

const accounts = new Map<string, { abi: Uint8Array | null; abiSequence: number }>();
const chain = { state: { getAccount: (n: string) => accounts.get(n) } } as unknown as Chain;

test('decoded once per version; a new version is decoded anew', () => {
  const abis = new ContractAbis(chain);
  accounts.set('coin', { abi: token, abiSequence: 1 });
  const first = abis.jsonOf('coin');
  assert.is(abis.jsonOf('coin'), first, 'the same JSON object: not decoded again');
  assert.ok(abis.serializerOf('coin'));
  accounts.set('coin', { abi: token, abiSequence: 2 });
  assert.is.not(abis.jsonOf('coin'), first);
  assert.is(abis.jsonOf('nobody'), undefined);
});

test('an ABI without a serializer is still served; bytes that are no ABI are refused with the reason', () => {
  const abis = new ContractAbis(chain);
  accounts.set('odd', { abi: odd, abiSequence: 1 });
  assert.is(abis.serializerOf('odd'), null);
  assert.is((abis.jsonOf('odd') as { structs: unknown[] }).structs.length, 1);
  accounts.set('junk', { abi: new Uint8Array([1, 2, 3]), abiSequence: 1 });
  assert.throws(() => abis.jsonOf('junk'));
});

test(`at most MAX_CACHED_ABIS (${MAX_CACHED_ABIS}) accounts' ABIs are kept, the least recently used dropped`, () => {
  const abis = new ContractAbis(chain);
  const first: unknown[] = [];
  for (let i = 0; i <= MAX_CACHED_ABIS; i++) {
    accounts.set(`c${i}`, { abi: token, abiSequence: 1 });
    if (i > 0) abis.jsonOf('c0'); // c0 kept in use
    first.push(abis.jsonOf(`c${i}`));
  }
  assert.is(abis.size, MAX_CACHED_ABIS);
  assert.is(abis.jsonOf('c0'), first[0], 'the one in use is kept');
  assert.is(abis.jsonOf(`c${MAX_CACHED_ABIS}`), first[MAX_CACHED_ABIS]);
  assert.is.not(abis.jsonOf('c1'), first[1], 'the least recently used was dropped, and is decoded again');
});

test.run();
