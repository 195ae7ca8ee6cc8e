/**
 * What a host remembers of its peer-to-peer shares, in `$PEEROS_HOME/shares/` beside the corestore:
 *
 * - `outgoing.json`: the shares this host made (its content keys sealed by the vault to the
 *   sender's own key); a revoked one keeps only its name, its keys and its core are gone, and at most
 *   MAX_REVOKED_SHARES_KEPT of those are kept (oldest dropped first);
 * - `incoming.json`: the shares this host synced into a drive, each with the position its last sync
 *   verified (share-peer.ts `VerifiedPosition`) and each path's size there, so the next sync reads
 *   only the blocks after it.
 *
 * Both are written atomically by the one process that holds the share store's lock, and read
 * without it (`peeros share list` beside a running `share serve`): nothing in them opens a share.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/atomic-file.js';
import type { VerifiedPosition } from './share-peer.js';

export const OUTGOING_FILE = 'outgoing.json';
export const INCOMING_FILE = 'incoming.json';
/** Revoked outgoing shares remembered (for `share list`); older ones are forgotten. */
export const MAX_REVOKED_SHARES_KEPT = 64;

export interface OutgoingShare {
  id: string;
  app: string;
  account: string;
  /** The account's key the content key is sealed to (and the drive key opened with). */
  accountKey: string;
  to: string;
  path: string;
  folder: boolean;
  core: string;
  /** The address its descriptor names (`HOST:PORT`), where peers dial for it. */
  at?: string;
  /** The content key, sealed by the vault (absent once revoked). */
  nonce?: string;
  sealedKey?: string;
  /** What the core says each path holds now (SHA-256, or null once removed); emptied once revoked. */
  files: Record<string, string | null>;
  /** When the share was made (ms since the epoch): `revokeUnlisted` spares younger shares. */
  made: number;
  /** The core's length and bytes after the last append. */
  blocks?: number;
  bytes?: number;
  revoked?: boolean;
  /** When it was revoked (ms since the epoch). */
  revokedAt?: number;
}

export interface IncomingShare {
  app: string;
  account: string;
  from: string;
  /** The shared path (the sender's drive path: `files/plans`, `events`). */
  path: string;
  folder: boolean;
  /** The core's public key, hex. */
  core: string;
  /** Where the last sync verified the core up to (its files are saved up to there). */
  position: VerifiedPosition;
  /** Each live path's size after `position` (records written before stop 44 also hold null for a removed path): what the share's limits count. */
  files: Record<string, number | null>;
  /** The core's bytes at `position`. */
  bytes: number;
  /** When it last synced (ms since the epoch). */
  synced: number;
}

function readList<T>(home: string, file: string, field: string): T[] {
  const p = join(home, 'shares', file);
  if (!existsSync(p)) return [];
  const v = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
  return Array.isArray(v[field]) ? (v[field] as T[]) : [];
}

export const readOutgoing = (home: string): OutgoingShare[] => readList<OutgoingShare>(home, OUTGOING_FILE, 'shares');
export const readIncoming = (home: string): IncomingShare[] => readList<IncomingShare>(home, INCOMING_FILE, 'shares');

export async function writeOutgoing(home: string, shares: readonly OutgoingShare[]): Promise<void> {
  await writeFileAtomic(join(home, 'shares', OUTGOING_FILE), `${JSON.stringify({ version: 1, shares }, null, 1)}\n`);
}

export async function writeIncoming(home: string, shares: readonly IncomingShare[]): Promise<void> {
  await writeFileAtomic(join(home, 'shares', INCOMING_FILE), `${JSON.stringify({ version: 1, shares }, null, 1)}\n`);
}

/** An outgoing share as `share list` shows it (no keys). */
export interface OutgoingListing {
  id: string;
  app: string;
  account: string;
  to: string;
  path: string;
  folder: boolean;
  core: string;
  /** Where its descriptor tells peers to dial (absent for shares made before it was recorded). */
  at?: string;
  revoked: boolean;
  blocks: number;
  bytes: number;
  made: number;
  revokedAt?: number;
}

/** An incoming share as `share list` shows it. */
export interface IncomingListing {
  app: string;
  account: string;
  from: string;
  path: string;
  folder: boolean;
  core: string;
  blocks: number;
  bytes: number;
  files: number;
  synced: number;
}

export function outgoingListing(s: OutgoingShare): OutgoingListing {
  return {
    id: s.id,
    app: s.app,
    account: s.account,
    to: s.to,
    path: s.path,
    folder: s.folder,
    core: s.core,
    ...(s.at !== undefined ? { at: s.at } : {}),
    revoked: !!s.revoked,
    blocks: s.revoked ? 0 : (s.blocks ?? 0),
    bytes: s.revoked ? 0 : (s.bytes ?? 0),
    made: s.made,
    ...(s.revokedAt !== undefined ? { revokedAt: s.revokedAt } : {}),
  };
}

export function incomingListing(s: IncomingShare): IncomingListing {
  return {
    app: s.app,
    account: s.account,
    from: s.from,
    path: s.path,
    folder: s.folder,
    core: s.core,
    blocks: s.position.length,
    bytes: s.bytes,
    files: Object.values(s.files).filter((n) => n !== null).length,
    synced: s.synced,
  };
}

/** Both lists, read from disk without the share store's lock (another process may be serving). */
export function listShares(home: string): { outgoing: OutgoingListing[]; incoming: IncomingListing[] } {
  return { outgoing: readOutgoing(home).map(outgoingListing), incoming: readIncoming(home).map(incomingListing) };
}
