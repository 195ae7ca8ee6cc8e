// Issue 8, class 8 — reserved names. An app named like something the host or the vault names
// internally (`user` was the vault's principal for the person at the keyboard) is refused at
// install, through the real CLI, with MANIFEST_INVALID naming the field; nothing is installed, and
// an ordinary app still installs and runs afterwards. The vault's own side (an app called "user"
// gets no bypass) is in test/skv/scopes.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESERVED_APP_NAMES } from '../../runtime/manifest.js';
import { ROOT, tempHome } from './world.js';
import { runPeeros, type PeerosRun } from './run-cli.js';

/** CLI processes at once: 2 cores shared with others. */
const PARALLEL = 3;

/** The real CLI with `home`, no stdin. */
const peeros = (home: string, args: string[]): Promise<PeerosRun> => runPeeros(args, { env: { PEEROS_HOME: home } });

/** A copy of the stock notes app under another manifest name. */
function appNamed(root: string, name: string): string {
  const dir = join(root, name);
  cpSync(join(ROOT, 'apps/notes/build'), join(dir, 'build'), { recursive: true });
  const m = JSON.parse(readFileSync(join(ROOT, 'apps/notes/peeros.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'peeros.json'), JSON.stringify({ ...m, name }));
  return dir;
}

test('every reserved app name (user, peeros, vault, eosio, …) is refused at install with MANIFEST_INVALID; an ordinary app still installs and runs', async () => {
  const home = tempHome('reserved');
  const root = mkdtempSync(join(tmpdir(), 'peeros-reserved-apps-'));
  try {
    const names = [...RESERVED_APP_NAMES];
    for (const required of ['user', 'peeros', 'host', 'vault', 'system', 'console', 'eosio', 'constructor'])
      assert.ok(names.includes(required), required);
    const queue = [...names];
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
          const r = await peeros(home, ['app', 'install', appNamed(root, name), '--yes']);
          assert.is(r.code, 1, `${name}: ${r.out} ${r.err}`);
          assert.match(r.err, /MANIFEST_INVALID|is invalid/, name);
          assert.match(
            r.err,
            new RegExp(`name: expected a name that is not reserved for the host or the vault .* got "${name}"`),
            `${name}: ${r.err}`,
          );
          assert.not.ok(existsSync(join(home, 'apps', name)), `${name} left nothing installed`);
        }
      }),
    );
    const ok = await peeros(home, ['app', 'install', appNamed(root, 'user-notes'), '--yes']);
    assert.is(ok.code, 0, ok.err);
    const run = await peeros(home, ['app', 'run', 'user-notes', 'list', '{}']);
    assert.is(run.code, 0, run.err);
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
});

test.run();
