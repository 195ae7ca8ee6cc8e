// `peeros app dev DIR --run COMMAND`: builds, installs and runs; on a save it rebuilds, reinstalls
// keeping the app's data, and runs again; Ctrl-C (SIGINT) ends it. Checked with a counter whose
// step changes from 1 to 10 between the two rounds: 1, then 11.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, tempHome } from './world.js';

const BIN = join(ROOT, 'bin/peeros.js');
const ROUND_TIMEOUT_MS = 120_000;

test('app dev: build, install, run; a save rebuilds, reinstalls keeping data, reruns; SIGINT stops it', async () => {
  const home = tempHome('app-dev');
  const work = mkdtempSync(join(tmpdir(), 'peeros-dev-loop-'));
  const env = { ...process.env, PEEROS_HOME: home };
  try {
    const init = spawnSync(process.execPath, [BIN, 'app', 'init', 'loop'], { cwd: work, env, encoding: 'utf8' });
    assert.is(init.status, 0, init.stderr);
    const child = spawn(process.execPath, [BIN, 'app', 'dev', 'loop', '--run', 'increment'], {
      cwd: work,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const waitFor = async (what: RegExp): Promise<void> => {
      const until = Date.now() + ROUND_TIMEOUT_MS;
      while (!what.test(out)) {
        if (Date.now() > until || child.exitCode !== null) {
          child.kill('SIGKILL');
          assert.unreachable(`no ${what} in time; stdout:\n${out}\nstderr:\n${err}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      await waitFor(/\{"count":1\}/);
      const watching = Date.now() + ROUND_TIMEOUT_MS; // the watch starts right after the first round
      while (!/watching/.test(err) && Date.now() < watching) await new Promise((r) => setTimeout(r, 100));
      const file = join(work, 'loop/assembly/index.ts');
      writeFileSync(file, readFileSync(file, 'utf8').replace('by: i64 = 1', 'by: i64 = 10'));
      await waitFor(/\{"count":11\}/);
    } finally {
      child.kill('SIGINT');
    }
    assert.is(await exited, 0, err);
  } finally {
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
});

test.run();
