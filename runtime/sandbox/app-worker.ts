/**
 * Worker thread entry: runs one app. It instantiates the module it was given, then serves calls
 * one at a time. A call that throws poisons the instance; the next call instantiates afresh (the
 * module is already compiled, and the new instance reuses the old one's memory, zeroed: tens of
 * µs). The host enforces the deadline by terminating this thread: wasm cannot be pre-empted any
 * other way.
 *
 * Started warm (warm-workers.ts), the thread has loaded this code and run the call path once on a
 * host-made module (warm-up.ts) but knows no app: it waits for one `assign` message, then runs that
 * app exactly as if it had been started with it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HostError } from '../errors.js';
import { AppInstance } from './instance.js';
import { bindCallClock, clockNow, startCall, pauseCallClock, resumeCallClock } from './call-clock.js';
import { BridgeClient } from './bridge-client.js';
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import { HOST_WAIT_PER_CPU_MS, timeoutOf, waitsOnUser } from '../host-bridge/bridge-protocol.js';
import { warmUp } from './warm-up.js';
import { MemoryReuse } from './memory-reuse.js';
import type { IsaBridge, IsaEnvironment } from '../isa/index.js';
import type { HostToWorker, WarmWorkerData, WorkerData, WorkerToHost } from './worker-protocol.js';

const data = workerData as WorkerData | WarmWorkerData;
bindCallClock(data.clock);
const port = parentPort!;
const send = (m: WorkerToHost, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

/** What the current call has waited on the main thread's services other than the user (ms). */
let hostWaitMs = 0;

function serve(spec: WorkerData): void {
  const env: IsaEnvironment = {
    home: spec.home,
    dataDir: spec.dataDir,
    logLevel: spec.logLevel,
    logSink: (app: string, level: number, message: string) => send({ type: 'log', app, level, message }),
  };
  if (spec.bridge) {
    const client = new BridgeClient(spec.bridge);
    const budget = spec.limits.cpuMs * HOST_WAIT_PER_CPU_MS;
    // A bridged call waits on the main thread (network, the user's confirmation): not CPU time. Its
    // waits on anything but the user count against the call's host-wait budget instead.
    const bridge: IsaBridge = {
      call(op, payload) {
        const charged = !waitsOnUser(op);
        const left = budget - hostWaitMs;
        if (charged && left <= 0) return { ok: false, code: IsaErrorCode.LIMIT_EXCEEDED };
        const t0 = clockNow();
        pauseCallClock();
        try {
          return charged ? client.call(op, payload, Math.min(timeoutOf(op), left)) : client.call(op, payload);
        } finally {
          resumeCallClock();
          if (charged) hostWaitMs += clockNow() - t0;
        }
      },
    };
    env.bridge = bridge;
  }

  let instance: AppInstance | undefined;
  const memories = spec.memory && new MemoryReuse(spec.memory);
  // the next instance reuses the memory of the one it replaces (retired: it never runs again)
  const fresh = () => {
    const old = instance;
    instance = undefined;
    if (old && memories) memories.give(old.retire());
    return AppInstance.create(spec.module, spec.plan, spec.app, spec.grants, spec.limits, env, memories?.take());
  };

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
    hostWaitMs = 0;
    try {
      if (!instance || instance.poisoned) instance = fresh();
      const r = instance.run(msg.command, msg.args);
      send({ type: 'result', id: msg.id, ok: r.ok, bytes: r.bytes }, [r.bytes.buffer as ArrayBuffer]);
    } catch (err) {
      send({ type: 'error', id: msg.id, error: HostError.fromThrown(err, spec.app, msg.command).toData() });
    }
  });
}

if ('app' in data) serve(data);
else {
  const clock = data.clock;
  const assign = (msg: HostToWorker) => {
    if (msg.type !== 'assign') return;
    port.off('message', assign);
    serve({ ...msg.spec, clock });
  };
  port.on('message', assign);
  // the call path compiled before any app needs it (warm-up.ts), off every call's path
  send({ type: 'warm', warmedUp: warmUp(data.home) });
}
