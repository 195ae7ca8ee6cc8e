/**
 * Test-only: records, in order, what reaches the disk through node:fs — writes, fsync/fdatasync,
 * renames — by wrapping the sync functions and the promise API's FileHandle methods in this
 * process, then `syncBuiltinESMExports()` so modules that imported them by name see the wrappers.
 *
 * `problems(events)` reads the record as a crash would: a file whose last write has no sync after
 * it, or a rename whose directory was not synced afterwards, may be lost by a power cut. A call that
 * resolved while `problems` is non-empty acknowledged something that was not durable yet.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { dirname, resolve } from 'node:path';

export type FsEvent = { op: 'write'; path: string } | { op: 'sync'; path: string } | { op: 'rename'; from: string; to: string };

type AnyFn = (...args: any[]) => any;

export class FsTrace {
  readonly events: FsEvent[] = [];
  #undo: (() => void)[] = [];
  #fdPath = new Map<number, string>();
  #handlePath = new WeakMap<object, string>();

  /** Starts recording every file under `root` (other files are ignored). */
  static async start(root: string): Promise<FsTrace> {
    const t = new FsTrace();
    await t.#install(resolve(root));
    return t;
  }

  stop(): void {
    for (const undo of this.#undo.reverse()) undo();
    this.#undo = [];
    syncBuiltinESMExports();
  }

  /** Events so far, as a readable list (for failure messages). */
  dump(from = 0): string {
    return this.events
      .slice(from)
      .map((e) => (e.op === 'rename' ? `rename ${e.from} -> ${e.to}` : `${e.op} ${e.path}`))
      .join('\n');
  }

  #patch(obj: Record<string, any>, name: string, wrap: (orig: AnyFn) => AnyFn): void {
    const orig = obj[name] as AnyFn;
    obj[name] = wrap(orig);
    this.#undo.push(() => {
      obj[name] = orig;
    });
  }

  async #install(root: string): Promise<void> {
    const inRoot = (p: string | undefined): p is string => p !== undefined && (p === root || p.startsWith(`${root}/`));
    const rec = (e: FsEvent) => {
      const p = e.op === 'rename' ? e.to : e.path;
      if (inRoot(p)) this.events.push(e);
    };
    const pathOf = (p: unknown): string | undefined =>
      typeof p === 'string' ? resolve(p) : p instanceof URL ? resolve(p.pathname) : undefined;
    const fdPath = this.#fdPath;
    const handlePath = this.#handlePath;
    const syncFs = fs as unknown as Record<string, any>;

    this.#patch(syncFs, 'openSync', (orig) => (path: unknown, ...rest: unknown[]) => {
      const fd = orig(path, ...rest) as number;
      const p = pathOf(path);
      if (p) fdPath.set(fd, p);
      return fd;
    });
    this.#patch(syncFs, 'closeSync', (orig) => (fd: number) => {
      fdPath.delete(fd);
      return orig(fd);
    });
    for (const name of ['writeSync', 'writevSync']) {
      this.#patch(syncFs, name, (orig) => (fd: number, ...rest: unknown[]) => {
        const r = orig(fd, ...rest);
        const p = fdPath.get(fd);
        if (p) rec({ op: 'write', path: p });
        return r;
      });
    }
    for (const name of ['writeFileSync', 'appendFileSync']) {
      this.#patch(syncFs, name, (orig) => (file: unknown, ...rest: unknown[]) => {
        const r = orig(file, ...rest);
        const p = typeof file === 'number' ? fdPath.get(file) : pathOf(file);
        if (p) rec({ op: 'write', path: p });
        return r;
      });
    }
    for (const name of ['fsyncSync', 'fdatasyncSync']) {
      this.#patch(syncFs, name, (orig) => (fd: number) => {
        const r = orig(fd);
        const p = fdPath.get(fd);
        if (p) rec({ op: 'sync', path: p });
        return r;
      });
    }
    // the callback forms: the sync is recorded when it completed, as the FileHandle one below
    for (const name of ['fsync', 'fdatasync']) {
      this.#patch(syncFs, name, (orig) => (fd: number, cb: (err: unknown) => void) => {
        const p = fdPath.get(fd);
        return orig(fd, (err: unknown) => {
          if (!err && p) rec({ op: 'sync', path: p });
          cb(err);
        });
      });
    }
    this.#patch(syncFs, 'renameSync', (orig) => (from: unknown, to: unknown) => {
      const r = orig(from, to);
      rec({ op: 'rename', from: pathOf(from)!, to: pathOf(to)! });
      return r;
    });

    const promises = fsp as unknown as Record<string, any>;
    this.#patch(promises, 'open', (orig) => async (path: unknown, ...rest: unknown[]) => {
      const fh = await orig(path, ...rest);
      const p = pathOf(path);
      if (p) handlePath.set(fh, p);
      return fh;
    });
    this.#patch(promises, 'rename', (orig) => async (from: unknown, to: unknown) => {
      const r = await orig(from, to);
      rec({ op: 'rename', from: pathOf(from)!, to: pathOf(to)! });
      return r;
    });
    for (const name of ['writeFile', 'appendFile']) {
      this.#patch(promises, name, (orig) => async (file: unknown, ...rest: unknown[]) => {
        const r = await orig(file, ...rest);
        const p = typeof file === 'object' && file !== null && handlePath.has(file) ? handlePath.get(file) : pathOf(file);
        if (p) rec({ op: 'write', path: p });
        return r;
      });
    }
    // FileHandle methods live on its prototype; take it from a handle of our own.
    const probe = await fsp.open(process.execPath, 'r');
    const proto = Object.getPrototypeOf(probe) as Record<string, any>;
    await probe.close();
    for (const name of ['write', 'writev', 'writeFile', 'appendFile']) {
      this.#patch(
        proto,
        name,
        (orig) =>
          async function (this: object, ...args: unknown[]) {
            const r = await orig.apply(this, args);
            const p = handlePath.get(this);
            if (p) rec({ op: 'write', path: p });
            return r;
          },
      );
    }
    for (const name of ['sync', 'datasync']) {
      this.#patch(
        proto,
        name,
        (orig) =>
          async function (this: object) {
            const r = await orig.apply(this, []);
            const p = handlePath.get(this);
            if (p) rec({ op: 'sync', path: p });
            return r;
          },
      );
    }
    syncBuiltinESMExports();
  }
}

