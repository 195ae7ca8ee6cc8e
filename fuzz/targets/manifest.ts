/**
 * Target `manifest`: an app's `peeros.json` as `readManifest` reads it — strict UTF-8 text,
 * JSON.parse, validateManifest. Generators: the stock apps' manifests mutated as JSON (wrong types,
 * extreme numbers, long strings, prototype keys, deep nesting, large arrays) and as bytes.
 * Oracles: a refusal is HostError MANIFEST_INVALID (a JSON syntax error stands for readManifest's);
 * an accepted manifest validates again to the same value (validation is idempotent).
 */
import { HostError } from '../../runtime/errors.js';
import { validateManifest } from '../../runtime/manifest.js';
import { jsonBytes, mutateJson } from '../json-mutate.js';
import { mutate } from '../mutate.js';
import { stockManifests } from '../seeds.js';
import { oracle, sameValue, type FuzzTarget } from '../target.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export const manifest: FuzzTarget = {
  name: 'manifest',
  about: 'runtime/manifest validateManifest on JSON text (the stock apps mutated)',
  maxInputMs: 1000,
  smokeInputs: 3000,
  async open() {
    const docs = stockManifests().map((t) => JSON.parse(t) as unknown);
    const bytes = docs.map((d) => jsonBytes(d));
    return {
      generate: (r) => (r.int(3) === 0 ? mutate(r, bytes) : jsonBytes(mutateJson(r, r.pick(docs)))),
      run(input) {
        let json: unknown;
        try { json = JSON.parse(utf8.decode(input)); } catch { return false; } // readManifest: MANIFEST_INVALID
        let m: unknown;
        try { m = validateManifest(json); } catch (e) {
          if (e instanceof HostError && e.code === 'MANIFEST_INVALID') return false;
          throw e;
        }
        const again = validateManifest(JSON.parse(JSON.stringify(m)));
        oracle(sameValue(JSON.parse(JSON.stringify(again)), JSON.parse(JSON.stringify(m))), 'manifest: validating an accepted manifest again changes it');
        return true;
      },
    };
  },
};
