/** `peeros app sign DIR`: the publisher's signature of the package, made in the vault. */
import type { CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { withUnlockedVault } from '../vault-unlock.js';
import { readAppPackage } from '../../app-registry.js';
import { VaultError } from '../../../skv/index.js';
import { signPackage, pickPublisherKey } from '../../app-identity/package-signer.js';
import { definition } from '../definitions/app.js';
import { fail } from './app-fail.js';

export async function sign(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, flagSpec(definition, 'sign'), 'app sign');
  if (positionals.length !== 1) throw new UsageError('app sign takes one argument: the app directory');
  try {
    const pkg = await readAppPackage(positionals[0]!);
    const signed = await withUnlockedVault(io, flags, {}, async ({ vault }) =>
      signPackage(vault, pkg, await pickPublisherKey(vault, typeof flags.key === 'string' ? flags.key : undefined)),
    );
    io.out(`signed ${pkg.manifest.name} ${pkg.manifest.version}: package ${signed.signature.packageHash} by ${signed.signature.publicKey}`);
    io.out(`wrote ${signed.path}`);
    return 0;
  } catch (err) {
    if (err instanceof VaultError) {
      io.err(`peeros app sign: ${err.code}: ${err.message}`);
      return 1;
    }
    return fail(io, 'sign', err);
  }
}
