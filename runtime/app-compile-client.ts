/**
 * The host side of the compile worker (runtime/app-compile-worker.ts). One worker serves the
 * builds of a process one at a time, so a build script compiling many apps keeps the compiler's
 * JIT-warm code (a cold worker per app costs about 3x the CPU). Every worker is created with:
 *
 *   - `env: {}`: the compiler sees no environment variable, so no PEEROS_PASSPHRASE;
 *   - `resourceLimits` (BUILD_HEAP_MB, BUILD_STACK_MB): a source that blows up the compiler kills
 *     the worker, not the host;
 *   - a deadline per request (BUILD_DEADLINE_MS): past it the worker is terminated and the build
 *     fails with DEADLINE_EXCEEDED; the next build starts a fresh worker.
 *
 * An idle worker is unref'd (it never keeps a process alive) and stopped after BUILD_WORKER_IDLE_MS.
 */
import { Worker } from 'node:worker_threads';
import { BUILD_HEAP_MB, BUILD_STACK_MB, BUILD_WORKER_IDLE_MS, BUILD_YOUNG_HEAP_MB } from './limits.js';
import { AppBuildError } from './app-build-error.js';
import { isStackOverflow } from '../lib/foreign-errors.js';
import type { CompileRequest, CompileWorkerReply } from './app-compile-worker.js';
import { terminateWorker, unrefWorker } from '../lib/worker-stop.js';

const WORKER_URL = new URL('./app-compile-worker.js', import.meta.url);

/** The options every compile worker is created with (exported so tests can check them). */
export const COMPILE_WORKER_OPTIONS = Object.freeze({
  env: Object.freeze({}) as Record<string, string>, // the compiler sees no PEEROS_PASSPHRASE nor any other variable
  resourceLimits: Object.freeze({
    maxOldGenerationSizeMb: BUILD_HEAP_MB,
    maxYoungGenerationSizeMb: BUILD_YOUNG_HEAP_MB,
    stackSizeMb: BUILD_STACK_MB,
  }),
});

let worker: Worker | undefined;
let idleTimer: NodeJS.Timeout | undefined;
let nextId = 1;
/** Requests run one after another: asc's state is not meant to be shared between compilations. */
let queue: Promise<unknown> = Promise.resolve();

function stopWorker(w: Worker): void {
  if (worker === w) worker = undefined;
  void terminateWorker(w);
}

function currentWorker(): Worker {
  if (idleTimer) {
    clearTimeout(idleTimer);
    idleTimer = undefined;
  }
  if (!worker) {
    const w = new Worker(WORKER_URL, {
      env: { ...COMPILE_WORKER_OPTIONS.env },
      resourceLimits: { ...COMPILE_WORKER_OPTIONS.resourceLimits },
    });
    w.on('error', () => stopWorker(w)); // also when idle: an unhandled 'error' event would throw in the host
    w.on('exit', () => {
      if (worker === w) worker = undefined;
    });
    unrefWorker(w);
    worker = w;
  }
  return worker;
}

/** What a failed worker means for the build. */
function failure(err: Error & { code?: string }): AppBuildError {
  if (err.code === 'ERR_WORKER_OUT_OF_MEMORY')
    return new AppBuildError('LIMIT_EXCEEDED', `the compiler ran out of its ${BUILD_HEAP_MB} MiB heap and was stopped`);
  if (isStackOverflow(err)) {
    return new AppBuildError(
      'LIMIT_EXCEEDED',
      `the sources nest too deeply for the compiler's ${BUILD_STACK_MB} MiB stack; it was stopped`,
    );
  }
  return new AppBuildError('INTERNAL', `the compiler failed: ${err.message}`);
}

function send(request: CompileRequest, deadlineMs: number): Promise<CompileWorkerReply> {
  const w = currentWorker();
  const id = nextId++;
  return new Promise<CompileWorkerReply>((resolve, reject) => {
    const done = (fn: () => void, keep: boolean): void => {
      clearTimeout(timer);
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
      if (!keep) stopWorker(w);
      else if (worker === w) {
        idleTimer = setTimeout(() => stopWorker(w), BUILD_WORKER_IDLE_MS);
        idleTimer.unref();
      }
      fn();
    };
    const onMessage = (msg: { id: number; reply: CompileWorkerReply }): void => {
      if (msg.id === id) done(() => resolve(msg.reply), true);
    };
    const onError = (err: Error & { code?: string }): void => done(() => reject(failure(err)), false);
    const onExit = (code: number): void =>
      done(() => reject(new AppBuildError('INTERNAL', `the compiler exited (code ${code}) without a result`)), false);
    // a ref'd timer keeps the process alive while a build is pending (the worker itself is unref'd)
    const timer = setTimeout(
      () =>
        done(
          () => reject(new AppBuildError('DEADLINE_EXCEEDED', `the compiler ran past its ${deadlineMs} ms deadline and was stopped`)),
          false,
        ),
      deadlineMs,
    );
    w.on('message', onMessage);
    w.once('error', onError);
    w.once('exit', onExit);
    w.postMessage({ id, request });
  });
}

/** Runs `request` in the compile worker, after the requests before it; see the module doc. */
export function compileInWorker(request: CompileRequest, deadlineMs: number): Promise<CompileWorkerReply> {
  const run = queue.then(() => send(request, deadlineMs));
  queue = run.catch(() => undefined);
  return run;
}
