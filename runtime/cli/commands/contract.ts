/**
 * `peeros contract init|build`: an AssemblyScript contract project, as `cdt-init` and `cdt-cpp`
 * are for C++ ones. The build is the contract SDK's own (sdk-as/contract/tools/compile-contract.mjs,
 * the one that builds the stock contracts), loaded from the package at run time; it writes
 * `build/NAME.wasm` and `build/NAME.abi`, which `peeros set contract ACCOUNT DIR` deploys.
 * Unlike `peeros app build` this compiles code you wrote and trust, on your own machine: the
 * compiler runs in this process with asc's usual options (your asconfig.json is not read either).
 */
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliCommand, CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec, type CommandDefinition } from '../command-definition.js';
import { accountNameArg } from '../arg-checks.js';
import { scaffold, templatesDir } from '../scaffold.js';
import { terminalText } from '../../../lib/terminal-text.js';
import { isProjectSource, untilInterrupted, watchFolder } from '../watch-folder.js';

const definition: CommandDefinition = {
  name: 'contract',
  summary: 'create and build AssemblyScript contracts',
  subcommands: [
    {
      name: 'init',
      args: 'NAME',
      description:
        'create a contract project NAME (or --dir): contract/index.ts importing the contract SDK by package path ("peeros/sdk-as/contract"), contract/abi.json (the ABI description), an editor tsconfig.json, a package.json (npm run build|test) and a test. NAME is an Antelope account name: the account you will deploy it to',
      flags: [
        { name: 'dir', type: 'string', value: 'DIR', description: 'the folder to create (default: ./NAME); must not exist or be empty' },
      ],
    },
    {
      name: 'build',
      args: 'DIR',
      description:
        "compile DIR/contract/index.ts to DIR/build/NAME.wasm and DIR/contract/abi.json to DIR/build/NAME.abi (NAME: DIR's folder name, or --name); fails when an action is dispatched but not in abi.json or the other way round",
      flags: [
        { name: 'name', type: 'string', value: 'NAME', description: "the output files' name (default: DIR's folder name)" },
        { name: 'watch', type: 'boolean', description: 'rebuild whenever a .ts file or abi.json in DIR changes, until Ctrl-C' },
      ],
    },
  ],
};

interface ContractCompiler {
  compileContract(o: { root: string; dir: string; name: string; outDir: string }): Promise<{ wasm: string; abi: string }>;
}

/** The contract SDK's compiler, from the package (dist/runtime/cli/commands → ../../../../sdk-as). */
async function contractCompiler(): Promise<ContractCompiler> {
  const fromDist = new URL('../../../../sdk-as/contract/tools/compile-contract.mjs', import.meta.url);
  const url = existsSync(fileURLToPath(fromDist))
    ? fromDist
    : new URL('../../../sdk-as/contract/tools/compile-contract.mjs', import.meta.url);
  return (await import(url.href)) as ContractCompiler;
}

async function init(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, flagSpec(definition, 'init'), 'contract init');
  if (positionals.length !== 1) throw new UsageError('contract init takes one argument: the contract (account) name');
  const name = accountNameArg(positionals[0]!, 'NAME');
  const dir = typeof flags.dir === 'string' ? flags.dir : name;
  const files = await scaffold([join(templatesDir(), 'contract')], dir, { NAME: name });
  io.out(`created ${dir}/ from the contract template: ${files.join(', ')}`);
  io.out(`next: peeros contract build ${dir} && peeros set contract ${name} ${dir}`);
  return 0;
}

async function buildOnce(root: string, name: string, io: CliIO): Promise<boolean> {
  io.err(`building contract ${name} in ${root} …`);
  try {
    const { compileContract } = await contractCompiler();
    const out = await compileContract({ root, dir: join(root, 'contract'), name, outDir: join(root, 'build') });
    io.out(`built ${out.wasm} and ${out.abi}`);
    return true;
  } catch (err) {
    io.err(`peeros contract build: ${terminalText(err instanceof Error ? err.message : String(err))}`);
    return false;
  }
}

async function build(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, flagSpec(definition, 'build'), 'contract build');
  if (positionals.length !== 1) throw new UsageError('contract build takes one argument: the project directory');
  const root = resolve(positionals[0]!);
  if (!existsSync(join(root, 'contract/index.ts')))
    throw new UsageError(`${positionals[0]} has no contract/index.ts (create a project with 'peeros contract init NAME')`);
  const name = typeof flags.name === 'string' ? flags.name : basename(root);
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw new UsageError(`--name '${name}' is not a plain file name`);
  const ok = await buildOnce(root, name, io);
  if (!flags.watch) return ok ? 0 : 1;
  const w = watchFolder(root, isProjectSource, async () => {
    await buildOnce(root, name, io);
  });
  io.err(`watching ${positionals[0]} for changes (Ctrl-C stops)`);
  await untilInterrupted();
  w.close();
  return 0;
}

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'init') return init(rest, io);
    if (sub === 'build') return build(rest, io);
    throw new UsageError(sub === undefined ? 'missing subcommand (init or build)' : `unknown subcommand '${sub}' (init or build)`);
  },
};

export default command;
