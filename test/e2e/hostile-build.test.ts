// Issue 8, class 1 — `peeros app build` of an untrusted folder runs no code from it and shows it no
// secret. The folder's asconfig.json (transform, extends, lib, path, entries) is never read; asc
// runs in a worker with an empty environment, a heap cap and a deadline, and reads only regular
// .ts files inside the app folder or the SDK; the module is written only inside the folder.
// Every case runs the real CLI with PEEROS_PASSPHRASE set, as a user would.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, tempHome } from './world.js';
import { runCli, describeRun, type CliRun } from './measured-cli.js';
import { buildApp, compilerEnvironment, AppBuildError } from '../../runtime/app-compiler.js';
import { COMPILE_WORKER_OPTIONS } from '../../runtime/app-compile-client.js';
import { MAX_APP_SOURCE_BYTES } from '../../runtime/limits.js';

/** App folders live under the checkout so that their sources reach sdk-as/ by a relative path. */
const TMP = join(ROOT, `.peeros-test-hostile-build-${process.pid}`);
/** Outside every app folder: secrets, victims, and where a transform would leave its traces. */
const OUTSIDE = join(TMP, 'outside');
const PASSPHRASE = 'hostile-build-passphrase-7f3a';
const SECRET = 'SECRET_TEXT_9c41e2';
const MAX_MS = 120_000;
const MAX_RSS_MIB = 1024;

let home: string;
const measured: string[] = [];

const ECHO_SOURCE = (sdk: string): string =>
  `import { register, Value, Outcome, ok } from "${sdk}";\nexport * from "${sdk}/exports";\n` +
  `function echo(a: Value): Outcome { return ok(a); }\nregister("echo", echo);\n`;

/** An app folder TMP/<name> (sources import the SDK at ROOT/sdk-as) with the echo command. */
function appFolder(name: string, opts: { parent?: string; source?: string } = {}): string {
  const dir = join(opts.parent ?? TMP, name);
  mkdirSync(join(dir, 'assembly'), { recursive: true });
  writeFileSync(
    join(dir, 'peeros.json'),
    JSON.stringify({
      name,
      version: '0.1.0',
      publisher: 'peeros',
      entry: `build/${name}.wasm`,
      source: 'assembly/index.ts',
      commands: { echo: { description: 'returns its arguments' } },
      capabilities: {},
    }),
  );
  const sdk = relative(join(dir, 'assembly'), join(ROOT, 'sdk-as/app'));
  if (opts.source !== undefined) writeFileSync(join(dir, 'assembly/index.ts'), opts.source);
  else writeFileSync(join(dir, 'assembly/index.ts'), ECHO_SOURCE(sdk));
  return dir;
}

async function build(label: string, dir: string): Promise<CliRun> {
  const r = await runCli(['app', 'build', dir], { PEEROS_HOME: home, PEEROS_PASSPHRASE: PASSPHRASE }, MAX_MS + 30_000);
  measured.push(describeRun(label, r));
  return r;
}

function refused(r: CliRun, code: string, why: RegExp): void {
  assert.not.ok(r.timedOut, 'build hung');
  assert.is(r.code, 1, r.err);
  assert.match(r.err, new RegExp(`peeros app build: ${code}: `));
  assert.match(r.err, why);
  assert.ok(r.ms < MAX_MS, `took ${r.ms} ms`);
  if (r.peakRssMiB !== undefined) assert.ok(r.peakRssMiB < MAX_RSS_MIB, `peak RSS ${r.peakRssMiB} MiB`);
  assert.not.ok(`${r.out}${r.err}`.includes(SECRET), 'the secret leaked into the output');
}

