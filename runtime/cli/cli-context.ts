/**
 * What the one-shot session commands (`peeros login|account|grant`) share: the vault opened and
 * unlocked for this process (passphrase from --passphrase-file, $PEEROS_PASSPHRASE or the
 * terminal; the terminal verifier, or auto-approve with an explicit --yes), and the DMCS to talk to
 * (--dmcs NAME, else the registry's default). Everything is closed when the command ends.
 */
import type { CliIO } from './command.js';
import { peerosHome } from '../../lib/home.js';
import { Vault, VaultError, TerminalVerifier, AutoApproveVerifier, AUTO_APPROVE_OPT_IN, vaultPaths, type Verifier } from '../../skv/index.js';
import { readPassphrase } from '../../skv/passphrase-source.js';
import { Dispatcher, DmcsRegistry, type ChainCheckedBackend } from '../dispatch/index.js';
import { PendingRevocations } from '../transaction-service/pending-revocations.js';

export interface CliContext {
  home: string;
  vault: Vault;
  dispatcher: Dispatcher;
  backend: ChainCheckedBackend;
}

export type CliFlags = Record<string, string | boolean | undefined>;

/** Flags every session command accepts. */
export const CONTEXT_FLAGS = { dmcs: 'string', 'passphrase-file': 'string', yes: 'boolean' } as const;

export const CONTEXT_HELP = `  --dmcs NAME              the DMCS to use (default: the registry's default; see 'peeros dmcs list')
  --passphrase-file PATH   read the vault passphrase from the first line of PATH (else
                           $PEEROS_PASSPHRASE, else the terminal asks)
  --yes                    DANGEROUS: approve without asking (auto-approve verifier); scripts only`;

function verifierFor(flags: CliFlags, io: CliIO): Verifier {
  if (flags.yes === true) return new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN });
  return new TerminalVerifier({ show: (t) => io.err(t), confirm: (q) => io.confirm(q) });
}

/** Unlocks `vault` (it must have a keystore), then revokes the grants of removed apps still pending. */
async function unlockForCli(vault: Vault, home: string, io: CliIO, flags: CliFlags): Promise<void> {
  const st = await vault.status();
  if (st.keystore === 'missing') {
    throw new VaultError('NO_KEYSTORE', `no keystore at ${vaultPaths(home).keystore}; create one with 'peeros key create' or import a key with 'peeros key import'`);
  }
  const file = typeof flags['passphrase-file'] === 'string' ? flags['passphrase-file'] : undefined;
  const passphrase = await readPassphrase({ env: io.env, ...(file ? { file } : {}), prompt: 'Vault passphrase: ' });
  await vault.unlock(passphrase, { verifier: verifierFor(flags, io) });
  const revoked = await new PendingRevocations(home).flush(vault);
  if (revoked.length) io.err(`revoked the vault signing grants of removed apps: ${revoked.join(', ')}`);
}

export async function withCliContext<T>(io: CliIO, flags: CliFlags, fn: (c: CliContext) => Promise<T>): Promise<T> {
  const home = peerosHome(io.env);
  const dispatcher = new Dispatcher(new DmcsRegistry(home));
  const vault = Vault.open({ home });
  try {
    const backend = await dispatcher.backendFor(typeof flags.dmcs === 'string' ? { dmcs: flags.dmcs } : null);
    await unlockForCli(vault, home, io, flags);
    return await fn({ home, vault, dispatcher, backend });
  } finally {
    await vault.close();
    await dispatcher.close();
  }
}

/** Like `withCliContext` for commands that need only the vault (no DMCS): `peeros app sign|remove`. */
export async function withCliVault<T>(io: CliIO, flags: CliFlags, fn: (vault: Vault, home: string) => Promise<T>): Promise<T> {
  const home = peerosHome(io.env);
  const vault = Vault.open({ home });
  try {
    await unlockForCli(vault, home, io, flags);
    return await fn(vault, home);
  } finally {
    await vault.close();
  }
}
