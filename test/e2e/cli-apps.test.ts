// `peeros app run` of apps that read and push, as one-shot processes: the host opens its services
// on demand (dispatch and the cache for reads; the vault with $PEEROS_PASSPHRASE for a push, the
// session grant approving without a terminal). Beyond the grant, with no terminal to ask, the push
// is declined and nothing is signed. Without a DMCS configured the app hears `unavailable`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Action } from '../../abi/antelope/index.js';
import { startNode, DEV_PRIVATE_KEY, type EmbeddedNode } from '../../dmcs/index.js';
import { Vault, AutoApproveVerifier, AUTO_APPROVE_OPT_IN } from '../../skv/index.js';
import { DmcsRegistry } from '../../runtime/dispatch/index.js';
import { deployContract, submitUserTransaction } from '../../runtime/transaction-service/index.js';
import { ROOT, TOKEN_WASM, TOKEN_ABI, tempHome } from './world.js';
import { runCli, type CliRun } from './measured-cli.js';

const PASSPHRASE = 'cli apps passphrase';
let home: string;
let node: EmbeddedNode;

/** The real CLI as this test's user (home and vault passphrase set). */
function peeros(args: string[], stdin = '', env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, { PEEROS_HOME: home, PEEROS_PASSPHRASE: PASSPHRASE, ...env }, 60_000, stdin);
}

async function ok(args: string[], stdin = ''): Promise<string> {
  const r = await peeros(args, stdin);
  assert.is(r.code, 0, `peeros ${args.join(' ')}: ${r.err}`);
  return r.out;
}

test.before(async () => {
  home = tempHome('cli-apps');
  await ok(['app', 'install', join(ROOT, 'apps/dpay'), '--yes']);
});
test.after(async () => {
  await node?.close();
  rmSync(home, { recursive: true, force: true });
});

test('without a DMCS the app hears unavailable, and stderr says why', async () => {
  const r = await peeros(['app', 'run', 'dpay', 'balance', '{"account":"alice"}']);
  assert.is(r.code, 1);
  assert.match(r.err, /ISA_UNAVAILABLE/);
  assert.match(r.err, /no DMCS is configured/);
});

test('balance and a transfer from the command line', async () => {
  node = await startNode({ dev: true, dataDir: join(home, 'node'), http: '127.0.0.1:0', blockIntervalMs: 100 });
  await new DmcsRegistry(home).add('local', node.endpoint!);
  await ok(['key', 'import', '--label', 'eosio dev'], DEV_PRIVATE_KEY);
  for (const a of ['alice', 'bob', 'dpay.token']) await ok(['account', 'create', a, '--yes']);
  // deploy and fund the token with the library (there is no deploy command)
  const vault = Vault.open({ home });
  try {
    await vault.unlock(PASSPHRASE, { verifier: new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN }) });
    const { Dispatcher } = await import('../../runtime/dispatch/index.js');
    const d = new Dispatcher(new DmcsRegistry(home));
    const backend = await d.backendFor(null);
    await deployContract({ vault, backend, account: 'dpay.token', wasmPath: TOKEN_WASM, abiPath: TOKEN_ABI });
    const abi = (await backend.getAbi('dpay.token')).abi as Parameters<typeof Action.from>[1];
    const auth = [{ actor: 'dpay.token', permission: 'active' }];
    await submitUserTransaction({
      vault,
      backend,
      summary: ['fund'],
      actions: [
        Action.from(
          { account: 'dpay.token', name: 'create', authorization: auth, data: { issuer: 'dpay.token', maximum_supply: '1000.0000 RSN' } },
          abi,
        ),
        Action.from(
          { account: 'dpay.token', name: 'issue', authorization: auth, data: { to: 'dpay.token', quantity: '100.0000 RSN', memo: '' } },
          abi,
        ),
        Action.from(
          {
            account: 'dpay.token',
            name: 'transfer',
            authorization: auth,
            data: { from: 'dpay.token', to: 'alice', quantity: '100.0000 RSN', memo: '' },
          },
          abi,
        ),
      ],
    });
    await d.close();
  } finally {
    await vault.close();
  }
  await node.produceBlock();
  await ok(['login', 'alice', '--yes']);
  await ok(['grant', 'dpay', '--max-count', '2', '--max-amount', '5.0000 RSN', '--yes']);
  assert.match(await ok(['app', 'run', 'dpay', 'balance']), /"balances":\["100\.0000 RSN"\]/);
  const t = JSON.parse(await ok(['app', 'run', 'dpay', 'transfer', '{"to":"bob","quantity":"2.0000 RSN","memo":"cli"}'])) as {
    status: string;
  };
  assert.is(t.status, 'executed');
  await node.produceBlock();
  await new Promise((r) => setTimeout(r, 600));
  assert.match(await ok(['app', 'run', 'dpay', 'balance', '{"account":"bob"}']), /"balances":\["2\.0000 RSN"\]/);
  // offline: the second approval of the grant signs a transfer that waits in the queue
  const port = new URL(node.endpoint!).port;
  await node.close();
  const q = JSON.parse(await ok(['app', 'run', 'dpay', 'transfer', '{"to":"bob","quantity":"1.0000 RSN","memo":"offline"}'])) as {
    status: string;
    id: string;
  };
  assert.is(q.status, 'queued');
  assert.match(await ok(['queue', 'list']), new RegExp(`${q.id.slice(0, 12)}\\s+pending`));
  const down = await peeros(['queue', 'flush']);
  assert.is(down.code, 1, 'the DMCS is still down');
  node = await startNode({ dev: true, dataDir: join(home, 'node'), http: `127.0.0.1:${port}`, blockIntervalMs: 100 });
  assert.match(await ok(['queue', 'flush']), /flushed: 1 sent/);
  await node.produceBlock();
  await new Promise((r) => setTimeout(r, 600));
  assert.match(await ok(['app', 'run', 'dpay', 'balance', '{"account":"bob"}']), /"balances":\["3\.0000 RSN"\]/);
  // the grant's approvals are used: no terminal to ask → declined, nothing signed
  const again = await peeros(['app', 'run', 'dpay', 'transfer', '{"to":"bob","quantity":"1.0000 RSN"}']);
  assert.is(again.code, 1);
  assert.match(again.err, /approval needed/);
  // the host's prompt is framed: every line of it starts with 'peeros vault', the app's text inside
  const prompt = again.err.split('\n').filter((l) => /approval needed|requested by|::transfer|digest:/.test(l));
  assert.ok(prompt.length >= 4 && prompt.every((l) => l.startsWith('peeros vault ')), again.err);
  assert.match(again.err, /ISA_CAPABILITY_DENIED/);
});

test.run();
