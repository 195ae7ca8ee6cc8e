// The CLI's one vault-unlock sequence (runtime/cli/vault-unlock.ts), used by key, sign, queue
// resign, app sign|install|remove, grant, login and account: a missing keystore is refused before
// any passphrase is asked (with the caller's fix), `create` makes one, a wrong passphrase is the
// vault's WRONG_PASSPHRASE, and every unlock first revokes the vault grants of removed apps.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIO } from '../../../runtime/cli/command.js';
import { withUnlockedVault } from '../../../runtime/cli/vault-unlock.js';
import { PendingRevocations } from '../../../runtime/transaction-service/pending-revocations.js';
import { installSigningGrant } from '../../../runtime/transaction-service/app-signing-grant.js';
import { VaultError } from '../../../skv/index.js';

const home = mkdtempSync(join(tmpdir(), 'peeros-unlock-'));
const CHAIN = 'ab'.repeat(32);

function io(passphrase: string, errs: string[] = []): CliIO {
  return {
    out: () => undefined,
    err: (t) => errs.push(t),
    readStdin: async () => '',
    confirm: async () => false,
    env: { PEEROS_HOME: home, PEEROS_PASSPHRASE: passphrase },
  };
}

async function refusal(p: Promise<unknown>): Promise<VaultError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof VaultError) return err;
    throw err;
  }
  throw new Error('expected a VaultError');
}

test("no keystore: refused with the caller's fix, before a passphrase is read", async () => {
  const e = await refusal(withUnlockedVault(io(''), {}, { whenMissing: 'import the key first' }, async () => 'unreachable'));
  assert.is(e.code, 'NO_KEYSTORE');
  assert.match(e.message, /^no keystore at .*; import the key first$/);
});

test('create: makes the keystore and says so; the passphrase is handed back', async () => {
  const errs: string[] = [];
  const got = await withUnlockedVault(io('right one', errs), {}, { create: true }, async ({ vault, passphrase }) => {
    await vault.createKey('k');
    return passphrase;
  });
  assert.is(got, 'right one');
  assert.match(errs.join('\n'), /created a new keystore at /);
});

test('every unlock revokes the pending vault grants of removed apps first', async () => {
  const grants = { 'dmcs.push': { contracts: { 'dpay.token': ['transfer'] } } };
  await withUnlockedVault(io('right one'), { yes: true }, {}, async ({ vault }) => {
    await installSigningGrant(vault, 'dpay', grants, [CHAIN], undefined, 'PUB_K1_x');
  });
  await new PendingRevocations(home).add('dpay', 'PUB_K1_x');
  const errs: string[] = [];
  const left = await withUnlockedVault(io('right one', errs), {}, {}, async ({ vault }) => (await vault.status()).grants ?? []);
  assert.not.ok(left.includes('dpay'));
  assert.match(errs.join('\n'), /revoked the vault signing grants of removed apps: dpay/);
  assert.equal(new PendingRevocations(home).list(), []);
});

test("a wrong passphrase is the vault's WRONG_PASSPHRASE (last: it starts the backoff)", async () => {
  const e = await refusal(withUnlockedVault(io('wrong one'), {}, {}, async () => 'unreachable'));
  assert.is(e.code, 'WRONG_PASSPHRASE');
});

test.after(() => rmSync(home, { recursive: true, force: true }));
test.run();
