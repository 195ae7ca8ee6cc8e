// apps/settings through the real host: a fixed catalogue of preferences in app storage; list
// shows values and defaults, set validates against the catalogue (unknown names and values that
// are not allowed are typed errors, nothing stored), reset returns to the default; values persist.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { Host } from '../../runtime/index.js';
import { ROOT } from '../isa/paths.js';
import { tempHome, cleanup, quietHost, grantAll, refusalCode } from '../runtime/helpers.js';

interface Pref {
  name: string;
  value: string;
  default: boolean;
  choices?: string[];
}

const home = tempHome('settings');
let host: Host;
const run = (cmd: string, args: Record<string, unknown> = {}) => host.run('settings', cmd, args);

const appCode = (cmd: string, args: Record<string, unknown>) => refusalCode(run(cmd, args), `${cmd} ${JSON.stringify(args)}`);

test.before(async () => {
  host = quietHost(home);
  await host.install(join(ROOT, 'apps/settings'), grantAll);
});
test.after(async () => {
  await host.close();
  cleanup(home);
});

test('list shows every preference at its default; set changes one; reset puts it back', async () => {
  const all = (await run('list')) as Pref[];
  assert.equal(
    all.map((p) => [p.name, p.value, p.default]),
    [
      ['theme', 'system', true],
      ['language', 'en', true],
      ['time-zone', 'UTC', true],
      ['date-format', 'iso', true],
      ['week-start', 'monday', true],
    ],
  );
  assert.equal(all[0]!.choices, ['system', 'light', 'dark']);
  assert.equal(((await run('set', { name: 'theme', value: 'dark' })) as Pref).value, 'dark');
  await run('set', { name: 'time-zone', value: 'America/Sao_Paulo' });
  await run('set', { name: 'language', value: 'pt-BR' });
  assert.equal(((await run('get', { name: 'theme' })) as Pref).default, false);
  assert.equal(((await run('reset', { name: 'language' })) as Pref).value, 'en');
});

test('unknown names and values that are not allowed are refused; nothing is stored', async () => {
  assert.is(await appCode('set', { name: 'root-password', value: 'x' }), 'UNKNOWN_PREFERENCE');
  assert.is(await appCode('get', { name: 'nope' }), 'UNKNOWN_PREFERENCE');
  assert.is(await appCode('set', { name: 'theme', value: 'neon' }), 'INVALID_VALUE');
  assert.is(await appCode('set', { name: 'time-zone', value: '\u001b[2J' }), 'INVALID_VALUE');
  assert.is(await appCode('set', { name: 'language', value: 'x'.repeat(36) }), 'INVALID_VALUE');
  assert.is(((await run('get', { name: 'theme' })) as Pref).value, 'dark');
});

test('preferences persist across host restarts', async () => {
  await host.close();
  host = quietHost(home);
  const byName = Object.fromEntries(((await run('list')) as Pref[]).map((p) => [p.name, p.value]));
  assert.equal(byName, { theme: 'dark', language: 'en', 'time-zone': 'America/Sao_Paulo', 'date-format': 'iso', 'week-start': 'monday' });
});

test.run();
