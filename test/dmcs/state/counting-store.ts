// A state store over a fresh folder whose reads of one key (`get`, `read`) are counted: for tests that must see a
// record come back from the store rather than from the cache.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrderedStore } from '../../../dmcs/state/ordered-store.js';

export function countingStore(prefix: string): { store: OrderedStore; dir: string; reads: () => number } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const store = new OrderedStore(dir);
  let n = 0;
  const get = store.get.bind(store);
  store.get = (key) => {
    n++;
    return get(key);
  };
  const read = store.read.bind(store);
  store.read = (key, decode) => {
    n++;
    return read(key, decode);
  };
  return { store, dir, reads: () => n };
}
