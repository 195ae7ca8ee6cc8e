/**
 * `peeros key …`: the Secure Key Vault from the command line. Each invocation is one-shot: it starts
 * the vault worker, unlocks it with the passphrase, does one thing and exits (the decrypted keys end
 * with the process). A long-running host holds an unlocked session instead; see docs/vault.md.
 */
import type { CliCommand, CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { publicKeyArg } from '../arg-checks.js';
import { peerosHome } from '../../../lib/home.js';
import {
  Vault, VaultError, TerminalVerifier, AutoApproveVerifier, AUTO_APPROVE_OPT_IN, vaultPaths, type Verifier,
} from '../../../skv/index.js';
import { readPassphrase, promptHidden } from '../../../skv/passphrase-source.js';
import { readFileSync } from 'node:fs';

const HELP = `usage: peeros key SUBCOMMAND [options]

The Secure Key Vault: private keys encrypted at rest in $PEEROS_HOME/vault/keystore
(scrypt + AES-256-GCM); they are decrypted only inside the vault worker.

subcommands:
  create [--label L] [--json]        create a new K1 key (creates the keystore if there is none)
  import [--key-file F] [--label L]  import a private key (PVT_K1_… or WIF) read from stdin (a
                                     hidden prompt on a terminal) or --key-file — never from argv
  list [--json]                      the public keys (--json: PUB_K1_… form, with labels)
  export PUBKEY [--yes]              print one PRIVATE key in clear; asks for the passphrase and
                                     your confirmation
  unlock                             check the passphrase and report the keys it opens
  lock                               lock (see below)
  status [--json]                    keystore state, key count, wrong-passphrase backoff

options:
  --passphrase-file PATH   read the passphrase from the first line of PATH
  --yes                    DANGEROUS: approve without asking (auto-approve verifier for this one
                           command); for scripts only
  The passphrase is otherwise taken from $PEEROS_PASSPHRASE, or asked on the terminal.

One-shot and long-running: each 'peeros key' process unlocks, works and exits, so its decrypted keys
never outlive it. 'unlock' therefore verifies the passphrase and reports; it does not leave a
session behind. A long-running host process unlocks once and holds the session until it locks
itself after the idle timeout (default 15 min); 'lock' here has no session to end and says so.
Wrong passphrases are delayed exponentially, also across restarts.`;

const SPEC = { 'passphrase-file': 'string', 'key-file': 'string', label: 'string', json: 'boolean', yes: 'boolean' } as const;

function verifierFor(yes: boolean, io: CliIO): Verifier {
  if (yes) return new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN });
  return new TerminalVerifier({ show: (t) => io.err(t), confirm: (q) => io.confirm(q) });
}

async function withVault<T>(io: CliIO, flags: Record<string, string | boolean | undefined>, opts: { create?: boolean }, fn: (vault: Vault, passphrase: string) => Promise<T>): Promise<T> {
  const home = peerosHome(io.env);
  const vault = Vault.open({ home });
  try {
    const st = await vault.status();
    if (st.keystore === 'missing' && !opts.create) {
      throw new VaultError('NO_KEYSTORE', `no keystore at ${vaultPaths(home).keystore}; create one with 'peeros key create' or 'peeros key import'`);
    }
    const file = typeof flags['passphrase-file'] === 'string' ? flags['passphrase-file'] : undefined;
    const passphrase = await readPassphrase({
      env: io.env, ...(file ? { file } : {}), confirm: st.keystore === 'missing',
      prompt: st.keystore === 'missing' ? 'New vault passphrase: ' : 'Vault passphrase: ',
    });
    const r = await vault.unlock(passphrase, { verifier: verifierFor(flags.yes === true, io), create: opts.create === true });
    if (r.created) io.err(`created a new keystore at ${vaultPaths(home).keystore}`);
    return await fn(vault, passphrase);
  } finally {
    await vault.close();
  }
}

