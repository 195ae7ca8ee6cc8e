/**
 * Peer-to-peer shares of an app's drive, on the host's main thread (the ISA side stays
 * synchronous and never waits on a peer). One `ShareService` per host process owns
 * `$PEEROS_HOME/shares/` (the corestore is locked to one process).
 *
 * Sender: `share` reads a file (or every file below a folder) from the sender's drive (opened with
 * its drive key from the vault), makes a new hypercore and a random 32-byte content key for this
 * share alone, appends the sealed blocks (share-format.ts), and answers the descriptor text
 * (share-descriptor.ts) that the caller has the vault seal for the recipient (`$seal`) and puts on
 * chain. The content key is kept in `shares/outgoing.json` sealed by the vault to the sender's own
 * key (as drive keys are), so later writes can be appended after a restart. `publish` appends what
 * changed in shared folders since the last time (new and rewritten files, removals): the recipient
 * sees them on its next sync. `revoke` marks the share revoked, stops serving its core (every open
 * connection is dropped) and never appends to it again.
 *
 * Recipient: `open` parses the descriptor (hostile), replicates the core from the sender's address
 * (share-peer.ts, bounded), replays and checks every block, and only then writes the files into its
 * drive under `shared/<from>/<path without its root>` (removals removed): `files/plans/a` from alice
 * is `shared/alice/plans/a`, as dBox saves small shares. A failed write rolls back the files this
 * sync already wrote: a sync saves all of its files or none.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Hypercore from 'hypercore';
import { ACCOUNT_NAME_PATTERN } from '../../abi/antelope/name.js';
import { MAX_FS_FILE_BYTES, MAX_FS_MAX_BYTES } from '../limits.js';
import { Drive, driveDir } from './drive.js';
import { HOST_OWN_CONTEXT, driveKey, type DriveKeyVault } from './drive-key.js';
import { fsPathProblem } from './fs-path.js';
import { ShareCores, appendToShare, readShare } from './share-core.js';
import { descriptorText, parseDescriptor } from './share-descriptor.js';
import { ShareError } from './share-error.js';
import { MAX_SHARE_FILES, sha256Hex } from './share-format.js';
import { ShareServer, positionOf, syncShare, type PeerAddress } from './share-peer.js';
import {
  MAX_REVOKED_SHARES_KEPT,
  type IncomingShare,
  type IncomingListing,
  type OutgoingListing,
  type OutgoingShare,
  incomingListing,
  outgoingListing,
  readIncoming,
  readOutgoing,
  writeIncoming,
  writeOutgoing,
} from './share-records.js';

const SHARED = 'shared';

/** A shared path as the recipient saves it below `shared/<from>/`: without its root folder (`files/plans/a` → `plans/a`). */
export function underRoot(path: string): string {
  const cut = path.indexOf('/');
  if (cut < 0) throw new ShareError('SHARE_MALFORMED', `"${path}" names a whole root, not a file below one`);
  return path.slice(cut + 1);
}
/** How long a new share may be missing from the chain (its push in flight or queued offline) before `revokeUnlisted` revokes it. */
export const SHARE_LISTING_GRACE_MS = 10 * 60_000;

export interface ShareServiceOptions {
  home: string;
  /** Unlocked; holds the accounts' keys. */
  vault: DriveKeyVault;
  /** The vault's app name for acting as the user (skv USER_APP). */
  userApp: string;
  /** Where to serve this host's shares (port 0: any free port); none: this host only receives. */
  serve?: PeerAddress;
  /** The address descriptors name, where peers reach `serve` (default: the address served on; needed when that is 0.0.0.0 or ::, or behind a forwarded port). */
  announce?: PeerAddress;
}

const UNSPECIFIED_HOSTS = new Set(['0.0.0.0', '::', '']);

export interface ShareRequest {
  app: string;
  account: string;
  accountKey: string;
  /** A file or folder of the app's drive (a full drive path: `files/plans`, `events`). */
  path: string;
  to: string;
}

/** A received share to open into `app`'s drive: whose, from whom, its sealed descriptor, the drive's quota. */
export interface OpenShareRequest {
  app: string;
  account: string;
  accountKey: string;
  from: string;
  descriptor: string;
  maxBytes: number;
  timeoutMs?: number;
  /** The peer's time to answer (syncShare's `answerTimeoutMs`). */
  answerTimeoutMs?: number;
}

export class ShareService {
  readonly #shares: OutgoingShare[];
  readonly #incoming: IncomingShare[];
  readonly #open = new Map<string, Hypercore>();
  /** Writes of outgoing shares run one at a time (two publishes must not append the same change twice). */
  #writing: Promise<unknown> = Promise.resolve();
  /** Syncs of incoming shares run one at a time too (each updates `incoming.json`). */
  #reading: Promise<unknown> = Promise.resolve();
  private server: ShareServer | undefined;

