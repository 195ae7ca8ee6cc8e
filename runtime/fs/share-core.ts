/**
 * The host's share cores: one corestore per host (`$PEEROS_HOME/shares/store`, owned by the one
 * process that serves or syncs shares, since corestore holds a directory lock), one hypercore per
 * outgoing share (writable, named `share/<id>`) and one replica per incoming share (by its public
 * key). Runs on the main thread, asynchronously; app workers never touch it.
 */
import Corestore from 'corestore';
import type Hypercore from 'hypercore';
import { fileBlocks, removeBlock, sealBlock, type ShareState, replayShare } from './share-format.js';

export class ShareCores {
  private constructor(readonly store: Corestore) {}

  static async open(dir: string): Promise<ShareCores> {
    const store = new Corestore(dir);
    await store.ready();
    return new ShareCores(store);
  }

  /** The writable core of outgoing share `id` (created on first use). */
  async outgoing(id: string): Promise<Hypercore> {
    const core = this.store.get({ name: `share/${id}` });
    await core.ready();
    return core;
  }

  /** The local replica of a share's core (created empty on first use; replicated by share-peer.ts). */
  async incoming(key: Uint8Array): Promise<Hypercore> {
    const core = this.store.get({ key });
    await core.ready();
    return core;
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

/** Appends files (content) and removals (null) to a share's core, sealed under its content key, in one batch. */
export async function appendToShare(
  core: Hypercore,
  contentKey: Uint8Array,
  changes: ReadonlyMap<string, Uint8Array | null>,
): Promise<number> {
  const plains: Buffer[] = [];
  for (const [path, content] of changes) plains.push(...(content === null ? [removeBlock(path)] : fileBlocks(path, content)));
  if (plains.length === 0) return core.length;
  const start = core.length;
  const key = core.key!;
  await core.append(plains.map((p, k) => sealBlock(contentKey, key, start + k, p)));
  return core.length;
}

/** The files of a core's first `length` blocks, fully checked (share-format.ts `replayShare`); every block must be local. */
export function readShare(
  core: Hypercore,
  o: { contentKey: Uint8Array; root: string; folder: boolean; length: number },
): Promise<ShareState> {
  return replayShare({ ...o, coreKey: core.key! }, async (i) => {
    const b = await core.get(i, { wait: false });
    if (!b) throw new Error(`block ${i} of the share is not local`); // callers download [0, length) first
    return b;
  });
}
