/**
 * `peeros app …`: build, sign, install (with the capability grant and the publisher's identity), list,
 * run and remove apps.
 * Typed failures print one line on stderr with their code and exit 1; usage mistakes exit 2.
 */
import type { CliCommand, CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { printJson, toJson } from '../json-output.js';
import { withUnlockedVault } from '../vault-unlock.js';
import { peerosHome } from '../../../lib/home.js';
import { Host } from '../../host.js';
import { HostError } from '../../errors.js';
import type { Grants } from '../../capabilities.js';
import { AppRegistry, readAppPackage, type AppPackage } from '../../app-registry.js';
import { installSigningGrant } from '../../transaction-service/app-signing-grant.js';
import { withCliContext } from '../cli-context.js';
import { raisedLimits, describeRaisedLimit } from '../../limit-request.js';
import { terminalText, terminalQuoted, terminalWrap } from '../../../lib/terminal-text.js';
import { existsSync } from 'node:fs';
import { VaultError, vaultPaths } from '../../../skv/index.js';
import { describeIdentity, type PackageProof } from '../../app-identity/app-identity.js';
import { signPackage, pickPublisherKey } from '../../app-identity/package-signer.js';
import { PendingRevocations } from '../../transaction-service/pending-revocations.js';
import { installConsentLines, MAX_DESCRIPTION_CHARS } from '../../store/install-consent.js';
import { pack } from './app-pack.js';
import { installSource, isStoreRef } from './app-install-source.js';
import type { Replacing } from '../../app-install.js';
import { publish, yank } from './app-publish.js';
import { update } from './app-update.js';
import { APP_NAME, RESERVED_APP_NAMES } from '../../manifest.js';
import { accountNameArg } from '../arg-checks.js';
import { scaffold, templatesDir } from '../scaffold.js';
import { loopOnChanges } from '../watch-folder.js';
import { join } from 'node:path';
import { definition } from '../definitions/app.js';

function fail(io: CliIO, sub: string, err: unknown): number {
  if (err instanceof HostError) {
    io.err(`peeros app ${sub}: ${err.code}: ${terminalText(err.message)}`);
    return 1;
  }
  throw err;
}

const APP_TEMPLATES = ['counter', 'todo', 'token-app'];

async function init(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, flagSpec(definition, 'init'), 'app init');
  if (positionals.length !== 1) throw new UsageError('app init takes one argument: the app name');
  const name = positionals[0]!;
  if (!APP_NAME.test(name) || RESERVED_APP_NAMES.has(name))
    throw new UsageError(`'${name}' is not an app name: lowercase letters, digits and "-", starting with a letter (and not reserved)`);
  const template = typeof flags.template === 'string' ? flags.template : 'counter';
  if (!APP_TEMPLATES.includes(template)) throw new UsageError(`unknown --template '${template}' (${APP_TEMPLATES.join(', ')})`);
  const publisher = typeof flags.publisher === 'string' ? accountNameArg(flags.publisher, '--publisher') : 'dev';
  const contract = typeof flags.contract === 'string' ? accountNameArg(flags.contract, '--contract') : 'eosio.token';
  const dir = typeof flags.dir === 'string' ? flags.dir : name;
  const root = templatesDir();
  const files = await scaffold([join(root, 'app/_shared'), join(root, 'app', template)], dir, {
    NAME: name,
    PUBLISHER: publisher,
    CONTRACT: contract,
  });
  io.out(`created ${dir}/ from the ${template} template: ${files.join(', ')}`);
  io.out(
    `next: peeros app dev ${dir} --run ${template === 'todo' ? 'list' : template === 'counter' ? 'increment' : 'whoami'}   (or: cd ${dir} && npm test)`,
  );
  return 0;
}

/** Builds once; prints what the build printed and says whether it worked (for the watch loops). */
async function buildOnce(dir: string, io: CliIO, printCommands = false): Promise<boolean> {
  const { buildApp, AppBuildError } = await import('../../app-compiler.js');
  io.err(`building ${dir} …`);
  try {
    const r = await buildApp(dir);
    for (const f of r.ignored)
      io.err(`note: ${f} ignored: the host sets every compiler option (no transforms, lib or path from an app folder)`);
    for (const u of r.ungranted)
      io.err(`warning: ${u}, which peeros.json does not ask for under "capabilities"; the install will refuse the module`);
    io.out(`built ${r.wasmPath} (${r.bytes} bytes, sha256 ${r.sha256})`);
    if (printCommands) {
      const table = Object.entries(r.commands ?? {});
      if (table.length === 0) io.out('no @command functions: the commands are those of peeros.json');
      for (const [name, spec] of table)
        io.out(
          `  ${terminalText(name)} ${terminalText(typeof spec.args === 'string' ? spec.args : '{}')}${spec.description ? ` — ${terminalText(spec.description)}` : ''}`,
        );
    }
    return true;
  } catch (err) {
    if (err instanceof AppBuildError) {
      io.err(`peeros app build: ${err.code}: ${err.message}`);
      return false;
    }
    throw err;
  }
}

async function dev(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, flagSpec(definition, 'dev'), 'app dev');
  if (positionals.length !== 1) throw new UsageError('app dev takes one argument: the app directory');
  const dir = positionals[0]!;
  const runCommand = typeof flags.run === 'string' ? flags.run : undefined;
  const args = typeof flags.args === 'string' ? flags.args : '{}';
  return loopOnChanges(dir, io, async () => {
    if (!(await buildOnce(dir, io))) return;
    let pkg: AppPackage;
    try {
      pkg = await readAppPackage(dir);
    } catch (err) {
      return fail(io, 'dev', err);
    }
    // the developer's own rebuilds share one version: --any-version, which the consent names
    if ((await install([dir, '--yes', '--replace', '--any-version'], io)) !== 0) return;
    if (runCommand !== undefined) await run([pkg.manifest.name, runCommand, args], io);
  });
}