  private constructor(
    private readonly o: ShareServiceOptions,
    private readonly cores: ShareCores,
    shares: OutgoingShare[],
    incoming: IncomingShare[],
  ) {
    this.#shares = shares;
    this.#incoming = incoming;
  }

  static async open(o: ShareServiceOptions): Promise<ShareService> {
    const dir = join(o.home, 'shares');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const cores = await ShareCores.open(join(dir, 'store')); // first: the lock says who may write the records
    let shares: OutgoingShare[];
    let incoming: IncomingShare[];
    try {
      shares = readOutgoing(o.home);
      incoming = readIncoming(o.home);
    } catch (err) {
      await cores.close();
      throw err;
    }
    const service = new ShareService(o, cores, shares, incoming);
    for (const s of shares) if (!s.revoked) service.#open.set(s.id, await cores.outgoing(s.id));
    await service.#collectRevoked();
    if (o.serve) {
      try {
        service.server = await ShareServer.listen(() => service.activeCores(), o.serve);
      } catch (err) {
        await cores.close(); // the address is taken: release the store's lock too
        throw new ShareError('SHARE_UNREACHABLE', `cannot serve shares on ${o.serve.host}:${o.serve.port}: ${(err as Error).message}`);
      }
    }
    return service;
  }

  /** Where this host serves its shares. */
  get address(): PeerAddress | undefined {
    return this.server?.address;
  }

