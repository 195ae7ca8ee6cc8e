/**
 * An app's command table (`{name: {description, args?}}`), generated at build from its `@command`
 * functions (sdk-as/transform) and carried inside the module as the custom section
 * `peeros:commands` (UTF-8 JSON). The module is what the package hash and the install record
 * cover, so the table cannot drift from the code it describes; `peeros.json` then states only
 * capabilities and limits. An app built without the transform declares `commands` in `peeros.json`.
 */
import { HostError } from './errors.js';
import type { Manifest } from './manifest.js';
import { validateCommands } from './manifest.js';
import { wasmCustomSection, withSectionAppended } from './sandbox/wasm-encode.js';

export const COMMANDS_SECTION = 'peeros:commands';
/** Largest command table read from a module: 64 KiB, like a whole peeros.json (MAX_MANIFEST_BYTES). */
export const MAX_COMMANDS_SECTION_BYTES = 64 * 1024;

const utf8 = new TextEncoder();

/** `wasm` with the command table appended as a custom section. */
export function appendCommandsSection(wasm: Uint8Array, commands: Record<string, unknown>): Uint8Array {
  return withSectionAppended(wasm, wasmCustomSection(COMMANDS_SECTION, utf8.encode(JSON.stringify(commands))));
}

function readLeb(b: Uint8Array, pos: number): [number, number] {
  let result = 0;
  for (let shift = 0; shift <= 28; shift += 7) {
    if (pos >= b.length) break;
    const byte = b[pos++]!;
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [result, pos];
  }
  throw new HostError('INVALID_MODULE', 'malformed wasm: a section length runs past the end');
}

/** The parsed command table of a module, or undefined when it has none. */
export function readCommandsSection(wasm: Uint8Array): unknown {
  if (wasm.length < 8) return undefined;
  let pos = 8;
  while (pos < wasm.length) {
    const id = wasm[pos++]!;
    const [size, body] = readLeb(wasm, pos);
    const end = body + size;
    if (end > wasm.length) throw new HostError('INVALID_MODULE', 'malformed wasm: a section runs past the end');
    if (id === 0) {
      const [len, at] = readLeb(wasm, body);
      if (at + len > end) throw new HostError('INVALID_MODULE', 'malformed wasm: a custom section name runs past its section');
      const name = new TextDecoder().decode(wasm.subarray(at, at + len));
      if (name === COMMANDS_SECTION) {
        if (end - (at + len) > MAX_COMMANDS_SECTION_BYTES)
          throw new HostError('LIMIT_EXCEEDED', `the module's command table exceeds ${MAX_COMMANDS_SECTION_BYTES} bytes`);
        try {
          return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(wasm.subarray(at + len, end)));
        } catch {
          throw new HostError('INVALID_MODULE', `the module's ${COMMANDS_SECTION} section is not JSON`);
        }
      }
    }
    pos = end;
  }
  return undefined;
}

/**
 * The manifest with its commands: from the module's table when it has one, else from peeros.json;
 * MANIFEST_INVALID when neither has any, or when both do and differ (one source: an installed
 * manifest carries the module's table, a source folder's peeros.json need not repeat it).
 */
export function withModuleCommands(manifest: Manifest, wasm: Uint8Array, source = 'peeros.json'): Manifest {
  const table = readCommandsSection(wasm);
  const declared = Object.keys(manifest.commands).length > 0;
  if (table === undefined) {
    if (!declared)
      throw new HostError(
        'MANIFEST_INVALID',
        `${source} is invalid: commands: expected @command functions in the app or an object with at least one command`,
      );
    return manifest;
  }
  const commands = validateCommands(table, `the module's ${COMMANDS_SECTION}`);
  if (declared && JSON.stringify(manifest.commands) !== JSON.stringify(commands))
    throw new HostError(
      'MANIFEST_INVALID',
      `${source} is invalid: commands: they differ from the module's @command table; remove "commands" from ${source}`,
    );
  return { ...manifest, commands };
}
