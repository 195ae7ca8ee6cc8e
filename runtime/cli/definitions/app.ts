/** `peeros app`: what it is called, takes and says in `--help` (the command itself: ../commands/app.ts). */
import type { CommandDefinition, SubcommandDefinition } from '../command-definition.js';
import { JSON_FLAG } from '../json-output.js';
import { CONTEXT_FLAGS, STORE_FLAG } from '../shared-flags.js';

const packSubcommand: SubcommandDefinition = {
  name: 'pack',
  args: 'DIR',
  description:
    'write the app in DIR (peeros.json, its built module, icon.png and assets/, and peeros.sig when DIR is signed) as one package file, NAME-VERSION.peeros in the current directory. The file is deterministic (sorted entries, no times or modes): the same folder always packs to the same bytes. A peeros.sig that does not match the files is refused (re-sign first). Format: docs/packages.md',
  flags: [{ name: 'out', type: 'string', value: 'FILE', description: 'write the package to FILE instead (also -o FILE)' }],
};

const publishSubcommand: SubcommandDefinition = {
  name: 'publish',
  args: 'FILE',
  description:
    "record the package FILE.peeros in the dAppStore registry as ACCOUNT (its active authority signs, in the vault): app, version, package hash, size, capabilities hash and where hosts fetch it (--location; default FILE's absolute path). The first publish of an app name claims it for ACCOUNT; a version is published once. Hosts then install it with 'peeros app install APP[@VERSION]'",
  flags: [
    { name: 'account', type: 'string', value: 'ACCOUNT', description: 'the publisher account (required)' },
    {
      name: 'location',
      type: 'string',
      value: 'URL|PATH',
      description: "where hosts fetch the file: an http(s) URL or a path (default: FILE's absolute path)",
    },
    STORE_FLAG,
  ],
  sharedFlags: true,
};

const yankSubcommand: SubcommandDefinition = {
  name: 'yank',
  args: 'APP@VERSION',
  description:
    "mark the release APP@VERSION in the dAppStore as yanked, as its publisher ACCOUNT (signed in the vault): hosts refuse to install it from then on, and 'app update' skips it. Installed copies stay installed",
  flags: [{ name: 'account', type: 'string', value: 'ACCOUNT', description: 'the publisher account (required)' }, STORE_FLAG],
  sharedFlags: true,
};

const updateSubcommand: SubcommandDefinition = {
  name: 'update',
  args: '[APP]',
  description:
    "install the newest release of APP (default: every installed app) from the dAppStore when it is newer than the installed one, each through app install APP@VERSION (hash checked, capability changes shown, consent asked; --yes grants from scripts); a newest release of the installed version's precedence that is another release (1.0.0+b over 1.0.0+a) is refused as app install refuses it, and the exit code is 1",
  flags: [STORE_FLAG],
  sharedFlags: true,
};

const INSTALL_JSON_KEYS =
  '{"name","version","identity","verified","packageHash","previousIdentity","memoryClamped","capabilities","signingGrant"}';

