/**
 * The block log: a hypercore (through corestore, in `<data>/blocks`) holding one serialized
 * `signed_block` per hypercore block, hypercore index i = chain block i + 1. Appends are not
 * fsynced one by one and a damaged write-ahead log can reopen silently shorter, so after every
 * append the log records the committed length and last block id in `<data>/committed.json`
 * (atomic, fsynced); on open a core shorter than that is refused with a clear error instead of
 * silently restarting an older chain. A core longer than the marker is fine (the marker is written
 * after the append): those blocks were written and are replayed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Corestore from 'corestore';
import type Hypercore from 'hypercore';
import { writeFileAtomic } from '../../lib/atomic-file.js';
import { bytesToHex } from '../../abi/antelope/index.js';
import { ChainError } from '../chain-error.js';
import { DataFolderError } from './data-folder-error.js';
import { closeBlockStore, openBlockStore, releasePidFile } from './block-store.js';

/** Told about repairs made while opening (a copied data folder adopted); default stderr. */
export type OnWarning = (message: string) => void;
const stderrWarning: OnWarning = (m) => process.stderr.write(`peeros node: ${m}\n`);

/** Name of the block core inside the store. */
export const BLOCK_CORE_NAME = 'peeros-dmcs-blocks';

/** A replica waits this long for a block it knows exists but has not downloaded yet. */
export const GET_TIMEOUT_MS = 10_000;

interface CommittedMarker {
  length: number;
  lastBlockId: string;
}

/** File name of the committed marker inside the data folder. */
export const COMMITTED_MARKER_FILE = 'committed.json';

/**
 * The committed marker at `path` ({length: 0} when there is none). The node writes it atomically,
 * so one that is not its JSON was damaged from outside: refused with what to do, since silently
 * replacing it would switch off the check it exists for (a block log that reopens shorter).
 */
function readCommittedMarker(path: string, coreLength: number): CommittedMarker {
  if (!existsSync(path)) return { length: 0, lastBlockId: '' };
  const text = readFileSync(path, 'utf8');
  let problem: string;
  try {
    const m = JSON.parse(text) as Partial<CommittedMarker> | null;
    if (
      m &&
      typeof m === 'object' &&
      Number.isSafeInteger(m.length) &&
      m.length! >= 0 &&
      typeof m.lastBlockId === 'string' &&
      /^([0-9a-f]{64})?$/.test(m.lastBlockId)
    ) {
      return { length: m.length!, lastBlockId: m.lastBlockId };
    }
    problem = 'it is JSON but not {"length": N, "lastBlockId": "<64 hex digits>"}';
  } catch (e) {
    problem = `it is not valid JSON (${(e as Error).message})`;
  }
  throw new DataFolderError(
    'COMMITTED_MARKER_DAMAGED',
    `${path} is damaged: ${problem}. This file records how many blocks of the block log were committed, so that a ` +
      `block log that reopens shorter is caught. To start anyway, delete it: the node replays the ${coreLength} block(s) ` +
      'now in the block log and writes a new one. If the block log may be damaged too, restore the data folder from a peer or a backup instead.',
    path,
  );
}

export class BlockLog {
  private appending: Promise<unknown> = Promise.resolve();
  private committed: CommittedMarker;

  private constructor(
    private readonly dataDir: string,
    private readonly store: Corestore,
    private readonly core: Hypercore,
    /** null for a replica (it does not write, so it keeps no committed marker). */
    private readonly markerPath: string | null,
    committed: CommittedMarker,
  ) {
    this.committed = committed;
  }

  /**
   * Opens a replica of another node's block log: the hypercore with public key `key` in
   * `<data>/blocks`, downloaded in full from peers connected with `replicate()`.
   */
  static async openReplica(dataDir: string, key: Uint8Array, onWarning: OnWarning = stderrWarning): Promise<BlockLog> {
    const { store, core } = await openBlockStore(dataDir, (s) => s.get({ key }), onWarning);
    core.download({ start: 0, end: -1 });
    return new BlockLog(dataDir, store, core, null, { length: 0, lastBlockId: '' });
  }

  /** The log's public key (hex): what a replica needs to follow it. */
  get key(): string {
    return this.core.key ? bytesToHex(this.core.key) : '';
  }

  get isReplica(): boolean {
    return this.markerPath === null;
  }

