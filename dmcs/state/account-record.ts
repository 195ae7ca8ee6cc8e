/**
 * The shape of an account in the chain state (chain-state.ts changes it; the snapshot codec reads
 * it): its own file so the two share it without importing each other.
 */
import type { Authority } from '../authority.js';

/** The code hash of an account without code (and the hash of no ABI): one array, shared, never written into. */
export const ZERO_HASH = new Uint8Array(32);

export interface PermissionRecord {
  readonly name: string;
  /** The parent permission's name; '' for `owner`. */
  readonly parent: string;
  readonly auth: Authority;
  /** Block time of the last change, ms since the Unix epoch. */
  readonly lastUpdated: number;
}

export interface AccountRecord {
  readonly name: string;
  readonly value: bigint;
  /** Block time of creation, ms since the Unix epoch. */
  readonly creation: number;
  privileged: boolean;
  code: Uint8Array | null;
  /** sha256 of the code; 32 zero bytes when none. */
  codeHash: Uint8Array;
  /** `codeHash` as hex (the VM's module cache key), kept to avoid re-encoding per action. */
  codeHashHex: string;
  lastCodeUpdate: number;
  codeSequence: number;
  abi: Uint8Array | null;
  abiSequence: number;
  ramUsage: number;
  /** Actions received (Leap `recv_sequence`). */
  recvSequence: number;
  /** Actions authorized (Leap `auth_sequence`). */
  authSequence: number;
  readonly permissions: Map<string, PermissionRecord>;
  /** `code:type` (type '' = any action of code) → required permission name. */
  readonly links: Map<string, string>;
  /** The last snapshot capture that handled this account (snapshot-capture.ts). */
  snapshotEpoch?: number;
  /** With a state store: the account's slot in the cache's use stamps (account-store.ts, use-stamps.ts; -1: none). */
  cacheSlot?: number;
  /** The record hash summed for this account in the state digest (set by `digest()`). */
  recordHash?: Uint8Array;
  /**
   * With a state store: `permissions` and `links` encoded (account-auth.ts: the record's tail and
   * the digest's input), while they are unchanged (chain-state.ts sets it to null before changing
   * either, and in the undo of the change); null or absent: encode them from the maps. The bytes
   * are held as a latin1 string, one char per byte: on V8's heap, where an array of that size would
   * get a backing store of its own (account-auth.ts `authBytesOf`).
   */
  auth?: string | null;
}
