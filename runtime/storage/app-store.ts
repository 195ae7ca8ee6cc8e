/**
 * An app's private key/value store on disk: one file per key under the app's data directory,
 * named by the sha256 of the key (keys may be 256 bytes, longer than a file name may be), holding
 * `"PKV1" ‖ u16 key length (LE) ‖ key ‖ value`. A write is a temp file + fsync + rename + fsync of
 * the directory (`writeFileAtomicSync`), so a crash leaves the old value or the new one; a delete
 * unlinks and fsyncs the directory.
 *
 * The key index (key → size) is read once, when the store is first used, and kept in memory; one
 * worker per app is the only writer while the host runs.
 */
import { mkdirSync, readdirSync, readFileSync, unlinkSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../atomic-file.js';

const MAGIC = [0x50, 0x4b, 0x56, 0x31]; // "PKV1"
const HEADER = 6;

export class AppStore {
  #index: Map<string, number> | undefined;
  #used = 0;

  constructor(readonly dir: string) {}

  #file(key: string): string {
    return join(this.dir, createHash('sha256').update(key).digest('hex') + '.kv');
  }

  #load(): Map<string, number> {
    if (this.#index) return this.#index;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const index = new Map<string, number>();
    let used = 0;
    for (const f of readdirSync(this.dir)) {
      if (!f.endsWith('.kv')) continue;
      const data = readFileSync(join(this.dir, f));
      if (data.length < HEADER || MAGIC.some((b, i) => data[i] !== b)) continue; // not ours
      const klen = data[4]! | (data[5]! << 8);
      const key = data.subarray(HEADER, HEADER + klen).toString('utf8');
      index.set(key, data.length - HEADER);
      used += data.length - HEADER;
    }
    this.#index = index;
    this.#used = used;
    return index;
  }

  /** Bytes in use (keys + values). */
  get usedBytes(): number {
    this.#load();
    return this.#used;
  }

  /** Size (key + value) currently stored under `key`, 0 when absent. */
  sizeOf(key: string): number {
    return this.#load().get(key) ?? 0;
  }

  get(key: string): Uint8Array | undefined {
    if (!this.#load().has(key)) return undefined;
    const data = readFileSync(this.#file(key));
    const klen = data[4]! | (data[5]! << 8);
    return data.subarray(HEADER + klen);
  }

  set(key: string, value: Uint8Array): void {
    const index = this.#load();
    const k = Buffer.from(key, 'utf8');
    const rec = Buffer.allocUnsafe(HEADER + k.length + value.length);
    rec.set(MAGIC, 0);
    rec[4] = k.length & 0xff;
    rec[5] = k.length >> 8;
    rec.set(k, HEADER);
    rec.set(value, HEADER + k.length);
    writeFileAtomicSync(this.#file(key), rec);
    this.#used += k.length + value.length - (index.get(key) ?? 0);
    index.set(key, k.length + value.length);
  }

  /** Removes `key`; false when there was none. */
  delete(key: string): boolean {
    const index = this.#load();
    const size = index.get(key);
    if (size === undefined) return false;
    unlinkSync(this.#file(key));
    const fd = openSync(this.dir, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
    index.delete(key);
    this.#used -= size;
    return true;
  }

  /** Keys starting with `prefix`, sorted by UTF-16 code units, at most `limit`. */
  list(prefix: string, limit: number): string[] {
    const keys: string[] = [];
    for (const k of this.#load().keys()) if (k.startsWith(prefix)) keys.push(k);
    keys.sort();
    return keys.length > limit ? keys.slice(0, limit) : keys;
  }
}
