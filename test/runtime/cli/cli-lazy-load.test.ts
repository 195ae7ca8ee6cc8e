// Help reads the commands' definitions only: `peeros --help`, `peeros CMD --help` and `peeros help
// CMD SUB` load no command's code (nor the node, vault and store modules behind it), and running a
// command loads its own code and no other command's. Each case records every module URL the real
// `peeros` process resolves (test/fixtures/import-log-hooks.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCommands, loadDefinitions } from '../../../runtime/cli/main.js';
import type { CliCommand } from '../../../runtime/cli/command.js';

const dir = mkdtempSync(join(tmpdir(), 'peeros-lazy-'));
const hooks = new URL('../../fixtures/import-log-hooks.js', import.meta.url).href;
const register = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(hooks)});`;
let runs = 0;

/** The module URLs `peeros ARGS` resolved (deduplicated), and its exit status. */
function importsOf(...args: string[]): { urls: string[]; status: number | null; stdout: string } {
  const log = join(dir, `imports-${runs++}.log`);
  const r = spawnSync(process.execPath, ['--import', register, 'bin/peeros.js', ...args], {
    env: { ...process.env, PEEROS_HOME: join(dir, 'home'), PEEROS_IMPORT_LOG: log },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  let text = '';
  try {
    text = readFileSync(log, 'utf8');
  } catch {
    // nothing resolved: the assertions below say so
  }
  return { urls: [...new Set(text.split('\n').filter(Boolean))], status: r.status, stdout: r.stdout };
}

const under = (urls: string[], part: string) => urls.filter((u) => u.includes(part));
/** The node's modules a help text may read: constants in files of their own. */
const HELP_CONSTANTS = ['/dist/dmcs/chain/dev-keys.js', '/dist/dmcs/state/store-dir.js'];

for (const args of [['--help'], ['node', '--help'], ['help', 'app', 'publish'], ['key', 'import', '--help']]) {
  test(`peeros ${args.join(' ')} loads definitions, no command's code`, () => {
    const { urls, status, stdout } = importsOf(...args);
    assert.is(status, 0);
    assert.match(stdout, /usage: peeros/);
    assert.ok(under(urls, '/runtime/cli/definitions/').length > 0, 'the hook saw no definition: the record is not working');
    assert.equal(under(urls, '/runtime/cli/commands/'), []);
    assert.equal(under(urls, '/node_modules/'), [], 'no package (the stores, hypercore, the curves) is loaded for help');
    assert.equal(under(urls, '/dist/skv/'), []);
    // of the node, only the constants its help quotes (the development key, the state store's folder)
    assert.equal(
      under(urls, '/dist/dmcs/').filter((u) => !HELP_CONSTANTS.some((c) => u.endsWith(c))),
      [],
    );
  });
}

test('running a command loads its own code and no other command', () => {
  const { urls, status } = importsOf('whoami', '--json');
  assert.is(status, 0);
  assert.equal(
    under(urls, '/runtime/cli/commands/').map((u) => u.slice(u.lastIndexOf('/') + 1)),
    ['whoami.js'],
  );
});

test('a command that reads a file loads no node: peeros dmcs list opens no store', () => {
  const { urls, status } = importsOf('dmcs', 'list', '--json');
  assert.is(status, 0);
  assert.equal(
    urls.filter((u) => /\/node_modules\/(lmdb|corestore|hypercore|rocksdb-native)\//.test(u) || u.includes('/dist/dmcs/node.js')),
    [],
  );
});

/** The modules of `app install`, `app run`, `app build`, `share sync` or `queue flush` that a listing never needs. */
const HEAVY = [
  ['the host (sandbox, worker pool)', /\/dist\/runtime\/(host|sandbox\/worker-pool|sandbox\/module-loader)\.js$/],
  ['the compiler client', /\/dist\/runtime\/app-compiler/],
  ['the app store client', /\/dist\/runtime\/store\/store-(install|publish|registry)\.js$/],
  ['the identity signer', /\/dist\/runtime\/app-identity\/package-signer\.js$/],
  ['the vault and its worker', /\/dist\/skv\/(vault|vault-channel|vault-worker|index)\.js$/],
  ['a DMCS client', /\/dist\/runtime\/dispatch\/(index|dispatcher|dmcs-registry|http-backend|http-client)\.js$/],
  ['the node', /\/dist\/dmcs\//],
  ['host services', /\/dist\/runtime\/host-bridge\//],
  ['a store package', /\/node_modules\/(lmdb|corestore|hypercore|hyperswarm|msgpackr|rocksdb-native)\//],
] as const;

// A listing is the commonest CLI call (and the tests make hundreds): each subcommand's code is
// imported when it runs, so a static import of a heavy module in commands/app.ts (or share.ts,
// queue.ts) fails here.
for (const [cmd, files] of [
  ['app', ['app.js', 'app-list.js']],
  ['share', ['share.js', 'share-list.js']],
  ['queue', ['queue.js', 'queue-list.js', 'queue-entries.js']],
] as const) {
  test(`peeros ${cmd} list loads its own subcommand only, and none of the host, vault, node or store`, () => {
    const { urls, status } = importsOf(cmd, 'list', '--json');
    assert.is(status, 0);
    assert.equal(
      under(urls, '/runtime/cli/commands/').map((u) => u.slice(u.lastIndexOf('/') + 1)),
      [...files],
    );
    for (const [what, pattern] of HEAVY)
      assert.equal(
        urls.filter((u) => pattern.test(u)),
        [],
        `${cmd} list loads ${what}`,
      );
  });
}

test('an unknown or inherited subcommand name loads no subcommand: `app constructor` is a usage error', () => {
  for (const [cmd, sub] of [
    ['app', 'constructor'],
    ['share', '__proto__'],
    ['queue', 'toString'],
  ]) {
    const { urls, status } = importsOf(cmd!, sub!);
    assert.is(status, 2, `${cmd} ${sub}`);
    assert.equal(
      under(urls, '/runtime/cli/commands/').map((u) => u.slice(u.lastIndexOf('/') + 1)),
      [`${cmd}.js`],
    );
  }
});

test('a typed name is a file name only when it looks like one: a path is an unknown command', () => {
  for (const name of ['../commands/whoami', 'definitions/node', 'WHOAMI', 'app-pack', 'w'.repeat(40)]) {
    const { urls, status } = importsOf(name);
    assert.is(status, 2, name);
    assert.equal(under(urls, '/runtime/cli/commands/'), [], name);
  }
});

test('an unknown command still gets its suggestion (every definition read, no command code)', () => {
  const { urls, status } = importsOf('apq');
  assert.is(status, 2);
  assert.equal(under(urls, '/runtime/cli/commands/'), []);
});

test('each definition has its command, which runs with that very definition, and no command lacks one', async () => {
  const definitions = await loadDefinitions();
  const commands = await loadCommands(); // throws for a definition without its command
  assert.is(commands.length, definitions.length);
  commands.forEach((c, i) => assert.ok(c.definition === definitions[i], `${c.definition.name}: its own definition object`));
  const commandsDir = fileURLToPath(new URL('../../../runtime/cli/commands/', import.meta.url));
  for (const f of readdirSync(commandsDir).filter((n) => n.endsWith('.js'))) {
    const mod = (await import(new URL(f, `file://${commandsDir}`).href)) as { default?: CliCommand };
    if (mod.default?.definition) assert.ok(definitions.includes(mod.default.definition), `commands/${f} has no definitions/ file`);
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
