/**
 * The block signing keys of a node's `--producer NAME`s: `<data>/producers/NAME.key` (WIF-style
 * `PVT_K1_…`, mode 600), generated on the first start with that name. Which slots a node produces
 * in follows from the active schedule naming these keys (block/block-header-state.ts), not from the
 * names alone: a producer whose key is not scheduled makes no blocks.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Name, PrivateKey } from '../../abi/antelope/index.js';
import { writeFileAtomic } from '../../lib/atomic-file.js';

export const PRODUCERS_FOLDER = 'producers';

export async function loadProducerKeys(dataDir: string, names: readonly string[]): Promise<Map<string, PrivateKey>> {
  const keys = new Map<string, PrivateKey>();
  if (names.length === 0) return keys;
  const dir = join(dataDir, PRODUCERS_FOLDER);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const raw of names) {
    const name = Name.from(raw).toString(); // refuses what is not an account name before it reaches a path
    if (name !== raw) throw new Error(`--producer ${JSON.stringify(raw)}: not an account name (it reads as ${name})`);
    const path = join(dir, `${name}.key`);
    let key: PrivateKey;
    if (existsSync(path)) key = PrivateKey.from(readFileSync(path, 'utf8').trim());
    else {
      key = PrivateKey.generate();
      await writeFileAtomic(path, `${key.toString()}\n`, 0o600);
    }
    keys.set(name, key);
  }
  return keys;
}
