/**
 * One definition per `peeros` command — name, summary, usage, flags with their types and
 * descriptions, subcommands — from which the argument parser takes its flags, `--help` its text
 * and `docs/cli.md` its reference (`npm run docs:cli`), so the three cannot drift apart.
 */
/** The parser's table of flags: 'boolean' flags take no value; 'string' flags take the next word or `--flag=value`. */
export interface FlagSpec {
  [flag: string]: 'boolean' | 'string';
}

export interface FlagDefinition {
  /** Without the leading `--`. */
  name: string;
  /** 'boolean' flags take no value; 'string' flags take one. */
  type: 'boolean' | 'string';
  /** What the value is called in usage lines, e.g. `N`, `PATH` (string flags). */
  value?: string;
  /** One paragraph; wrapped when printed. */
  description: string;
}

export interface SubcommandDefinition {
  name: string;
  /** The positional arguments as typed, e.g. `APP COMMAND [JSON]`. */
  args?: string;
  /** One paragraph; wrapped when printed. */
  description: string;
  /** Flags of this subcommand only. */
  flags?: FlagDefinition[];
  /** Takes the command's shared flags too (`CommandDefinition.flags`). */
  sharedFlags?: boolean;
}

export interface CommandDefinition {
  /** The first word after `peeros`, e.g. `app`, `key`, `node`. */
  name: string;
  /** One line for `peeros --help`. */
  summary: string;
  /** Positional arguments of a command without subcommands, e.g. `ACCOUNT`. */
  args?: string;
  /** Usage lines beyond the generated ones (other forms of the same command). */
  usage?: string[];
  /** Text before the lists, kept as written (line breaks included). */
  description?: string;
  subcommands?: SubcommandDefinition[];
  /** The command's flags; with subcommands, the flags shared by those marked `sharedFlags`. */
  flags?: FlagDefinition[];
  /** Heading of the shared flags' list (default `options:`). */
  flagsHeading?: string;
  /** Text after the lists, kept as written. */
  notes?: string;
}

/** Help text is wrapped to this width: readable in an 80-column terminal with some indent. */
const WIDTH = 100;

export function subcommandOf(def: CommandDefinition, name: string | undefined): SubcommandDefinition | undefined {
  return name === undefined ? undefined : def.subcommands?.find((s) => s.name === name);
}

function flagsOf(def: CommandDefinition, sub: SubcommandDefinition | undefined): FlagDefinition[] {
  if (!sub) return def.flags ?? [];
  return [...(sub.flags ?? []), ...(sub.sharedFlags ? (def.flags ?? []) : [])];
}

/** The parser's view of the flags `peeros NAME [SUB]` accepts: exactly those the definition lists. */
export function flagSpec(def: CommandDefinition, sub?: string): FlagSpec {
  const s = subcommandOf(def, sub);
  return Object.fromEntries(flagsOf(def, s).map((f) => [f.name, f.type]));
}

function flagWord(f: FlagDefinition): string {
  return f.type === 'string' ? `--${f.name} ${f.value ?? 'VALUE'}` : `--${f.name}`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

/** `  TERM  description…` with the description wrapped in a column (or below a long term). */
function entries(rows: [string, string][]): string[] {
  const column = Math.min(34, Math.max(...rows.map(([t]) => t.length + 4)));
  const out: string[] = [];
  for (const [term, text] of rows) {
    const body = wrap(text, WIDTH - column);
    const pad = ' '.repeat(column);
    if (term.length + 4 > column) {
      out.push(`  ${term}`);
      for (const l of body) out.push(pad + l);
    } else {
      out.push(`  ${term.padEnd(column - 2)}${body[0]}`);
      for (const l of body.slice(1)) out.push(pad + l);
    }
  }
  return out;
}

/** `install DIR [--replace] [--json]`: the subcommand with its arguments and its own flags. */
function subcommandTerm(sub: SubcommandDefinition): string {
  return [sub.name, sub.args, ...(sub.flags ?? []).map((f) => `[${flagWord(f)}]`)].filter(Boolean).join(' ');
}

function subcommandUsage(def: CommandDefinition, sub: SubcommandDefinition): string {
  const shared = sub.sharedFlags && def.flags?.length ? ' [options]' : '';
  return `peeros ${def.name} ${subcommandTerm(sub)}${shared}`;
}

function commandUsage(def: CommandDefinition): string[] {
  if (def.subcommands?.length) return [`peeros ${def.name} SUBCOMMAND [ARGS] [options]`, ...(def.usage ?? [])];
  const flags = def.flags?.length ? '[options]' : '';
  return [[`peeros ${def.name}`, def.args, flags].filter(Boolean).join(' '), ...(def.usage ?? [])];
}

function usageBlock(lines: string[]): string[] {
  return lines.map((l, i) => `${i === 0 ? 'usage: ' : '       '}${l}`);
}

/** What `peeros NAME --help` and `peeros help NAME` print. */
export function helpText(def: CommandDefinition): string {
  const out = [...usageBlock(commandUsage(def)), ''];
  if (def.description) out.push(def.description, '');
  if (def.subcommands?.length) {
    out.push('subcommands:', ...entries(def.subcommands.map((s) => [subcommandTerm(s), s.description])), '');
    const own = def.subcommands.filter((s) => s.flags?.length);
    for (const s of own) out.push(`options of ${s.name}:`, ...entries(s.flags!.map((f) => [flagWord(f), f.description])), '');
  }
  if (def.flags?.length) out.push(def.flagsHeading ?? 'options:', ...entries(def.flags.map((f) => [flagWord(f), f.description])), '');
  if (def.notes) out.push(def.notes, '');
  return out.join('\n').trimEnd();
}

/** What `peeros NAME SUB --help` and `peeros help NAME SUB` print. */
export function subcommandHelpText(def: CommandDefinition, sub: SubcommandDefinition): string {
  const out = [...usageBlock([subcommandUsage(def, sub)]), '', ...wrap(sub.description, WIDTH), ''];
  const flags = flagsOf(def, sub);
  if (flags.length) out.push('options:', ...entries(flags.map((f) => [flagWord(f), f.description])), '');
  return out.join('\n').trimEnd();
}

/** One command's section of docs/cli.md. */
export function markdownSection(def: CommandDefinition): string {
  const out = [`## \`peeros ${def.name}\``, '', `${def.summary[0]!.toUpperCase()}${def.summary.slice(1)}.`, ''];
  const usage = def.subcommands?.length
    ? [...def.subcommands.map((s) => subcommandUsage(def, s)), ...(def.usage ?? [])]
    : commandUsage(def);
  out.push('```', ...usage, '```', '');
  if (def.description) out.push(def.description, '');
  if (def.subcommands?.length) {
    for (const s of def.subcommands) {
      out.push(`- **${s.name}**${s.args ? ` \`${s.args}\`` : ''}: ${s.description}`);
      for (const f of s.flags ?? []) out.push(`  - \`${flagWord(f)}\`: ${f.description}`);
    }
    out.push('');
  }
  if (def.flags?.length) {
    const heading = (def.flagsHeading ?? 'options:').replace(/:$/, '');
    out.push(`**${heading[0]!.toUpperCase()}${heading.slice(1)}:**`, '');
    for (const f of def.flags) out.push(`- \`${flagWord(f)}\`: ${f.description}`);
    out.push('');
  }
  if (def.notes) out.push(def.notes, '');
  return out.join('\n');
}
