/**
 * A share descriptor: what the recipient needs to open a peer-to-peer share, as the text the vault
 * seals for the recipient's key and the dbox contract carries on chain (the `sealed` field of
 * `dbox::share`, at most 4 KiB). Only the recipient's vault opens it, so the content key, the
 * core's key and the sender's address are never public.
 *
 *   peeros-share/v1 {"core": hex32, "key": hex32, "at": "HOST:PORT", "path": P, "folder": bool, "length": N}
 *
 * - `core`: the public key of the share's hypercore; `key`: its 32-byte AES-256-GCM content key;
 * - `at`: where the sender's host serves it (direct TCP);
 * - `path`: the shared file or folder, relative to the sender's `files/` root;
 * - `length`: the core's length when shared: the recipient refuses a core shorter than that
 *   (a folder's core only grows after it).
 *
 * Parsed as hostile text: anything else is `SHARE_BAD_DESCRIPTOR`.
 */
import { MAX_FS_PATH_BYTES } from '../limits.js';
import { fsPathProblem } from './fs-path.js';
import { ShareError } from './share-error.js';
import { MAX_SHARE_BLOCKS } from './share-format.js';
import type { PeerAddress } from './share-peer.js';

/** The first bytes of a share descriptor's text (an app tells a peer share from an inline one by it). */
export const SHARE_DESCRIPTOR_PREFIX = 'peeros-share/v1 ';
/** Longest host name in `at` (a DNS name's limit). */
export const MAX_SHARE_HOST_CHARS = 253;

export interface ShareDescriptor {
  core: Uint8Array;
  key: Uint8Array;
  at: PeerAddress;
  path: string;
  folder: boolean;
  length: number;
}

export function descriptorText(d: ShareDescriptor): string {
  return (
    SHARE_DESCRIPTOR_PREFIX +
    JSON.stringify({
      core: Buffer.from(d.core).toString('hex'),
      key: Buffer.from(d.key).toString('hex'),
      at: `${d.at.host}:${d.at.port}`,
      path: d.path,
      folder: d.folder,
      length: d.length,
    })
  );
}

const HEX32 = /^[0-9a-f]{64}$/;
const HOST = /^[A-Za-z0-9.:-]+$/;

export function parseDescriptor(text: string): ShareDescriptor {
  const bad = (why: string): ShareError => new ShareError('SHARE_BAD_DESCRIPTOR', `not a share descriptor: ${why}`);
  if (!text.startsWith(SHARE_DESCRIPTOR_PREFIX)) throw bad('no peeros-share/v1 prefix');
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text.slice(SHARE_DESCRIPTOR_PREFIX.length)) as Record<string, unknown>;
  } catch {
    throw bad('not JSON');
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw bad('not a JSON object');
  const { core, key, at, path, folder, length } = o;
  if (typeof core !== 'string' || !HEX32.test(core)) throw bad('"core" is not a 32-byte hex key');
  if (typeof key !== 'string' || !HEX32.test(key)) throw bad('"key" is not a 32-byte hex key');
  if (typeof path !== 'string' || Buffer.byteLength(path) > MAX_FS_PATH_BYTES || fsPathProblem(path) !== undefined)
    throw bad('"path" is not a drive path');
  if (typeof folder !== 'boolean') throw bad('"folder" is not a boolean');
  if (!Number.isSafeInteger(length) || (length as number) < 1 || (length as number) > MAX_SHARE_BLOCKS)
    throw bad(`"length" is not 1..${MAX_SHARE_BLOCKS}`);
  if (typeof at !== 'string') throw bad('"at" is not HOST:PORT');
  const colon = at.lastIndexOf(':');
  const host = at.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(at.slice(colon + 1));
  if (colon < 1 || host.length > MAX_SHARE_HOST_CHARS || !HOST.test(host) || !Number.isInteger(port) || port < 1 || port > 65535)
    throw bad('"at" is not HOST:PORT');
  return { core: Buffer.from(core, 'hex'), key: Buffer.from(key, 'hex'), at: { host, port }, path, folder, length: length as number };
}
