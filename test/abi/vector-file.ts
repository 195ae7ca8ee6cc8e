// Loads a JSON vector file from test/vectors/antelope/ (the sources stay out of dist/, so resolve
// from the compiled file's location back to the repository).
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const candidates = [
  join(here, '../../../test/vectors/antelope'),
  join(here, '../vectors/antelope'),
  join(process.cwd(), 'test/vectors/antelope'),
];
const dir = candidates.find((d) => existsSync(d)) ?? candidates[0]!;

export function vectors<T = any>(name: string): T {
  return JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;
}
