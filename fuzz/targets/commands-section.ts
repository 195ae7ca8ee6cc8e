/**
 * Target `commands-section`: an app module's command table, the custom section `peeros:commands`
 * (runtime/app-commands.ts: section walk, size cap, JSON, validateCommands) read when an app is
 * installed or loaded. Generators: small modules carrying the stock apps' tables mutated as JSON,
 * and whole modules mutated as bytes (section lengths at their extremes, truncation). Oracles: a
 * refusal is HostError MANIFEST_INVALID, INVALID_MODULE or LIMIT_EXCEEDED; an accepted table, written
 * into a fresh module, reads back to the same value.
 */
import { HostError } from '../../runtime/errors.js';
import { COMMANDS_SECTION, appendCommandsSection, readCommandsSection, withModuleCommands } from '../../runtime/app-commands.js';
import { wasmCustomSection, withSectionAppended } from '../../runtime/sandbox/wasm-encode.js';
import { validateManifest } from '../../runtime/manifest.js';
import { jsonBytes, mutateJson } from '../json-mutate.js';
import { mutate } from '../mutate.js';
import { oracle, sameValue, type FuzzTarget } from '../target.js';

/** The smallest module: magic and version, no sections. */
const EMPTY_MODULE = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
const SEEDS: Record<string, unknown>[] = [
  { eval: { description: 'evaluates an expression', args: '{expr: string}' }, add: { description: 'a + b', args: '{a: any, b: any}' } },
  {
    whoami: { description: 'the account' },
    transfer: { description: 'sends tokens', args: '{to: string, quantity: string, memo?: string}' },
  },
];
const MANIFEST = validateManifest({ name: 'fuzz', version: '0.1.0', publisher: 'peeros', entry: 'build/fuzz.wasm', capabilities: {} });
const REFUSALS = new Set(['MANIFEST_INVALID', 'INVALID_MODULE', 'LIMIT_EXCEEDED']);

export const commandsSection: FuzzTarget = {
  name: 'commands-section',
  about: "runtime/app-commands readCommandsSection + withModuleCommands of a module's peeros:commands section",
  maxInputMs: 1000,
  smokeInputs: 1500,
  async open() {
    const modules = SEEDS.map((t) => appendCommandsSection(EMPTY_MODULE, t));
    return {
      generate: (r) => {
        if (r.int(3) === 0) return mutate(r, modules);
        const table = mutateJson(r, r.pick(SEEDS));
        // any JSON value goes in as the section's text (not only objects): the reader must refuse the rest
        const json = jsonBytes(table);
        return withSectionAppended(EMPTY_MODULE, wasmCustomSection(COMMANDS_SECTION, json));
      },
      run(input) {
        let commands: unknown;
        try {
          commands = withModuleCommands(MANIFEST, input).commands;
        } catch (e) {
          if (e instanceof HostError && REFUSALS.has(e.code)) return false;
          throw e;
        }
        const again = readCommandsSection(appendCommandsSection(EMPTY_MODULE, commands as Record<string, unknown>));
        oracle(sameValue(again, JSON.parse(JSON.stringify(commands))), 'commands-section: an accepted table does not read back the same');
        return true;
      },
    };
  },
};