const command: CliCommand = {
  name: 'key',
  summary: 'the Secure Key Vault: create, import, list, export keys; unlock, lock, status',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    const { flags, positionals } = parseArgs(rest, SPEC, `key ${sub ?? ''}`.trim());
    const label = typeof flags.label === 'string' ? flags.label : undefined;
    switch (sub) {
      case 'create': {
        const k = await withVault(io, flags, { create: true }, (v) => v.createKey(label));
        io.out(flags.json ? JSON.stringify(k) : k.publicKey);
        return 0;
      }
      case 'import': {
        let secret: string;
        if (typeof flags['key-file'] === 'string') {
          try { secret = readFileSync(flags['key-file'], 'utf8'); } catch (err) {
            throw new VaultError('INVALID_ARGUMENT', `cannot read the key file ${flags['key-file']} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
          }
        } else if (process.stdin.isTTY && io.env === process.env) {
          secret = await promptHidden('Private key to import (PVT_K1_… or WIF, not echoed): ');
        } else {
          secret = await io.readStdin();
        }
        secret = secret.trim();
        if (!secret) throw new UsageError('no private key given: pipe it on stdin or pass --key-file PATH');
        const k = await withVault(io, flags, { create: true }, (v) => v.importKey(secret, label));
        io.out(flags.json ? JSON.stringify(k) : k.publicKey);
        return 0;
      }
      case 'list': {
        const keys = await withVault(io, flags, {}, (v) => v.listKeys());
        if (flags.json) io.out(JSON.stringify(keys.map((k) => ({ publicKey: k.publicKey, label: k.label, created: k.created })), null, 2));
        else if (keys.length === 0) io.err('the vault holds no keys');
        else for (const k of keys) io.out(`${k.publicKey}  ${k.legacyKey}${k.label ? `  ${k.label}` : ''}`);
        return 0;
      }
      case 'export': {
        const pub = positionals[0];
        if (!pub || positionals.length > 1) throw new UsageError('export takes exactly one public key');
        publicKeyArg(pub, 'PUBKEY');
        const pvt = await withVault(io, flags, {}, (v, passphrase) => v.exportKey(pub, passphrase));
        io.err('WARNING: this is a private key in clear; anyone who sees it controls the key');
        io.out(pvt);
        return 0;
      }
      case 'unlock': {
        const r = await withVault(io, flags, {}, async (v) => (await v.status()).keyCount ?? 0);
        io.out(`passphrase ok: the keystore opens and holds ${r} key${r === 1 ? '' : 's'}`);
        io.err('(this process ends now, and its unlocked session with it; a long-running host unlocks once and keeps the session until it auto-locks)');
        return 0;
      }
      case 'lock': {
        io.out('nothing to lock: peeros key commands are one-shot and never leave an unlocked session behind (decrypted keys end with each process)');
        io.err('a long-running host holds its own session; it locks when it exits, when told to, or after the idle timeout');
        return 0;
      }
      case 'status': {
        const home = peerosHome(io.env);
        const vault = Vault.open({ home });
        try {
          const s = await vault.status();
          const path = vaultPaths(home).keystore;
          if (flags.json) io.out(JSON.stringify({ keystorePath: path, ...s }, null, 2));
          else {
            io.out(`keystore: ${s.keystore} (${path})${s.formatVersion ? `, format version ${s.formatVersion}` : ''}`);
            if (s.keyCount !== undefined) io.out(`keys: ${s.keyCount}`);
            io.out('session: locked (one-shot CLI; no session is held between commands)');
            io.out(`auto-lock after ${Math.round(s.autoLockMs / 1000)} s idle (long-running hosts)`);
            if (s.failures > 0) io.out(`wrong passphrases in a row: ${s.failures}; next attempt ${s.retryAfterMs > 0 ? `in ${Math.ceil(s.retryAfterMs / 1000)} s` : 'allowed now'}`);
          }
          return s.keystore === 'corrupt' ? 1 : 0;
        } finally {
          await vault.close();
        }
      }
      default:
        throw new UsageError(sub ? `unknown subcommand '${sub}'` : 'missing subcommand (create, import, list, export, unlock, lock, status)');
    }
  },
};

export default command;