  /** Replicates the store over a duplex stream (a TCP socket). */
  replicate(socket: NodeJS.ReadWriteStream, isInitiator: boolean): void {
    const s = this.store.replicate(isInitiator);
    socket.pipe(s).pipe(socket);
    s.on('error', () => {});
    socket.on('error', () => {});
  }

  /** Resolves when the log grows past `length` or after `timeoutMs`. */
  waitForLength(length: number, timeoutMs: number): Promise<void> {
    if (this.core.length > length) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.core.off('append', onAppend);
        resolve();
      };
      const onAppend = () => {
        if (this.core.length > length) done();
      };
      const t = setTimeout(done, timeoutMs);
      this.core.on('append', onAppend);
    });
  }

  static async open(dataDir: string, onWarning: OnWarning = stderrWarning): Promise<BlockLog> {
    const { store, core } = await openBlockStore(dataDir, (s) => s.get({ name: BLOCK_CORE_NAME }), onWarning);
    const markerPath = join(dataDir, COMMITTED_MARKER_FILE);
    let committed: CommittedMarker;
    try {
      committed = readCommittedMarker(markerPath, core.length);
    } catch (e) {
      await store.close().catch(() => {});
      releasePidFile(dataDir);
      throw e;
    }
    if (core.length < committed.length) {
      const have = core.length;
      await store.close().catch(() => {});
      releasePidFile(dataDir);
      throw new ChainError(
        'block_validate_exception',
        `the block log in ${dataDir} has ${have} block(s) but ${committed.length} were committed (last block id ${committed.lastBlockId}): ` +
          'its storage was damaged; restore the directory from a peer or a backup',
      );
    }
    return new BlockLog(dataDir, store, core, markerPath, committed);
  }

  /** Blocks durably in the core. */
  get length(): number {
    return this.core.length;
  }

  /** The length recorded in the committed marker (for checks on replay). */
  get committedLength(): number {
    return this.committed.length;
  }

  /**
   * Appends one block (serialized in call order); resolves once the core has it. The committed
   * marker follows in the background, coalesced (one fsynced write at a time, always the latest
   * length), so the marker never runs ahead of the core and block production never waits on fsync.
   */
  append(block: Uint8Array, id: Uint8Array): Promise<void> {
    if (this.isReplica) return Promise.reject(new Error('a replica block log is read-only'));
    const next = this.appending.then(async () => {
      const { length } = await this.core.append(block);
      this.committed = { length, lastBlockId: bytesToHex(id) };
      this.scheduleMarker();
    });
    this.appending = next.catch(() => {});
    return next;
  }

  /**
   * Cuts the log back to its first `length` blocks (the node switched to another fork; those
   * blocks were reversible), after queued appends; `lastBlockId` is the id of the block now last.
   */
  truncate(length: number, lastBlockId: string): Promise<void> {
    if (this.isReplica) return Promise.reject(new Error('a replica block log is read-only'));
    const next = this.appending.then(async () => {
      if (length >= this.core.length) return;
      // the marker first: a crash between the two leaves a marker shorter than the core (allowed), never longer
      this.committed = { length, lastBlockId };
      await this.markerWrite;
      await writeFileAtomic(this.markerPath!, JSON.stringify(this.committed), 0o644);
      await this.core.truncate(length);
    });
    this.appending = next.catch(() => {});
    return next;
  }

  private markerWrite: Promise<void> | null = null;
  private markerDirty = false;

  private scheduleMarker(): void {
    this.markerDirty = true;
    if (this.markerWrite) return;
    this.markerWrite = (async () => {
      while (this.markerDirty) {
        this.markerDirty = false;
        await writeFileAtomic(this.markerPath!, JSON.stringify(this.committed), 0o644).catch((e: Error) => {
          process.stderr.write(`peeros node: cannot record the committed block log length: ${e.message}\n`);
        });
      }
      this.markerWrite = null;
    })();
  }

  /** Block bytes at hypercore index `i`, or null when absent. */
  async get(i: number): Promise<Uint8Array | null> {
    if (i < 0 || i >= this.core.length) return null;
    const b = await this.core.get(i, this.isReplica ? { timeout: GET_TIMEOUT_MS } : { wait: false });
    return b ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : null;
  }

  /** Waits for queued appends, then closes the store. */
  async close(): Promise<void> {
    await this.appending;
    await this.markerWrite;
    await this.core.close();
    await closeBlockStore(this.store);
    releasePidFile(this.dataDir);
  }
}
