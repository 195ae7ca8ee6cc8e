/**
 * The messages between the host and an app worker, written down as types. One worker runs one app;
 * calls are strictly one at a time.
 */
import type { IsaImport } from '../../isa/generated/imports.js';
import type { Grants } from '../capabilities.js';
import type { AppLimits } from '../limits.js';
import type { HostErrorData } from '../errors.js';
import type { BridgeEndpoint } from '../host-bridge/bridge-protocol.js';
import type { MemoryShape } from './host-memory.js';

/** `workerData` of an app worker. */
export interface WorkerSpec {
  app: string;
  /** Compiled (and memory-clamped) module; V8 shares compiled code with the worker. */
  module: WebAssembly.Module;
  /**
   * The memory the module imports from the host (module-loader.ts, host-memory.ts): the worker gives
   * each instance one (memory-reuse.ts). Absent: the module defines its own (`peeros invoke`'s
   * modules, the tests' stand-ins).
   */
  memory?: MemoryShape;
  plan: IsaImport[];
  grants: Grants;
  limits: AppLimits;
  home: string;
  dataDir: string;
  logLevel: number;
  /** The app's channel to the main-thread services (chain reads, pushes); absent: they answer `unavailable`. */
  bridge?: BridgeEndpoint;
}

/** What the worker actually receives: the spec plus its call clock. */
export interface WorkerData extends WorkerSpec {
  /** The call clock (call-clock.ts): the worker stamps each call it starts, and pauses it while waiting on the host. */
  clock: SharedArrayBuffer;
}

/**
 * `workerData` of a warm worker (warm-workers.ts): started before any app needs it, so it carries
 * nothing app-specific; it learns its one app from the `assign` message.
 */
export interface WarmWorkerData {
  clock: SharedArrayBuffer;
  /** The host's home (every app of the host has the same): its warm-up reads the session there (warm-up.ts). */
  home: string;
}

/** `assign` goes to a warm worker, once: the app it runs from now on (a worker is never assigned a second app). */
export type HostToWorker = { type: 'assign'; spec: WorkerSpec } | { type: 'call'; id: number; command: string; args: Uint8Array };

export type WorkerToHost =
  /** A warm worker's thread runs and waits for its app; `warmedUp`: its warm-up call path ran (warm-up.ts). */
  | { type: 'warm'; warmedUp: boolean }
  /** The thread runs (sent before instantiating, so the host can time the start function). */
  | { type: 'booted' }
  | { type: 'ready' }
  | { type: 'fatal'; error: HostErrorData }
  | { type: 'result'; id: number; ok: boolean; bytes: Uint8Array }
  | { type: 'error'; id: number; error: HostErrorData }
  | { type: 'log'; app: string; level: number; message: string };
