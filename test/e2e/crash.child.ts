// Child process of crash.test.ts (not a test itself): runs the host services over $PEEROS_HOME
// (argv[2]) with the vault unlocked. Mode "push" (argv[3]; argv[4] the memo): an app-style transfer through the transaction
// service, printing "queued ID" or "executed ID", then waits to be killed. Mode "flush": prints
// "flushing", flushes the offline queue, prints "flushed", then waits to be killed.
import { Vault, AutoApproveVerifier, AUTO_APPROVE_OPT_IN } from '../../skv/index.js';
import { HostServices } from '../../runtime/host-bridge/index.js';
import { PASS } from './world.js';

const [home, mode, memo] = process.argv.slice(2) as [string, string, string | undefined];
const vault = Vault.open({ home, insecureTestKdf: true });
await vault.unlock(PASS, { verifier: new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN }) });
const services = await HostServices.open({ home, vault, flusher: false });
if (mode === 'push') {
  const out = await services.transactions.push({
    app: { name: 'dpay', version: '0.1.0', publisher: 'peeros' },
    manifest: {},
    grants: { 'dmcs.push': { contracts: { 'dpay.token': ['transfer'] } } },
    actions: [
      { account: 'dpay.token', name: 'transfer', data: { from: 'alice', to: 'bob', quantity: '2.0000 RSN', memo: memo ?? 'crash' } },
    ],
  });
  process.stdout.write(`${out.status} ${out.id}\n`);
} else {
  process.stdout.write('flushing\n');
  const r = await services.flush();
  process.stdout.write(`flushed ${JSON.stringify(r)}\n`);
}
setInterval(() => {}, 1000); // wait for SIGKILL
