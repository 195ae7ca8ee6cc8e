// Child process of sign-group-crash.test.ts (not a test itself): opens the vault in $PEEROS_HOME
// argv[2] (already set up by the parent: a key and app 'dpay''s capped grant), signs 1.0000 RSN
// transfers as 'dpay' in bursts of 8 concurrent requests (so they are group-committed), printing
// "signed" after each signature arrives, until the parent kills it.
import { Vault } from '../../skv/index.js';
import { autoApprove, packTransaction, transfer, CHAIN_ID, PASS } from './helpers.js';

const home = process.argv[2]!;
const vault = Vault.open({ home, insecureTestKdf: true });
await vault.unlock(PASS, { verifier: autoApprove() });
const [key] = (await vault.listKeys()).map((k) => k.publicKey);
let n = 0;
process.stdout.write('ready\n');
for (;;) {
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      const trx = packTransaction([transfer('1.0000 RSN', 'dpay.token', `c${n++}`)]);
      await vault.sign({ chainId: CHAIN_ID, transaction: trx, keys: [key!], app: 'dpay' });
      process.stdout.write('signed\n');
    }),
  );
}
