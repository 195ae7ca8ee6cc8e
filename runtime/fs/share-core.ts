/**
 * The host's share cores: one corestore per host (`$PEEROS_HOME/shares/store`, owned by the one
 * process that serves or syncs shares, since corestore holds a directory lock), one hypercore per
 * outgoing share (writable, named `share/<id>`) and one replica per incoming share (by its public
 * key). Runs on the main thread, asynchronously; app workers never touch it.
 */
import Corestore from 'corestore';
import type Hypercore from 'hypercore';
import { ShareError } from './share-error.js';
import { fileBlocks, removeBlock, sealBlock, type ShareState, replayShare } from './share-format.js';

export class ShareCores {
  private constructor(readonly store: Corestore) {}

  /** Opens the host's corestore; SHARE_BUSY when another process holds its lock. */
  static async open(dir: string): Promise<ShareCores> {
    const store = new Corestore(dir);
    try {
      await store.ready();
    } catch (err) {
      await store.close().catch(() => {});
      if (/lock/i.test((err as Error).message))
        throw new ShareError(
          'SHARE_BUSY',
          "another process holds this host's share store (peeros share serve, the console with --share-listen, or a share sync): stop it, or run this there",
        );
      throw err;
    }
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

  /** Deletes outgoing share `id`'s core from disk (after its revocation): its blocks and tree. */
  async purgeOutgoing(id: string): Promise<void> {
    let core: Hypercore;
    try {
      core = await this.outgoing(id);
    } catch (err) {
      if ((err as { code?: string }).code === 'STORAGE_EMPTY') return; // already deleted
      throw err;
    }
    await core.purge();
  }

  /** The keys of the replicas in the store: the cores this host cannot write. */
  async replicas(): Promise<Buffer[]> {
    const keys: Buffer[] = [];
    for await (const dk of this.store.list()) {
      const auth = await this.store.getAuth(dk);
      if (auth?.key && !auth.keyPair?.secretKey) keys.push(Buffer.from(auth.key));
    }
    return keys;
  }

  /** Deletes the local replica of the core `key` from disk (its share was unshared). */
  async purgeIncoming(key: Uint8Array): Promise<void> {
    await (await this.incoming(key)).purge();
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

/**
 * The files of a core's blocks [start, length), fully checked (share-format.ts `replayShare`; `prior`:
 * each path's size after [0, start)); every block read must be local.
 */
export function readShare(
  core: Hypercore,
  o: {
    contentKey: Uint8Array;
    root: string;
    folder: boolean;
    length: number;
    start?: number;
    prior?: ReadonlyMap<string, number | null>;
    maxLiveBytes?: number;
  },
): Promise<ShareState> {
  return replayShare({ ...o, coreKey: core.key! }, async (i) => {
    const b = await core.get(i, { wait: false });
    if (!b) throw new Error(`block ${i} of the share is not local`); // callers download [0, length) first
    return b;
  });
}
