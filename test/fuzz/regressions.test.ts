// Findings of the fuzz harness (npm run fuzz, docs/fuzzing.md), each kept as a regression through
// the real path: a keystore file on disk opened by the vault, a request over HTTP to a node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Vault, VaultError, vaultPaths } from '../../skv/index.js';
import { autoApprove, removeHome, tempHome } from '../skv/helpers.js';

const FIXTURE = fileURLToPath(new URL('../../../test/skv/fixtures/keystore-v1', import.meta.url));
const FIXTURE_PASSPHRASE = 'fixture passphrase v1';

/** The fixture keystore with its body text replaced and the checksum line recomputed (the MAC kept). */
function keystoreWithBody(edit: (bodyText: string) => string): string {
  const [bodyText, macLine] = readFileSync(FIXTURE, 'utf8').split('\n') as [string, string];
  const body = edit(bodyText);
  const sum = createHash('sha256').update(`${body}\n${macLine}`).digest('hex');
  return `${body}\n${macLine}\nsha256=${sum}\n`;
}

async function unlockError(keystoreText: string): Promise<VaultError> {
  const home = tempHome();
  try {
    mkdirSync(vaultPaths(home).dir, { recursive: true });
    writeFileSync(vaultPaths(home).keystore, keystoreText);
    const v = Vault.open({ home, insecureTestKdf: true });
    try {
      await v.unlock(FIXTURE_PASSPHRASE, { verifier: autoApprove() });
      assert.unreachable('the keystore opened');
    } catch (e) {
      return e as VaultError;
    } finally { await v.close(); }
  } finally { removeHome(home); }
  throw new Error('unreachable');
}

test('keystore fuzz seed 1 index 1151: a version object whose toString is a string is UNSUPPORTED_KEYSTORE_VERSION, not a TypeError', async () => {
  const e = await unlockError(keystoreWithBody((b) => b.replace('"version":1', '"version":{"toString":"aaaa"}')));
  assert.instance(e, Error);
  assert.is(e.code, 'UNSUPPORTED_KEYSTORE_VERSION', e.message);
  assert.match(e.message, '{"toString":"aaaa"}');
});

test.run();
