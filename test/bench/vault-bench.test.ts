// bench/vault.ts measures what apps pay: every signature of the `app-capped` figures goes through
// the app's capped grant and is counted in the fsynced spend ledger (checked here by reading the
// ledger the bench left), and every figure is named under the module's `vault.` prefix.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchVault } from '../../bench/vault.js';
import { lastLedgerRecord } from '../skv/helpers.js';

test('the app figures are paid by a capped grant: its spend ledger counts every app signature', async () => {
  const samples = 4;
  let ledger: { entries: Record<string, { units: string; symbol: string }> } | undefined;
  const results = await benchVault({
    runs: 1,
    samples,
    inspect: (home) => {
      const text = readFileSync(join(home, 'vault', 'spend-ledger'), 'utf8');
      ledger = lastLedgerRecord(text) as typeof ledger; // the ledger is an append log: its last whole record
    },
  });
  assert.equal(
    results.map((r) => r.name),
    [
      'vault.sign.app-capped.p50',
      'vault.sign.app-capped.p99',
      'vault.sign.user.p50',
      'vault.sign.user.p99',
      'vault.dmemo.p50',
      'vault.dmemo.p99',
      'vault.sign.app-capped.per-s.1-thread',
      'vault.sign.app-capped.per-s.2-threads',
      'vault.sign.user.per-s.1-thread',
      'vault.noble.k1-sign',
    ],
  );
  assert.ok(results.every((r) => r.median > 0 && r.runs === 1));
  // a warm-up run and one timed run, each: latency samples + 1-thread and 2-thread rates; 1.0000 EOS each
  const appSignatures = 2 * 3 * samples;
  assert.equal(Object.keys(ledger!.entries), ['bench-app'], 'the user signs without a ledger entry; the app with one');
  assert.is(ledger!.entries['bench-app']!.units, String(appSignatures * 10_000));
});

test.run();
