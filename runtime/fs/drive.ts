/**
 * One drive of the hybrid file system: the files of one (account, app), kept in an append-only
 * record log (runtime/storage/app-store.ts: a record per file, path → bytes) under
 * `<app data>/fs/<account>/`. It inherits the log's guarantees: a write returns after its record is
 * fdatasynced, a torn tail is cut on the next open, the file stays within 2 × quota + 4 KiB.
 *
 * Folders are implicit (as in hyperdrive and object stores): a folder exists while a file below it
 * does. An in-memory index (folder → number of files below it and its entries, sorted) answers "is
 * this a folder" in O(1), so a file can never sit where a folder is or below a file, and lists a
 * folder in O(its entries), whatever else the drive holds. Paths reaching here are already valid
 * (fs-path.ts) and inside the app's grant (runtime/isa/fs.ts): this class enforces the quota, the
 * file-size cap and the file/folder rules; every refusal is an ISA error code.
 *
 * The quota counts what the drive makes the host hold, not only the bytes on disk: each file is
 * charged the log's per-record charge (`STORAGE_RECORD_OVERHEAD_BYTES`, its index entry) and each
 * folder `FS_FOLDER_CHARGE_BYTES` (its node in the folder index), so the index an app can pin stays
 * below its quota however it shapes its tree (many tiny files, deep unique folders).
 *
 * Given a 32-byte drive key, every file is stored encrypted (file-seal.ts: AES-256-GCM, the path as
 * additional data, so a record cannot be moved to another path or altered unnoticed); sizes and the
 * quota then count 28 bytes more per file. A record that does not open answers `internal`.
 */
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import { FILE_SEAL_OVERHEAD, openFile, sealFile } from './file-seal.js';
import { FS_FOLDER_CHARGE_BYTES, MAX_FS_FILE_BYTES } from '../limits.js';
import { join } from 'node:path';
import { AppStore } from '../storage/app-store.js';

/** The drive folder of an app's data directory for `account` (none: before any login). */
export function driveDir(dataDir: string, account: string | undefined): string {
  return join(dataDir, 'fs', account ?? '_nosession');
}

export interface FsEntry {
  name: string;
  dir: boolean;
  /** A file's size in bytes; a folder's: 0 in a listing, its file count in `stat`. */
  size: number;
}

/** A value or the ISA error code that refused it. */
export type FsResult<T> = { ok: true; value: T } | { ok: false; code: IsaErrorCode };
const fail = (code: IsaErrorCode): { ok: false; code: IsaErrorCode } => ({ ok: false, code });

/** The folders above `path`, nearest to the root first (`a/b/c` → `a`, `a/b`). */
function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i));
  return out;
}

/** The parent folder of `path`, undefined at the top. */
function parentOf(path: string): string | undefined {
  const i = path.lastIndexOf('/');
  return i < 0 ? undefined : path.slice(0, i);
}

