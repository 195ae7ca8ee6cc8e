/** `peeros app run APP COMMAND [JSON]`: one call of an installed app, in its sandbox. */
import type { CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { toJson } from '../json-output.js';
import { peerosHome } from '../../../lib/home.js';
import { Host } from '../../host.js';
import { definition } from '../definitions/app.js';
import { fail } from './app-fail.js';

export async function run(argv: string[], io: CliIO): Promise<number> {
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
