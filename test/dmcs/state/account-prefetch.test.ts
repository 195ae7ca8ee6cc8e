// A pushed transaction's actors are read on another thread while its keys are recovered
// (AccountStore.prefetch, through lmdb-js `prefetch`): only accounts that are not cached and that
// the store holds as memory does are asked for; a string that is not a name is skipped (the checks
// refuse it); without a store nothing happens. What a prefetch buys is a figure of the scale bench
// (docs/dmcs.md, stop 27), not of a test: here, what it asks for.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { ChainState } from '../../../dmcs/state/chain-state.js';
import { accountKey } from '../../../dmcs/state/store-keys.js';
import { singleKeyAuthority } from '../../../dmcs/authority.js';
import { Name, PrivateKey, bytesToHex } from '../../../abi/antelope/index.js';
import { blockEnd } from './block-end.js';
import { countingStore } from './counting-store.js';

const auth = singleKeyAuthority(PrivateKey.from('5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3').toPublic());
const nameOf = (i: number) => `acct${String.fromCharCode(97 + Math.floor(i / 26), 97 + (i % 26))}`;
const keyHex = (name: string) => bytesToHex(accountKey(Name.from(name).value));

test('only uncached, settled accounts are prefetched, by their store keys', async () => {
  const { store, dir } = countingStore('peeros-account-prefetch-');
  const asked: string[][] = [];
  const prefetch = store.prefetch.bind(store);
  store.prefetch = (keys) => {
    asked.push(keys.map((k) => bytesToHex(k)));
    prefetch(keys);
  };
  const st = new ChainState({ store, accountCache: 8, tableCache: 8 });
  try {
    const mark = st.undo.checkpoint();
    for (let i = 0; i < 40; i++) st.createAccount(nameOf(i), auth, auth, 0);
    st.undo.commit(mark);
    await blockEnd(st, { due: true, writes: () => [] }, true);
    assert.ok(st.accounts.cached <= 8, `${st.accounts.cached} cached`);
    st.getAccount(nameOf(0)); // cached now
    // created and undone since the last flush: not cached, and the store does not hold it as memory does
    const m2 = st.undo.checkpoint();
    st.createAccount('newcomer', auth, auth, 0);
    st.undo.rollback(m2);
    assert.is(st.getAccount('newcomer'), undefined);
    st.accounts.prefetch([nameOf(0), nameOf(1), 'newcomer', 'NOT A NAME', nameOf(2)]);
    assert.equal(asked, [[keyHex(nameOf(1)), keyHex(nameOf(2))]]);
    st.accounts.prefetch([nameOf(0)]);
    assert.is(asked.length, 1, 'all cached: no prefetch');
    assert.is(st.getAccount(nameOf(1))?.name, nameOf(1), 'read after its prefetch');
  } finally {
    await st.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without a store, prefetch does nothing', () => {
  const st = new ChainState({});
  st.accounts.prefetch(['eosio', 'whoever']);
  assert.is(st.accounts.persistent, false);
});

test.run();
