// lib/helper-threads.ts, read back from the kernel (/proc/<pid>/task/<tid>/stat's nice field): the
// `peeros` entry runs Node's own helper threads below its JS thread, and threads started later (a
// worker, the node's own) keep the JS thread's priority. Linux only: elsewhere nice is per process.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELPER_NICE_STEP } from '../../lib/helper-threads.js';

const BIN = fileURLToPath(new URL('../../../bin/peeros.js', import.meta.url));
const LIB = new URL('../../lib/helper-threads.js', import.meta.url).href;
const linux = process.platform === 'linux';

/** Each live thread of `pid` and its nice value, by thread id. */
function niceByThread(pid: number | 'self'): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      out.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])); // field 19: nice
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

test('the threads present are lowered by the step; the JS thread and a worker started after keep theirs', () => {
  if (!linux) return;
  // in a child, so this runner's own threads keep their priority
  const script = `
    import { lowerHelperThreads } from ${JSON.stringify(LIB)};
    import { readdirSync, readFileSync } from 'node:fs';
    import { Worker } from 'node:worker_threads';
    const nice = (t) => { const s = readFileSync('/proc/self/task/' + t + '/stat', 'utf8'); return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[16]); };
    const before = readdirSync('/proc/self/task');
    const lowered = lowerHelperThreads();
    const w = new Worker('setTimeout(() => {}, 5000)', { eval: true });
    await new Promise((r) => w.once('online', r));
    const after = readdirSync('/proc/self/task');
    const threads = after.map((t) => ({ tid: Number(t), nice: nice(t), existed: before.includes(t) }));
    const again = lowerHelperThreads();
    console.log(JSON.stringify({ pid: process.pid, lowered, threads, again }));
    await w.terminate();`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.is(r.status, 0, r.stderr);
  const { pid, lowered, threads, again } = JSON.parse(r.stdout) as {
    pid: number;
    lowered: number;
    threads: Array<{ tid: number; nice: number; existed: boolean }>;
    again: number;
  };
  const helpers = threads.filter((t) => t.existed && t.tid !== pid);
  assert.ok(helpers.length >= 4, `Node starts its own helper threads (${helpers.length})`);
  assert.is(lowered, helpers.length);
  for (const t of helpers) assert.is(t.nice, HELPER_NICE_STEP, `helper ${t.tid - pid}`);
  assert.is(threads.find((t) => t.tid === pid)?.nice, 0, 'the JS thread keeps its priority');
  const later = threads.filter((t) => !t.existed);
  assert.ok(later.length >= 1, 'the worker started a thread');
  for (const t of later) assert.is(t.nice, 0, 'a thread started after keeps the JS thread priority');
  assert.is(again, later.length, 'a second call lowers only what was not lowered yet');
});

test('a process already below normal priority: helpers go lower still, never above the lowest', () => {
  if (!linux) return;
  const script = `
    import { setPriority } from 'node:os';
    import { readdirSync, readFileSync } from 'node:fs';
    setPriority(process.pid, 15);
    const { lowerHelperThreads } = await import(${JSON.stringify(LIB)});
    lowerHelperThreads();
    const nice = (t) => { const s = readFileSync('/proc/self/task/' + t + '/stat', 'utf8'); return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[16]); };
    console.log(JSON.stringify(readdirSync('/proc/self/task').map((t) => [Number(t) === process.pid, nice(t)])));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.is(r.status, 0, r.stderr);
  for (const [main, nice] of JSON.parse(r.stdout) as Array<[boolean, number]>) assert.is(nice, main ? 15 : 19);
});

test('`peeros node`: the JS thread at normal priority, the threads Node started lowered, the workers the node started not', async () => {
  if (!linux) return;
  const dir = mkdtempSync(join(tmpdir(), 'peeros-helper-threads-'));
  const child = spawn(process.execPath, [BIN, 'node', '--dev', '--http', '127.0.0.1:0', '--data', join(dir, 'node')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PEEROS_HOME: dir },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        if (/endpoint: \S+/.test(out)) resolve();
      });
      child.on('exit', (code) => reject(new Error(`peeros node exited with ${code}`)));
    });
    const nice = niceByThread(child.pid!);
    assert.is(nice.get(child.pid!), 0, 'the JS thread');
    const values = [...nice].filter(([tid]) => tid !== child.pid).map(([, n]) => n);
    assert.ok(values.filter((n) => n === HELPER_NICE_STEP).length >= 4, `Node's helpers lowered: ${values}`);
    assert.ok(
      values.some((n) => n === 0),
      `threads the JS thread started (the node's recovery workers) keep normal priority: ${values}`,
    );
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
