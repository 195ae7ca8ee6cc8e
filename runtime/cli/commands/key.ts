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
import { Vault, VaultError, vaultPaths } from '../../../skv/index.js';
import { promptHidden } from '../../../skv/passphrase-source.js';
import { flagSpec } from '../command-definition.js';
import { withUnlockedVault, type CliFlags } from '../vault-unlock.js';
import { readFileSync } from 'node:fs';
import { definition } from '../definitions/key.js';

/** `key create` and `key import` create the keystore when there is none; the others need one. */
function withVault<T>(
  io: CliIO,
  flags: CliFlags,
  opts: { create?: boolean },
  fn: (vault: Vault, passphrase: string) => Promise<T>,
): Promise<T> {
  return withUnlockedVault(io, flags, { ...opts, whenMissing: "create one with 'peeros key create' or 'peeros key import'" }, (u) =>
    fn(u.vault, u.passphrase),
  );
}

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    const { flags, positionals } = parseArgs(rest, flagSpec(definition, sub), `key ${sub ?? ''}`.trim());
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
          try {
            secret = readFileSync(flags['key-file'], 'utf8');
          } catch (err) {
            throw new VaultError(
              'INVALID_ARGUMENT',
              `cannot read the key file ${flags['key-file']} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
            );
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
        if (flags.json)
          io.out(
            JSON.stringify(
              keys.map((k) => ({ publicKey: k.publicKey, label: k.label, created: k.created })),
              null,
              2,
            ),
          );
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
        io.err(
          '(this process ends now, and its unlocked session with it; a long-running host unlocks once and keeps the session until it auto-locks)',
        );
        return 0;
      }
      case 'lock': {
        io.out(
          'nothing to lock: peeros key commands are one-shot and never leave an unlocked session behind (decrypted keys end with each process)',
        );
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
            if (s.failures > 0)
              io.out(
                `wrong passphrases in a row: ${s.failures}; next attempt ${s.retryAfterMs > 0 ? `in ${Math.ceil(s.retryAfterMs / 1000)} s` : 'allowed now'}`,
              );
          }
          return s.keystore === 'corrupt' ? 1 : 0;
        } finally {
          await vault.close();
        }
      }
      default:
        throw new UsageError(
          sub ? `unknown subcommand '${sub}'` : 'missing subcommand (create, import, list, export, unlock, lock, status)',
        );
    }
  },
};

export default command;
