/**
 * Worker thread entry of `peeros invoke` for a module that is not an SDK app: the same thread
 * set-up, call clock and deadline as an app worker (app-process.ts drives both), but the instance
 * is an {@link InvokeInstance}: env.abort/trace/seed only, values through `@assemblyscript/loader`.
 * A call's `args` are the JSON of an {@link InvokeCall}; its result bytes the JSON of `{value}`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HostError } from '../errors.js';
import { bindCallClock, startCall } from './call-clock.js';
import { InvokeInstance, type InvokeCall } from './invoke-instance.js';
import type { HostToWorker, WorkerData, WorkerToHost } from './worker-protocol.js';

/** Level of trace lines in the log messages (0: trace, LOG_LEVEL_NAMES). */
const TRACE_LEVEL = 0;

const spec = workerData as WorkerData;
bindCallClock(spec.clock);
const port = parentPort!;
const send = (m: WorkerToHost, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const sink = (message: string) => send({ type: 'log', app: spec.app, level: TRACE_LEVEL, message });
const encoder = new TextEncoder();
const decoder = new TextDecoder();

let instance: InvokeInstance | undefined;
const fresh = () => InvokeInstance.create(spec.module, spec.app, spec.limits, sink);

send({ type: 'booted' });
try {
  instance = fresh();
  send({ type: 'ready' });
} catch (err) {
  send({ type: 'fatal', error: HostError.fromThrown(err, spec.app, '(instantiate)').toData() });
}

port.on('message', (msg: HostToWorker) => {
  if (msg.type !== 'call') return;
  startCall(msg.id);
  try {
    if (!instance || instance.poisoned) instance = fresh();
    const call = JSON.parse(decoder.decode(msg.args)) as InvokeCall;
    let value: unknown;
    try {
      value = instance.call(msg.command, call);
    } finally {
      const note = instance.endCall();
      if (note) sink(note);
    }
    const bytes = encoder.encode(JSON.stringify({ value }));
    send({ type: 'result', id: msg.id, ok: true, bytes }, [bytes.buffer as ArrayBuffer]);
  } catch (err) {
    send({ type: 'error', id: msg.id, error: HostError.fromThrown(err, spec.app, msg.command).toData() });
  }
});
