// The package outside the clone. Always: `npm pack` ships what an install needs (built dist/, the
// SDK, the templates, the CLI) and nothing that runs at install. With PEEROS_TEST_PACK=1 (it
// needs the npm registry or its cache and takes about a minute): the tarball installs into an
// empty folder, `npx peeros` answers, and a scaffolded app passes its own test (build, install,
// run) with the SDK resolved from node_modules/peeros; the times are printed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './world.js';

const NPM_TIMEOUT_MS = 180_000;

function sh(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: NPM_TIMEOUT_MS, env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr, ms: Date.now() - t0 };
}

test('npm pack ships dist/, the SDK, the templates and the CLI, and nothing runs at install', () => {
  const r = sh('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT);
  assert.is(r.code, 0, r.err);
  const files = new Set((JSON.parse(r.out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path));
  for (const need of [
    'bin/peeros.js',
    'dist/runtime/cli/main.js',
    'dist/runtime/app-compile-worker.js',
    'dist/skv/worker.js',
    'sdk-as/app/index.ts',
    'sdk-as/app/exports.ts',
    'sdk-as/contract/index.ts',
    'sdk-as/contract/tools/compile-contract.mjs',
    'templates/app/counter/peeros.json',
    'templates/app/_shared/tsconfig.json',
    'templates/contract/contract/index.ts',
    'templates/contract/test/contract.test.mjs',
    'README.md',
  ])
    assert.ok(files.has(need), `the tarball lacks ${need}`);
  for (const f of files) assert.not.ok(/^dist\/(test|bench|fuzz)\//.test(f), `the tarball carries ${f}`);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
    exports: Record<string, string>;
  };
  for (const hook of ['prepare', 'preinstall', 'install', 'postinstall'])
    assert.not.ok(hook in pkg.scripts, `a '${hook}' script would run when the package is installed or npx'ed`);
  assert.is(pkg.exports['./sdk-as/*'], './sdk-as/*');
});

const heavy = process.env.PEEROS_TEST_PACK === '1';
if (!heavy) console.log('  skipped: the tarball install into an empty folder (set PEEROS_TEST_PACK=1; needs npm and about a minute)');

test('the tarball installs into an empty folder; npx peeros works there; a new app passes its own test', () => {
  if (!heavy) return;
  const dir = mkdtempSync(join(tmpdir(), 'peeros-pack-'));
  try {
    const pack = sh('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], ROOT);
    assert.is(pack.code, 0, pack.err);
    const tarball = join(dir, pack.out.trim().split('\n').pop()!);
    const project = join(dir, 'project');
    sh('mkdir', ['-p', project], dir);
    writeFileSync(join(project, 'package.json'), '{"name":"my-dapps","private":true}\n');
    const install = sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], project);
    assert.is(install.code, 0, install.err);
    const help = sh('npx', ['peeros', '--help'], project);
    assert.is(help.code, 0, help.err);
    assert.match(help.out, /usage: peeros COMMAND/);
    const home = join(dir, 'home');
    const init = sh('npx', ['peeros', 'app', 'init', 'hello'], project, { PEEROS_HOME: home });
    assert.is(init.code, 0, init.err);
    const appTest = sh('npm', ['test'], join(project, 'hello'));
    assert.is(appTest.code, 0, `${appTest.out}\n${appTest.err}`);
    const contract = sh('npx', ['peeros', 'contract', 'init', 'board'], project);
    assert.is(contract.code, 0, contract.err);
    const build = sh('npm', ['test'], join(project, 'board')); // the contract's own test builds it
    assert.is(build.code, 0, `${build.out}\n${build.err}`);
    console.log(
      `  npm pack ${pack.ms} ms; npm install of the tarball ${install.ms} ms; npx peeros --help ${help.ms} ms; app init ${init.ms} ms; the app's npm test (build, install, run) ${appTest.ms} ms; the contract's npm test (build, check) ${build.ms} ms`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
