/**
 * `peeros convert pack_action_data|unpack_action_data`: cleos's converters between an action's
 * JSON and its serialized bytes (hex), with the contract's ABI from the chain or --abi FILE.
 */
import type { CliCommand, CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { accountNameArg } from '../arg-checks.js';
import { printJson } from '../json-output.js';
import { bytesToHex, hexToBytes } from '../../../abi/antelope/index.js';
import { serializerFor } from '../action-summary.js';
import { definition } from '../definitions/convert.js';

async function convert(sub: 'pack_action_data' | 'unpack_action_data', argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals: p } = parseArgs(argv, flagSpec(definition, sub), `convert ${sub}`);
  if (p.length !== 3) throw new UsageError(`convert ${sub} takes CONTRACT ACTION ${sub === 'pack_action_data' ? 'JSON' : 'HEX'}`);
  const [contract, action, value] = p as [string, string, string];
  const s = await serializerFor(io, flags, accountNameArg(contract, 'CONTRACT'));
  accountNameArg(action, 'ACTION');
  try {
    if (sub === 'pack_action_data') io.out(bytesToHex(s.encodeAction(action, JSON.parse(value))));
    else printJson(io, s.decodeAction(action, hexToBytes(value.trim(), 'HEX')));
  } catch (err) {
    throw new UsageError(`${contract}::${action}: ${(err as Error).message}`);
  }
  return 0;
}

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'pack_action_data' || sub === 'unpack_action_data') return convert(sub, rest, io);
    throw new UsageError(
      sub === undefined
        ? 'missing subcommand (pack_action_data or unpack_action_data)'
        : `unknown subcommand '${sub}' (pack_action_data or unpack_action_data)`,
    );
  },
};

export default command;
