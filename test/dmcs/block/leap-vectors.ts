// Loads a JSON vector file from test/vectors/leap/ (data taken from Leap's own repository; the
// sources stay out of dist/, so resolve from the compiled file's location back to the repository).
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const candidates = [join(here, '../../../../test/vectors/leap'), join(process.cwd(), 'test/vectors/leap')];
const dir = candidates.find((d) => existsSync(d)) ?? candidates[0]!;

export function leapVectors<T = any>(name: string): T {
  return JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;
}

export interface LeapBlockLogs {
  source: string;
  logs: Array<{
    file: string;
    genesis: { initial_timestamp: string; initial_key: string; initial_configuration: Record<string, number> };
    blocks: string[];
  }>;
}
