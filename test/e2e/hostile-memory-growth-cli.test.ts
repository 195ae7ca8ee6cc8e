// Issue 8, class 4 through the real CLI: `peeros app run` of an app that grows 4096 pages one at a
// time (limits: 4096 pages, cpuMs 2000) reports DEADLINE_EXCEEDED and the process exits soon after,
// having used little CPU past the deadline (before the fix: DEADLINE_EXCEEDED at 2 s, exit after
// 60-76 s of a busy core). The child's CPU is read from /proc while it runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_MEMORY_PAGES } from '../../runtime/limits.js';
import * as M from '../fixtures/hostile/modules.js';
import { writeApp } from '../runtime/helpers.js';
import { ROOT, tempHome } from './world.js';

const BIN = join(ROOT, 'bin/peeros.js');
const CPU_MS = 2000;
let home: string;

/** utime + stime of `pid` in ms (all its threads), or undefined once it is gone. */
function procCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // fields 14, 15 in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

interface Run { code: number; out: string; err: string; wallMs: number; cpuMs: number; reportedAtMs: number | undefined }

function peeros(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, PEEROS_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let reportedAtMs: number | undefined;
    let cpuMs = 0;
    const sample = setInterval(() => { cpuMs = procCpuMs(child.pid!) ?? cpuMs; }, 50);
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; if (reportedAtMs === undefined && /DEADLINE_EXCEEDED/.test(err)) reportedAtMs = Date.now() - t0; });
    child.on('exit', () => { cpuMs = procCpuMs(child.pid!) ?? cpuMs; });
    child.on('close', (code) => { clearInterval(sample); resolve({ code: code ?? -1, out, err, wallMs: Date.now() - t0, cpuMs, reportedAtMs }); });
  });
}

test.before(async () => {
  home = tempHome('hostile-memory-growth-cli');
  const install = await peeros(['app', 'install', writeApp(home, 'grower', M.growByPages(MAX_MEMORY_PAGES), { limits: { memoryPages: MAX_MEMORY_PAGES, cpuMs: CPU_MS } }), '--yes']);
  assert.is(install.code, 0, install.err);
  const good = await peeros(['app', 'install', writeApp(home, 'good', M.appModule()), '--yes']);
  assert.is(good.code, 0, good.err);
});
test.after(() => rmSync(home, { recursive: true, force: true }));

test('peeros app run: 4096 pages grown one at a time → DEADLINE_EXCEEDED, exit soon after, CPU bounded', async () => {
  const r = await peeros(['app', 'run', 'grower', 'go']);
  assert.is(r.code, 1, r.err);
  assert.match(r.err, /DEADLINE_EXCEEDED/);
  assert.match(r.err, /CPU deadline of 2000 ms/);
  // Node start-up and the app's 2 s, then a prompt exit: generous bounds for a loaded 2-core machine.
  assert.ok(r.wallMs < 15_000, `the command took ${r.wallMs} ms`);
  assert.ok(r.reportedAtMs !== undefined && r.wallMs - r.reportedAtMs < 5000, `exited ${r.wallMs - (r.reportedAtMs ?? 0)} ms after reporting`);
  // Start-up (~0.5 s) + the deadline (2 s) + a margin; before the fix: over 60 s.
  assert.ok(r.cpuMs < CPU_MS + 4000, `the command used ${r.cpuMs} ms of CPU`);
  console.log(`  app run: wall ${r.wallMs} ms, reported at ${r.reportedAtMs} ms, CPU ${r.cpuMs} ms`);
  const good = await peeros(['app', 'run', 'good', 'go']);
  assert.is(good.code, 0, good.err);
  assert.match(good.out, /"ok": ?true/);
});

test.run();
