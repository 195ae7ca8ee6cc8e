/**
 * The store layout before the log (PeerOS ≤ 0.1): one file per key under the app's data
 * directory, named by the sha256 of the key, holding `"PKV1" ‖ u16 key length (LE) ‖ key ‖ value`.
 * Each file took at least one 4 KiB disk block, so a 4 KiB quota of tiny keys used megabytes.
 * Read once, when a store without a log is first opened, to migrate it (see app-store.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const LEGACY_MAGIC = [0x50, 0x4b, 0x56, 0x31]; // "PKV1"
const LEGACY_HEADER = 6;

export interface LegacyEntry {
  /** File name inside the data directory. */
  file: string;
  key: string;
  value: Uint8Array;
}

/** The old per-key files in `dir` that carry the old magic; other files are not ours and are left alone. */
export function readLegacyEntries(dir: string): LegacyEntry[] {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const out: LegacyEntry[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.kv')) continue;
    const data = readFileSync(join(dir, file));
    if (data.length < LEGACY_HEADER || LEGACY_MAGIC.some((b, i) => data[i] !== b)) continue;
    const klen = data[4]! | (data[5]! << 8);
    if (klen === 0 || LEGACY_HEADER + klen > data.length) continue;
    let key: string;
    try {
      key = utf8.decode(data.subarray(LEGACY_HEADER, LEGACY_HEADER + klen));
    } catch {
      continue;
    }
    out.push({ file, key, value: data.subarray(LEGACY_HEADER + klen) });
  }
  return out;
}
