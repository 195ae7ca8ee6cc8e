/**
 * `peeros contract …`: build an AssemblyScript contract written with the contract SDK's decorators
 * into its module and its generated ABI. Typed failures print one line on stderr with their code and
 * exit 1; usage mistakes exit 2.
 */
import type { CliCommand, CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec, type CommandDefinition } from '../command-definition.js';
import { terminalJson } from '../../../lib/terminal-text.js';

const definition: CommandDefinition = {
  name: 'contract',
  summary: 'build AssemblyScript contracts and print their generated ABI',
  subcommands: [
    {
      name: 'build',
      args: 'DIR',
      description:
        "compile the contract in DIR (entry index.ts, a @contract class with @action methods and @table classes) into DIR/build/NAME.wasm and the ABI generated from its declarations, DIR/build/NAME.abi (eosio::abi/1.2); prints both paths. Compiled like an app: the host's options and the SDK's own transform, in a worker that reads only .ts files inside DIR and the SDK",
      flags: [
        { name: 'name', type: 'string', value: 'NAME', description: "the output files' name (default: DIR's name)" },
        { name: 'print-abi', type: 'boolean', description: 'also print the generated ABI (JSON) on stdout' },
      ],
    },
  ],
};

async function build(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, flagSpec(definition, 'build'), 'contract build');
  if (positionals.length !== 1) throw new UsageError('contract build takes one argument: the contract directory');
  const { buildContract } = await import('../../contract-compiler.js');
  const { AppBuildError } = await import('../../app-build-error.js');
  io.err(`building contract ${positionals[0]} …`);
  try {
    const r = await buildContract(positionals[0]!, typeof flags.name === 'string' ? flags.name : undefined);
    const built = `built ${r.wasmPath} (${r.bytes} bytes) and its ABI ${r.abiPath}`;
    // with --print-abi stdout is the ABI alone (for pipes), the paths go to stderr
    if (flags['print-abi']) {
      io.out(terminalJson(JSON.stringify(r.abi, null, 2)));
      io.err(built);
    } else io.out(built);
    return 0;
  } catch (err) {
    if (err instanceof AppBuildError) {
      io.err(`peeros contract build: ${err.code}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    switch (sub) {
      case 'build':
        return build(rest, io);
      case undefined:
        throw new UsageError('missing subcommand (build)');
      default:
        throw new UsageError(`unknown subcommand '${sub}' (build)`);
    }
  },
};

export default command;