async function build(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, flagSpec(definition, 'build'), 'app build');
  if (positionals.length !== 1) throw new UsageError('app build takes one argument: the app directory');
  const printCommands = flags['print-commands'] === true;
  if (flags.watch) return loopOnChanges(positionals[0]!, io, () => buildOnce(positionals[0]!, io, printCommands));
  return (await buildOnce(positionals[0]!, io, printCommands)) ? 0 : 1;
}

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
async function sign(argv: string[], io: CliIO): Promise<number> {
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

async function install(argv: string[], io: CliIO): Promise<number> {
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

async function list(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, flagSpec(definition, 'list'), 'app list');
  if (positionals.length) throw new UsageError('app list takes no arguments');
  const host = new Host({ home: peerosHome(io.env) });
  try {
    const apps = await host.list();
    if (flags.json) {
      io.out(toJson({ apps }, 2));
      return 0;
    }
    if (!apps.length) {
      io.out('no apps installed (install one with: peeros app install DIR)');
      return 0;
    }
    for (const a of apps) {
      io.out(
        `${terminalText(a.name)} ${terminalText(a.version)} (${a.verified ? `publisher ${a.identity}, verified` : `${terminalText(a.publisher)}, unverified`})${a.description ? ` — ${terminalQuoted(a.description, MAX_DESCRIPTION_CHARS)}` : ''}`,
      );
      io.out(`  commands: ${a.commands.map((c) => terminalText(c)).join(', ')}`);
      io.out(`  capabilities: ${a.capabilities.map((c) => terminalText(c)).join(', ') || '(none)'}`);
      if (a.raisedLimits.length) io.out(`  raised limits: ${a.raisedLimits.map(describeRaisedLimit).join('; ')}`);
    }
    return 0;
  } finally {
    await host.close();
  }
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const { positionals } = parseArgs(argv, flagSpec(definition, 'run'), 'app run');
  if (positionals.length < 2 || positionals.length > 3) throw new UsageError('app run takes APP COMMAND [JSON]');
  const [app, command, json] = positionals as [string, string, string | undefined];
  let args: unknown = {};
  if (json !== undefined) {
    try {
      args = JSON.parse(json);
    } catch (err) {
      throw new UsageError(`the arguments are not valid JSON (${(err as Error).message}); quote them, e.g. '{"a": 1}'`);
    }
  }
  const host = new Host({ home: peerosHome(io.env) });
  try {
    const result = await host.run(app, command, args);
    io.out(toJson(result));
    return 0;
  } catch (err) {
    return fail(io, 'run', err);
  } finally {
    await host.close();
  }
}

/**
 * Revokes the removed app's signing grant in the vault (only the grant of its identity). When the
 * vault cannot be opened now the revocation waits in pending-revocations.json for the next unlock;
 * until then the grant serves nobody else, being bound to that identity.
 */
async function revokeVaultGrant(
  app: string,
  identity: string | undefined,
  flags: Record<string, string | boolean | undefined>,
  io: CliIO,
): Promise<void> {
  const home = peerosHome(io.env);
  const pending = new PendingRevocations(home);
  await pending.add(app, identity);
  if (!existsSync(vaultPaths(home).keystore)) return;
  try {
    await withUnlockedVault(io, flags, {}, async () => undefined); // unlocking flushes the pending revocations
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    io.err(
      `peeros app remove: the vault did not open (${msg}); the signing grant of ${app} there serves no other app (it is bound to the removed app's identity) and is revoked at the next command that unlocks the vault`,
    );
  }
}

async function remove(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, flagSpec(definition, 'remove'), 'app remove');
  if (positionals.length !== 1) throw new UsageError('app remove takes one argument: the app name');
  const home = peerosHome(io.env);
  const host = new Host({ home });
  try {
    const name = positionals[0]!;
    const record = await new AppRegistry(home).record(name);
    const removed = await host.remove(name, { purge: flags.purge === true });
    // only an app granted dmcs.push gets a signing grant in the vault (app install, peeros grant)
    if (removed && record?.grants['dmcs.push']) await revokeVaultGrant(name, record.identity, flags, io);
    if (!removed) {
      if (flags.purge && (await host.purgeData(name))) {
        io.out(`deleted the data ${name} left behind`);
        return 0;
      }
      return fail(io, 'remove', HostError.unknownApp(name));
    }
    io.out(`removed ${name}${flags.purge ? ' and its data' : ' (its data is kept; --purge deletes it)'}`);
    return 0;
  } finally {
    await host.close();
  }
}

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    switch (sub) {
      case 'init':
        return init(rest, io);
      case 'build':
        return build(rest, io);
      case 'dev':
        return dev(rest, io);
      case 'sign':
        return sign(rest, io);
      case 'pack':
        return pack(rest, io);
      case 'publish':
        return publish(rest, io, definition);
      case 'yank':
        return yank(rest, io, definition);
      case 'update':
        return update(rest, io, definition, install);
      case 'install':
        return install(rest, io);
      case 'list':
        return list(rest, io);
      case 'run':
        return run(rest, io);
      case 'remove':
        return remove(rest, io);
      case undefined:
        throw new UsageError('missing subcommand (init, build, dev, sign, pack, publish, yank, install, update, list, run or remove)');
      default:
        throw new UsageError(
          `unknown subcommand '${sub}' (init, build, dev, sign, pack, publish, yank, install, update, list, run or remove)`,
        );
    }
  },
};

export default command;
