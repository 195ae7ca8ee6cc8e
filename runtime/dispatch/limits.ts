/**
 * Limits of DMCS dispatch, each with the reason for its value.
 */

/** A chain API call that has not answered in 10 s is treated as unreachable: Leap answers reads
 * in milliseconds and push_transaction well under a second; waiting longer only stalls the app. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** Largest reply body accepted (16 MiB): get_block of a full block and get_raw_abi of a large
 * contract stay far below it, and a hostile or broken endpoint cannot exhaust the host's memory. */
export const MAX_REPLY_BYTES = 16 * 1024 * 1024;

/** Sockets one DMCS client keeps open at most (busy and idle): eight apps pushing at once plus
 * their reads fit; more requests wait for a free socket (inside their own timeout) instead of
 * opening connections without bound against a node that is slow. */
export const MAX_SOCKETS_PER_DMCS = 16;

/** An idle kept-alive socket is closed after 4 s (as undici's fetch did), or earlier when the
 * server's `Keep-Alive: timeout=` hint says so (Node closes 1 s before the hint). */
export const KEEP_ALIVE_IDLE_MS = 4_000;

/** Largest request body sent (4 MiB): Leap's default max transaction size is 512 KiB, so a bigger
 * push body is a mistake worth refusing before it goes out. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/** How many DMCSs the registry holds: a person keeps a handful; the bound keeps the file small. */
export const MAX_REGISTRY_ENTRIES = 256;

/** Largest registry file read back (1 MiB): far above 256 entries; refuses a file that is not ours. */
export const MAX_REGISTRY_FILE_BYTES = 1024 * 1024;

/** DMCS names: lowercase, short, safe to print and to use as a manifest value. */
export const DMCS_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,31}$/;
