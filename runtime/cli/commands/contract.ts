/**
 * `peeros contract init|build`: an AssemblyScript contract project, as `cdt-init` and `cdt-cpp`
 * are for C++ ones. `init` scaffolds a project whose contract is written with the contract SDK's
 * decorators; `build` compiles a contract folder (entry `index.ts`, or a project's
 * `contract/index.ts`) into `build/NAME.wasm` and the ABI generated from its declarations,
 * `build/NAME.abi`, which `peeros set contract ACCOUNT DIR` deploys. The folder is compiled like an
 * app: the host's options and the SDK's own transform, in a worker that reads only .ts files inside
 * it and the SDK (runtime/contract-compiler.ts). Typed failures print one line on stderr with their
 * code and exit 1; usage mistakes exit 2.
 */
import { join, resolve } from 'node:path';
import type { CliCommand, CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { accountNameArg } from '../arg-checks.js';
import { scaffold, templatesDir } from '../scaffold.js';
import { terminalJson } from '../../../lib/terminal-text.js';
import { loopOnChanges } from '../watch-folder.js';
import { definition } from '../definitions/contract.js';

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

/** Builds once; prints what the build printed and says whether it worked (for the watch loop). */
async function buildOnce(dir: string, name: string | undefined, printAbi: boolean, io: CliIO): Promise<boolean> {
  const { buildContract } = await import('../../contract-compiler.js');
  const { AppBuildError } = await import('../../app-build-error.js');
  io.err(`building contract ${dir} …`);
  try {
    const r = await buildContract(dir, name);
    const built = `built ${r.wasmPath} (${r.bytes} bytes) and its ABI ${r.abiPath}`;
    // with --print-abi stdout is the ABI alone (for pipes), the paths go to stderr
    if (printAbi) {
      io.out(terminalJson(JSON.stringify(r.abi, null, 2)));
      io.err(built);
    } else io.out(built);
    return true;
  } catch (err) {
    if (err instanceof AppBuildError) {
      io.err(`peeros contract build: ${err.code}: ${err.message}`);
      return false;
    }
    throw err;
  }
}

async function build(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, flagSpec(definition, 'build'), 'contract build');
  if (positionals.length !== 1) throw new UsageError('contract build takes one argument: the contract directory');
  const dir = positionals[0]!;
  const name = typeof flags.name === 'string' ? flags.name : undefined;
  const printAbi = flags['print-abi'] === true;
  if (flags.watch) return loopOnChanges(resolve(dir), io, () => buildOnce(dir, name, printAbi, io));
  return (await buildOnce(dir, name, printAbi, io)) ? 0 : 1;
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
      case undefined:
        throw new UsageError('missing subcommand (init or build)');
      default:
        throw new UsageError(`unknown subcommand '${sub}' (init or build)`);
    }
  },
};

export default command;