test.before(() => {
  home = tempHome('hostile-build');
  mkdirSync(OUTSIDE, { recursive: true });
  writeFileSync(join(OUTSIDE, 'secret.ts'), `export const leaked: i32 = ${SECRET};\n`);
});
test.after(() => {
  rmSync(TMP, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
  console.log(`measured (class 1):\n${measured.join('\n')}`);
});

test('asconfig.json transforms, extends, lib, path and entries never run nor load; the build ignores them and the app runs', async () => {
  const dir = appFolder('transformed');
  const marker = join(OUTSIDE, 'transform-ran');
  const envDump = join(OUTSIDE, 'transform-env.json');
  // ESM (.mjs) so that it loads whatever package.json is above it, as asc would import() it
  const evil = (tag: string): string =>
    `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(`${marker}-${tag}`)}, 'ran');\n` +
    `writeFileSync(${JSON.stringify(envDump)}, JSON.stringify(process.env));\nexport default class {}\n`;
  writeFileSync(join(dir, 'evil.mjs'), evil('folder'));
  mkdirSync(join(OUTSIDE, 'cfg'), { recursive: true });
  writeFileSync(join(OUTSIDE, 'cfg/evil.mjs'), evil('extends'));
  writeFileSync(join(OUTSIDE, 'cfg/asconfig.json'), JSON.stringify({ options: { transform: ['./evil.mjs'] } }));
  writeFileSync(
    join(dir, 'asconfig.json'),
    JSON.stringify({
      extends: '../outside/cfg/asconfig.json',
      entries: ['../outside/secret.ts'],
      options: { transform: ['./evil.mjs'], lib: ['../outside'], path: ['../outside'] },
      targets: { release: { transform: ['./evil.mjs'] } },
    }),
  );
  const r = await build('asconfig with transform/extends/lib/path', dir);
  assert.is(r.code, 0, r.err);
  assert.match(r.err, /note: .*asconfig\.json ignored: the host sets every compiler option/);
  assert.not.ok(existsSync(`${marker}-folder`), 'the folder transform ran');
  assert.not.ok(existsSync(`${marker}-extends`), 'the extended config transform ran');
  assert.not.ok(existsSync(envDump), 'a transform dumped the environment');
  assert.not.ok(`${r.out}${r.err}`.includes(SECRET));
  const wasm = readFileSync(join(dir, 'build/transformed.wasm'));
  assert.not.ok(wasm.includes(SECRET), 'an asconfig entry outside the folder was compiled in');
  const inst = await runCli(['app', 'install', dir, '--yes'], { PEEROS_HOME: home });
  assert.is(inst.code, 0, inst.err);
  const run = await runCli(['app', 'run', 'transformed', 'echo', '{"x":41}'], { PEEROS_HOME: home });
  assert.is(run.code, 0, run.err);
  assert.match(run.out, /"x":41/);
});

test('a source file that links to a secret outside the folder is not read; its text appears nowhere', async () => {
  const dir = appFolder('linked', {
    source: `import { leaked } from "./secret";\n${ECHO_SOURCE('../../../sdk-as/app')}\nexport const l = leaked;\n`,
  });
  symlinkSync(join(OUTSIDE, 'secret.ts'), join(dir, 'assembly/secret.ts'));
  refused(await build('source -> secret outside', dir), 'UNSAFE_FILE', /secret\.ts: source file resolves to .*outside the app folder/);
  assert.not.ok(existsSync(join(dir, 'build/linked.wasm')));
});

test('a ~lib package found in a node_modules above the folder is refused', async () => {
  const parent = join(TMP, 'above');
  mkdirSync(join(parent, 'node_modules/evilpkg'), { recursive: true });
  writeFileSync(join(parent, 'node_modules/evilpkg/index.ts'), `export const leaked: i32 = ${SECRET};\n`);
  const dir = appFolder('pkg', {
    parent,
    source: `import { leaked } from "~lib/evilpkg";\n${ECHO_SOURCE('../../../../sdk-as/app')}\nexport const l = leaked;\n`,
  });
  refused(
    await build('~lib package outside the folder', dir),
    'UNSAFE_FILE',
    /evilpkg\/index\.ts: source file resolves to .*outside the app folder/,
  );
});

test('a source that is a named pipe is refused at once', async () => {
  const dir = appFolder('fifo');
  rmSync(join(dir, 'assembly/index.ts'));
  execFileSync('mkfifo', [join(dir, 'assembly/index.ts')]);
  refused(await build('source is a FIFO', dir), 'UNSAFE_FILE', /named pipe/);
});

test('a source past MAX_APP_SOURCE_BYTES is refused before it is read (sparse file)', async () => {
  const dir = appFolder('huge');
  truncateSync(join(dir, 'assembly/index.ts'), 1 << 30); // 1 GiB, sparse
  refused(await build('source 1 GiB (sparse)', dir), 'LIMIT_EXCEEDED', new RegExp(`more than the ${MAX_APP_SOURCE_BYTES}-byte limit`));
});

test('a source nested 400,000 levels deep overflows only the compiler worker: LIMIT_EXCEEDED, and the next build works', async () => {
  const deep = `${'('.repeat(400_000)}1${')'.repeat(400_000)}`;
  const dir = appFolder('deep', { source: `${ECHO_SOURCE('../../../sdk-as/app')}export const x: i32 = ${deep};\n` });
  refused(await build('source nested 400k deep', dir), 'LIMIT_EXCEEDED', /nest too deeply for the compiler's \d+ MiB stack/);
  const ok = await build('normal app after it', appFolder('after-deep'));
  assert.is(ok.code, 0, ok.err);
});

test('peeros.json that links to /dev/zero is refused at build', async () => {
  const dir = appFolder('zero');
  rmSync(join(dir, 'peeros.json'));
  symlinkSync('/dev/zero', join(dir, 'peeros.json'));
  refused(await build('peeros.json -> /dev/zero', dir), 'UNSAFE_FILE', /outside the app folder/);
});

test('the module is never written through a link: a linked output folder is refused, a linked output file is replaced', async () => {
  const dirOut = appFolder('outdir');
  mkdirSync(join(OUTSIDE, 'target'), { recursive: true });
  symlinkSync(join(OUTSIDE, 'target'), join(dirOut, 'build'));
  refused(await build('entry folder -> outside', dirOut), 'UNSAFE_FILE', /outside the app folder/);
  assert.not.ok(existsSync(join(OUTSIDE, 'target/outdir.wasm')), 'wrote into a folder outside');

  const dirFile = appFolder('outfile');
  const victim = join(OUTSIDE, 'victim.txt');
  writeFileSync(victim, 'keep me');
  mkdirSync(join(dirFile, 'build'));
  symlinkSync(victim, join(dirFile, 'build/outfile.wasm'));
  const r = await build('entry file -> outside victim', dirFile);
  assert.is(r.code, 0, r.err);
  assert.is(readFileSync(victim, 'utf8'), 'keep me');
  assert.ok(lstatSync(join(dirFile, 'build/outfile.wasm')).isFile());
});

test('the compile worker sees no environment variable, even with PEEROS_PASSPHRASE set', async () => {
  process.env.PEEROS_PASSPHRASE = PASSPHRASE;
  try {
    assert.equal(Object.keys(COMPILE_WORKER_OPTIONS.env), []);
    const names = await compilerEnvironment();
    assert.equal(
      names.filter((n) => n.startsWith('PEEROS_')),
      [],
    );
    assert.equal(names, []);
  } finally {
    delete process.env.PEEROS_PASSPHRASE;
  }
});

test('a compile past its deadline stops the worker with DEADLINE_EXCEEDED, and the next build works', async () => {
  const dir = appFolder('slow');
  await compilerEnvironment(); // the worker is up and asc loaded: the deadline hits the compile itself
  const started = performance.now();
  try {
    await buildApp(dir, { deadlineMs: 300 });
    assert.unreachable('built an -O3 app within 300 ms');
  } catch (e) {
    assert.instance(e, AppBuildError);
    assert.is((e as AppBuildError).code, 'DEADLINE_EXCEEDED');
  }
  const stoppedMs = performance.now() - started;
  measured.push(`  deadline 300 ms: stopped after ${stoppedMs.toFixed(0)} ms`);
  assert.ok(stoppedMs < 30_000, `took ${stoppedMs} ms`); // the 300 ms deadline; loose for a loaded machine
  const r = await buildApp(dir);
  assert.ok(r.bytes > 0);
});

test.run();
