/**
 * `peeros app install DIR|FILE|STORE-REF`: the consent (drawn from the very package installed), the
 * install, and the app's signing grant in the vault.
 */
import type { CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { printJson } from '../json-output.js';
import { peerosHome } from '../../../lib/home.js';
import { Host } from '../../host.js';
import { HostError } from '../../errors.js';
import type { Grants } from '../../capabilities.js';
import { AppRegistry, type AppPackage } from '../../app-registry.js';
import { installSigningGrant } from '../../transaction-service/app-signing-grant.js';
import { withCliContext } from '../cli-context.js';
import { raisedLimits } from '../../limit-request.js';
import { terminalText, terminalQuoted, terminalWrap } from '../../../lib/terminal-text.js';
import { describeIdentity, type PackageProof } from '../../app-identity/app-identity.js';
import { PendingRevocations } from '../../transaction-service/pending-revocations.js';
import { installConsentLines } from '../../store/install-consent.js';
import { installSource, isStoreRef } from './app-install-source.js';
import type { Replacing } from '../../app-install.js';
import { definition } from '../definitions/app.js';
import { fail } from './app-fail.js';

/**
 * An app that may push transactions gets its signing grant (the contracts, actions and amounts of
 * its `dmcs.push` scope) installed INTO THE VAULT too, so the vault itself refuses anything else.
 * That needs the vault and a DMCS; when either is missing the app stays installed, without a grant
 * (the vault then signs nothing for it), and the message says how to add it later.
 */
type SigningGrantReport = { installed: true; contracts: Record<string, string[]> } | { installed: false; error: string };

async function installVaultGrant(
  app: string,
  flags: Record<string, string | boolean | undefined>,
  io: CliIO,
): Promise<SigningGrantReport | null> {
  try {
    const home = peerosHome(io.env);
    const installed = await new AppRegistry(home).load(app);
    const g = await withCliContext(io, flags, async (c) => {
      const backend = await c.dispatcher.backendFor(installed.manifest as { dmcs?: Record<string, unknown> });
      return installSigningGrant(c.vault, app, installed.record.grants, [backend.chainId], undefined, installed.record.identity);
    });
    if (!g) return null;
    if (!flags.json)
      io.out(
        `signing grant of ${app} installed in the vault: ${Object.entries(g.contracts)
          .map(([k, v]) => `${k}::{${v.join(',')}}`)
          .join(', ')}`,
      );
    return { installed: true, contracts: g.contracts };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    io.err(
      `peeros app install: ${app} is installed, but its signing grant is not in the vault yet (${terminalText(msg)}); the vault signs nothing for ${app} until you run 'peeros grant ${app}'`,
    );
    return { installed: false, error: msg };
  }
}

/** Every line the host writes itself starts with this, so app text can never begin a line that looks like the host's. */
const HOST_PREFIX = 'peeros: ';
/** What the package does to the installed app, under the consent: a downgrade or a rebuild only with --any-version, said so. */
function replacingLines(version: string, r: Replacing): string[] {
  const what = {
    update: 'an update',
    reinstall: 'the installed package itself',
    downgrade: 'OLDER: a downgrade, installed only because of --any-version',
    'other-release': 'ANOTHER PACKAGE of the same version, installed only because of --any-version',
  }[r.replacement];
  return [
    `installed now: ${terminalText(r.installedVersion)}; this package ${terminalText(version)} is ${what}`,
    ...(r.changes.length ? r.changes.map((c) => `  ${terminalText(c)}`) : ['  no change in capabilities or limits']),
  ];
}

export async function install(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, flagSpec(definition, 'install'), 'app install');
  if (positionals.length !== 1) throw new UsageError('app install takes one argument: the app directory or package file');
  const dir = positionals[0]!;
  const host = new Host({ home: peerosHome(io.env) });
  try {
    // The consent is drawn from the very package the host then installs (handed to `grant`), not
    // from a first read of DIR that the directory could change before the install reads it again.
    const anyVersion = flags['any-version'] === true;
    const storeRef = isStoreRef(dir); // a store install says what it replaces itself (app-install-source.ts)
    if (anyVersion && storeRef)
      throw new UsageError('--any-version is for a folder or package file; a store install takes only a newer release');
    let consented: AppPackage | undefined;
    const grant = async (_caps: Grants, pkg: AppPackage, proof: PackageProof, replacing?: Replacing): Promise<boolean> => {
      consented = pkg;
      const m = pkg.manifest;
      const raised = raisedLimits(m.limits);
      const columns = process.stdout.isTTY ? process.stdout.columns : undefined;
      // with --json stdout carries only the result document: the consent goes to stderr
      const show = (line: string) => (flags.json ? io.err(line) : io.out(line));
      for (const line of installConsentLines(pkg, proof)) show(terminalWrap(HOST_PREFIX, line, columns, `${HOST_PREFIX}    `));
      if (replacing && !storeRef)
        for (const line of replacingLines(m.version, replacing)) show(terminalWrap(HOST_PREFIX, line, columns, `${HOST_PREFIX}    `));
      const asked = [Object.keys(m.capabilities).length ? 'capabilities' : '', raised.length ? 'resources' : '']
        .filter(Boolean)
        .join(' and ');
      if (flags.yes) return true;
      if (!process.stdin.isTTY) {
        throw new HostError(
          'NOT_GRANTED',
          `not installing '${m.name}': granting ${asked || 'an install'} needs confirmation; run in a terminal, or pass --yes to grant ${asked ? 'them' : 'it'} from a script`,
          { app: m.name },
        );
      }
      return io.confirm(
        `${HOST_PREFIX}${asked ? `Grant these ${asked} to ${terminalQuoted(m.name)} and install it?` : `Install ${terminalQuoted(m.name)}?`}`,
      );
    };
    const r = await host.install(await installSource(dir, io, flags), { grant, replace: flags.replace === true, anyVersion });
    // a replaced identity's vault grant goes at the next unlock (below, or later): it is no longer this app's
    if (r.previousIdentity !== undefined && r.previousIdentity !== r.identity)
      await new PendingRevocations(peerosHome(io.env)).add(r.name, r.previousIdentity);
    if (!flags.json)
      io.out(
        `installed ${r.name} ${r.version}, identity ${describeIdentity(r.identity)}${r.memoryClamped ? ' (its memory maximum was clamped to the app limit)' : ''}`,
      );
    const signingGrant = consented?.manifest.capabilities['dmcs.push'] ? await installVaultGrant(r.name, flags, io) : null;
    if (flags.json) {
      printJson(io, {
        name: r.name,
        version: r.version,
        identity: r.identity,
        verified: r.verified,
        packageHash: r.packageHash,
        previousIdentity: r.previousIdentity ?? null,
        memoryClamped: r.memoryClamped,
        capabilities: Object.keys(r.grants),
        signingGrant,
      });
    }
    return 0;
  } catch (err) {
    return fail(io, 'install', err);
  } finally {
    await host.close();
  }
}
