// Issue 8, class 3 through the real CLI and its default log sink (stderr): `peeros app run` of an
// app that logs 1 MiB messages in a loop for its whole 2 s deadline. Before the fix the command
// wrote 2 GB to stderr, peaked at 2 GB of RSS and took 59 s; now stderr gets the per-call budget
// and the marker line, and the process stays small.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { LOG_BYTES_PER_CALL } from '../../runtime/limits.js';
import * as M from '../fixtures/hostile/modules.js';
import { writeApp } from '../runtime/helpers.js';
import { tempHome } from './world.js';
import { peerosMeasured } from './measured-cli.js';

let home: string;
const peeros = (args: string[]) => peerosMeasured(args, { PEEROS_HOME: home, PEEROS_LOG: 'info' }, /DEADLINE_EXCEEDED/);

test.before(async () => {
  home = tempHome('hostile-log-flood-cli');
  const install = await peeros([
    'app',
    'install',
    writeApp(home, 'flood', M.logFlood(1 << 20), { capabilities: { log: {} }, limits: { cpuMs: 2000 } }),
    '--yes',
  ]);
  assert.is(install.code, 0, install.err);
  const good = await peeros(['app', 'install', writeApp(home, 'good', M.appModule()), '--yes']);
  assert.is(good.code, 0, good.err);
});
test.after(() => rmSync(home, { recursive: true, force: true }));

test('peeros app run: 1 MiB log messages for a whole deadline → DEADLINE_EXCEEDED, stderr and RSS bounded', async () => {
  const r = await peeros(['app', 'run', 'flood', 'go']);
  assert.is(r.code, 1, r.err.slice(-2000));
  assert.ok(r.markedAtMs !== undefined, 'DEADLINE_EXCEEDED reported');
  assert.match(r.err, /\[flood\] info: … log budget of 1 MiB per call reached: the rest of this call's log is dropped/);
  // The budget, the marker and the error line; a margin for prefixes.
  assert.ok(r.errBytes < LOG_BYTES_PER_CALL + 64 * 1024, `stderr got ${r.errBytes} bytes`);
  // Node alone is ~50 MiB; a few copies of the budget at most. Before: ~2 GB.
  assert.ok(r.peakRssMiB < 300, `peak RSS ${r.peakRssMiB.toFixed(0)} MiB`);
  assert.ok(r.wallMs < 15_000, `the command took ${r.wallMs} ms`);
  console.log(`  app run: stderr ${r.errBytes} bytes, peak RSS ${r.peakRssMiB.toFixed(0)} MiB, wall ${r.wallMs} ms`);
  const good = await peeros(['app', 'run', 'good', 'go']);
  assert.is(good.code, 0, good.err);
});

test.run();
