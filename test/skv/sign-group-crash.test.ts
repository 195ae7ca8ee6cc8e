// kill -9 of a process whose vault is signing grouped app signatures: every signature it received
// is counted in the spend ledger on disk after the crash (a daily cap cannot be overrun by crashing),
// and the ledger still authenticates.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { vaultPaths } from '../../skv/keystore-file.js';
import { Vault } from '../../skv/index.js';
import {
  autoApprove,
  CHAIN_ID,
  PASS,
  lastLedgerRecord,
  openTestVault,
  packTransaction,
  removeHome,
  tempHome,
  transfer,
} from './helpers.js';

const CHILD = fileURLToPath(new URL('./vault-signer.child.js', import.meta.url));

for (const killAfter of [3, 20, 45]) {
  test(`SIGKILL after ${killAfter} grouped signatures: the ledger counts all of them, and authenticates`, async () => {
    const home = tempHome();
    try {
      const setup = await openTestVault(home);
      await setup.vault.setGrant({
        app: 'dpay',
        chainIds: [CHAIN_ID],
        contracts: { 'dpay.token': ['transfer'] },
        maxAmountPerDay: '100000.0000 RSN',
      });
      await setup.vault.close();
      const child = spawn(process.execPath, [CHILD, home], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, sig) => r(sig)));
      let signed = 0;
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          signed += d
            .toString()
            .split('\n')
            .filter((l) => l === 'signed').length;
          if (signed >= killAfter) {
            child.kill('SIGKILL');
            resolve();
          }
        });
        child.on('exit', () => reject(new Error(`child exited after ${signed} signatures`)));
      });
      assert.is(await exited, 'SIGKILL');
      const body = lastLedgerRecord(readFileSync(vaultPaths(home).spend, 'utf8')) as { entries: { dpay: { units: string } } };
      const counted = Number(BigInt(body.entries.dpay.units) / 10_000n);
      assert.ok(counted >= signed, `the child received ${signed} signatures, the ledger counts ${counted}`);
      // the ledger authenticates: a new vault signs on from it
      const after = Vault.open({ home, insecureTestKdf: true });
      try {
        await after.unlock(PASS, { verifier: autoApprove() });
        const [key] = (await after.listKeys()).map((k) => k.publicKey);
        await after.sign({ chainId: CHAIN_ID, transaction: packTransaction([transfer('1.0000 RSN')]), keys: [key!], app: 'dpay' });
      } finally {
        await after.close();
      }
    } finally {
      removeHome(home);
    }
  });
}

test.run();
