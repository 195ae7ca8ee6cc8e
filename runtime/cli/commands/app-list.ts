/**
 * `peeros app list`: the installed apps, read from the app registry alone (what `Host.list` returns),
 * so listing starts no worker pool and loads no sandbox, vault or node code.
 */
import type { CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { toJson } from '../json-output.js';
import { peerosHome } from '../../../lib/home.js';
import { AppRegistry } from '../../app-registry.js';
import { describeRaisedLimit } from '../../limit-request.js';
import { terminalText, terminalQuoted } from '../../../lib/terminal-text.js';
import { MAX_DESCRIPTION_CHARS } from '../../store/install-consent.js';
import { definition } from '../definitions/app.js';

export async function list(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, flagSpec(definition, 'list'), 'app list');
  if (positionals.length) throw new UsageError('app list takes no arguments');
  const apps = await new AppRegistry(peerosHome(io.env)).list();
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
}
