// A block's end as the chain runs it over a state store (chain.ts `pushReversible`, `settleCommits`):
// the safe point (which may start a commit on the store's writer thread), then a turn of the event
// loop, in which commits in flight may land (the chain's block append gives them the same), or a wait
// for them all when the state says the block must wait or the test asks (`settle`).
import type { ChainState, StoreWrite } from '../../../dmcs/state/chain-state.js';

export async function blockEnd(
  st: ChainState,
  commit?: { due: boolean; writes: (digest: Uint8Array) => StoreWrite[] },
  settle = false,
): Promise<number> {
  let dropped = st.atSafePoint(commit);
  if (settle || st.mustWait) {
    // the commit owed meanwhile starts once the one in flight landed; once it landed too, a trim
    // drops what they wrote (the cache is then within its budget)
    await st.settle();
    dropped += st.atSafePoint();
    await st.settle();
    dropped += st.atSafePoint();
  } else await new Promise((r) => setImmediate(r));
  return dropped;
}
