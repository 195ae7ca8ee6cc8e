// A chain id: canonical lowercase for storage and comparison; either case accepted at the edge.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isChainId, normalizeChainId } from '../../abi/antelope/index.js';

const ID = 'aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906';

test('canonical ids are lowercase 64-hex strings', () => {
  assert.ok(isChainId(ID));
  for (const bad of [ID.toUpperCase(), ID.slice(1), `${ID}0`, `${ID.slice(0, 63)}g`, 42, null, undefined, ` ${ID.slice(1)}`]) {
    assert.not.ok(isChainId(bad), String(bad));
  }
});

test('input in either case normalises to the canonical form; anything else is refused', () => {
  assert.is(normalizeChainId(ID.toUpperCase()), ID);
  assert.is(normalizeChainId(ID), ID);
  for (const bad of [ID.slice(1), `0x${ID.slice(2)}`, `${ID}\n`, {}, ['a'], 1]) assert.is(normalizeChainId(bad), undefined, String(bad));
});

test.run();
