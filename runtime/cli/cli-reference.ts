/**
 * docs/cli.md, rendered from the command definitions (the same ones `--help` prints) plus the
 * hand-written prose that is not per-flag reference: a preamble and, per command, its details.
 * `scripts/gen-cli-docs.mjs` writes it (`npm run docs:cli`) and checks it (`--check`, run by a test).
 */
import { markdownSection, type CommandDefinition } from './command-definition.js';

export interface CliReferenceProse {
  /** Opens the page (its title included). */
  preamble: string;
  /** Prose appended to a command's section, by command name. */
  details: Record<string, string>;
}

export function cliReference(definitions: CommandDefinition[], prose: CliReferenceProse): string {
  const defs = [...definitions].sort((a, b) => a.name.localeCompare(b.name));
  const out = [prose.preamble.trimEnd(), '', '## Commands', '', '| command | what it does |', '|---|---|'];
  for (const d of defs) out.push(`| [\`${d.name}\`](#peeros-${d.name}) | ${d.summary.replace(/\|/g, '\\|')} |`);
  out.push('');
  for (const d of defs) {
    out.push(markdownSection(d).trimEnd(), '');
    const more = Object.hasOwn(prose.details, d.name) ? prose.details[d.name] : undefined;
    if (more) out.push(more.trimEnd(), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