/** Where `path` is or would go in the sorted `paths`. */
function place(paths: string[], path: string): number {
  let lo = 0;
  let hi = paths.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (paths[mid]! < path) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Puts `path` into the sorted `paths` unless there. */
function insert(paths: string[], path: string): void {
  const i = place(paths, path);
  if (paths[i] !== path) paths.splice(i, 0, path);
}

/** Takes `path` out of the sorted `paths` if there. */
function drop(paths: string[], path: string): void {
  const i = place(paths, path);
  if (paths[i] === path) paths.splice(i, 1);
}

/** One folder of the index. */
interface Folder {
  /** Files anywhere below it (a folder's `stat` size). */
  files: number;
  /**
   * The full paths of its entries (files and folders directly inside), sorted: the store's key or
   * the index's own folder key, the same string, so an entry costs one array slot. Entries share the
   * folder's prefix, so they sort as their names do.
   */
  entries: string[];
}

export class Drive {
  readonly #store: AppStore;
  readonly #key: Uint8Array | undefined;
  #folders: Map<string, Folder> | undefined;
  /** The store's generation the folder index was built from (another process's write makes it stale). */
  #foldersAt = -1;

  /** `maxBytes`: the drive's quota (paths + stored contents + the log's per-record charge); `key`: encrypt files with it. */
  constructor(
    readonly dir: string,
    readonly maxBytes: number,
    opts: { key?: Uint8Array } = {},
  ) {
    this.#store = new AppStore(dir);
    if (opts.key !== undefined && opts.key.length !== 32) throw new RangeError(`a drive key is 32 bytes, got ${opts.key.length}`);
    this.#key = opts.key;
  }

  /** Whether files are stored encrypted. */
  get encrypted(): boolean {
    return this.#key !== undefined;
  }

  /** A file's size as the app sees it (stored size less the seal), undefined when absent. */
  #size(path: string): number | undefined {
    const stored = this.#store.valueBytes(path);
    return stored === undefined || !this.#key ? stored : stored - FILE_SEAL_OVERHEAD;
  }

  /** A file's whole content, opened when encrypted. */
  #content(path: string): FsResult<Uint8Array> {
    const stored = this.#store.get(path);
    if (!stored) return fail(IsaErrorCode.NOT_FOUND);
    if (!this.#key) return { ok: true, value: stored };
    const plain = openFile(this.#key, path, stored);
    return plain ? { ok: true, value: plain } : fail(IsaErrorCode.INTERNAL);
  }

  /** Bytes charged against the quota: the files' records and the folders. */
  get usedBytes(): number {
    return this.#store.usedBytes + this.#index().size * FS_FOLDER_CHARGE_BYTES;
  }

  #index(): Map<string, Folder> {
    const generation = this.#store.generation;
    if (this.#folders && this.#foldersAt === generation) return this.#folders;
    this.#foldersAt = generation;
    const folders = new Map<string, Folder>();
    for (const key of this.#store.keys()) {
      let parent: Folder | undefined;
      for (const f of ancestors(key)) {
        let folder = folders.get(f);
        if (!folder) {
          folder = { files: 0, entries: [] };
          folders.set(f, folder);
          parent?.entries.push(f);
        }
        folder.files++;
        parent = folder;
      }
      parent?.entries.push(key);
    }
    for (const folder of folders.values()) {
      // a path both a file and a folder (a log not written through a drive) is listed once
      folder.entries = [...new Set(folder.entries.sort())];
    }
    this.#folders = folders;
    return folders;
  }

  /** Adds the new file `path` to the index: counts above it, the folders it creates, its entry. */
  #indexFile(path: string): void {
    const index = this.#index();
    let parent: Folder | undefined;
    for (const f of ancestors(path)) {
      let folder = index.get(f);
      if (!folder) {
        folder = { files: 0, entries: [] };
        index.set(f, folder);
        if (parent) insert(parent.entries, f);
      }
      folder.files++;
      parent = folder;
    }
    if (parent) insert(parent.entries, path);
  }

  /** Takes the removed file `path` out of the index: counts above it, its entry, the folders it empties. */
  #unindexFile(path: string): void {
    const index = this.#index();
    let gone = path;
    for (let f = parentOf(path); f !== undefined; f = parentOf(f)) {
      const folder = index.get(f);
      if (!folder) continue;
      if (gone) drop(folder.entries, gone);
      folder.files--;
      gone = '';
      if (folder.files <= 0) {
        index.delete(f);
        gone = f; // emptied: its parent loses it too
      }
    }
  }

  /** The folders `path` would create (those above it not in the index yet). */
  #newFolders(path: string): number {
    const index = this.#index();
    let n = 0;
    for (const f of ancestors(path)) if (!index.has(f)) n++;
    return n;
  }

  /** Whether a new file may be created at `path`: it is not a folder and no folder above it is a file. */
  #creatable(path: string): boolean {
    if (this.#index().has(path)) return false;
    for (const f of ancestors(path)) if (this.#store.valueBytes(f) !== undefined) return false;
    return true;
  }

  #put(path: string, data: Uint8Array): FsResult<void> {
    if (data.length > MAX_FS_FILE_BYTES) return fail(IsaErrorCode.LIMIT_EXCEEDED);
    const existed = this.#store.valueBytes(path) !== undefined;
    if (!existed && !this.#creatable(path)) return fail(IsaErrorCode.INVALID_ARGUMENT);
    const stored = this.#key ? FILE_SEAL_OVERHEAD + data.length : data.length;
    const charge =
      AppStore.charge(Buffer.byteLength(path, 'utf8'), stored) + (existed ? 0 : this.#newFolders(path) * FS_FOLDER_CHARGE_BYTES);
    if (this.usedBytes - this.#store.sizeOf(path) + charge > this.maxBytes) return fail(IsaErrorCode.LIMIT_EXCEEDED);
    this.#store.set(path, this.#key ? sealFile(this.#key, path, data) : data);
    if (!existed) this.#indexFile(path);
    return { ok: true, value: undefined };
  }

  read(path: string, offset: number, len: number): FsResult<Uint8Array> {
    if (this.#key) {
      // an encrypted record opens only whole (the tag covers it all)
      const whole = this.#content(path);
      if (!whole.ok) return whole;
      const start = Math.min(offset, whole.value.length);
      return { ok: true, value: whole.value.subarray(start, Math.min(whole.value.length, start + len)) };
    }
    const bytes = this.#store.getRange(path, offset, len);
    return bytes ? { ok: true, value: bytes } : fail(IsaErrorCode.NOT_FOUND);
  }

  writeFile(path: string, data: Uint8Array): FsResult<void> {
    return this.#put(path, data);
  }

  /** Writes `data` at `offset` ≤ the file's size (no holes); the file's record is rewritten whole. */
  write(path: string, offset: number, data: Uint8Array): FsResult<void> {
    const size = this.#size(path) ?? (offset === 0 ? 0 : undefined);
    if (size === undefined) return fail(IsaErrorCode.NOT_FOUND);
    if (offset > size) return fail(IsaErrorCode.INVALID_ARGUMENT);
    const end = offset + data.length;
    if (end > MAX_FS_FILE_BYTES) return fail(IsaErrorCode.LIMIT_EXCEEDED);
    const next = new Uint8Array(Math.max(size, end));
    if (this.#store.valueBytes(path) !== undefined) {
      const old = this.#content(path);
      if (!old.ok) return old;
      next.set(old.value, 0);
    }
    next.set(data, offset);
    return this.#put(path, next);
  }

  /** The entries directly inside `folder`, sorted by name, at most `limit`: O(limit), whatever else the drive holds. */
  list(folder: string, limit: number): FsResult<FsEntry[]> {
    const node = this.#index().get(folder);
    if (!node) return fail(this.#store.valueBytes(folder) !== undefined ? IsaErrorCode.INVALID_ARGUMENT : IsaErrorCode.NOT_FOUND);
    const cut = folder.length + 1;
    return {
      ok: true,
      value: node.entries.slice(0, limit).map((p) => {
        const size = this.#size(p);
        return size === undefined ? { name: p.slice(cut), dir: true, size: 0 } : { name: p.slice(cut), dir: false, size };
      }),
    };
  }

  /**
   * Every file below `folder`, depth first in name order (a folder's files where its name sorts),
   * from the index: O(the files below it) however many the drive holds; stop early by breaking out.
   * Nothing when `folder` is no folder.
   */
  *files(folder: string): Generator<string> {
    const node = this.#index().get(folder);
    if (!node) return;
    for (const p of [...node.entries]) {
      if (this.#store.valueBytes(p) !== undefined) yield p;
      else yield* this.files(p);
    }
  }

  stat(path: string): FsResult<{ dir: boolean; size: number }> {
    const size = this.#size(path);
    if (size !== undefined) return { ok: true, value: { dir: false, size } };
    const folder = this.#index().get(path);
    return folder === undefined ? fail(IsaErrorCode.NOT_FOUND) : { ok: true, value: { dir: true, size: folder.files } };
  }

  remove(path: string): FsResult<void> {
    this.#index(); // current before the delete, so a rebuild cannot happen between it and the update
    if (!this.#store.delete(path)) return fail(IsaErrorCode.NOT_FOUND);
    this.#unindexFile(path);
    return { ok: true, value: undefined };
  }

  /** Renames file `source` to `target` (replacing a file there); one new record, then the old one removed. */
  rename(source: string, target: string): FsResult<void> {
    if (this.#store.valueBytes(source) === undefined) return fail(IsaErrorCode.NOT_FOUND);
    if (source === target) return { ok: true, value: undefined };
    const content = this.#content(source); // opened and sealed again: the path is part of the seal
    if (!content.ok) return content;
    const put = this.#put(target, content.value);
    if (!put.ok) return put;
    return this.remove(source);
  }
}
