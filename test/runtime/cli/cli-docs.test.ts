// docs/cli.md is generated from the command definitions that print --help: this fails when the
// committed page and the definitions drift apart, and says how to regenerate it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadDefinitions } from '../../../runtime/cli/main.js';

test('docs/cli.md is what `npm run docs:cli` makes of the definitions', () => {
  const r = spawnSync(process.execPath, ['scripts/gen-cli-docs.mjs', '--check'], { encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 0, `${r.stderr}\n(regenerate: npm run build && npm run docs:cli)`);
});

test('docs/cli.md documents every command, subcommand and flag', async () => {
  const page = readFileSync('docs/cli.md', 'utf8');
  for (const d of await loadDefinitions()) {
    assert.ok(page.includes(`## \`peeros ${d.name}\``), `no section for ${d.name}`);
    for (const s of d.subcommands ?? []) {
      assert.ok(page.includes(`- **${s.name}**`), `${d.name} ${s.name} missing`);
      for (const f of s.flags ?? []) assert.ok(page.includes(`\`--${f.name}`), `${d.name} ${s.name} --${f.name} missing`);
    }
    for (const f of d.flags ?? []) assert.ok(page.includes(`\`--${f.name}`), `${d.name} --${f.name} missing`);
  }
});

test.run();
