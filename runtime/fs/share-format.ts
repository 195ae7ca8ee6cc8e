/**
 * The bytes of a peer-to-peer share: a hypercore whose every block is sealed with the share's
 * random 32-byte content key (AES-256-GCM, a random 12-byte nonce per block; stored
 * `nonce ‖ ciphertext ‖ tag`). The additional data of block `i` is the domain tag, the core's
 * public key and `i` (u64 big-endian): a block moved to another place or another core, or altered,
 * does not open. Hypercore itself signs the core's tree with the writer's key, so a replicating
 * peer cannot forge or reorder blocks either; this layer is what keeps the content secret and what
 * catches a hostile *writer*.
 *
 * A block's plaintext is `kind (1 byte) ‖ body`:
 * - `FILE`: JSON `{"path", "size", "chunks", "sha256"}`; the file's `chunks` chunk blocks follow it
 *   directly (none for an empty file): the length commitment.
 * - `CHUNK`: `final (1 byte: 1 on the file's last chunk, else 0) ‖ 1..SHARE_CHUNK_BYTES bytes`; every
 *   chunk but the last is full. The reader checks the count, the final marker, the size and the
 *   SHA-256 before a file counts: a file cut short, padded or reordered never reaches a drive.
 * - `REMOVE`: JSON `{"path"}`: a file of a shared folder was removed (a path the share never named
 *   removes nothing, and every path a block names counts toward MAX_SHARE_FILES).
 *
 * Paths are relative to the sender's `files/` root (dBox's own paths) and must stay inside the
 * share: the shared file itself, or below the shared folder.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { MAX_FS_FILE_BYTES, MAX_FS_MAX_BYTES, MAX_FS_PATH_BYTES } from '../limits.js';
import { fsPathProblem } from './fs-path.js';
import { ShareError } from './share-error.js';

/** Domain tag of a share block's additional data; versioned with the format. */
export const TAG_SHARE_BLOCK_AAD = 'peeros-share/v1/block';
/** Content bytes in one chunk block. */
export const SHARE_CHUNK_BYTES = 64 * 1024;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Bytes a sealed block adds to its plaintext. */
export const SHARE_BLOCK_OVERHEAD = NONCE_BYTES + TAG_BYTES;
/** Largest FILE or REMOVE header body (JSON). */
export const MAX_SHARE_HEADER_BYTES = 1024;
/** Largest block a share core may hold: a full chunk, its kind and final bytes, and the seal. */
export const MAX_SHARE_BLOCK_BYTES = SHARE_CHUNK_BYTES + 2 + SHARE_BLOCK_OVERHEAD;
/** Largest share core, in bytes: a whole drive at its largest quota, plus per-block framing. */
export const MAX_SHARE_CORE_BYTES = MAX_FS_MAX_BYTES + 64 * 1024 * 1024;
/** Most blocks in a share core (a 1 GiB drive in 64 KiB chunks is 16384, plus headers and later writes). */
export const MAX_SHARE_BLOCKS = 65_536;
/**
 * The most bytes a block may hold beyond the file bytes it carries (a whole header, its kind byte and
 * the seal): a core whose files fit a drive of Q bytes holds at most Q + blocks × this many bytes, less
 * its history (rewritten and removed files).
 */
export const SHARE_BLOCK_FRAMING_BYTES = 1 + MAX_SHARE_HEADER_BYTES + SHARE_BLOCK_OVERHEAD;
/** Most files one share shows (a drive lists at most MAX_FS_LIST per folder; a share is bounded on its own). */
export const MAX_SHARE_FILES = 10_000;

export const KIND_FILE = 1;
export const KIND_CHUNK = 2;
export const KIND_REMOVE = 3;

function aad(coreKey: Uint8Array, index: number): Buffer {
  const i = Buffer.alloc(8);
  i.writeBigUInt64BE(BigInt(index));
  return Buffer.concat([Buffer.from(TAG_SHARE_BLOCK_AAD), Buffer.from([0]), coreKey, i]);
}

export function sealBlock(contentKey: Uint8Array, coreKey: Uint8Array, index: number, plain: Uint8Array): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const c = createCipheriv('aes-256-gcm', contentKey, nonce);
  c.setAAD(aad(coreKey, index));
  return Buffer.concat([nonce, c.update(plain), c.final(), c.getAuthTag()]);
}

