/**
 * `peeros logout`: ends the session (removes $PEEROS_HOME/session.json).
 */
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';
import { flagSpec } from '../command-definition.js';
import { parseArgs } from '../args.js';
import { peerosHome } from '../../../lib/home.js';
import { clearSession, readSession } from '../../session/session-file.js';
import { definition } from '../definitions/logout.js';

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const { positionals } = parseArgs(argv, flagSpec(definition), 'logout');
    if (positionals.length) throw new UsageError('logout takes no arguments');
    const home = peerosHome(io.env);
    let who: string | undefined;
    try {
      who = readSession(home)?.account;
    } catch {
      who = undefined;
    }
    if (!clearSession(home)) {
      io.out('nobody was logged in');
      return 0;
    }
    io.out(`logged out${who ? ` (was ${who})` : ''}`);
    return 0;
  },
};

export default command;
