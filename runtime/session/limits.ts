/**
 * Named limits of the single account model, each with its reason.
 */

/** Accounts fetched while resolving one permission: Antelope recursion is at most 6 deep, and a
 * real authority names a handful of accounts; more is a misconfiguration or an attack on the host. */
export const MAX_AUTHORITY_ACCOUNTS = 32;

/**
 * Permissions, keys, accounts and waits read while resolving one permission, all accounts together:
 * a real authority tree holds a few dozen (a 21-producer multisig is 21 accounts), and each key is
 * parsed on the host's main thread (~12 µs). Unbounded, a DMCS answering 16 MiB replies of keys for
 * 32 accounts held the thread about 90 s per resolve, on every push.
 */
export const MAX_AUTHORITY_ENTRIES = 4096;

/** Keys an error message names when none of the vault's satisfies a permission; the rest are counted. */
export const MAX_NAMED_KEYS = 8;

/** A login challenge is valid this long: enough for a person to read and approve it. */
export const LOGIN_CHALLENGE_TTL_S = 120;

/** Bytes of fresh randomness in a login challenge (a replayed proof would need the same nonce). */
export const LOGIN_NONCE_BYTES = 32;

/** The session file; `runtime/isa/ual.ts` reads `account` from it. */
export const SESSION_FILE = 'session.json';

/** Largest session file read (it is a few hundred bytes; a huge one is not ours). */
export const MAX_SESSION_FILE_BYTES = 64 * 1024;
