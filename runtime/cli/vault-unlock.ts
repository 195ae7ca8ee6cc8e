/**
 * The one vault-unlock sequence of the CLI: open the vault of $PEEROS_HOME, refuse early when it
 * has no keystore (unless the command creates one), take the passphrase from --passphrase-file,
 * $PEEROS_PASSPHRASE or the terminal (asked twice for a new keystore), unlock with the terminal
 * verifier (or auto-approve, only with an explicit --yes), then revoke the signing grants of
 * removed apps still pending — "at the next command that unlocks the vault", whichever it is.
 * A wrong passphrase is the vault's typed error (with its backoff), passed on unchanged.
 */
import type { CliIO } from './command.js';
import { peerosHome } from '../../lib/home.js';
import {
  Vault,
  VaultError,
  TerminalVerifier,
  AutoApproveVerifier,
  AUTO_APPROVE_OPT_IN,
  vaultPaths,
  type Verifier,
} from '../../skv/index.js';
import { readPassphrase } from '../../skv/passphrase-source.js';
import { PendingRevocations } from '../transaction-service/pending-revocations.js';

export type CliFlags = Record<string, string | boolean | undefined>;

export interface UnlockOptions {
  /** Create the keystore when there is none (`key create`, `key import`). */
  create?: boolean;
  /** What to do about a missing keystore, after "no keystore at PATH; ". */
  whenMissing?: string;
}

export interface UnlockedVault {
  vault: Vault;
  home: string;
  /** `key export` needs it again: the vault asks for the passphrase a second time to export. */
  passphrase: string;
}

export function verifierFor(flags: CliFlags, io: CliIO): Verifier {
  if (flags.yes === true) return new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN });
  return new TerminalVerifier({ show: (t) => io.err(t), confirm: (q) => io.confirm(q) });
}

/** Unlocks an open `vault` for this command; returns the passphrase it took. */
export async function unlockVault(vault: Vault, home: string, io: CliIO, flags: CliFlags, opts: UnlockOptions = {}): Promise<string> {
  const st = await vault.status();
  const missing = st.keystore === 'missing';
  if (missing && !opts.create) {
    const fix = opts.whenMissing ?? "create one with 'peeros key create' or import a key with 'peeros key import'";
    throw new VaultError('NO_KEYSTORE', `no keystore at ${vaultPaths(home).keystore}; ${fix}`);
  }
  const file = typeof flags['passphrase-file'] === 'string' ? flags['passphrase-file'] : undefined;
  const passphrase = await readPassphrase({
    env: io.env,
    ...(file ? { file } : {}),
    confirm: missing,
    prompt: missing ? 'New vault passphrase: ' : 'Vault passphrase: ',
  });
  const r = await vault.unlock(passphrase, { verifier: verifierFor(flags, io), create: opts.create === true });
  if (r.created) io.err(`created a new keystore at ${vaultPaths(home).keystore}`);
  const revoked = await new PendingRevocations(home).flush(vault);
  if (revoked.length) io.err(`revoked the vault signing grants of removed apps: ${revoked.join(', ')}`);
  return passphrase;
}

/** Opens and unlocks the vault of $PEEROS_HOME for `fn`, and closes it (its keys end with it) after. */
export async function withUnlockedVault<T>(
  io: CliIO,
  flags: CliFlags,
  opts: UnlockOptions,
  fn: (u: UnlockedVault) => Promise<T>,
): Promise<T> {
  const home = peerosHome(io.env);
  const vault = Vault.open({ home });
  try {
    const passphrase = await unlockVault(vault, home, io, flags, opts);
    return await fn({ vault, home, passphrase });
  } finally {
    await vault.close();
  }
}