export const definition: CommandDefinition = {
  name: 'app',
  summary: 'build, install, list, run and remove sandboxed apps',
  subcommands: [
    {
      name: 'init',
      args: 'NAME',
      description:
        'create a new app folder NAME (or --dir) from a template: peeros.json, assembly/index.ts importing the SDK by package path ("peeros/sdk-as/app"), an editor tsconfig.json, a package.json (npm run build|dev|test) and a test that builds, installs and runs it',
      flags: [
        {
          name: 'template',
          type: 'string',
          value: 'T',
          description: 'counter (default), todo or token-app (transfers on a token contract)',
        },
        { name: 'dir', type: 'string', value: 'DIR', description: 'the folder to create (default: ./NAME); must not exist or be empty' },
        { name: 'publisher', type: 'string', value: 'ACCOUNT', description: "the manifest's publisher account (default dev)" },
        { name: 'contract', type: 'string', value: 'ACCOUNT', description: 'token-app: the token contract (default eosio.token)' },
      ],
    },
    {
      name: 'build',
      args: 'DIR',
      description:
        'compile the AssemblyScript app in DIR (its peeros.json "source") into its "entry" module; prints the path, size and sha256. The host sets every compiler option (DIR\'s asconfig.json is ignored) and reads only regular .ts files inside DIR and the SDK (imported by package path, "peeros/sdk-as/app", it is always the SDK of this peeros). The app\'s @command functions become its command table, stored in the module (peeros.json then lists no commands). Warns when the module imports an ISA function whose capability peeros.json does not ask for (the install would refuse it)',
      flags: [
        {
          name: 'print-commands',
          type: 'boolean',
          description: 'also print the command table generated from the @command functions (name, arguments, description)',
        },
        { name: 'watch', type: 'boolean', description: 'rebuild whenever a .ts file or peeros.json in DIR changes, until Ctrl-C' },
      ],
    },
    {
      name: 'dev',
      args: 'DIR',
      description:
        'the edit loop: build DIR, install it (granting what it asks, replacing the installed copy whatever its version, as install --any-version, and keeping its data), run --run COMMAND, and again on every change of a .ts file or peeros.json, until Ctrl-C. For apps on your own machine only: it grants without asking',
      flags: [
        { name: 'run', type: 'string', value: 'COMMAND', description: 'the command to run after each install (default: none)' },
        { name: 'args', type: 'string', value: 'JSON', description: 'its JSON arguments (default {})' },
      ],
    },
    {
      name: 'sign',
      args: 'DIR',
      description:
        "sign DIR's package (manifest, module, icon.png and assets/) as its publisher with a vault key (default: the vault's only key); writes DIR/peeros.sig. The key becomes the app's identity: installs show it as verified",
      flags: [{ name: 'key', type: 'string', value: 'PUB', description: "the publisher key (default: the vault's only key)" }],
      sharedFlags: true,
    },
    packSubcommand,
    publishSubcommand,
    yankSubcommand,
    {
      name: 'install',
      args: 'DIR|FILE.peeros|APP[@VERSION]',
      description:
        'install an app from its folder DIR, a package file FILE.peeros (verified whole before anything is written: layout, paths, sizes, checksum, hash and signature; docs/packages.md), or the dAppStore: APP[@VERSION] (when no folder of that name is here) installs the newest release (or VERSION) after checking the fetched file against the registry\'s package hash; yanked releases, downgrades and another release of the installed version\'s precedence (1.0.0+b over 1.0.0+a: build metadata does not order releases) are refused, what changed in capabilities and limits since the installed version is shown, and a stale DMCS view is warned about. Show the capabilities (and their scopes) the app requests, the resources it asks for beyond the defaults (CPU, memory, data per host call, nesting depth) and its publisher (the key that signed it, verified, or "unverified"), and install it if you grant them. --yes grants them without asking (for scripts); without a terminal and without --yes nothing is installed. A package whose peeros.sig does not match is refused (SIGNATURE_INVALID). An app of another identity never takes over an installed app (or its data) of the same name: INSTALL_CONFLICT, even with --yes; remove the old one first. A folder or package file replaces the installed app only with a higher version or the very same package (the rule of store installs): an older version, or another package of the installed version, is VERSION_REFUSED unless --any-version. Replacing an UNVERIFIED app (unsigned) needs --replace. An app asking for dmcs.push also gets its signing grant installed in the vault (which then refuses anything outside it); that needs the vault passphrase and a DMCS, see the options below',
      flags: [
        { name: 'replace', type: 'boolean', description: 'replace an installed UNVERIFIED app of the same name' },
        {
          name: 'any-version',
          type: 'boolean',
          description:
            'for developers: let a folder or package file replace the installed app even when it is older (a downgrade) or another package of the same version (a rebuild); without it both are VERSION_REFUSED. The consent says which it is. `app dev` passes it; not for store installs',
        },
        STORE_FLAG,
        {
          ...JSON_FLAG,
          description: `print ${INSTALL_JSON_KEYS} as JSON; the consent goes to stderr. "signingGrant" is null (no dmcs.push), {"installed":true,"contracts"} or {"installed":false,"error"}`,
        },
      ],
      sharedFlags: true,
    },
    updateSubcommand,
    {
      name: 'list',
      description: 'installed apps: name, version, identity (verified publisher key or unverified), capabilities, commands, raised limits',
      flags: [{ ...JSON_FLAG, description: 'print {"apps":[…]} as JSON' }],
    },
    {
      name: 'remove',
      args: 'APP',
      description:
        "uninstall APP and revoke its grants: the session grant at once, the vault's signing grant now if the vault opens (passphrase as below), else at the next command that unlocks it",
      flags: [{ name: 'purge', type: 'boolean', description: 'also delete its data ($PEEROS_HOME/data/APP)' }],
      sharedFlags: true,
    },
    {
      name: 'run',
      args: 'APP COMMAND [JSON]',
      description:
        'run COMMAND of APP with JSON arguments (default {}); prints the JSON result. An app error or a sandbox failure prints one line on stderr with its code (e.g. APP_ERROR, DEADLINE_EXCEEDED) and exits 1',
    },
  ],
  flags: CONTEXT_FLAGS,
  flagsHeading: 'options of install, sign, publish, update and remove:',
  notes: `Apps are installed into $PEEROS_HOME/apps/NAME (their data: $PEEROS_HOME/data/NAME).
Set PEEROS_LOG=trace|debug|info|warn|error to choose which app log messages are shown (stderr).
Text an app or its manifest chose (descriptions, log lines, error messages, results) is printed
with control, bidi and invisible characters escaped (\\x1b, \\n, \\u202e); the host's own consent
lines start with 'peeros:' and app text inside them is quoted.`,
};
