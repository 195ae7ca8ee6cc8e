// Child process of hostile-cross-process.test.ts (not a test itself): one peeros-like process with
// its own vault worker over the shared $PEEROS_HOME argv[2]. It prepares, prints "ready", waits for
// "go" on stdin (so every racer starts together), does one thing and prints its outcome as one JSON
// line {"code": "OK" | VaultError code}. Modes (argv[3]):
//   sign APP@QUANTITY      unlocked vault, auto-approve: sign a dpay.token transfer of QUANTITY as APP
//   session APP            unlocked vault whose verifier is the session-grant policy (no fallback):
//                          sign a dpay.memo action (moves nothing) as APP
//   unlock PASSPHRASE      locked vault: try to unlock with PASSPHRASE (backoff base 60 s)
//   hold LOCKPATH          take the file lock LOCKPATH, print "held", keep it until killed
//   revoke APP             unlocked vault: revoke APP's signing grant; the outcome line also has
//                          "start" and "done" (ms since epoch, when the revoke was asked and returned)
import { createInterface } from 'node:readline';
import { signingDigest } from '../../abi/antelope/index.js';
import { Vault, VaultError, type Verifier } from '../../skv/index.js';
import { SessionGrantStore } from '../../runtime/transaction-service/session-grants.js';
import { GrantPolicyVerifier } from '../../runtime/transaction-service/grant-policy-verifier.js';
import { withFileLock } from '../../lib/file-lock.js';
import { autoApprove, packTransaction, transfer, CHAIN_ID, PASS } from './helpers.js';

const [home, mode, arg] = process.argv.slice(2) as [string, string, string];

const go = () =>
  new Promise<void>((resolve) => {
    const rl = createInterface({ input: process.stdin });
    rl.on('line', (l) => {
      if (l.trim() === 'go') {
        rl.close();
        resolve();
      }
    });
  });

async function outcome(p: Promise<unknown>): Promise<void> {
  let code = 'OK';
  try {
    await p;
  } catch (err) {
    code = err instanceof VaultError ? err.code : `THROWN ${(err as Error).message}`;
  }
  process.stdout.write(`${JSON.stringify({ code })}\n`);
}

if (mode === 'hold') {
  await withFileLock(arg, async () => {
    process.stdout.write('held\n');
    await new Promise(() => {
      setInterval(() => {}, 1000);
    }); // until SIGKILL
  });
}

const vault = Vault.open({ home, insecureTestKdf: true, backoffBaseMs: 60_000 });
try {
  if (mode === 'unlock') {
    process.stdout.write('ready\n');
    await go();
    await outcome(vault.unlock(arg, { verifier: autoApprove() }));
  } else if (mode === 'revoke') {
    await vault.unlock(PASS, { verifier: autoApprove() });
    process.stdout.write('ready\n');
    await go();
    const start = Date.now();
    const revoked = await vault.revokeGrant(arg);
    process.stdout.write(`${JSON.stringify({ code: revoked ? 'OK' : 'NOT_REVOKED', start, done: Date.now() })}\n`);
  } else {
    let verifier: Verifier = autoApprove();
    let policy: GrantPolicyVerifier | undefined;
    if (mode === 'session') {
      policy = new GrantPolicyVerifier({ store: new SessionGrantStore(home), fallback: async () => false });
      verifier = policy;
    }
    await vault.unlock(PASS, { verifier });
    const [key] = (await vault.listKeys()).map((k) => k.publicKey);
    const trx =
      mode === 'sign'
        ? packTransaction([transfer(arg.split('@')[1]!, 'dpay.token', `from ${process.pid}`)])
        : packTransaction([{ account: 'dpay.memo', name: 'note', actor: 'alice', data: new Uint8Array([1]) }]);
    const app = arg.split('@')[0]!;
    process.stdout.write('ready\n');
    await go();
    policy?.expect(signingDigest(Buffer.from(CHAIN_ID, 'hex'), trx).array, app, new Map());
    await outcome(vault.sign({ chainId: CHAIN_ID, transaction: trx, keys: [key!], app }));
  }
} finally {
  await vault.close();
  process.exit(0); // stdin stays open in the parent; do not wait for it
}