const LOCK_FILE = /\.lock(\.[0-9a-f]+\.tmp)?$/;

/**
 * What a power cut right now could lose: files written since their last sync, and renames not yet
 * made durable by a sync of their directory. Temp files renamed away count through their new name.
 */
export function problems(events: readonly FsEvent[]): string[] {
  // Lock files (lib/file-lock.ts: `X.lock`, written via a temp file) coordinate processes; they
  // hold no data to lose, and a crash releases them by design.
  events = events.filter((e) => !LOCK_FILE.test(e.op === 'rename' ? e.to : e.path));
  const unsynced = new Map<string, number>(); // path → index of a write not yet synced
  const renames = new Map<string, number>(); // directory → index of a rename not yet synced
  const out: string[] = [];
  events.forEach((e, i) => {
    if (e.op === 'write') unsynced.set(e.path, i);
    else if (e.op === 'sync') {
      unsynced.delete(e.path);
      renames.delete(e.path);
    } else {
      if (unsynced.has(e.from)) out.push(`${e.from} renamed to ${e.to} before its data was synced`);
      unsynced.delete(e.from);
      renames.set(dirname(e.to), i);
    }
  });
  for (const p of unsynced.keys()) out.push(`${p} written but not synced`);
  for (const d of renames.keys()) out.push(`a rename into ${d} without a sync of the directory after it`);
  return out;
}
