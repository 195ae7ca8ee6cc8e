// `peeros app dev DIR --run COMMAND`: builds, installs and runs; on a save it rebuilds, reinstalls
// keeping the app's data, and runs again; Ctrl-C (SIGINT) ends it. Checked with a counter whose
// step changes from 1 to 10 between the two rounds: 1, then 11.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempHome } from './world.js';
import { runPeerosSync, startPeeros } from './run-cli.js';

const ROUND_TIMEOUT_MS = 120_000;

test('app dev: build, install, run; a save rebuilds, reinstalls keeping data, reruns; SIGINT stops it', async () => {
  const home = tempHome('app-dev');
  const work = mkdtempSync(join(tmpdir(), 'peeros-dev-loop-'));
  const env = { PEEROS_HOME: home };
  try {
    const init = runPeerosSync(['app', 'init', 'loop'], { cwd: work, env, stdin: '' });
    assert.is(init.code, 0, init.err);
    const dev = startPeeros(['app', 'dev', 'loop', '--run', 'increment'], { cwd: work, env });
    const { child } = dev;
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const waitFor = async (what: RegExp): Promise<void> => {
      const until = Date.now() + ROUND_TIMEOUT_MS;
      while (!what.test(dev.out)) {
        if (Date.now() > until || child.exitCode !== null) {
          child.kill('SIGKILL');
          assert.unreachable(`no ${what} in time; stdout:\n${dev.out}\nstderr:\n${dev.err}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      await waitFor(/\{"count":1\}/);
      const watching = Date.now() + ROUND_TIMEOUT_MS; // the watch starts right after the first round
      while (!/watching/.test(dev.err) && Date.now() < watching) await new Promise((r) => setTimeout(r, 100));
      const file = join(work, 'loop/assembly/index.ts');
      writeFileSync(file, readFileSync(file, 'utf8').replace('by: i64 = 1', 'by: i64 = 10'));
      await waitFor(/\{"count":11\}/);
    } finally {
      child.kill('SIGINT');
    }
    assert.is(await exited, 0, dev.err);
  } finally {
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
});

test.run();
