/**
 * Target `manifest`: an app's `peeros.json` read by `readManifest` from a real file (the text,
 * the nesting bound, JSON.parse, validateManifest). Generators: the stock apps' manifests mutated as JSON (wrong types,
 * extreme numbers, long strings, prototype keys, deep nesting, large arrays) and as bytes.
 * Oracles: a refusal is HostError MANIFEST_INVALID (a JSON syntax error stands for readManifest's),
 * or LIMIT_EXCEEDED for a file over the manifest size cap (MAX_MANIFEST_BYTES, checked before reading);
 * an accepted manifest can be written back (install does JSON.stringify) and validates again to the
 * same value (validation is idempotent).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostError } from '../../runtime/errors.js';
import { readManifest, validateManifest } from '../../runtime/manifest.js';
import { jsonBytes, mutateJson } from '../json-mutate.js';
import { mutate } from '../mutate.js';
import { stockManifests } from '../seeds.js';
import { oracle, sameValue, type FuzzTarget } from '../target.js';

export const manifest: FuzzTarget = {
  name: 'manifest',
  about: 'runtime/manifest readManifest (nesting bound, JSON, validateManifest) of a real peeros.json file',
  maxInputMs: 1000,
  smokeInputs: 1500,
  async open() {
    const docs = stockManifests().map((t) => JSON.parse(t) as unknown);
    const bytes = docs.map((d) => jsonBytes(d));
    const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'peeros-fuzz-manifest-')); // memory-backed when there is one
    return {
      generate: (r) => (r.int(3) === 0 ? mutate(r, bytes) : jsonBytes(mutateJson(r, r.pick(docs)))),
      async run(input) {
        writeFileSync(join(dir, 'peeros.json'), input);
        let m: unknown;
        try {
          m = await readManifest(dir);
        } catch (e) {
          if (e instanceof HostError && (e.code === 'MANIFEST_INVALID' || e.code === 'LIMIT_EXCEEDED')) return false;
          throw e;
        }
        const again = validateManifest(JSON.parse(JSON.stringify(m)));
        oracle(
          sameValue(JSON.parse(JSON.stringify(again)), JSON.parse(JSON.stringify(m))),
          'manifest: validating an accepted manifest again changes it',
        );
        return true;
      },
      async close() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};
