/**
 * The `.peeros` container: a flat list of (path, bytes) entries in one fully specified layout
 * (docs/packages.md), with no times, modes, owners or links — so the same files always make the
 * same bytes, and there is nothing for an extractor to get wrong:
 *
 *   "PEEROSPK" (8 bytes) ‖ u8 format version (1) ‖ u32be entry count
 *   ‖ entries, paths in strictly ascending byte order:
 *       u16be(len path) ‖ path (UTF-8, package-path.ts) ‖ u32be(len data) ‖ data
 *   ‖ sha256 of every byte before it (32 bytes)
 *
 * The decoder trusts nothing: the checksum first (any changed byte is refused), then every count
 * and length against its cap and against the bytes that remain before anything is sliced; paths
 * must be valid and strictly ascending (no duplicates, one canonical order), and must not collide
 * when case is ignored (two entries that would be one file on macOS or Windows). Nothing may follow
 * the last entry but the checksum. Failures are HostError PACKAGE_INVALID (LIMIT_EXCEEDED for caps).
 */
import { createHash } from 'node:crypto';
import { HostError } from '../errors.js';
import { comparePaths } from '../app-identity/package-hash.js';
import { packagePathProblem } from './package-path.js';
import { MAX_PACKAGE_ENTRIES } from './limits.js';

export const ARCHIVE_MAGIC = 'PEEROSPK';
export const ARCHIVE_VERSION = 1;
const HEADER_BYTES = 8 + 1 + 4;
const CHECKSUM_BYTES = 32;

export interface ArchiveEntry {
  path: string;
  data: Uint8Array;
}

export interface DecodeLimits {
  /** The largest data accepted for the entry at `path`. */
  maxEntryBytes(path: string): number;
  /** The largest sum of all entries' data. */
  maxTotalBytes: number;
}

function invalid(what: string, why: string): HostError {
  return new HostError('PACKAGE_INVALID', `${what}: ${why}; nothing was installed (get the package again from its publisher)`);
}

/** Encodes `entries` (any order; sorted here). Refuses invalid or duplicate paths: a packer bug, not input. */
export function encodeArchive(entries: readonly ArchiveEntry[]): Uint8Array {
  const sorted = [...entries].sort((a, b) => comparePaths(a.path, b.path));
  const paths = sorted.map((e) => Buffer.from(e.path, 'utf8'));
  let previous: string | undefined;
  let size = HEADER_BYTES + CHECKSUM_BYTES;
  sorted.forEach((e, i) => {
    const problem = packagePathProblem(e.path);
    if (problem) throw invalid(`package entry ${JSON.stringify(e.path.slice(0, 80))}`, `not a package path (${problem})`);
    if (previous === e.path) throw invalid(`package entry ${e.path}`, 'given twice');
    previous = e.path;
    size += 2 + paths[i]!.length + 4 + e.data.length;
  });
  // one buffer, written once: a package is mostly its module, so no part is copied twice
  const out = Buffer.allocUnsafe(size);
  out.write(ARCHIVE_MAGIC, 0, 'latin1');
  out.writeUInt8(ARCHIVE_VERSION, 8);
  out.writeUInt32BE(sorted.length, 9);
  let at = HEADER_BYTES;
  sorted.forEach((e, i) => {
    const path = paths[i]!;
    at = out.writeUInt16BE(path.length, at);
    at += path.copy(out, at);
    at = out.writeUInt32BE(e.data.length, at);
    out.set(e.data, at);
    at += e.data.length;
  });
  createHash('sha256').update(out.subarray(0, at)).digest().copy(out, at);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Decodes a package file's bytes (`what` names it in messages); see the module doc for every check. */
export function decodeArchive(bytes: Uint8Array, limits: DecodeLimits, what = 'package'): ArchiveEntry[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < HEADER_BYTES + CHECKSUM_BYTES || buf.toString('latin1', 0, 8) !== ARCHIVE_MAGIC)
    throw invalid(what, 'not a .peeros package (it does not start with "PEEROSPK"), or it is truncated');
  const end = buf.length - CHECKSUM_BYTES;
  const sum = createHash('sha256').update(buf.subarray(0, end)).digest();
  if (!sum.equals(buf.subarray(end)))
    throw invalid(what, 'its checksum does not match its content: the file is damaged, truncated or was changed');
  const version = buf.readUInt8(8);
  if (version !== ARCHIVE_VERSION) throw invalid(what, `it is format version ${version}; this host reads version ${ARCHIVE_VERSION}`);
  const count = buf.readUInt32BE(9);
  if (count > MAX_PACKAGE_ENTRIES)
    throw new HostError(
      'LIMIT_EXCEEDED',
      `${what}: it declares ${count} entries, more than the ${MAX_PACKAGE_ENTRIES}-entry limit; nothing was installed`,
    );
  const entries: ArchiveEntry[] = [];
  const folded = new Set<string>();
  let at = HEADER_BYTES;
  let total = 0;
  let previous: string | undefined;
  for (let i = 0; i < count; i++) {
    if (end - at < 2) throw invalid(what, `entry ${i} of ${count} is cut off`);
    const pathLen = buf.readUInt16BE(at);
    at += 2;
    if (end - at < pathLen + 4) throw invalid(what, `entry ${i} declares a ${pathLen}-byte path, longer than what remains`);
    const rawPath = buf.subarray(at, at + pathLen);
    at += pathLen;
    let path: string;
    try {
      path = new TextDecoder('utf-8', { fatal: true }).decode(rawPath);
    } catch {
      throw invalid(what, `entry ${i}'s path is not valid UTF-8`);
    }
    const problem = packagePathProblem(path);
    if (problem) throw invalid(what, `entry ${i}'s path ${JSON.stringify(path.slice(0, 80))} is not allowed: ${problem}`);
    if (previous !== undefined && comparePaths(previous, path) >= 0)
      throw invalid(
        what,
        comparePaths(previous, path) === 0 ? `entry ${path} appears twice` : `entry ${path} is out of order (after ${previous})`,
      );
    const key = path.toLowerCase();
    if (folded.has(key)) throw invalid(what, `entry ${path} differs from another only in case (one file on some systems)`);
    folded.add(key);
    previous = path;
    const len = buf.readUInt32BE(at);
    at += 4;
    const cap = limits.maxEntryBytes(path);
    if (len > cap)
      throw new HostError(
        'LIMIT_EXCEEDED',
        `${what}: entry ${path} declares ${len} bytes, more than its ${cap}-byte limit; nothing was installed`,
      );
    total += len;
    if (total > limits.maxTotalBytes)
      throw new HostError(
        'LIMIT_EXCEEDED',
        `${what}: its entries declare more than the ${limits.maxTotalBytes}-byte limit in total; nothing was installed`,
      );
    if (end - at < len) throw invalid(what, `entry ${path} declares ${len} bytes, but only ${end - at} remain (truncated)`);
    entries.push({ path, data: new Uint8Array(buf.buffer, buf.byteOffset + at, len) }); // a view: the caller owns the bytes
    at += len;
  }
  if (at !== end) throw invalid(what, `${end - at} unexpected bytes follow the last entry`);
  return entries;
}
