/**
 * The sync-call bridge between an app worker and the main thread, written down.
 *
 * ISA imports are synchronous (wasm calls them and waits for the return area), but the services
 * behind `chain` and `dmcs` (dispatch, hybrid cache, vault) live in the main thread and are async.
 * So the worker posts a request on a per-app `BroadcastChannel` and blocks in `Atomics.wait` on a
 * per-app `SharedArrayBuffer`; the main thread runs the service and writes the answer into that
 * buffer, then `Atomics.notify`. Each request carries a sequence number; the main thread writes an
 * answer only while the worker still waits for that number, so a late answer to a request that
 * timed out can never be read as the answer to a newer one.
 *
 * Buffer layout (little-endian i32 words, then bytes):
 *   [0] REQ_SEQ   sequence number of the request the worker waits for (written by the worker)
 *   [1] RESP_SEQ  sequence number of the answer in the buffer (written last by the main thread)
 *   [2] STATUS    0 = ok, else 1 + the ISA error-code
 *   [3] LENGTH    bytes of the answer
 *   [16..]        the answer (msgpack), at most `MAX_BRIDGE_RESPONSE_BYTES`
 */

export const REQ_SEQ = 0;
export const RESP_SEQ = 1;
export const STATUS = 2;
export const LENGTH = 3;
export const HEADER_BYTES = 16;

/** Largest answer: the hybrid cache keeps values up to 1 MiB, and an app's host call takes at most its hostCallBytes. */
export const MAX_BRIDGE_RESPONSE_BYTES = 1 << 20;
/** Largest request payload (a push of 16 actions is a few KiB; 1 MiB is the default host-call limit). */
export const MAX_BRIDGE_REQUEST_BYTES = 1 << 20;
/** A chain read that takes longer answers `unavailable` (the HTTP backend times out before this). */
export const CHAIN_READ_TIMEOUT_MS = 15_000;
/** A push waits for the user to approve it: up to 2 minutes (the app's cpuMs must allow it too). */
export const PUSH_TIMEOUT_MS = 120_000;

/** Opening a drive key may wait for the vault to be unlocked at a prompt: as long as a push. */
export const DRIVE_KEY_TIMEOUT_MS = PUSH_TIMEOUT_MS;

/** The ISA interfaces served in the main thread: an app importing one of them gets a bridge endpoint. */
export const BRIDGED_INTERFACES: ReadonlySet<string> = new Set(['chain', 'dmcs', 'fs', 'store', 'host']);

/** An install request waits for the registry, the package fetch and the user's answer in the install dialog: 5 minutes. */
export const INSTALL_REQUEST_TIMEOUT_MS = 300_000;

/**
 * `fs.drive-key`: the key of the session account's drive of the app (runtime/fs/drive-key.ts); answers msgpack `{account, key}`.
 * `store.request-install`: msgpack `{app, version}` → `{status, app, version?, reason?}` (runtime/app-install-request.ts).
 * `host.state`: no payload → the host-state view (runtime/host-bridge/host-state.ts).
 */
export type BridgeOp =
  | 'chain.get-info'
  | 'chain.get-account'
  | 'chain.get-table-rows'
  | 'dmcs.push'
  | 'fs.drive-key'
  | 'store.request-install'
  | 'host.state';
export const BRIDGE_OPS: readonly BridgeOp[] = [
  'chain.get-info',
  'chain.get-account',
  'chain.get-table-rows',
  'dmcs.push',
  'fs.drive-key',
  'store.request-install',
  'host.state',
];

/**
 * What one command call may spend waiting on the main thread's services other than the user (chain
 * reads, host.state, …), per millisecond of its CPU deadline: 30 s at the default 1 s. Those waits
 * stop the call's CPU clock, so without this bound an app could loop on a bridged import within one
 * call for ever while the main thread did the work (the audit: host.state 873 times in 30 s, the
 * main thread 40% busy, the call never ended). Past it the call's bridged imports answer
 * `limit-exceeded` without reaching the main thread, and its own CPU deadline runs again.
 */
export const HOST_WAIT_PER_CPU_MS = 30;

/** Whether `op` waits for the user (a dialog), which no host-wait budget counts. */
export function waitsOnUser(op: BridgeOp): boolean {
  return op === 'dmcs.push' || op === 'fs.drive-key' || op === 'store.request-install';
}

export function timeoutOf(op: BridgeOp): number {
  switch (op) {
    case 'dmcs.push':
      return PUSH_TIMEOUT_MS;
    case 'fs.drive-key':
      return DRIVE_KEY_TIMEOUT_MS;
    case 'store.request-install':
      return INSTALL_REQUEST_TIMEOUT_MS;
    default:
      return CHAIN_READ_TIMEOUT_MS;
  }
}

/** What an app worker needs to reach the main thread (structured-cloneable: goes in workerData). */
export interface BridgeEndpoint {
  /** BroadcastChannel name, unique per app and host. */
  channel: string;
  buffer: SharedArrayBuffer;
}

/** One request, worker → main thread. */
export interface BridgeRequest {
  seq: number;
  op: BridgeOp;
  payload: Uint8Array;
}

/** What the worker gets back. */
export type BridgeAnswer = { ok: true; bytes: Uint8Array } | { ok: false; code: number };
