/**
 * The worker side of the bridge (see bridge-protocol.ts): `call(op, payload)` posts the request and
 * blocks the worker in `Atomics.wait` until the main thread answers or the op's timeout passes
 * (then `unavailable`). The worker is blocked anyway — the wasm called a synchronous import — so
 * blocking costs nothing the app could have used. The wait is not charged to the app's CPU
 * deadline: the call clock (call-clock.ts) is paused while it lasts.
 */
import { BroadcastChannel } from 'node:worker_threads';
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import { pauseCallClock, resumeCallClock } from './call-clock.js';
import {
  HEADER_BYTES,
  LENGTH,
  MAX_BRIDGE_REQUEST_BYTES,
  REQ_SEQ,
  RESP_SEQ,
  STATUS,
  timeoutOf,
  type BridgeAnswer,
  type BridgeEndpoint,
  type BridgeOp,
  type BridgeRequest,
} from '../host-bridge/bridge-protocol.js';

export class BridgeClient {
  readonly #channel: BroadcastChannel;
  readonly #i32: Int32Array;
  readonly #u8: Uint8Array;
  #seq = 0;

  constructor(endpoint: BridgeEndpoint) {
    this.#channel = new BroadcastChannel(endpoint.channel);
    (this.#channel as unknown as { unref?: () => void }).unref?.();
    this.#i32 = new Int32Array(endpoint.buffer, 0, HEADER_BYTES / 4);
    this.#u8 = new Uint8Array(endpoint.buffer);
    this.#seq = Atomics.load(this.#i32, REQ_SEQ);
  }

  /** Calls `op` in the main thread and waits for its answer (copied out of the shared buffer). */
  call(op: BridgeOp, payload: Uint8Array, timeoutMs = timeoutOf(op)): BridgeAnswer {
    if (payload.length > MAX_BRIDGE_REQUEST_BYTES) return { ok: false, code: IsaErrorCode.LIMIT_EXCEEDED };
    const i32 = this.#i32;
    const seq = (this.#seq = (this.#seq + 1) | 0 || 1);
    Atomics.store(i32, REQ_SEQ, seq);
    const req: BridgeRequest = { seq, op, payload: Uint8Array.from(payload) };
    this.#channel.postMessage(req);
    const deadline = Date.now() + timeoutMs;
    pauseCallClock();
    try {
      for (;;) {
        const got = Atomics.load(i32, RESP_SEQ);
        if (got === seq) break;
        const left = deadline - Date.now();
        if (left <= 0) return { ok: false, code: IsaErrorCode.UNAVAILABLE };
        Atomics.wait(i32, RESP_SEQ, got, left);
      }
    } finally {
      resumeCallClock();
    }
    const status = Atomics.load(i32, STATUS);
    if (status !== 0) return { ok: false, code: status - 1 };
    const len = Atomics.load(i32, LENGTH);
    return { ok: true, bytes: this.#u8.slice(HEADER_BYTES, HEADER_BYTES + len) };
  }

  close(): void {
    this.#channel.close();
  }
}
