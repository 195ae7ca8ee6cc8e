/**
 * Errors of peer-to-peer shares (share-format.ts, share-core.ts, share-peer.ts, share-service.ts).
 * Everything a peer or a share row sends is hostile: each refusal is one of these codes, and a
 * refused sync saves nothing.
 */
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import { CodedError } from '../../lib/coded-error.js';

export const SHARE_ERROR_CODES = [
  /** The sealed descriptor (from the chain) is not one: bad JSON, fields, sizes or keys. */
  'SHARE_BAD_DESCRIPTOR',
  /** A block does not open with the share's content key (altered, moved, another key). */
  'SHARE_TAMPERED',
  /** A block opens but breaks the format (kind, header, chunk order, final marker, size, hash, path). */
  'SHARE_MALFORMED',
  /** The core (length, bytes, a block, a file, the files' total) is larger than a named limit allows. */
  'SHARE_TOO_LARGE',
  /** The core is shorter than the descriptor commits to, or a file's chunks stop before its final one. */
  'SHARE_TRUNCATED',
  /** The share's core shrank, or forked, below a position this host already verified and saved: refused, nothing saved. */
  'SHARE_FORKED',
  /** Another process (`peeros share serve`, the console, `share sync`) holds this host's share store. */
  'SHARE_BUSY',
  /** The sharing peer could not be reached (or did not answer in time): nothing new was saved. */
  'SHARE_UNREACHABLE',
  /** No such outgoing share, or it was revoked. */
  'SHARE_NOT_FOUND',
  /** The path to share is not a file or folder of the drive, or the drive refused a read or write. */
  'SHARE_DRIVE',
  /** The peer at the descriptor's address did not prove it holds the share core's secret key (share-proof.ts): nothing was asked of it. */
  'SHARE_UNAUTHENTICATED',
  /** Not dialled this round: the sender's shares already went unanswered MAX_UNANSWERED_SYNCS_PER_SENDER times in it (host-services.ts); tried again next round. */
  'SHARE_DEFERRED',
] as const;
export type ShareErrorCode = (typeof SHARE_ERROR_CODES)[number];

export class ShareError extends CodedError<ShareErrorCode> {
  override readonly name = 'ShareError';
}

/** What an app hears when a share fails on its behalf (a `$share` push): runtime/host-bridge/bridge-error.ts. */
export const SHARE_ISA_CODES: Record<ShareErrorCode, IsaErrorCode> = {
  SHARE_BAD_DESCRIPTOR: IsaErrorCode.INVALID_ARGUMENT,
  SHARE_TAMPERED: IsaErrorCode.INVALID_ARGUMENT,
  SHARE_MALFORMED: IsaErrorCode.INVALID_ARGUMENT,
  SHARE_TOO_LARGE: IsaErrorCode.LIMIT_EXCEEDED,
  SHARE_TRUNCATED: IsaErrorCode.INVALID_ARGUMENT,
  SHARE_FORKED: IsaErrorCode.INVALID_ARGUMENT,
  SHARE_BUSY: IsaErrorCode.UNAVAILABLE,
  SHARE_UNREACHABLE: IsaErrorCode.UNAVAILABLE,
  SHARE_NOT_FOUND: IsaErrorCode.NOT_FOUND,
  SHARE_DRIVE: IsaErrorCode.NOT_FOUND,
  SHARE_UNAUTHENTICATED: IsaErrorCode.UNAVAILABLE,
  SHARE_DEFERRED: IsaErrorCode.UNAVAILABLE,
};
