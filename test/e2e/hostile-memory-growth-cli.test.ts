// Issue 8, class 4 through the real CLI: `peeros app run` of an app that grows 4096 pages one at a
// time (limits: 4096 pages, cpuMs 2000) reports DEADLINE_EXCEEDED and the process exits soon after,
// having used little CPU past the deadline (before the fix: DEADLINE_EXCEEDED at 2 s, then 35-76 s
// of a busy core before the process exited).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { MAX_MEMORY_PAGES } from '../../runtime/limits.js';
import * as M from '../fixtures/hostile/modules.js';
import { writeApp } from '../runtime/helpers.js';
import { tempHome } from './world.js';
import { peerosMeasured } from './measured-cli.js';

const CPU_MS = 2000;
let home: string;
const peeros = (args: string[]) => peerosMeasured(args, { PEEROS_HOME: home }, /DEADLINE_EXCEEDED/);

test.before(async () => {
  home = tempHome('hostile-memory-growth-cli');
  const install = await peeros([
    'app',
    'install',
    writeApp(home, 'grower', M.growByPages(MAX_MEMORY_PAGES), { limits: { memoryPages: MAX_MEMORY_PAGES, cpuMs: CPU_MS } }),
    '--yes',
  ]);
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
  assert.ok(r.markedAtMs !== undefined && r.wallMs - r.markedAtMs < 5000, `exited ${r.wallMs - (r.markedAtMs ?? 0)} ms after reporting`);
  // Start-up (~0.5 s) + the deadline (2 s) + a margin; before the fix: over 35 s.
  assert.ok(r.cpuMs < CPU_MS + 4000, `the command used ${r.cpuMs} ms of CPU`);
  console.log(`  app run: wall ${r.wallMs} ms, reported at ${r.markedAtMs} ms, CPU ${r.cpuMs} ms, peak RSS ${r.peakRssMiB.toFixed(0)} MiB`);
  const good = await peeros(['app', 'run', 'good', 'go']);
  assert.is(good.code, 0, good.err);
  assert.match(good.out, /"ok": ?true/);
});

test.run();
