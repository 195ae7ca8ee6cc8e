/**
 * The main-thread side of the bridge (see bridge-protocol.ts). `endpoint(app)` gives the app's
 * channel and shared buffer (put into its worker's `workerData`); every request that arrives is
 * handed to the handler with the app's name — the app cannot claim another name, because each
 * channel belongs to one app — and the answer is written back. Handler failures become ISA error
 * codes (`BridgeError.isaCode`, else `internal`), never exceptions in the worker.
 */
import { BroadcastChannel } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import { BridgeError } from './bridge-error.js';
import {
  BRIDGE_OPS,
  HEADER_BYTES,
  LENGTH,
  MAX_BRIDGE_REQUEST_BYTES,
  MAX_BRIDGE_RESPONSE_BYTES,
  REQ_SEQ,
  RESP_SEQ,
  STATUS,
  type BridgeEndpoint,
  type BridgeOp,
  type BridgeRequest,
} from './bridge-protocol.js';

/** Runs one bridged call for `app`; resolves to the answer bytes, or rejects (BridgeError for a typed code). */
export type BridgeHandler = (app: string, op: BridgeOp, payload: Uint8Array) => Promise<Uint8Array>;

interface Port {
  endpoint: BridgeEndpoint;
  channel: BroadcastChannel;
  i32: Int32Array;
  u8: Uint8Array;
}

export class HostBridge {
  readonly #handler: BridgeHandler;
  readonly #ports = new Map<string, Port>();
  readonly #id = randomBytes(8).toString('hex');
  readonly #onError: (err: unknown, app: string, op: string) => void;
  #closed = false;

  constructor(handler: BridgeHandler, opts: { onError?: (err: unknown, app: string, op: string) => void } = {}) {
    this.#handler = handler;
    this.#onError = opts.onError ?? (() => {});
  }

  /**
   * The endpoint of `app` (created on first use, the same afterwards). After `close` it is an
   * endpoint nobody serves: calls through it time out as `unavailable` (never a throw here, so a
   * host closing while an app starts fails that call cleanly).
   */
  endpoint(app: string): BridgeEndpoint {
    if (this.#closed) return { channel: `peeros-bridge-${this.#id}-closed`, buffer: new SharedArrayBuffer(HEADER_BYTES + 8) };
    let port = this.#ports.get(app);
    if (!port) {
      const buffer = new SharedArrayBuffer(HEADER_BYTES + MAX_BRIDGE_RESPONSE_BYTES);
      const endpoint: BridgeEndpoint = { channel: `peeros-bridge-${this.#id}-${app}`, buffer };
      const channel = new BroadcastChannel(endpoint.channel);
      (channel as unknown as { unref?: () => void }).unref?.();
      const p: Port = { endpoint, channel, i32: new Int32Array(buffer, 0, HEADER_BYTES / 4), u8: new Uint8Array(buffer) };
      channel.onmessage = (ev: unknown) => {
        void this.#serve(app, p, (ev as { data: unknown }).data);
      };
      this.#ports.set(app, p);
      port = p;
    }
    return port.endpoint;
  }

  async #serve(app: string, port: Port, data: unknown): Promise<void> {
    const req = data as BridgeRequest;
    if (!req || typeof req.seq !== 'number' || !BRIDGE_OPS.includes(req.op) || !(req.payload instanceof Uint8Array)) return;
    let status = 0;
    let bytes: Uint8Array = new Uint8Array(0);
    try {
      if (req.payload.length > MAX_BRIDGE_REQUEST_BYTES)
        throw new BridgeError(IsaErrorCode.LIMIT_EXCEEDED, `request of ${req.payload.length} bytes`);
      bytes = await this.#handler(app, req.op, req.payload);
      if (bytes.length > MAX_BRIDGE_RESPONSE_BYTES) {
        throw new BridgeError(
          IsaErrorCode.LIMIT_EXCEEDED,
          `${req.op} answer of ${bytes.length} bytes is above the bridge limit of ${MAX_BRIDGE_RESPONSE_BYTES}`,
        );
      }
    } catch (err) {
      status = 1 + (err instanceof BridgeError ? err.isaCode : IsaErrorCode.INTERNAL);
      bytes = new Uint8Array(0);
      this.#onError(err, app, req.op);
    }
    const { i32, u8 } = port;
    if (this.#closed || Atomics.load(i32, REQ_SEQ) !== req.seq) return; // the worker gave up on it
    u8.set(bytes, HEADER_BYTES);
    Atomics.store(i32, LENGTH, bytes.length);
    Atomics.store(i32, STATUS, status);
    Atomics.store(i32, RESP_SEQ, req.seq);
    Atomics.notify(i32, RESP_SEQ);
  }

  close(): void {
    this.#closed = true;
    for (const p of this.#ports.values()) p.channel.close();
    this.#ports.clear();
  }
}