  /** What descriptors name: `announce`, else the address served on (refused when that is no address a peer can dial). */
  #announced(): PeerAddress {
    const at = this.o.announce ?? this.server!.address;
    if (UNSPECIFIED_HOSTS.has(at.host))
      throw new ShareError(
        'SHARE_UNREACHABLE',
        `shares are served on ${at.host}:${at.port}, which no peer can dial: name the address peers reach (announce)`,
      );
    return at;
  }

  private activeCores(): Hypercore[] {
    return this.#shares.filter((s) => !s.revoked).flatMap((s) => this.#open.get(s.id) ?? []);
  }

  async #drive(app: string, account: string, accountKey: string, maxBytes: number): Promise<Drive> {
    const dir = driveDir(join(this.o.home, 'data', app), account);
    return new Drive(dir, maxBytes, { key: await driveKey(this.o.vault, this.o.userApp, dir, accountKey) });
  }

  async #save(): Promise<void> {
    await writeOutgoing(this.o.home, this.#shares);
  }

  async #contentKey(s: OutgoingShare): Promise<Uint8Array> {
    if (s.nonce === undefined || s.sealedKey === undefined) throw new ShareError('SHARE_NOT_FOUND', 'the share was revoked');
    return this.o.vault.openMessage({
      key: s.accountKey,
      peer: s.accountKey,
      nonce: Buffer.from(s.nonce, 'hex'),
      ciphertext: Buffer.from(s.sealedKey, 'hex'),
      app: this.o.userApp,
      context: HOST_OWN_CONTEXT,
    });
  }

  /** Shares a file or folder of the app's drive with `to`; answers the share's id and its descriptor text (to be sealed for `to`). */
  share(r: ShareRequest): Promise<{ id: string; descriptor: string }> {
    return this.#serial(() => this.#share(r));
  }

  async #share(r: ShareRequest): Promise<{ id: string; descriptor: string }> {
    if (!this.server)
      throw new ShareError('SHARE_UNREACHABLE', 'this host does not serve shares (open the share service with an address to serve on)');
    const at = this.#announced();
    if (fsPathProblem(r.path) !== undefined) throw new ShareError('SHARE_DRIVE', `"${r.path}" is not a drive path`);
    if (!ACCOUNT_NAME_PATTERN.test(r.to)) throw new ShareError('SHARE_DRIVE', 'the recipient is not an account name');
    const drive = await this.#drive(r.app, r.account, r.accountKey, MAX_FS_MAX_BYTES);
    const stat = drive.stat(r.path);
    if (!stat.ok) throw new ShareError('SHARE_DRIVE', `no file or folder "${r.path}" in ${r.account}'s ${r.app} drive`);
    const folder = stat.value.dir;
    const contentKey = randomBytes(32);
    const id = randomBytes(16).toString('hex');
    const core = await this.cores.outgoing(id);
    const { nonce, ciphertext } = await this.o.vault.sealMessage({
      key: r.accountKey,
      peer: r.accountKey,
      plaintext: contentKey,
      app: this.o.userApp,
      context: HOST_OWN_CONTEXT,
    });
    const s: OutgoingShare = {
      id,
      app: r.app,
      account: r.account,
      accountKey: r.accountKey,
      to: r.to,
      path: r.path,
      folder,
      core: core.key!.toString('hex'),
      at: `${at.host}:${at.port}`,
      nonce: Buffer.from(nonce).toString('hex'),
      sealedKey: Buffer.from(ciphertext).toString('hex'),
      files: {},
      made: Date.now(),
    };
    const changes = this.#changes(drive, s);
    const length = await appendToShare(core, contentKey, changes);
    for (const [p, c] of changes) s.files[p] = c === null ? null : sha256Hex(c);
    s.blocks = core.length;
    s.bytes = core.byteLength;
    this.#shares.push(s);
    this.#open.set(id, core);
    await this.#save();
    this.server.offer(core);
    return {
      id,
      descriptor: descriptorText({
        core: core.key!,
        key: contentKey,
        at,
        path: r.path,
        folder,
        length: Math.max(1, length),
      }),
    };
  }

  /** The files of a share's root in the drive now, against what its core holds: what to append. */
  #changes(drive: Drive, s: OutgoingShare): Map<string, Uint8Array | null> {
    const now = new Map<string, Uint8Array>();
    const take = (p: string): void => {
      const r = drive.read(p, 0, MAX_FS_FILE_BYTES);
      if (r.ok) now.set(p, r.value);
    };
    // every file below the folder, from the drive's folder index (not a listing: that stops at MAX_FS_LIST entries)
    const walk = (folder: string): void => {
      for (const p of drive.files(folder)) {
        if (now.size >= MAX_SHARE_FILES) throw new ShareError('SHARE_TOO_LARGE', `a shared folder holds at most ${MAX_SHARE_FILES} files`);
        take(p);
      }
    };
    if (s.folder) walk(s.path);
    else take(s.path);
    const changes = new Map<string, Uint8Array | null>();
    for (const [p, c] of now) if (s.files[p] !== sha256Hex(c)) changes.set(p, c);
    for (const [p, h] of Object.entries(s.files)) if (h !== null && !now.has(p)) changes.set(p, null);
    return changes;
  }

  /** Appends what changed in every active share (files written, rewritten or removed since); the number of files appended. */
  publish(): Promise<number> {
    return this.#serial(() => this.#publish());
  }

  async #publish(): Promise<number> {
    let n = 0;
    for (const s of this.#shares) {
      if (s.revoked) continue;
      const drive = await this.#drive(s.app, s.account, s.accountKey, MAX_FS_MAX_BYTES);
      const changes = this.#changes(drive, s);
      if (changes.size === 0) continue;
      const core = this.#open.get(s.id)!;
      await appendToShare(core, await this.#contentKey(s), changes);
      for (const [p, c] of changes) s.files[p] = c === null ? null : sha256Hex(c);
      s.blocks = core.length;
      s.bytes = core.byteLength;
      n += changes.size;
    }
    if (n > 0) await this.#save();
    return n;
  }

  /**
   * Revokes `account`'s active shares of `app` to `to` whose core is not among `listed` (the core
   * keys, hex, of the share rows still on chain: the sender's vault opens its own rows too), once
   * older than `graceMs`: an `unshare` on chain stops the core being served at the next reconcile.
   */
  async revokeUnlisted(o: { app: string; account: string; to: string; listed: ReadonlySet<string>; graceMs?: number }): Promise<string[]> {
    const before = Date.now() - (o.graceMs ?? SHARE_LISTING_GRACE_MS);
    const gone = this.#shares.filter(
      (s) => !s.revoked && s.app === o.app && s.account === o.account && s.to === o.to && s.made <= before && !o.listed.has(s.core),
    );
    for (const s of gone) await this.#serial(() => this.#revoke(s.id));
    return gone.map((s) => s.id);
  }

  #serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.#writing.then(f, f);
    this.#writing = run.catch(() => {});
    return run;
  }

  /** The outgoing shares (no keys): id, to, path, folder, core, revoked, size. */
  list(): OutgoingListing[] {
    return this.#shares.map(outgoingListing);
  }

  /** The shares this host synced into its drives, with the position each last verified. */
  listIncoming(): IncomingListing[] {
    return this.#incoming.map(incomingListing);
  }

  /**
   * Revokes a share: its core is no longer served (open connections are dropped) nor written, and
   * is deleted from disk; its entry keeps no key, and only the newest MAX_REVOKED_SHARES_KEPT revoked
   * entries are kept.
   */
  revoke(id: string): Promise<void> {
    return this.#serial(() => this.#revoke(id));
  }

  /** Whether the core (hex) is one of this host's own outgoing shares (then it is never cleared as a replica). */
  #isOutgoing(core: string): boolean {
    return this.#shares.some((s) => s.core === core && !s.revoked);
  }

  /** Revoked entries keep no key, their cores are gone, and only the newest MAX_REVOKED_SHARES_KEPT stay. */
  async #collectRevoked(): Promise<void> {
    let changed = false;
    for (const s of this.#shares) {
      if (!s.revoked || (s.nonce === undefined && Object.keys(s.files).length === 0)) continue;
      s.revokedAt ??= Date.now();
      delete s.nonce;
      delete s.sealedKey;
      s.files = {};
      await this.cores.purgeOutgoing(s.id);
      changed = true;
    }
    const revoked = this.#shares.filter((x) => x.revoked).sort((x, y) => (y.revokedAt ?? 0) - (x.revokedAt ?? 0));
    for (const old of revoked.slice(MAX_REVOKED_SHARES_KEPT)) {
      this.#shares.splice(this.#shares.indexOf(old), 1);
      changed = true;
    }
    if (changed) await this.#save();
  }

  async #revoke(id: string): Promise<void> {
    const s = this.#shares.find((x) => x.id === id && !x.revoked);
    if (!s) throw new ShareError('SHARE_NOT_FOUND', 'no active share with that id');
    s.revoked = true;
    s.revokedAt = Date.now();
    await this.#save();
    this.server?.dropAll();
    const core = this.#open.get(id);
    this.#open.delete(id);
    await core?.close();
    await this.#collectRevoked();
  }

  /**
   * Opens a share for `account` (the recipient): replicates, checks, and saves its files into the
   * app's drive under `shared/<from>/`. Answers the paths saved and removed (relative to `shared/<from>/`).
   *
   * Incremental: a share synced before is read from the position its last sync verified (kept in
   * `incoming.json`), so only the blocks after it are downloaded, opened and checked; a core that
   * shrank or forked below that position is `SHARE_FORKED`. Once saved, the replica keeps only its
   * tree and its last block (the files are in the drive): its disk stays bounded.
   */
  open(r: OpenShareRequest): Promise<{ saved: string[]; removed: string[] }> {
    return this.#receiving(() => this.#openShare(r));
  }

  #receiving<T>(f: () => Promise<T>): Promise<T> {
    const run = this.#reading.then(f, f);
    this.#reading = run.catch(() => {});
    return run;
  }

  async #openShare(r: OpenShareRequest): Promise<{ saved: string[]; removed: string[] }> {
    if (!ACCOUNT_NAME_PATTERN.test(r.from)) throw new ShareError('SHARE_BAD_DESCRIPTOR', 'the sender is not an account name');
    const d = parseDescriptor(r.descriptor);
    const coreHex = Buffer.from(d.core).toString('hex');
    const rec = this.#incoming.find((x) => x.app === r.app && x.account === r.account && x.core === coreHex);
    if (rec && (rec.path !== d.path || rec.folder !== d.folder || rec.from !== r.from))
      throw new ShareError('SHARE_BAD_DESCRIPTOR', 'this core was shared before as another path or by another sender');
    const core = await this.cores.incoming(d.core);
    try {
      return await this.#syncInto(r, d, core, rec);
    } catch (e) {
      await this.#discardUnsaved(core, coreHex);
      throw e;
    }
  }

  /**
   * After a failed sync, the replica keeps nothing past what its records verified (the files saved):
   * the blocks downloaded after that are cleared, and a replica no record names is deleted. A sender
   * whose shares never fit cannot leave its cores on this host's disk (a later sync downloads again).
   */
  async #discardUnsaved(core: Hypercore, coreHex: string): Promise<void> {
    if (this.#isOutgoing(coreHex)) return; // a share to oneself: the core is the one this host serves
    const recs = this.#incoming.filter((x) => x.core === coreHex);
    try {
      if (recs.length === 0) await core.purge();
      else {
        const kept = Math.max(...recs.map((x) => x.position.length));
        if (core.length > kept) await core.clear(kept, core.length);
      }
    } catch {
      // the sync's own error is the one to report; forgetUnlisted deletes what is left
    }
  }

  async #syncInto(
    r: OpenShareRequest,
    d: ReturnType<typeof parseDescriptor>,
    core: Hypercore,
    rec: IncomingShare | undefined,
  ): Promise<{ saved: string[]; removed: string[] }> {
    const coreHex = Buffer.from(d.core).toString('hex');
    const length = await syncShare(core, d.at, {
      minLength: d.length,
      ...(r.timeoutMs !== undefined ? { timeoutMs: r.timeoutMs } : {}),
      ...(r.answerTimeoutMs !== undefined ? { answerTimeoutMs: r.answerTimeoutMs } : {}),
      ...(rec ? { verified: rec.position } : {}),
      quota: { maxBytes: r.maxBytes, verifiedBytes: rec?.bytes ?? 0 },
    });
    const state = await readShare(core, {
      contentKey: d.key,
      root: d.path,
      folder: d.folder,
      length,
      maxLiveBytes: r.maxBytes,
      ...(rec ? { start: rec.position.length, prior: new Map(Object.entries(rec.files)) } : {}),
    });
    const drive = await this.#drive(r.app, r.account, r.accountKey, r.maxBytes);
    const target = (p: string): string => `${SHARED}/${r.from}/${underRoot(p)}`;
    const before = new Map<string, Uint8Array | null>();
    const saved: string[] = [];
    const removed: string[] = [];
    try {
      for (const [p, content] of state) {
        const old = drive.read(target(p), 0, MAX_FS_FILE_BYTES);
        const prev = old.ok ? old.value : null;
        if (content === null) {
          if (prev === null) continue;
          before.set(p, prev);
          if (!drive.remove(target(p)).ok) throw new ShareError('SHARE_DRIVE', `cannot remove ${target(p)}`);
          removed.push(underRoot(p));
        } else {
          if (prev !== null && Buffer.from(prev).equals(content)) continue;
          before.set(p, prev);
          const w = drive.writeFile(target(p), content);
          if (!w.ok) throw new ShareError('SHARE_DRIVE', `cannot save ${target(p)} (drive error ${w.code}: quota or a folder in the way)`);
          saved.push(underRoot(p));
        }
      }
    } catch (e) {
      for (const [p, prev] of before) {
        if (prev === null) drive.remove(target(p));
        else drive.writeFile(target(p), prev);
      }
      throw e;
    }
    // the record keeps each live path's size (at most MAX_SHARE_FILES): a removed path is dropped
    // (a later removal of it removes nothing; a later write counts it again)
    const files: Record<string, number> = {};
    for (const [p, n] of Object.entries(rec?.files ?? {})) if (n !== null) files[p] = n;
    for (const [p, c] of state) {
      if (c === null) delete files[p];
      else files[p] = c.length;
    }
    const next: IncomingShare = {
      app: r.app,
      account: r.account,
      from: r.from,
      path: d.path,
      folder: d.folder,
      core: coreHex,
      position: await positionOf(core, length),
      files,
      bytes: core.byteLength,
      synced: Date.now(),
    };
    if (rec) this.#incoming.splice(this.#incoming.indexOf(rec), 1, next);
    else this.#incoming.push(next);
    await writeIncoming(this.o.home, this.#incoming);
    // the files are in the drive now: the replica keeps its tree and last block (what the next sync's
    // check reads); not when the core is one this host shares (a share to oneself): that one is served
    if (length > 1 && !this.#isOutgoing(coreHex)) await core.clear(0, length - 1);
    return { saved, removed };
  }

  /**
   * Forgets `account`'s incoming shares in `app` whose core is not among `listed` (hex keys of the
   * share rows still in the account's scope): their replicas are deleted from disk and their records
   * dropped. The files they saved stay in the drive. Replicas that no record names (of any app)
   * are deleted too. Answers the cores forgotten.
   */
  forgetUnlisted(o: { app: string; account: string; listed: ReadonlySet<string> }): Promise<string[]> {
    return this.#receiving(async () => {
      const gone = this.#incoming.filter((x) => x.app === o.app && x.account === o.account && !o.listed.has(x.core));
      if (gone.length > 0) {
        for (const x of gone) this.#incoming.splice(this.#incoming.indexOf(x), 1);
        await writeIncoming(this.o.home, this.#incoming);
        for (const x of gone) if (!this.#isOutgoing(x.core)) await this.cores.purgeIncoming(Buffer.from(x.core, 'hex'));
      }
      // and any replica no record names (a sync that stopped before its record was written): no
      // sync runs meanwhile (syncs and this run one at a time), so none of them is being filled
      const orphans: string[] = [];
      for (const key of await this.cores.replicas()) {
        const hex = key.toString('hex');
        if (this.#incoming.some((x) => x.core === hex) || this.#isOutgoing(hex) || gone.some((x) => x.core === hex)) continue;
        await this.cores.purgeIncoming(key);
        orphans.push(hex);
      }
      return [...gone.map((x) => x.core), ...orphans];
    });
  }

  async close(): Promise<void> {
    await this.server?.close();
    await this.cores.close();
  }
}
