// `peeros agent`: keosd's wallet API over the vault, as a process. Over its Unix socket: the one
// wallet, its public keys, a sign_transaction whose signature wharfkit (the oracle) recovers to the
// vault's key for exactly that transaction's digest, list_keys refused (no private key leaves),
// lock and unlock. Over loopback TCP: nothing without the per-user token.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Signature, Transaction as WharfTransaction } from '@wharfkit/antelope';
import { DEV_PRIVATE_KEY } from '../../dmcs/index.js';
import { tempHome } from './world.js';
import { runPeerosSync, startPeeros } from './run-cli.js';
import { AGENT_PASSPHRASE, CHAIN_ID, call, updateauthTx } from './wallet-agent-process.js';

const PASSPHRASE = AGENT_PASSPHRASE;

test('keosd wallet API over the vault: keys, a signature wharfkit recovers, list_keys refused, lock/unlock, token on TCP', async () => {
  const home = tempHome('agent');
  const env = { PEEROS_HOME: home, PEEROS_PASSPHRASE: PASSPHRASE };
  const imported = runPeerosSync(['key', 'import', '--label', 'dev'], { env, stdin: DEV_PRIVATE_KEY });
  assert.is(imported.code, 0, imported.err);
  const agent = startPeeros(['agent', '--yes', '--listen', '127.0.0.1:0'], { env });
  const { child } = agent;
  try {
    const end = Date.now() + 60_000;
    while (!/wallet API on http/.test(agent.out)) {
      if (Date.now() > end || child.exitCode !== null) assert.unreachable(`the agent did not start:\n${agent.out}\n${agent.err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const socketPath = /unix:\/\/(\S+)/.exec(agent.out)![1]!;
    assert.is(statSync(socketPath).mode & 0o777, 0o600, 'only its user may open the socket');
    const sock = { socketPath };

    assert.equal((await call(sock, 'list_wallets', {})).json, ['peeros *']);
    const keys = (await call(sock, 'get_public_keys', {})).json as string[];
    assert.is(keys.length, 1);

    const tx = updateauthTx();
    const signed = await call(sock, 'sign_transaction', [tx, keys, CHAIN_ID]);
    assert.is(signed.status, 201, JSON.stringify(signed.json));
    assert.is(signed.json.signatures.length, 1);
    const digest = WharfTransaction.from(tx as unknown as Parameters<typeof WharfTransaction.from>[0]).signingDigest(CHAIN_ID);
    assert.is(
      Signature.from(signed.json.signatures[0]).recoverDigest(digest).toLegacyString(),
      'EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV',
    );

    const listKeys = await call(sock, 'list_keys', ['peeros', PASSPHRASE]);
    assert.is(listKeys.status, 500);
    assert.not.match(JSON.stringify(listKeys.json), /PVT_K1_|5KQwrPbwdL/);

    await call(sock, 'lock', 'peeros');
    const locked = await call(sock, 'get_public_keys', {});
    assert.is(locked.json.error.name, 'wallet_locked_exception');
    assert.is((await call(sock, 'unlock', ['peeros', 'wrong'])).json.error.name, 'wallet_invalid_password_exception');
    await new Promise((r) => setTimeout(r, 1500)); // the vault's backoff after a wrong passphrase (1 s)
    const unlocked = await call(sock, 'unlock', ['peeros', PASSPHRASE]);
    assert.is(unlocked.status, 201, JSON.stringify(unlocked.json));
    assert.equal((await call(sock, 'get_public_keys', {})).json, keys);

    const port = Number(/http:\/\/127\.0\.0\.1:(\d+)/.exec(agent.out)![1]);
    assert.is((await call({ port }, 'get_public_keys', {})).status, 401, 'no token, no answer');
    const token = readFileSync(join(home, 'agent.token'), 'utf8').trim();
    assert.is(statSync(join(home, 'agent.token')).mode & 0o777, 0o600);
    assert.equal((await call({ port, token }, 'get_public_keys', {})).json, keys);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const closed = new Promise((r) => child.once('close', r));
      child.kill('SIGINT');
      await closed;
    }
    rmSync(home, { recursive: true, force: true });
  }
});

test.run();