/** The plaintext of block `index`; SHARE_TOO_LARGE or SHARE_TAMPERED when it is not one of ours. */
export function openBlock(contentKey: Uint8Array, coreKey: Uint8Array, index: number, block: Uint8Array): Buffer {
  if (block.length > MAX_SHARE_BLOCK_BYTES)
    throw new ShareError('SHARE_TOO_LARGE', `block ${index} has ${block.length} bytes; a share block has at most ${MAX_SHARE_BLOCK_BYTES}`);
  if (block.length < SHARE_BLOCK_OVERHEAD + 1) throw new ShareError('SHARE_TAMPERED', `block ${index} is too short to be sealed`);
  try {
    const d = createDecipheriv('aes-256-gcm', contentKey, block.subarray(0, NONCE_BYTES));
    d.setAAD(aad(coreKey, index));
    d.setAuthTag(block.subarray(block.length - TAG_BYTES));
    return Buffer.concat([d.update(block.subarray(NONCE_BYTES, block.length - TAG_BYTES)), d.final()]);
  } catch {
    throw new ShareError('SHARE_TAMPERED', `block ${index} does not open with the share's key (altered, moved, or not for this key)`);
  }
}

export const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The plaintexts of the blocks that carry one file: its header, then its chunks. */
export function fileBlocks(path: string, content: Uint8Array): Buffer[] {
  const chunks = Math.ceil(content.length / SHARE_CHUNK_BYTES);
  const header = JSON.stringify({ path, size: content.length, chunks, sha256: sha256Hex(content) });
  const out = [Buffer.concat([Buffer.from([KIND_FILE]), Buffer.from(header)])];
  for (let i = 0; i < chunks; i++) {
    const part = content.subarray(i * SHARE_CHUNK_BYTES, Math.min(content.length, (i + 1) * SHARE_CHUNK_BYTES));
    out.push(Buffer.concat([Buffer.from([KIND_CHUNK, i === chunks - 1 ? 1 : 0]), part]));
  }
  return out;
}

export const removeBlock = (path: string): Buffer => Buffer.concat([Buffer.from([KIND_REMOVE]), Buffer.from(JSON.stringify({ path }))]);

/** Whether `path` lies inside a share of `root` (the shared file itself, or below the shared folder). */
export function insideShare(root: string, folder: boolean, path: string): boolean {
  return folder ? path.startsWith(`${root}/`) : path === root;
}

/** A share path as it arrives from a peer: valid for a drive, inside the share; else SHARE_MALFORMED. */
function checkedPath(v: unknown, root: string, folder: boolean, index: number): string {
  if (typeof v !== 'string' || Buffer.byteLength(v) > MAX_FS_PATH_BYTES || fsPathProblem(v) !== undefined)
    throw new ShareError('SHARE_MALFORMED', `block ${index} names an invalid path`);
  if (!insideShare(root, folder, v)) throw new ShareError('SHARE_MALFORMED', `block ${index} names a path outside the share`);
  return v;
}

