/**
 * `peeros app yank APP@VERSION --account ACCOUNT` marks a release yanked (hosts refuse it).
 * `peeros app publish FILE --account ACCOUNT [--location URL|PATH]`: records a package file in the
 * dAppStore registry (runtime/store/store-publish.ts) with the account's authority, signed in the
 * vault. The file is checked whole first, as an install would (a broken package is never published).
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError, type CliIO } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec, type CommandDefinition } from '../command-definition.js';
import { withCliContext } from '../cli-context.js';
import { HostError } from '../../errors.js';
import { VaultError } from '../../../skv/index.js';
import { ACCOUNT_NAME } from '../../capabilities.js';
import { readPackageFile } from '../../package-archive/package-file.js';
import { provePackage } from '../../app-identity/app-identity.js';
import { publishRelease, yankRelease } from '../../store/store-publish.js';
import { parseAppRef } from '../../store/store-install.js';
import { APP_NAME, VERSION } from '../../manifest.js';
import { DEFAULT_STORE_ACCOUNT } from '../../store/store-registry.js';
import { terminalText } from '../../../lib/terminal-text.js';

export async function publish(argv: string[], io: CliIO, definition: CommandDefinition): Promise<number> {
  const { flags, positionals } = parseArgs(argv, flagSpec(definition, 'publish'), 'app publish');
  if (positionals.length !== 1) throw new UsageError('app publish takes one argument: the package file');
  if (typeof flags.account !== 'string' || !ACCOUNT_NAME.test(flags.account)) throw new UsageError('app publish needs --account ACCOUNT');
  const file = resolve(positionals[0]!);
  const location = typeof flags.location === 'string' ? flags.location : file;
  const store = typeof flags.store === 'string' ? flags.store : DEFAULT_STORE_ACCOUNT;
  try {
    const pkg = await readPackageFile(file);
    const proof = await provePackage(pkg); // a package whose signature fails is never published
    if (!proof.publicKey) io.err(`note: ${terminalText(pkg.manifest.name)} is unsigned: hosts will install it as "unverified"`);
    const size = (await stat(file)).size;
    const r = await withCliContext(io, flags, (c) =>
      publishRelease({ vault: c.vault, backend: c.backend, store, account: flags.account as string, pkg, size, locations: [location] }),
    );
    io.out(
      `published ${pkg.manifest.name} ${pkg.manifest.version} to ${store} as ${flags.account}: package ${r.packageHash} (transaction ${r.id.slice(0, 16)}…)`,
    );
    return 0;
  } catch (err) {
    if (err instanceof HostError || err instanceof VaultError) {
      io.err(`peeros app publish: ${err.code}: ${terminalText(err.message)}`);
      return 1;
    }
    const msg = err instanceof Error ? err.message : String(err);
    io.err(`peeros app publish: ${terminalText(msg)}`);
    return 1;
  }
}

export async function yank(argv: string[], io: CliIO, definition: CommandDefinition): Promise<number> {
  const { flags, positionals } = parseArgs(argv, flagSpec(definition, 'yank'), 'app yank');
  const ref = positionals.length === 1 ? parseAppRef(positionals[0]!) : undefined;
  if (!ref || !APP_NAME.test(ref.app) || ref.version === undefined || !VERSION.test(ref.version))
    throw new UsageError('app yank takes one argument: APP@VERSION');
  if (typeof flags.account !== 'string' || !ACCOUNT_NAME.test(flags.account)) throw new UsageError('app yank needs --account ACCOUNT');
  const store = typeof flags.store === 'string' ? flags.store : DEFAULT_STORE_ACCOUNT;
  try {
    const id = await withCliContext(io, flags, (c) =>
      yankRelease({ vault: c.vault, backend: c.backend, store, account: flags.account as string, app: ref.app, version: ref.version! }),
    );
    io.out(`yanked ${ref.app} ${ref.version} in ${store} (transaction ${id.slice(0, 16)}…)`);
    return 0;
  } catch (err) {
    const e = err as { code?: string; message?: string };
    io.err(`peeros app yank: ${e.code ? `${e.code}: ` : ''}${terminalText(e.message ?? String(err))}`);
    return 1;
  }
}
