/**
 * `--json` output: one JSON document on stdout with stable keys. App text inside it stays a plain
 * JSON string; only characters a terminal would act on (bidi, C1 controls) are written as \u
 * escapes, which decode to the same string. 64-bit integers (bigint) are written as strings, bytes
 * as base64.
 */
import type { CliIO } from './command.js';
import { terminalJson } from '../../lib/terminal-text.js';
import type { FlagDefinition } from './command-definition.js';

export const JSON_FLAG: FlagDefinition = {
  name: 'json',
  type: 'boolean',
  description: 'print one JSON document on stdout instead of text',
};

export function toJson(value: unknown, indent?: number): string {
  return terminalJson(
    JSON.stringify(
      value,
      (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v),
      indent,
    ) ?? 'null',
  );
}

export function printJson(io: CliIO, value: unknown): void {
  io.out(toJson(value, 2));
}
