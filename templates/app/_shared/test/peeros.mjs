// Runs the `peeros` CLI of the installed package (or the clone) against a throw-away PEEROS_HOME.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const bin = join(dirname(createRequire(import.meta.url).resolve('peeros/package.json')), 'bin/peeros.js');

export const appDir = join(import.meta.dirname, '..');
export const home = mkdtempSync(join(tmpdir(), '__NAME__-test-'));

/** `peeros ARGS…`: stdout, stderr and the exit code; never throws. */
export function peeros(...args) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PEEROS_HOME: home },
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Builds the app and installs it (granting what it asks for), once per test file. */
export function buildAndInstall() {
  const b = peeros('app', 'build', appDir);
  if (b.code !== 0) throw new Error(`build failed:\n${b.err}`);
  const i = peeros('app', 'install', appDir, '--yes', '--replace');
  if (i.code !== 0) throw new Error(`install failed:\n${i.err}`);
}

/** `peeros app run __NAME__ COMMAND JSON` → the parsed JSON result. */
export function run(command, args = {}) {
  const r = peeros('app', 'run', '__NAME__', command, JSON.stringify(args));
  if (r.code !== 0) throw new Error(`${command} failed (${r.code}):\n${r.err}`);
  return JSON.parse(r.out);
}