function header(plain: Buffer, index: number): Record<string, unknown> {
  if (plain.length - 1 > MAX_SHARE_HEADER_BYTES)
    throw new ShareError('SHARE_TOO_LARGE', `block ${index}'s header has ${plain.length - 1} bytes; at most ${MAX_SHARE_HEADER_BYTES}`);
  try {
    const v = JSON.parse(plain.subarray(1).toString('utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* below */
  }
  throw new ShareError('SHARE_MALFORMED', `block ${index}'s header is not a JSON object`);
}

/** What a share holds after its blocks [0, length): each path's content, or null once removed. */
export type ShareState = Map<string, Uint8Array | null>;

/**
 * Replays a share's opened blocks, in order, into its files, checking everything: a block that
 * does not open, a header that breaks the rules, a chunk out of place, a missing final marker, a
 * size or hash that differs, a path outside the share, or a total above the limits throws, and the
 * caller saves nothing. `get(i)` yields block `i` (already replicated and verified by hypercore).
 *
 * Incremental: with `start` (a verified position, where an earlier replay ended) and `prior` (each
 * path's size, or null once removed, after blocks [0, start)), only blocks [start, length) are read
 * and the answer holds what they changed; the limits still count the whole share. With
 * `maxLiveBytes` (the recipient's quota) a share whose files outgrow it is refused as it is read: the
 * files held in memory never exceed it by more than one file.
 */
export async function replayShare(
  o: {
    contentKey: Uint8Array;
    coreKey: Uint8Array;
    root: string;
    folder: boolean;
    length: number;
    start?: number;
    prior?: ReadonlyMap<string, number | null>;
    /** The recipient drive's quota: the share's live bytes may not exceed it (nor MAX_FS_MAX_BYTES). */
    maxLiveBytes?: number;
  },
  get: (index: number) => Promise<Uint8Array>,
): Promise<ShareState> {
  if (o.length > MAX_SHARE_BLOCKS) throw new ShareError('SHARE_TOO_LARGE', `the share has ${o.length} blocks; at most ${MAX_SHARE_BLOCKS}`);
  const start = o.start ?? 0;
  if (!Number.isSafeInteger(start) || start < 0 || start > o.length)
    throw new ShareError('SHARE_TRUNCATED', `the share has ${o.length} blocks, fewer than the ${start} already verified`);
  const state: ShareState = new Map();
  /** Every path's size (null: removed) after the blocks read so far: what the limits count. */
  const sizes = new Map<string, number | null>(o.prior ?? []);
  const maxLive = Math.min(MAX_FS_MAX_BYTES, o.maxLiveBytes ?? MAX_FS_MAX_BYTES);
  let live = 0;
  for (const n of sizes.values()) live += n ?? 0;
  const liveSize = (p: string): number => sizes.get(p) ?? 0;
  /** Paths removed here that the share never named before: nothing to remove, but each counts toward MAX_SHARE_FILES. */
  const unknown = new Set<string>();
  const count = (i: number): void => {
    if (sizes.size + unknown.size > MAX_SHARE_FILES)
      throw new ShareError('SHARE_TOO_LARGE', `the share names more than ${MAX_SHARE_FILES} files (block ${i})`);
  };
  for (let i = start; i < o.length; ) {
    const plain = openBlock(o.contentKey, o.coreKey, i, await get(i));
    const kind = plain[0];
    if (kind === KIND_REMOVE) {
      const path = checkedPath(header(plain, i).path, o.root, o.folder, i);
      if (sizes.has(path)) {
        live -= liveSize(path);
        state.set(path, null);
        sizes.set(path, null);
      } else unknown.add(path);
      count(i);
      i++;
      continue;
    }
    if (kind !== KIND_FILE) throw new ShareError('SHARE_MALFORMED', `block ${i} is not a file header where one is expected`);
    const h = header(plain, i);
    const path = checkedPath(h.path, o.root, o.folder, i);
    const { size, chunks, sha256 } = h;
    if (!Number.isSafeInteger(size) || (size as number) < 0 || !Number.isSafeInteger(chunks) || typeof sha256 !== 'string')
      throw new ShareError('SHARE_MALFORMED', `block ${i}'s file header lacks a size, chunk count or hash`);
    if ((size as number) > MAX_FS_FILE_BYTES)
      throw new ShareError('SHARE_TOO_LARGE', `block ${i} announces a file of ${size} bytes; a file has at most ${MAX_FS_FILE_BYTES}`);
    if (chunks !== Math.ceil((size as number) / SHARE_CHUNK_BYTES))
      throw new ShareError('SHARE_MALFORMED', `block ${i} announces ${chunks} chunks for ${size} bytes`);
    if (i + 1 + (chunks as number) > o.length)
      throw new ShareError('SHARE_TRUNCATED', `the file at block ${i} ends past the share's length`);
    live += (size as number) - liveSize(path);
    if (live > maxLive)
      throw new ShareError(
        'SHARE_TOO_LARGE',
        `the share's files exceed ${maxLive} bytes (the recipient's quota, at most ${MAX_FS_MAX_BYTES})`,
      );
    const content = Buffer.alloc(size as number);
    let at = 0;
    for (let c = 0; c < (chunks as number); c++) {
      const j = i + 1 + c;
      const part = openBlock(o.contentKey, o.coreKey, j, await get(j));
      const last = c === (chunks as number) - 1;
      if (part[0] !== KIND_CHUNK || part.length < 3)
        throw new ShareError('SHARE_MALFORMED', `block ${j} is not a chunk where one is expected`);
      if (part[1] !== (last ? 1 : 0))
        throw new ShareError('SHARE_TRUNCATED', `block ${j}'s final marker is ${part[1]}, expected ${last ? 1 : 0}`);
      const data = part.subarray(2);
      if (data.length !== (last ? (size as number) - at : SHARE_CHUNK_BYTES))
        throw new ShareError('SHARE_MALFORMED', `block ${j} carries ${data.length} bytes, not what the header commits to`);
      data.copy(content, at);
      at += data.length;
    }
    if (sha256Hex(content) !== sha256) throw new ShareError('SHARE_MALFORMED', `the file at block ${i} does not match its SHA-256`);
    state.set(path, content);
    sizes.set(path, content.length);
    unknown.delete(path);
    count(i);
    i += 1 + (chunks as number);
  }
  return state;
}
