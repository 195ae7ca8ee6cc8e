/** `peeros app init NAME`: a new app folder from one of the templates. */
import { join } from 'node:path';
import type { CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { APP_NAME, RESERVED_APP_NAMES } from '../../manifest.js';
import { accountNameArg } from '../arg-checks.js';
import { scaffold, templatesDir } from '../scaffold.js';
import { definition } from '../definitions/app.js';

const APP_TEMPLATES = ['counter', 'todo', 'token-app'];

export async function init(argv: string[], io: CliIO): Promise<number> {
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
